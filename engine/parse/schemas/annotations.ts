// The two annotation keywords the schemas carry for dine (ajv ignores them when validating):
// `x-dine` maps a failing ajv keyword to a diagnostic code; `x-reason` gives the {reason} text for it.
// Lookup order for an error: "<keyword>:<param>" (the missing / additional property), "<keyword>", "*".
import type { Code } from '../../diagnostics/index.js';

export type CodeMap = Partial<Record<string, Code>>;

export function codes(map: CodeMap): { 'x-dine': CodeMap } {
  return { 'x-dine': map };
}

export function reasons(map: Record<string, string>): { 'x-reason': Record<string, string> } {
  return { 'x-reason': map };
}

export type JsonSchema = Record<string, unknown>;

export const STRING = Object.freeze({ type: 'string' });
export const OPTIONAL_STRING = Object.freeze({ type: ['string', 'null'] });
export const OPTIONAL_OBJECT = Object.freeze({ type: ['object', 'null'] });
export const STRING_ARRAY = Object.freeze({ type: 'array', items: { type: 'string' } });

/** `required` of each pair of names: used as `not: { anyOf: pairs(...) }` for "at most one of". */
export function pairs(names: readonly string[]): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) out.push({ required: [names[i], names[j]] });
  return out;
}

export function oneRequired(names: readonly string[]): JsonSchema[] {
  return names.map((n) => ({ required: [n] }));
}
