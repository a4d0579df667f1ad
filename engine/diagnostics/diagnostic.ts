// The Diagnostic value, and the two error classes that carry diagnostics across an API boundary.
import { CODES, type Code, type CodeEntry } from './codes.js';

export type Severity = 'error' | 'warning' | 'info';

export interface SourceLocation {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
}

export interface Diagnostic {
  /** Stable '<phase>.<slug>' code from CODES. */
  code: Code;
  severity: Severity;
  message: string;
  /** RFC 6901 pointer into the input (policy, snapshot, assignment…). */
  pointer?: string;
  source?: SourceLocation;
  /** A short hint on how to fix the fault. */
  hint?: string;
}

export type DiagnosticArgs = Record<string, string | number | boolean | undefined>;

/** Renders the catalogue template of `code` with `args` ({name} placeholders). */
export function renderMessage(code: Code, args: DiagnosticArgs = {}): string {
  return CODES[code].message.replace(/\{(\w+)\}/g, (_, k: string) => (args[k] === undefined ? `{${k}}` : String(args[k])));
}

export function diagnostic(
  code: Code,
  args: DiagnosticArgs = {},
  where: { pointer?: string; source?: SourceLocation; severity?: Severity } = {},
): Diagnostic {
  const entry: CodeEntry = CODES[code];
  const d: Diagnostic = { code, severity: where.severity ?? entry.severity, message: renderMessage(code, args) };
  if (where.pointer !== undefined) d.pointer = where.pointer;
  if (where.source !== undefined) d.source = where.source;
  if (entry.hint !== undefined) d.hint = entry.hint;
  return d;
}

/** Thrown by compile-time APIs (compilePolicy…) when the input has errors; carries all of them. */
export class PolicyError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const first = diagnostics[0];
    super(
      first
        ? `${first.code}: ${first.message}${first.pointer !== undefined ? ` at ${first.pointer || '/'}` : ''}` +
            (diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '')
        : 'invalid policy',
    );
    this.name = 'PolicyError';
    this.diagnostics = diagnostics;
  }
  get code(): Code | undefined {
    return this.diagnostics[0]?.code;
  }
}

/**
 * Thrown while evaluating one resource (a function failed, a limit was hit, an ordering compared
 * incomparable values). Callers turn it into an Error compliance result, never NonCompliant.
 */
export class EvaluationError extends Error {
  readonly code: Code;
  readonly pointer: string | undefined;
  constructor(code: Code, args: DiagnosticArgs = {}, pointer?: string) {
    super(renderMessage(code, args));
    this.name = 'EvaluationError';
    this.code = code;
    this.pointer = pointer;
  }
  toDiagnostic(): Diagnostic {
    const d: Diagnostic = { code: this.code, severity: 'error', message: this.message };
    if (this.pointer !== undefined) d.pointer = this.pointer;
    return d;
  }
}
