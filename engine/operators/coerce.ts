// The value coercions every operator shares: Azure compares scalars as case-insensitive strings (digest §2.2),
// null reads as "" for the string operators (§2.3, linter TryGetUseWithNullCoercingOperator), and arrays/objects
// are never equal to anything.
import { EvaluationError } from '../diagnostics/index.js';
import { MISSING } from '../model/index.js';
import type { OperatorOptions } from './types.js';

/** MISSING, or JS undefined (never produced by a JSON reader, but treated the same way defensively). */
export function isAbsent(v: unknown): boolean {
  return v === MISSING || v === undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * The string a scalar is compared as: strings as-is, null → "", booleans "true"/"false", numbers in their
 * shortest round-trip form. Arrays, objects and MISSING have none (undefined).
 *
 * Numbers: the linter's rule is "compare the string forms" (so 5.0 ≠ "5" in Azure). A JSON reader in JS cannot
 * tell 5.0 from 5, so the number 5.0 reads as "5"; "5.0" (a string) still differs from 5, and 1.5 ≠ "1.50".
 */
export function stringForm(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Object.is(v, -0) ? '0' : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return v === null ? '' : undefined;
  }
}

/** Case folding used for every case-insensitive comparison (InvariantCultureIgnoreCase, approximated by toLowerCase). */
export function foldCase(s: string): string {
  return s.toLowerCase();
}

/** Removes every space and folds case: `East US 2` → `eastus2`. */
export function normalizeLocationString(s: string): string {
  return (s.indexOf(' ') === -1 ? s : s.replaceAll(' ', '')).toLowerCase();
}

/** The case-insensitive comparison key of a string under the options. */
export function comparisonKey(s: string, options: OperatorOptions | undefined): string {
  return options?.normalizeLocation ? normalizeLocationString(s) : foldCase(s);
}

/** A short description of a value for error messages (never the whole value). */
export function describeValue(v: unknown): string {
  if (isAbsent(v)) return 'a missing value';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `the string "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
    case 'number':
      return `the number ${String(v)}`;
    case 'boolean':
      return `the boolean ${String(v)}`;
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** The error for a target of the wrong kind (an array where a string is expected, a string where `in` needs an array). */
export function targetError(operator: string, expected: string, target: unknown): EvaluationError {
  return new EvaluationError('eval.operator-target', { operator, expected, actual: describeValue(target) });
}

/** Checks a scalar-only target and returns its string form (MISSING/undefined read as null → ""). */
export function scalarTarget(operator: string, target: unknown): string {
  if (isAbsent(target)) return '';
  const s = stringForm(target);
  if (s === undefined) throw targetError(operator, 'a string, number, boolean or null', target);
  return s;
}
