// containsKey / notContainsKey (digest §2.2): the current value is an object with a key equal (ci) to the target.
// Typical use: {"field": "tags", "containsKey": "env"}. Anything that is not an object (missing, null, a string,
// an array) has no keys: containsKey false, notContainsKey true.
import { foldCase, isPlainObject, scalarTarget } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

export function prepareContainsKey(target: unknown, _options: OperatorOptions | undefined, operator = 'containsKey'): OperatorTest {
  const key = foldCase(scalarTarget(operator, target));
  return (left) => {
    if (!isPlainObject(left)) return false;
    if (Object.hasOwn(left, key)) return true;
    for (const k of Object.keys(left)) if (foldCase(k) === key) return true;
    return false;
  };
}

export function prepareNotContainsKey(target: unknown, options: OperatorOptions | undefined): OperatorTest {
  const c = prepareContainsKey(target, options, 'notContainsKey');
  return (left) => !c(left);
}
