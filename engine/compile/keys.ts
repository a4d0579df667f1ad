// Policy-language keys are case-insensitive (`anyof`, `Like`, `existencecondition`): compile/ reads them
// through parse's one lookup. Compile time only — never on the per-resource path.
import { getMember, isObject } from '../parse/keywords.js';

export { isObject };

/** The key as written that matches `name` case-insensitively. */
export function keyOf(node: Record<string, unknown>, name: string): string | undefined {
  return getMember(node, name)?.key;
}

/** The value of the member whose key matches `name` case-insensitively. */
export function memberValue(node: Record<string, unknown>, name: string): unknown {
  return getMember(node, name)?.value;
}
