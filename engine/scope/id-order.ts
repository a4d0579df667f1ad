// Sorting many resources by id ignoring case, as compareIdsIgnoringCase orders them, without comparing the long
// prefix every id of a resource group shares on each of the sort's comparisons (≈ 2 s for 10^6 ids at once).
import { compareIdsIgnoringCase } from './resource-id.js';

const PROVIDERS = '/providers/';

/**
 * Sorts `items` in place by `idOf(item)` ignoring case. Items are bucketed by a *key* of their id: the lower-cased
 * id up to its first `/providers/` and the namespace and type after it, with the closing '/' (the whole id when it
 * has no such part). Ids of different buckets compare as their keys do — a key ending in '/' after two segments is a
 * prefix of no other key, and a key without it is the whole id — so the keys are sorted once and each bucket (one
 * type in one container: usually one run in export order) on its own, comparing from the key's length. Ids with
 * non-ASCII characters (whose lower-cased length may differ) make it an ordinary sort.
 */
export function sortByIdIgnoringCase<T>(items: T[], idOf: (item: T) => string): void {
  if (items.length < 1024) {
    items.sort((x, y) => compareIdsIgnoringCase(idOf(x), idOf(y)));
    return;
  }
  const buckets = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(idOf(item));
    if (key === undefined) {
      items.sort((x, y) => compareIdsIgnoringCase(idOf(x), idOf(y)));
      return;
    }
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, [item]);
    else bucket.push(item);
  }
  const keys = [...buckets.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let at = 0;
  for (const key of keys) {
    const bucket = buckets.get(key)!;
    const from = key.length;
    if (bucket.length > 1) bucket.sort((x, y) => compareAsciiIgnoringCaseFrom(idOf(x), idOf(y), from));
    for (const item of bucket) items[at++] = item;
  }
}

/** The id's bucket key (lower-cased); undefined for an id with a non-ASCII character. */
function keyOf(id: string): string | undefined {
  let end = id.length;
  let slashesAfter = -1; // '/' seen after the first /providers/ (-1: not met yet)
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 128) return undefined;
    if (c !== 47 || end !== id.length) continue;
    if (slashesAfter === -1) {
      if (startsProviders(id, i)) {
        slashesAfter = 0;
        i += PROVIDERS.length - 1;
      }
    } else if (++slashesAfter === 2) end = i + 1;
  }
  return id.slice(0, end).toLowerCase();
}

/** compareIdsIgnoringCase for ASCII ids equal (ignoring case) before `from`. */
function compareAsciiIgnoringCaseFrom(a: string, b: string, from: number): number {
  const n = Math.min(a.length, b.length);
  for (let i = from; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

function startsProviders(id: string, at: number): boolean {
  if (id.length - at < PROVIDERS.length) return false;
  for (let k = 1; k < PROVIDERS.length; k++) {
    let c = id.charCodeAt(at + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== PROVIDERS.charCodeAt(k)) return false;
  }
  return true;
}
