// `json`: the ScanReport itself, 2-space indented. Byte-identical for the same inputs (the report's order is
// deterministic and its only timestamp is the `now` the caller chose).
import { prettyJsonChunks } from '../json-chunks.js';
import type { ScanReport } from '../../scanner/index.js';

export function formatScanJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** formatScanJson's text in pieces (the same bytes): a scan of 10^6 machines is longer than one string can be. */
export function* scanJsonChunks(report: ScanReport): Generator<string> {
  yield* prettyJsonChunks(report);
  yield '\n';
}
