// The scan as NDJSON: one MachineResult per line (id order), then one line with the rest of the report — kind, totals,
// scopes, remediation, diagnostics. The shape `dine scan --bounded` writes as it scans: the same lines, its machines
// as they are met (file order; those the plan deploys to once it is made), the last line at the end.
import type { ScanReport } from '../../scanner/index.js';
import { machineLine } from '../../scanner/machine.js';

/** One machine's line (the same line scanBounded's onMachineLines hands on). */
export const scanMachineLine = machineLine;

/** The last line: everything in the report but its machines, in the report's key order. */
export function scanTrailerLine(report: Omit<ScanReport, 'machines'>): string {
  const { machines: _machines, ...rest } = report as ScanReport;
  return `${JSON.stringify(rest)}\n`;
}

export function* scanNdjsonChunks(report: ScanReport): Generator<string> {
  for (const m of report.machines) yield scanMachineLine(m);
  yield scanTrailerLine(report);
}
