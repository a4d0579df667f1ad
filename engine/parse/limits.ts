// Size and depth limits, checked iteratively before anything recursive (key normalizing, ajv) touches the
// document, so a hostile 100k-deep document gives a coded error instead of a stack overflow.
// Azure's authoring limits (definition-structure-policy-rule.md, digest §3.4): condition nesting ≤ 64,
// ≤ 4096 condition expressions in `if`, ≤ 128 in `then` (existenceCondition).
import { diagnostic, joinPointer, type Diagnostic } from '../diagnostics/index.js';
import { getMember, isObject } from './keywords.js';
import type { PositionOptions } from './validate.js';

export const MAX_CONDITION_DEPTH = 64;
export const MAX_IF_CONDITIONS = 4096;
export const MAX_THEN_CONDITIONS = 128;
/** Whole-document nesting limit; far above any real definition (the built-ins reach 24). */
export const MAX_DOCUMENT_DEPTH = 256;

function located(d: Diagnostic, options: PositionOptions): Diagnostic {
  const source = d.pointer !== undefined ? options.locate?.(d.pointer) : undefined;
  if (source) d.source = source;
  return d;
}

/** First place where the JSON nesting exceeds MAX_DOCUMENT_DEPTH, as a diagnostic; undefined if within. */
export function checkDocumentDepth(value: unknown, options: PositionOptions = {}): Diagnostic | undefined {
  interface Item { v: unknown; d: number; parent: Item | undefined; token: string | number }
  const stack: Item[] = [{ v: value, d: 0, parent: undefined, token: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const { v, d } = item;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= MAX_DOCUMENT_DEPTH) {
      const tokens: (string | number)[] = [];
      for (let i: Item | undefined = item; i?.parent; i = i.parent) tokens.push(i.token);
      const pointer = joinPointer(options.pointerBase ?? '', ...tokens.reverse());
      return located(diagnostic('parse.document-too-deep', { limit: MAX_DOCUMENT_DEPTH }, { pointer }), options);
    }
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, d: d + 1, parent: item, token: i }));
    else for (const k of Object.keys(v)) stack.push({ v: (v as Record<string, unknown>)[k], d: d + 1, parent: item, token: k });
  }
  return undefined;
}

/**
 * Walks a condition tree (allOf / anyOf / not / count.where) without recursion: a condition nested deeper than
 * MAX_CONDITION_DEPTH gives 'parse.too-deep' at the first too-deep condition (and nothing below it is walked);
 * more than `maxConditions` leaf conditions gives 'parse.too-many-conditions'.
 */
export function checkConditionLimits(condition: unknown, pointer: string, maxConditions: number, options: PositionOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  let leaves = 0;
  const stack: { c: unknown; p: string; d: number }[] = [{ c: condition, p: pointer, d: 1 }];
  while (stack.length > 0) {
    const { c, p, d } = stack.pop()!;
    if (!isObject(c)) continue;
    if (d > MAX_CONDITION_DEPTH) {
      out.push(located(diagnostic('parse.too-deep', { limit: MAX_CONDITION_DEPTH }, { pointer: p }), options));
      return out;
    }
    let logical = false;
    for (const name of ['allOf', 'anyOf']) {
      const m = getMember(c, name);
      if (m && Array.isArray(m.value)) {
        logical = true;
        m.value.forEach((child, i) => stack.push({ c: child, p: joinPointer(p, m.key, i), d: d + 1 }));
      }
    }
    const not = getMember(c, 'not');
    if (not) {
      logical = true;
      stack.push({ c: not.value, p: joinPointer(p, not.key), d: d + 1 });
    }
    const count = getMember(c, 'count');
    if (count) {
      const where = getMember(count.value, 'where');
      if (where) stack.push({ c: where.value, p: joinPointer(p, count.key, where.key), d: d + 1 });
    }
    if (!logical) leaves++;
  }
  if (leaves > maxConditions) out.push(located(diagnostic('parse.too-many-conditions', { limit: maxConditions }, { pointer }), options));
  return out;
}
