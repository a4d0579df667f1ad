// Argument checking shared by the expression compiler (eager functions) and lazy functions (which check
// each thunk's value themselves): 'expr.argument-type' naming the argument's 1-based index and name.
import { EvaluationError } from '../diagnostics/index.js';
import type { ArgKind, FunctionSpec } from './types.js';
import { kindOf, matchesKind } from './values.js';

export function paramOf(spec: FunctionSpec, index: number): { name: string; kinds: readonly ArgKind[] } | undefined {
  const params = spec.params;
  if (params === undefined || params.length === 0) return undefined;
  return params[Math.min(index, params.length - 1)];
}

/** Throws expr.argument-type when `value` is not one of the kinds the spec declares for argument `index` (0-based). */
export function checkArgument(spec: FunctionSpec, index: number, value: unknown): void {
  const p = paramOf(spec, index);
  if (p === undefined) return;
  for (const k of p.kinds) if (matchesKind(value, k)) return;
  throw argumentTypeError(spec.name, index, p.name, p.kinds.join(' or '), value);
}

export function argumentTypeError(name: string, index: number, argument: string, expected: string, value: unknown): EvaluationError {
  return new EvaluationError('expr.argument-type', { index: index + 1, argument, name, expected, actual: kindOf(value) });
}
