// `json`: the ComplianceReport itself, 2-space indented. Byte-identical for the same report (the report's own
// order is deterministic; the only timestamp is report.evaluatedAt, which the caller chose).
import type { ComplianceReport } from '../model/index.js';

export function formatJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
