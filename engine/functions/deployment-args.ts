// Argument checks and coded failures shared by the deployment-time (deployment.ts) and encoding (encoding.ts) tables.
import { EvaluationError } from '../diagnostics/index.js';
import type { ArgKind } from './types.js';

/** The JSON kind of a runtime value, for error messages and checks. */
export function jsonKind(value: unknown): Exclude<ArgKind, 'any' | 'integer'> | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'object';
    default:
      return 'undefined';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Throws 'expr.function-failed' for `name`. */
export function functionFailed(name: string, reason: string): never {
  throw new EvaluationError('expr.function-failed', { name, reason });
}

export function argumentTypeError(name: string, index: number, argument: string, expected: string, value: unknown): never {
  throw new EvaluationError('expr.argument-type', { name, index: index + 1, argument, expected, actual: jsonKind(value) });
}

export function stringArg(name: string, args: readonly unknown[], index: number, argument: string): string {
  const v = args[index];
  if (typeof v !== 'string') argumentTypeError(name, index, argument, 'a string', v);
  return v;
}

export function integerArg(name: string, args: readonly unknown[], index: number, argument: string): number {
  const v = args[index];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) argumentTypeError(name, index, argument, 'an integer', v);
  return v;
}

/** Every argument from `from` on must be a string (uniqueString, guid, resource-id names). */
export function stringArgs(name: string, args: readonly unknown[], from: number, argument: string): string[] {
  const out: string[] = [];
  for (let i = from; i < args.length; i++) out.push(stringArg(name, args, i, argument));
  return out;
}

/**
 * Results longer than this fail with 'expr.result-too-large' instead of exhausting memory; the same bound as the
 * policy functions' result limit (digest §3.4).
 */
export const MAX_RESULT_CHARS = 131_072;
