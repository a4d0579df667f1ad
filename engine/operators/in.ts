// in / notIn (digest §2.2, §2.3): the target is an array; `in` holds when some element equals the current value
// (ci, with equals coercion: 80 is in ["80"]). The element keys are folded into a Set once, in prepare.
//
// Null elements: ignored for a present, non-null current value ("" is not in [null]); a missing current value is
// `in` exactly when the target holds null (§2.3); a null current value reads as "" and also matches a null element
// (consistent with `equals null`). Array/object elements and current values never match.
// notIn is the exact negation of in, including for a missing current value (missing notIn [null] is false).
import { isAbsent, comparisonKey, stringForm, targetError } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

export function prepareIn(target: unknown, options: OperatorOptions | undefined, operator = 'in'): OperatorTest {
  if (!Array.isArray(target)) throw targetError(operator, 'an array', target);
  const keys = new Set<string>();
  let hasNull = false;
  for (const e of target) {
    if (e === null || isAbsent(e)) {
      hasNull = true;
      continue;
    }
    const s = stringForm(e);
    if (s !== undefined) keys.add(comparisonKey(s, options));
  }
  return (left) => {
    if (isAbsent(left)) return hasNull;
    if (left === null) return hasNull || keys.has('');
    const s = stringForm(left);
    return s !== undefined && keys.has(comparisonKey(s, options));
  };
}

export function prepareNotIn(target: unknown, options: OperatorOptions | undefined): OperatorTest {
  const i = prepareIn(target, options, 'notIn');
  return (left) => !i(left);
}
