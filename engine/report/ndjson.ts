// NDJSON: one ComplianceRecord per line (report order), then one line with the rest of the report — evaluatedAt,
// summary, diagnostics, scopes. For consumers that read records as a stream (jq -c, a log pipeline), and the shape
// `dine evaluate --bounded` writes as it evaluates: its records come as they are evaluated, the last line at the end.
import type { ComplianceRecord, ComplianceReport } from '../model/index.js';

/** The last line: everything in the report but its records. */
export type NdjsonTrailer = Pick<ComplianceReport, 'evaluatedAt' | 'summary' | 'diagnostics' | 'scopes'>;

export function ndjsonRecordLine(record: ComplianceRecord): string {
  return `${JSON.stringify(record)}\n`;
}

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
