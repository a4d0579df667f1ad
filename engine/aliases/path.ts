// JSON paths of aliases and fields: compile a path string once, then read or select it on any number of
// resources. Object keys match case-insensitively (exact key first, then a case-insensitive scan of own keys);
// `__proto__`, `constructor` and friends are ordinary data (only own properties are ever read).
import { MISSING, type Missing } from '../model/index.js';
import { diagnostic, PolicyError } from '../diagnostics/index.js';

/** One step of a compiled path. `lower` is the key folded to lower case, kept so matching allocates nothing. */
export type PathSegment =
  | { readonly kind: 'key'; readonly name: string; readonly lower: string }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'index'; readonly index: number };

const WILDCARD: PathSegment = Object.freeze({ kind: 'wildcard' });

/** Longest path accepted (segments); deeper paths are certainly not aliases and would only slow readers. */
export const MAX_PATH_SEGMENTS = 64;

function keySegment(name: string): PathSegment {
  return Object.freeze({ kind: 'key', name, lower: name.toLowerCase() });
}

/**
 * Parses a path such as `properties.a[*].b`, `properties.list[0]`, `tags['a.b']` or `properties['odata.type']`
 * into segments. Grammar: segments separated by `.`; a bracket after a segment (or at the start) holds `*`,
 * a non-negative integer, a quoted key (`'it''s'`, doubled quote = one quote) or a bare key (`[tag.with.dots]`).
 * Returns the segments, or a reason string when the path is malformed.
 */
export function parsePath(path: string): PathSegment[] | string {
  const out: PathSegment[] = [];
  const n = path.length;
  if (n === 0) return 'the path is empty';
  let i = 0;
  let expectKey = true; // at the start or right after a '.'
  while (i < n) {
    const c = path.charCodeAt(i);
    if (c === 0x5b /* [ */) {
      i++;
      if (path.charCodeAt(i) === 0x27 /* ' */) {
        let key = '';
        i++;
        for (;;) {
          if (i >= n) return `unterminated quoted key at offset ${i}`;
          if (path.charCodeAt(i) === 0x27) {
            if (path.charCodeAt(i + 1) === 0x27) {
              key += "'";
              i += 2;
              continue;
            }
            i++;
            break;
          }
          key += path[i];
          i++;
        }
        if (path.charCodeAt(i) !== 0x5d /* ] */) return `expected ']' at offset ${i}`;
        i++;
        out.push(keySegment(key));
      } else {
        const close = path.indexOf(']', i);
        if (close < 0) return `unterminated '[' at offset ${i - 1}`;
        const inner = path.slice(i, close);
        if (inner === '*') out.push(WILDCARD);
        else if (/^[0-9]+$/.test(inner)) {
          const index = Number(inner);
          if (!Number.isSafeInteger(index)) return `index ${inner} is too large`;
          out.push(Object.freeze({ kind: 'index', index }));
        } else if (inner.length === 0 || inner.trim() !== inner) return `invalid indexer [${inner}]`;
        else out.push(keySegment(inner));
        i = close + 1;
      }
      expectKey = false;
    } else if (c === 0x2e /* . */) {
      if (expectKey) return `empty segment at offset ${i}`;
      i++;
      expectKey = true;
      if (i >= n) return 'the path ends with "."';
    } else {
      if (!expectKey) return `expected '.' or '[' at offset ${i}`;
      let j = i;
      while (j < n) {
        const d = path.charCodeAt(j);
        if (d === 0x2e || d === 0x5b) break;
        if (d === 0x5d || d === 0x27) return `unexpected '${path[j]}' at offset ${j}`;
        j++;
      }
      out.push(keySegment(path.slice(i, j)));
      i = j;
      expectKey = false;
    }
    if (out.length > MAX_PATH_SEGMENTS) return `the path has more than ${MAX_PATH_SEGMENTS} segments`;
  }
  return out;
}

/** Compiles a path (see parsePath). Throws PolicyError('compile.invalid-field') when it is malformed. */
export function compilePath(path: string): PathSegment[] {
  const r = parsePath(path);
  if (typeof r === 'string') throw new PolicyError([diagnostic('compile.invalid-field', { field: path, reason: r })]);
  return r;
}

/** Renders segments back to the canonical path text (`a.b[*].c`; keys other than [A-Za-z0-9_$#@:-]+ quoted). */
export function formatPath(segments: readonly PathSegment[]): string {
  let s = '';
  for (const seg of segments) {
    if (seg.kind === 'wildcard') s += '[*]';
    else if (seg.kind === 'index') s += `[${seg.index}]`;
    else if (/^[A-Za-z0-9_$#@:-]+$/.test(seg.name)) s += (s === '' ? '' : '.') + seg.name;
    else s += `['${seg.name.replace(/'/g, "''")}']`;
  }
  return s;
}

/** Does the path contain a `[*]`? */
export function hasWildcard(segments: readonly PathSegment[]): boolean {
  for (const seg of segments) if (seg.kind === 'wildcard') return true;
  return false;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** `key` equals `lower` ignoring case; allocates only for non-ASCII keys. */
function keyMatches(key: string, lower: string): boolean {
  if (key.length === lower.length) {
    for (let i = 0; i < key.length; i++) {
      let a = key.charCodeAt(i);
      const b = lower.charCodeAt(i);
      if (a === b) continue;
      if (a > 0x7f || b > 0x7f) return key.toLowerCase() === lower;
      if (a >= 0x41 && a <= 0x5a) a += 0x20;
      if (a !== b) return false;
    }
    return true;
  }
  // Lower-casing can change the length only outside ASCII.
  return !(isAscii(key) && isAscii(lower)) && key.toLowerCase() === lower;
}

/**
 * The value of own property `name` of `obj` (exact spelling first, then the first own key equal ignoring
 * case, in the object's key order), or MISSING. Never reads the prototype chain.
 */
export function getKey(obj: object, name: string, lower: string): unknown {
  if (Object.hasOwn(obj, name)) return (obj as Record<string, unknown>)[name];
  for (const k in obj) {
    if (Object.hasOwn(obj, k) && keyMatches(k, lower)) return (obj as Record<string, unknown>)[k];
  }
  return MISSING;
}

/** One step from `cur`; MISSING when `cur` is missing, null, a scalar, or lacks the key/index. */
function step(cur: unknown, seg: PathSegment): unknown {
  if (cur === null || typeof cur !== 'object') return MISSING;
  if (seg.kind === 'key') return Array.isArray(cur) ? MISSING : getKey(cur, seg.name, seg.lower);
  if (seg.kind === 'index') return Array.isArray(cur) && seg.index < cur.length ? cur[seg.index] : MISSING;
  throw new TypeError('readPath: a [*] path selects a collection; use selectPath');
}

/**
 * Reads a path without `[*]` from `root`. Returns the value (JSON null stays null) or MISSING when any step is
 * absent; a null or scalar parent makes the child MISSING. Throws TypeError on a `[*]` segment (programming
 * error: use selectPath).
 */
export function readPath(root: unknown, segments: readonly PathSegment[], from = 0): unknown | Missing {
  let cur: unknown = root;
  for (let i = from; i < segments.length; i++) {
    cur = step(cur, segments[i]!);
    if (cur === MISSING) return MISSING;
  }
  return cur;
}

function selectInto(cur: unknown, segments: readonly PathSegment[], i: number, out: unknown[]): void {
  for (; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.kind === 'wildcard') {
      // A missing, null or non-array collection selects nothing (docs: "empty collection").
      if (!Array.isArray(cur)) return;
      for (let k = 0; k < cur.length; k++) selectInto(cur[k], segments, i + 1, out);
      return;
    }
    cur = step(cur, seg);
    if (cur === MISSING) {
      // Before any [*] the whole collection is missing → nothing; after one, this member contributes MISSING
      // unless another [*] follows (a missing inner array is an empty collection too).
      for (let j = i + 1; j < segments.length; j++) if (segments[j]!.kind === 'wildcard') return;
      out.push(MISSING);
      return;
    }
  }
  out.push(cur);
}

/**
 * Selects every value a `[*]` path designates (docs' table, digest §4.6): a missing array gives no values;
 * `a[*].b` where a member lacks `b` → that member contributes MISSING; `a[*].b[*]` flattens; `a[*].arr` gives
 * each member's array as one value. Without `[*]` the result is `[readPath(...)]` (possibly `[MISSING]`).
 * Pass `out` to append to an existing array.
 */
export function selectPath(root: unknown, segments: readonly PathSegment[], out: unknown[] = []): unknown[] {
  let firstWildcard = -1;
  for (let i = 0; i < segments.length; i++)
    if (segments[i]!.kind === 'wildcard') {
      firstWildcard = i;
      break;
    }
  if (firstWildcard < 0) {
    out.push(readPath(root, segments));
    return out;
  }
  // Before the first [*] nothing is "per member": a missing prefix means an empty collection.
  let cur: unknown = root;
  for (let i = 0; i < firstWildcard; i++) {
    cur = step(cur, segments[i]!);
    if (cur === MISSING) return out;
  }
  selectInto(cur, segments, firstWildcard, out);
  return out;
}

/**
 * If `path` lies at or under `prefix` (key names compared ignoring case, `[*]` only matches `[*]`), returns
 * the remaining segments (empty when equal), else undefined. The count evaluator uses it to bind a where-field
 * (`…/arr[*].x` → `properties.arr[*].properties.x`) to the counted member (`properties.arr[*]` → `properties.x`).
 */
export function stripPrefix(path: readonly PathSegment[], prefix: readonly PathSegment[]): PathSegment[] | undefined {
  if (prefix.length > path.length) return undefined;
  for (let i = 0; i < prefix.length; i++) {
    const a = path[i]!;
    const b = prefix[i]!;
    if (a.kind !== b.kind) return undefined;
    if (a.kind === 'key' && a.lower !== (b as { lower: string }).lower) return undefined;
    if (a.kind === 'index' && a.index !== (b as { index: number }).index) return undefined;
  }
  return path.slice(prefix.length);
}
