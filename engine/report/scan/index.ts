// report/scan/: the scan report renderers — text (terminal), json, ndjson, markdown and a self-contained HTML page — in one SCAN_FORMATS registry.
import type { ScanReport } from '../../scanner/index.js';
import { formatScanHtml } from './html.js';
import { formatScanJson } from './json.js';
import { jsonDocumentChunks } from '../json-chunks.js';
import { formatScanMarkdown } from './markdown.js';
import { scanNdjsonChunks } from './ndjson.js';
import { formatScanText } from './text.js';

export { formatScanHtml, escapeHtml } from './html.js';
export { formatScanJson } from './json.js';
export { formatScanMarkdown } from './markdown.js';
export { scanMachineLine, scanNdjsonChunks, scanTrailerLine } from './ndjson.js';
export { formatScanText, type ScanTextOptions } from './text.js';

export interface ScanFormatOptions {
  /** ANSI colour (text only). */
  color?: boolean;
}

export interface ScanFormat {
  name: 'text' | 'json' | 'ndjson' | 'markdown' | 'html';
  doc: string;
  extension: string;
  format(report: ScanReport, options?: ScanFormatOptions): string;
  /** The same text in pieces, for reports too large for one string (formats that can). */
  chunks?(report: ScanReport, options?: ScanFormatOptions): Iterable<string>;
}

export const SCAN_FORMATS: readonly ScanFormat[] = Object.freeze([
  { name: 'text', doc: 'terminal report: the three groups, reasons, what to do on each Unhealthy machine, counts per scope', extension: 'txt', format: (r: ScanReport, o: ScanFormatOptions = {}) => formatScanText(r, o.color !== undefined ? { color: o.color } : {}) },
  { name: 'json', doc: 'the full ScanReport (stable bytes)', extension: 'json', format: (r: ScanReport) => formatScanJson(r), chunks: (r: ScanReport) => jsonDocumentChunks(r) },
  { name: 'ndjson', doc: 'one machine per line, then a line with the totals, scope counts, remediation and diagnostics (what --bounded writes)', extension: 'ndjson', format: (r: ScanReport) => [...scanNdjsonChunks(r)].join(''), chunks: (r: ScanReport) => scanNdjsonChunks(r) },
  { name: 'markdown', doc: 'a document or pull-request comment', extension: 'md', format: (r: ScanReport) => formatScanMarkdown(r) },
  { name: 'html', doc: 'one self-contained page with inline SVG charts (no script, no external assets)', extension: 'html', format: (r: ScanReport) => formatScanHtml(r) },
].map((f) => Object.freeze(f)) as ScanFormat[]);

export function lookupScanFormat(name: string): ScanFormat | undefined {
  const lower = name.toLowerCase();
  return SCAN_FORMATS.find((f) => f.name === lower);
}

export function formatScan(report: ScanReport, format: string, options: ScanFormatOptions = {}): string {
  const f = lookupScanFormat(format);
  if (f === undefined) throw new RangeError(`Unknown scan format "${format}" (one of ${SCAN_FORMATS.map((x) => x.name).join(', ')})`);
  return f.format(report, options);
}
