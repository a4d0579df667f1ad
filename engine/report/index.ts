// report/: output formats of a ComplianceReport — the one REPORTERS registry (table, json, ndjson, markdown, sarif, junit).
import type { ComplianceReport } from '../model/index.js';
import { formatJson } from './json.js';
import { jsonDocumentChunks } from './json-chunks.js';
import { formatJunit, junitChunks } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatNdjson, ndjsonChunks } from './ndjson.js';
import { formatSarif, sarifChunks } from './sarif.js';
import { formatTable } from './table.js';
import type { Reporter, ReportFormatOptions } from './types.js';

export type { Reporter, ReportFormatOptions } from './types.js';
export { describeDefinitions, describeReason, STATE_OUTCOME, type DefinitionInfo, type Outcome } from './describe.js';
export { buildSarif, fileUri, SARIF_SCHEMA_URI } from './sarif.js';
export { escapeCell } from './markdown.js';
export { ndjsonRecordLine, ndjsonTrailerLine, type NdjsonTrailer } from './ndjson.js';

export const REPORTERS: readonly Reporter[] = Object.freeze([
  { name: 'table', doc: 'readable terminal table: findings by assignment, then roll-ups', extension: 'txt', format: formatTable },
  { name: 'json', doc: 'the full ComplianceReport as JSON (stable bytes)', extension: 'json', format: (r: ComplianceReport) => formatJson(r), chunks: (r: ComplianceReport) => jsonDocumentChunks(r) },
  { name: 'ndjson', doc: 'one record per line, then a line with the summary, diagnostics and scopes (see --bounded)', extension: 'ndjson', format: formatNdjson, chunks: ndjsonChunks },
  { name: 'markdown', doc: 'a pull-request comment: summary table and non-compliant resources', extension: 'md', format: formatMarkdown },
  { name: 'sarif', doc: 'SARIF 2.1.0 for GitHub code scanning', extension: 'sarif', format: formatSarif, chunks: sarifChunks },
  { name: 'junit', doc: 'JUnit XML for Azure DevOps / Jenkins test results', extension: 'xml', format: formatJunit, chunks: junitChunks },
].map((r) => Object.freeze(r)));

export function lookupReporter(name: string): Reporter | undefined {
  const lower = name.toLowerCase();
  return REPORTERS.find((r) => r.name === lower);
}

export function formatReport(report: ComplianceReport, format: string, options: ReportFormatOptions = {}): string {
  const reporter = lookupReporter(format);
  if (reporter === undefined) throw new RangeError(`Unknown report format "${format}" (one of ${REPORTERS.map((r) => r.name).join(', ')})`);
  return reporter.format(report, options);
}
