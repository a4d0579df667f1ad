// How the CLI tells the user about a problem: one line per diagnostic on stderr,
// `dine: <file>:<line>:<col> <code> <message> (at <pointer>)`, and which diagnostics stop a run.
import type { Diagnostic } from '../index.js';

/** Exit codes: the contract with pipelines. */
export const EXIT = Object.freeze({
  /** Everything evaluated passes --fail-on. */
  ok: 0,
  /** Findings (non-compliant, or evaluation errors) per --fail-on. */
  findings: 1,
  /** Bad input or usage: a missing file, malformed JSON, an unknown scope, an unknown option. */
  input: 2,
  /** A fault in dine itself. */
  internal: 3,
});

export function formatProblem(d: Diagnostic): string {
  const where = d.source !== undefined ? `${d.source.file}:${d.source.line}:${d.source.column} ` : '';
  const at = d.pointer !== undefined && d.pointer !== '' ? ` (at ${d.pointer})` : '';
  const level = d.severity === 'error' ? '' : `${d.severity}: `;
  return `dine: ${level}${where}${d.code} ${d.message.replace(/\s*\n\s*/g, ' ')}${at}\n`;
}

/** Phases whose errors are always about the input, never about one resource's evaluation. */
const INPUT_PHASES = ['load.', 'parse.', 'assign.', 'compile.', 'cli.'];

/**
 * An error that makes the run's input unusable: any error from loading, parsing, assignments and compiling, or any
 * error located in a file (a definition's expression). Evaluation faults on one resource (no file position, eval.* /
 * expr.* codes) are not: they are Error records of the report, and --fail-on decides about them.
 */
export function isInputError(d: Diagnostic): boolean {
  if (d.severity !== 'error') return false;
  return d.source !== undefined || INPUT_PHASES.some((p) => d.code.startsWith(p));
}
