// The shape of one template function in the FUNCTIONS table.
import type { Expr, ExpressionPhase, ExpressionRuntime, ExpressionScope, Evaluator } from '../expressions/types.js';

/** JSON-ish kinds an argument may be checked against; 'any' accepts everything. */
export type ArgKind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null' | 'any';

export interface FunctionSpec {
  /** Azure's spelling, e.g. 'toLower'. Lookup is case-insensitive. */
  readonly name: string;
  /** One line for `dine list functions` and the docs. */
  readonly doc: string;
  /** Where it may be called: policy rules (digest §6.1) and/or deployment templates (§12). */
  readonly phases: readonly ExpressionPhase[];
  readonly minArgs: number;
  /** Infinity for variadic. */
  readonly maxArgs: number;
  /** Parameter names for error messages, and kinds checked before `evaluate` (the last repeats for variadics). */
  readonly params?: readonly { name: string; kinds: readonly ArgKind[] }[];
  /** Depends only on its arguments (may be folded at compile time when they are constant). */
  readonly pure: boolean;
  /** Receives unevaluated argument thunks (if, and, or, coalesce…) instead of values. */
  readonly lazy?: boolean;
  /**
   * Compile-time hook for functions whose meaning depends on the scope (parameters, field, current,
   * variables): returns the evaluator, or undefined to fall back to `evaluate`.
   */
  compile?(args: readonly Expr[], scope: ExpressionScope): Evaluator | undefined;
  /** Runs the function. Throws EvaluationError ('expr.function-failed', 'expr.argument-type' …) on faults. */
  evaluate(args: readonly unknown[], rt: ExpressionRuntime): unknown;
}

/** For lazy functions `evaluate` receives these instead of values. */
export type Thunk = () => unknown;
