// The contract between template expressions, the function table and their callers.
// expressions/ parses "[...]" strings into Expr and compiles Expr into Evaluator closures;
// functions/ holds the one FUNCTIONS table; callers (compile/, remediation/) supply a scope at
// compile time and a runtime per evaluation.
import type { Diagnostic } from '../diagnostics/index.js';

/** AST of one template expression (the text between the outer brackets). */
export type Expr =
  | { kind: 'string'; value: string; offset: number }
  | { kind: 'number'; value: number; offset: number }
  | { kind: 'call'; name: string; args: Expr[]; offset: number }
  | { kind: 'property'; object: Expr; property: string; offset: number } // x.prop
  | { kind: 'index'; object: Expr; index: Expr; offset: number }; // x[expr]

/** A JSON string classified: a literal (with "[[" unescaped) or an expression. */
export type TemplateString = { kind: 'literal'; value: string } | { kind: 'expression'; expr: Expr; text: string };

/** Where an expression is evaluated decides which functions it may call (digest §6.1, §12.3). */
export type ExpressionPhase = 'policyRule' | 'template';

/**
 * What an evaluator may ask of its surroundings at run time. The policy evaluator and the
 * deployment-template expander each implement the parts their phase allows; a function whose
 * hook is absent fails with a coded EvaluationError.
 */
export interface ExpressionRuntime {
  /** Evaluation instant, ISO-8601 UTC (utcNow, addDays defaults). Fixed by the caller for determinism. */
  readonly now: string;
  parameter?(name: string): unknown;
  variable?(name: string): unknown;
  /** field() with a name known only at run time. */
  field?(name: string): unknown;
  current?(name: string | undefined): unknown;
  resourceGroup?(): unknown;
  subscription?(): unknown;
  managementGroup?(): unknown;
  tenant?(): unknown;
  requestContext?(): unknown;
  policy?(): unknown;
  deployment?(): unknown;
  environment?(): unknown;
  copyIndex?(loopName: string | undefined): number;
  /** reference(), list*() …: called for functions that cannot be known offline; returns a symbolic value. */
  unresolvable?(name: string, args: unknown[]): unknown;
}

export type Evaluator<T = unknown> = (rt: ExpressionRuntime) => T;

/**
 * Compile-time knowledge the caller lends the compiler so that constants fold and names resolve
 * once: bound parameter values, field readers, count scopes.
 */
export interface ExpressionScope {
  phase: ExpressionPhase;
  /** Pointer of the JSON value being compiled, for diagnostics. */
  pointer: string;
  /** Sink for compile diagnostics; compile never throws for input faults. */
  diagnostics: Diagnostic[];
  /** A parameter's bound value, or undefined when the parameter is not declared. */
  parameter?(name: string): { value: unknown } | undefined;
  /** Compile field('<constant>') into a reader (alias resolved once). Absent: field() is not allowed here. */
  field?(name: string, pointer: string): Evaluator | undefined;
  /** Compile current('<constant>') / current() into a reader, or undefined when no count binds it. */
  current?(name: string | undefined, pointer: string): Evaluator | undefined;
  /** Compile variables('<constant>') into a reader (template phase); undefined falls back to rt.variable at run time. */
  variable?(name: string, pointer: string): Evaluator | undefined;
}

export interface CompiledValue {
  evaluate: Evaluator;
  /** True when the value does not depend on the resource (it was folded at compile time). */
  constant: boolean;
  /** The folded value when constant. */
  value?: unknown;
}
