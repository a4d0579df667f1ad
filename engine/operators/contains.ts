// contains / notContains (digest §2.2; definition-structure-policy-rule.md "Conditions"):
// string: the target is a substring (ci); array: some element equals the target (ci, with equals coercion);
// object: has the target as a key (ci). A non-string scalar current value (a count, a boolean) is stringified.
// `*` in the target is an ordinary character (the docs forbid wildcards here; nothing is expanded).
import { isAbsent, comparisonKey, foldCase, isPlainObject, scalarTarget, stringForm } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

/** Missing → false; null reads as "" (so only `contains ""` holds). */
export function prepareContains(target: unknown, options: OperatorOptions | undefined, operator = 'contains'): OperatorTest {
  const raw = scalarTarget(operator, target);
  const key = comparisonKey(raw, options);
  const foldedKeyName = foldCase(raw);
  return (left) => {
    if (isAbsent(left)) return false;
    if (Array.isArray(left)) {
      for (const e of left) {
        const s = stringForm(e);
        if (s !== undefined && comparisonKey(s, options) === key) return true;
      }
      return false;
    }
    if (isPlainObject(left)) {
      for (const k of Object.keys(left)) if (foldCase(k) === foldedKeyName) return true;
      return false;
    }
    const s = stringForm(left);
    return s !== undefined && comparisonKey(s, options).includes(key);
  };
}

export function prepareNotContains(target: unknown, options: OperatorOptions | undefined): OperatorTest {
  const c = prepareContains(target, options, 'notContains');
  return (left) => !c(left);
}
