// Value helpers shared by the function table: JSON kinds, ARM's string conversion, deep equality,
// case-insensitive property reads and prototype-safe object building. No function here trusts its input:
// keys such as "__proto__" are ordinary data and deep values are walked with explicit stacks.
import { EvaluationError } from '../diagnostics/index.js';
import { isMissing } from '../model/index.js';
import type { ArgKind } from './types.js';

export type JsonObject = Record<string, unknown>;

/** Limits from definition-structure-policy-rule.md (digest §3.4). */
export const LIMITS = Object.freeze({
  expressionLength: 81920,
  nestingDepth: 64,
  argumentsPerCall: 128,
  resultLength: 131072,
  valueDepth: 128,
});

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON kind of a value as the error messages name it. MISSING reads as null. */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined || isMissing(v)) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v; // string | boolean
}

export function matchesKind(v: unknown, kind: ArgKind): boolean {
  switch (kind) {
    case 'any':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    case 'null':
      return v === null || v === undefined || isMissing(v);
  }
}

/** A fresh null-prototype-free object whose keys, "__proto__" included, are own data properties. */
export function newObject(): JsonObject {
  return {};
}

export function setKey(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** ARM property names are case-insensitive: the exact key first, then the first case-insensitive match. */
export function findKey(obj: JsonObject, key: string): string | undefined {
  if (Object.hasOwn(obj, key)) return key;
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

export function getKey(obj: JsonObject, key: string): { found: true; value: unknown } | { found: false } {
  const k = findKey(obj, key);
  return k === undefined ? { found: false } : { found: true, value: obj[k] };
}

/**
 * ARM's text for a scalar: strings as is, integers and decimals in invariant culture, booleans as .NET
 * prints them ("True"/"False"), null as "". Arrays and objects serialise as compact JSON (string()).
 */
export function toArmString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined || isMissing(v)) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return formatNumber(v);
  return toJsonText(v);
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return String(n);
}

/** Compact JSON (ARM's string() of an object or array), keys in input order, without recursion limits of the stack. */
export function toJsonText(v: unknown): string {
  const out: string[] = [];
  // Explicit stack of work items: a value to write, or a literal piece of text.
  const stack: ({ text: string } | { value: unknown; depth: number })[] = [{ value: v, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const x = item.value;
    if (item.depth > LIMITS.valueDepth) {
      throw new EvaluationError('eval.limit-exceeded', { reason: `value nested more than ${LIMITS.valueDepth} levels deep` });
    }
    if (x === null || x === undefined || isMissing(x)) out.push('null');
    else if (typeof x === 'string') out.push(JSON.stringify(x));
    else if (typeof x === 'number') out.push(Number.isFinite(x) ? formatNumber(x) : 'null');
    else if (typeof x === 'boolean') out.push(x ? 'true' : 'false');
    else if (Array.isArray(x)) {
      const parts: typeof stack = [{ text: '[' }];
      x.forEach((e, i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ value: e, depth: item.depth + 1 });
      });
      parts.push({ text: ']' });
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
    } else if (typeof x === 'object') {
      const parts: typeof stack = [{ text: '{' }];
      Object.keys(x).forEach((k, i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ text: JSON.stringify(k) + ':' });
        parts.push({ value: (x as JsonObject)[k], depth: item.depth + 1 });
      });
      parts.push({ text: '}' });
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]!);
    } else out.push('null');
  }
  return out.join('');
}

/**
 * ARM deep equality: same kind, numbers by value, strings case-sensitively (digest §15 A-7 default),
 * arrays element-wise in order, objects by key set (keys compared case-insensitively, as ARM property
 * names are) and values. Iterative, so deep data cannot exhaust the stack.
 */
export function deepEquals(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown, number][] = [[a, b, 0]];
  while (stack.length > 0) {
    const [x, y, depth] = stack.pop()!;
    if (depth > LIMITS.valueDepth) {
      throw new EvaluationError('eval.limit-exceeded', { reason: `value nested more than ${LIMITS.valueDepth} levels deep` });
    }
    const kx = kindOf(x);
    const ky = kindOf(y);
    const numeric = (k: string): boolean => k === 'integer' || k === 'number';
    if (numeric(kx) && numeric(ky)) {
      if (x !== y) return false;
      continue;
    }
    if (kx !== ky) return false;
    if (kx === 'null') continue;
    if (kx === 'array') {
      const ax = x as unknown[];
      const ay = y as unknown[];
      if (ax.length !== ay.length) return false;
      for (let i = 0; i < ax.length; i++) stack.push([ax[i], ay[i], depth + 1]);
      continue;
    }
    if (kx === 'object') {
      const ox = x as JsonObject;
      const oy = y as JsonObject;
      const keys = Object.keys(ox);
      if (keys.length !== Object.keys(oy).length) return false;
      for (const k of keys) {
        const other = findKey(oy, k);
        if (other === undefined) return false;
        stack.push([ox[k], oy[other], depth + 1]);
      }
      continue;
    }
    if (x !== y) return false;
  }
  return true;
}

/** Copies a JSON value into fresh containers (keys as own data properties). Iterative. */
export function cloneJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const root: { v: unknown } = { v: undefined };
  const stack: { src: unknown; assign: (x: unknown) => void; depth: number }[] = [{ src: v, assign: (x) => (root.v = x), depth: 0 }];
  while (stack.length > 0) {
    const { src, assign, depth } = stack.pop()!;
    if (depth > LIMITS.valueDepth) {
      throw new EvaluationError('eval.limit-exceeded', { reason: `value nested more than ${LIMITS.valueDepth} levels deep` });
    }
    if (Array.isArray(src)) {
      const arr: unknown[] = new Array(src.length);
      assign(arr);
      src.forEach((e, i) => stack.push({ src: e, assign: (x) => (arr[i] = x), depth: depth + 1 }));
    } else if (isObject(src)) {
      const obj = newObject();
      assign(obj);
      for (const k of Object.keys(src)) {
        setKey(obj, k, undefined);
        stack.push({ src: src[k], assign: (x) => setKey(obj, k, x), depth: depth + 1 });
      }
    } else assign(isMissing(src) ? null : src);
  }
  return root.v;
}

export function fail(name: string, reason: string): EvaluationError {
  return new EvaluationError('expr.function-failed', { name, reason });
}
