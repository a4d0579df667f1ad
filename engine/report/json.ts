// `json`: the ComplianceReport itself, 2-space indented. Byte-identical for the same report (the report's own
// order is deterministic; the only timestamp is report.evaluatedAt, which the caller chose).
import type { ComplianceReport } from '../model/index.js';
import { prettyJsonChunks } from './json-chunks.js';

export function formatJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** formatJson's text in pieces (the same bytes), for reports longer than one string can be. */
export function* jsonChunks(report: ComplianceReport): Generator<string> {
  yield* prettyJsonChunks(report);
  yield '\n';
}
