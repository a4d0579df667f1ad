// Objects sent between threads in bulk (records, per-resource states). A structured clone writes every string of
// every object: 10^5 remediable records repeat the same assignment, definition and set ids (≈ 1.1 kB a record), and
// at 10^6 resources the main thread spent ≈ 5 s reading back what two shards sent. Packed, each distinct string
// crosses once (in one joined string with its lengths) and each object is the number of its key list and a cell per
// key; other values (numbers, arrays, nested objects) are cloned, and an object met twice still crosses once.
// Key order and keys holding undefined are kept: the objects are written out as JSON after the crossing.

export interface PackedObjects {
  count: number;
  /** The distinct key lists, in order of first use. */
  shapes: string[][];
  /** The distinct string values, joined; `lengths` cuts them apart. */
  text: string;
  lengths: Int32Array;
  /** Per object: its shape, then a cell per key — ≥ 0 a string, UNDEFINED, or OTHER - k for others[k]. */
  cells: Int32Array;
  others: unknown[];
}

const UNDEFINED = -1;
const OTHER = -2;

export function packObjects(list: readonly object[]): PackedObjects {
  const shapeIndex = new Map<string, number>();
  const shapes: string[][] = [];
  const stringIndex = new Map<string, number>();
  const strings: string[] = [];
  const others: unknown[] = [];
  const otherIndex = new Map<unknown, number>();
  let cells = new Int32Array(Math.max(16, list.length * 8));
  let c = 0;
  for (const o of list) {
    const keys = Object.keys(o);
    const shapeKey = keys.join('\u0000');
    let s = shapeIndex.get(shapeKey);
    if (s === undefined) {
      shapeIndex.set(shapeKey, (s = shapes.length));
      shapes.push(keys);
    }
    if (c + keys.length + 1 > cells.length) {
      const grown = new Int32Array(Math.max(cells.length * 2, c + keys.length + 1));
      grown.set(cells);
      cells = grown;
    }
    cells[c++] = s;
    const values = o as Record<string, unknown>;
    for (const k of keys) {
      const v = values[k];
      if (typeof v === 'string') {
        let i = stringIndex.get(v);
        if (i === undefined) {
          stringIndex.set(v, (i = strings.length));
          strings.push(v);
        }
        cells[c++] = i;
      } else if (v === undefined) cells[c++] = UNDEFINED;
      else {
        let i = otherIndex.get(v);
        if (i === undefined) {
          i = others.length;
          others.push(v);
          // Objects are shared by identity (a record's source, frozen reasons); numbers and the like are not looked up again.
          if (typeof v === 'object' && v !== null) otherIndex.set(v, i);
        }
        cells[c++] = OTHER - i;
      }
    }
  }
  const lengths = new Int32Array(strings.length);
  for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
  return { count: list.length, shapes, text: strings.join(''), lengths, cells: cells.slice(0, c), others };
}

export function unpackObjects<T>(packed: PackedObjects): T[] {
  const { shapes, text, lengths, cells, others } = packed;
  const strings = new Array<string>(lengths.length);
  for (let i = 0, at = 0; i < lengths.length; i++) strings[i] = text.slice(at, (at += lengths[i]!));
  // A key "__proto__" (JSON.parse makes it an own key) would set the prototype if assigned: defined instead.
  const own = shapes.map((keys) => keys.includes('__proto__'));
  const out = new Array<T>(packed.count);
  let c = 0;
  for (let n = 0; n < packed.count; n++) {
    const s = cells[c++]!;
    const keys = shapes[s]!;
    const o: Record<string, unknown> = {};
    for (const k of keys) {
      const v = cells[c++]!;
      const value = v >= 0 ? strings[v] : v === UNDEFINED ? undefined : others[OTHER - v];
      if (own[s] && k === '__proto__') Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
      else o[k] = value;
    }
    out[n] = o as T;
  }
  return out;
}
