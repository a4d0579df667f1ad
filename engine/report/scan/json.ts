// `json`: the ScanReport itself, 2-space indented. Byte-identical for the same inputs (the report's order is
// deterministic and its only timestamp is the `now` the caller chose).
import type { ScanReport } from '../../scanner/index.js';

export function formatScanJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
