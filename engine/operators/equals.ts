// equals / notEquals (digest §2.2, §2.3): scalars compared as case-insensitive strings after coercion.
import { isAbsent, comparisonKey, scalarTarget, stringForm } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

/**
 * - `equals null` (or a missing target): true exactly when the current value is missing or null (§2.3 exception).
 * - otherwise: missing → false; null reads as ""; numbers/booleans are stringified ("80" = 80, "TRUE" = true);
 *   arrays and objects never equal a scalar.
 * A target null is not read as "" (the null→"" coercion is about the current value): `"" equals null` is false.
 */
export function prepareEquals(target: unknown, options: OperatorOptions | undefined, operator = 'equals'): OperatorTest {
  if (target === null || isAbsent(target)) return (left) => left === null || isAbsent(left);
  const key = comparisonKey(scalarTarget(operator, target), options);
  return (left) => {
    const s = stringForm(left);
    return s !== undefined && comparisonKey(s, options) === key;
  };
}

export function prepareNotEquals(target: unknown, options: OperatorOptions | undefined): OperatorTest {
  const eq = prepareEquals(target, options, 'notEquals');
  return (left) => !eq(left);
}
