// Array functions (template-functions-array.md) and the functions shared by arrays and strings: array,
// concat, contains, createArray, empty, first, last, indexOf, lastIndexOf, indexFromEnd, tryIndexFromEnd,
// intersection, length, range, skip, take, union.
import { EvaluationError } from '../diagnostics/index.js';
import { define, p } from './define.js';
import { foldCase } from './string.js';
import type { FunctionSpec } from './types.js';
import { cloneJson, deepEquals, fail, findKey, isObject, kindOf, LIMITS, newObject, setKey, toArmString, type JsonObject } from './values.js';

function concat(args: readonly unknown[]): unknown {
  const firstKind = args.find((a) => a !== null);
  if (Array.isArray(firstKind)) {
    const out: unknown[] = [];
    args.forEach((a, i) => {
      if (a === null) return;
      if (!Array.isArray(a)) throw fail('concat', `argument ${i + 1} is ${kindOf(a)}; arrays are only concatenated with arrays`);
      for (const x of a) out.push(x);
    });
    return out;
  }
  let s = '';
  args.forEach((a, i) => {
    if (Array.isArray(a) || isObject(a)) throw fail('concat', `argument ${i + 1} is ${kindOf(a)}; strings are only concatenated with strings`);
    s += toArmString(a);
    if (s.length > LIMITS.resultLength) throw new EvaluationError('expr.result-too-large', { limit: LIMITS.resultLength });
  });
  return s;
}

function indexIn(name: string, container: unknown, item: unknown, last: boolean): number {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw fail(name, `searching a string needs a string to find, got ${kindOf(item)}`);
    const s = foldCase(container);
    const f = foldCase(item);
    return last ? s.lastIndexOf(f) : s.indexOf(f);
  }
  const a = container as unknown[];
  if (last) {
    for (let i = a.length - 1; i >= 0; i--) if (deepEquals(a[i], item)) return i;
  } else {
    for (let i = 0; i < a.length; i++) if (deepEquals(a[i], item)) return i;
  }
  return -1;
}

function sameKind(name: string, args: readonly unknown[]): 'array' | 'object' {
  const kind = Array.isArray(args[0]) ? 'array' : 'object';
  args.forEach((a, i) => {
    if ((kind === 'array') !== Array.isArray(a)) throw fail(name, `argument ${i + 1} is ${kindOf(a)}; all arguments must be arrays or all objects`);
  });
  return kind;
}

/** union() of objects: later values win; nested objects merge recursively, arrays are replaced. */
function mergeInto(target: JsonObject, source: JsonObject, depth: number): void {
  if (depth > LIMITS.valueDepth) throw new EvaluationError('eval.limit-exceeded', { reason: `value nested more than ${LIMITS.valueDepth} levels deep` });
  for (const k of Object.keys(source)) {
    const existing = findKey(target, k);
    const v = source[k];
    if (existing !== undefined && isObject(target[existing]) && isObject(v)) {
      mergeInto(target[existing] as JsonObject, v, depth + 1);
    } else if (existing !== undefined) setKey(target, existing, cloneJson(v));
    else setKey(target, k, cloneJson(v));
  }
}

function pushUnique(out: unknown[], x: unknown): void {
  for (const y of out) if (deepEquals(x, y)) return;
  out.push(x);
}

export const ARRAY_FUNCTIONS: readonly FunctionSpec[] = [
  define({
    name: 'array',
    doc: 'Wraps a value in an array (an array is returned as is).',
    params: [p('convertToArray')],
    evaluate: ([v]) => (Array.isArray(v) ? v : [v]),
  }),
  define({
    name: 'concat',
    doc: 'Concatenates strings (numbers and booleans as text) or arrays; the two cannot be mixed.',
    params: [p('arg', 'string', 'number', 'boolean', 'array', 'null')],
    minArgs: 1,
    maxArgs: Infinity,
    evaluate: (args) => concat(args),
  }),
  define({
    name: 'contains',
    doc: 'Array membership and substring test (case-sensitive), or object key test (case-insensitive).',
    params: [p('container', 'array', 'object', 'string'), p('itemToFind')],
    evaluate([c, item]) {
      if (typeof c === 'string') {
        if (item !== null && typeof item === 'object') throw fail('contains', `cannot search a string for ${kindOf(item)}`);
        return c.includes(toArmString(item));
      }
      if (Array.isArray(c)) return c.some((x) => deepEquals(x, item));
      if (typeof item !== 'string') return false;
      return findKey(c as JsonObject, item) !== undefined;
    },
  }),
  define({
    name: 'createArray',
    doc: 'An array of the arguments (empty with none).',
    params: [p('arg')],
    minArgs: 0,
    maxArgs: Infinity,
    evaluate: (args) => [...args],
  }),
  define({
    name: 'empty',
    doc: 'True for null, an empty string, an empty array or an empty object.',
    params: [p('itemToTest', 'null', 'string', 'array', 'object')],
    evaluate([v]) {
      if (v === null) return true;
      if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
      return Object.keys(v as JsonObject).length === 0;
    },
  }),
  define({
    name: 'first',
    doc: 'The first element of an array (null when empty) or first character of a string ("" when empty).',
    params: [p('arg1', 'array', 'string')],
    evaluate([v]) {
      if (typeof v === 'string') return v.slice(0, 1);
      const a = v as unknown[];
      return a.length > 0 ? a[0] : null;
    },
  }),
  define({
    name: 'last',
    doc: 'The last element of an array (null when empty) or last character of a string ("" when empty).',
    params: [p('arg1', 'array', 'string')],
    evaluate([v]) {
      if (typeof v === 'string') return v.slice(-1);
      const a = v as unknown[];
      return a.length > 0 ? a[a.length - 1] : null;
    },
  }),
  define({
    name: 'indexOf',
    doc: 'First position of a substring (case-insensitive) or array item (deep, case-sensitive); -1 if absent.',
    params: [p('stringOrArrayToSearch', 'string', 'array'), p('itemToFind')],
    evaluate: ([c, i]) => indexIn('indexOf', c, i, false),
  }),
  define({
    name: 'lastIndexOf',
    doc: 'Last position of a substring (case-insensitive) or array item (deep, case-sensitive); -1 if absent.',
    params: [p('stringOrArrayToSearch', 'string', 'array'), p('itemToFind')],
    evaluate: ([c, i]) => indexIn('lastIndexOf', c, i, true),
  }),
  define({
    name: 'indexFromEnd',
    doc: 'The element reverseIndex places from the end (1 is the last); fails when out of range.',
    params: [p('sourceArray', 'array'), p('reverseIndex', 'integer')],
    evaluate([a, n]) {
      const arr = a as unknown[];
      const i = arr.length - (n as number);
      if ((n as number) < 1 || i < 0) throw new EvaluationError('expr.index-out-of-range', { index: n as number, length: arr.length });
      return arr[i];
    },
  }),
  define({
    name: 'tryIndexFromEnd',
    doc: 'Like indexFromEnd, but null when the index is out of range.',
    params: [p('sourceArray', 'array'), p('reverseIndex', 'integer')],
    evaluate([a, n]) {
      const arr = a as unknown[];
      const i = arr.length - (n as number);
      return (n as number) < 1 || i < 0 ? null : arr[i];
    },
  }),
  define({
    name: 'intersection',
    doc: 'Elements common to all arrays (deep equality, first array order), or key/value pairs common to all objects.',
    params: [p('arg', 'array', 'object')],
    minArgs: 2,
    maxArgs: Infinity,
    evaluate(args) {
      if (sameKind('intersection', args) === 'array') {
        const out: unknown[] = [];
        for (const x of args[0] as unknown[]) {
          if (args.slice(1).every((other) => (other as unknown[]).some((y) => deepEquals(x, y)))) pushUnique(out, x);
        }
        return out;
      }
      const first = args[0] as JsonObject;
      const out = newObject();
      for (const k of Object.keys(first)) {
        const keep = args.slice(1).every((other) => {
          const ok = findKey(other as JsonObject, k);
          return ok !== undefined && deepEquals(first[k], (other as JsonObject)[ok]);
        });
        if (keep) setKey(out, k, first[k]);
      }
      return out;
    },
  }),
  define({
    name: 'length',
    doc: 'Characters of a string, elements of an array, or top-level properties of an object.',
    params: [p('arg1', 'string', 'array', 'object')],
    evaluate([v]) {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      return Object.keys(v as JsonObject).length;
    },
  }),
  define({
    name: 'range',
    doc: 'count consecutive integers from startIndex (count 0..10000, startIndex + count <= 2147483647).',
    params: [p('startIndex', 'integer'), p('count', 'integer')],
    evaluate([s, c]) {
      const start = s as number;
      const count = c as number;
      if (count < 0 || count > 10000) throw fail('range', `count must be between 0 and 10000, got ${count}`);
      if (start + count > 2147483647) throw fail('range', 'startIndex + count must not exceed 2147483647');
      return Array.from({ length: count }, (_, i) => start + i);
    },
  }),
  define({
    name: 'skip',
    doc: 'The array or string without its first numberToSkip elements or characters.',
    params: [p('originalValue', 'array', 'string'), p('numberToSkip', 'integer')],
    evaluate([v, n]) {
      const k = Math.max(0, n as number);
      return (v as string | unknown[]).slice(k);
    },
  }),
  define({
    name: 'take',
    doc: 'The first numberToTake elements or characters of an array or string.',
    params: [p('originalValue', 'array', 'string'), p('numberToTake', 'integer')],
    evaluate([v, n]) {
      const k = Math.max(0, n as number);
      return (v as string | unknown[]).slice(0, k);
    },
  }),
  define({
    name: 'union',
    doc: 'All distinct elements of the arrays in order, or the objects merged (later values win, nested objects merge).',
    params: [p('arg', 'array', 'object')],
    minArgs: 2,
    maxArgs: Infinity,
    evaluate(args) {
      if (sameKind('union', args) === 'array') {
        const out: unknown[] = [];
        for (const a of args) for (const x of a as unknown[]) pushUnique(out, x);
        return out;
      }
      const out = newObject();
      for (const o of args) mergeInto(out, o as JsonObject, 0);
      return out;
    },
  }),
];
