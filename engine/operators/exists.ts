// exists (digest §2.2, §2.4): target true / "true" (ci) → the current value is present and not null;
// false / "false" → it is missing or null. Any other target makes the condition false. "", 0, false, {} and []
// all exist; a null value does not.
import { isAbsent, foldCase } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

/** true / false for a valid exists target, undefined for anything else. */
export function existsTargetValue(target: unknown): boolean | undefined {
  if (typeof target === 'boolean') return target;
  if (typeof target === 'string') {
    const t = foldCase(target);
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

export function prepareExists(target: unknown, _options: OperatorOptions | undefined): OperatorTest {
  const want = existsTargetValue(target);
  if (want === undefined) return () => false;
  return want ? (left) => !isAbsent(left) && left !== null : (left) => isAbsent(left) || left === null;
}
