// The resource types an `if` can possibly match, read from its `type` conditions, so an estate
// evaluates a policy only on resources of those types. Sound for every effect: a resource of another
// type fails the whole `if` (IfNotExists) or the type-only applicability check (§7.2) alike.

import { isObject, memberValue as member } from './keys.js';

const literal = (v: unknown): v is string => typeof v === 'string' && !v.startsWith('[');

/** Lower-cased types, or undefined when the condition may hold for any type. */
export function requiredTypes(node: unknown): Set<string> | undefined {
  if (!isObject(node)) return undefined;
  const allOf = member(node, 'allof');
  if (Array.isArray(allOf)) {
    let out: Set<string> | undefined;
    for (const c of allOf) {
      const t = requiredTypes(c);
      if (t === undefined) continue;
      out = out === undefined ? t : new Set([...out].filter((x) => t.has(x)));
    }
    return out;
  }
  const anyOf = member(node, 'anyof');
  if (Array.isArray(anyOf)) {
    const out = new Set<string>();
    for (const c of anyOf) {
      const t = requiredTypes(c);
      if (t === undefined) return undefined;
      for (const x of t) out.add(x);
    }
    return out;
  }
  const field = member(node, 'field');
  if (typeof field !== 'string' || field.toLowerCase() !== 'type') return undefined;
  const equals = member(node, 'equals');
  if (literal(equals)) return new Set([equals.toLowerCase()]);
  const inList = member(node, 'in');
  if (Array.isArray(inList) && inList.every(literal)) return new Set(inList.map((t) => (t as string).toLowerCase()));
  return undefined;
}
