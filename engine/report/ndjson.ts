// NDJSON: one ComplianceRecord per line (report order), then one line with the rest of the report — evaluatedAt,
// summary, diagnostics, scopes. For consumers that read records as a stream (jq -c, a log pipeline), and the shape
// `dine evaluate --bounded` writes as it evaluates: its records come as they are evaluated, the last line at the end.
import type { ComplianceRecord, ComplianceReport } from '../model/index.js';
import { recordLine } from '../evaluate/records.js';

/** The last line: everything in the report but its records. */
export type NdjsonTrailer = Pick<ComplianceReport, 'evaluatedAt' | 'summary' | 'diagnostics' | 'scopes'>;

/** One record's line (the same line evaluateBounded's onRecordLines hands on). */
export const ndjsonRecordLine: (record: ComplianceRecord) => string = recordLine;

export function ndjsonTrailerLine(t: NdjsonTrailer): string {
  return `${JSON.stringify({ evaluatedAt: t.evaluatedAt, summary: t.summary, diagnostics: t.diagnostics, scopes: t.scopes ?? [] })}\n`;
}

export function* ndjsonChunks(report: ComplianceReport): Generator<string> {
  for (const r of report.results) yield ndjsonRecordLine(r);
  yield ndjsonTrailerLine(report);
}

export function formatNdjson(report: ComplianceReport): string {
  return [...ndjsonChunks(report)].join('');
}
