// JSON text in pieces, for documents longer than one string can be (V8 strings stop at 512 MiB; a JSON report of
// 10^6 resources is ≈ 2.5 GB). The pieces joined are exactly JSON.stringify(value, null, 2).

/** Arrays longer than this are written element by element. */
const LARGE_ARRAY = 64;
/** How deep below a value a large array is looked for (SARIF's results sit at runs[0].results: depth 3). */
const SEARCH_DEPTH = 3;

/**
 * JSON.stringify(value, null, 2) in pieces: a large array (or a value holding one near the top) is written part by
 * part, everything else by JSON.stringify with its indentation shifted — JSON text has no raw line breaks inside
 * strings, so shifting every line break is exact. Plain data only (no toJSON, as the reports are).
 */
export function* prettyJsonChunks(value: unknown, indent = '', searchDepth = SEARCH_DEPTH): Generator<string> {
  if (!holdsLargeArray(value, searchDepth)) {
    yield shift(JSON.stringify(value, null, 2) ?? 'null', indent);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    yield '[\n';
    // The members of a large array (records, machines) are searched no deeper than themselves: looking into each
    // cost more than writing it, and a member large enough to need pieces of its own does not occur in reports.
    const memberDepth = value.length > LARGE_ARRAY ? 0 : SEARCH_DEPTH;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      yield inner;
      // As JSON.stringify: undefined, functions and symbols in arrays are null.
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null';
      else yield* prettyJsonChunks(v, inner, memberDepth);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    yield `${inner}${JSON.stringify(k)}: `;
    yield* prettyJsonChunks(v, inner);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

/** A JSON document's text in pieces: `${JSON.stringify(value, null, 2)}\n`, as the json-based formats write it. */
export function* jsonDocumentChunks(value: unknown): Generator<string> {
  yield* prettyJsonChunks(value);
  yield '\n';
}

function holdsLargeArray(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    if (value.length > LARGE_ARRAY) return true;
    return depth > 0 && value.some((v) => holdsLargeArray(v, depth - 1));
  }
  if (depth === 0) return false;
  for (const k in value) if (Object.hasOwn(value, k) && holdsLargeArray((value as Record<string, unknown>)[k], depth - 1)) return true;
  return false;
}

function shift(text: string, indent: string): string {
  return indent === '' || text.indexOf('\n') === -1 ? text : text.replaceAll('\n', `\n${indent}`);
}
