// Scanners of NDJSON lines that find a resource's top-level "id" and "type" without JSON.parse: to route a line to
// its shard (strings) and to defer a line to the second pass of the bounded evaluation (bytes, never decoded).

/**
 * The deferral test of NDJSON lines, on their bytes: for a line that is certainly one resource (an object without a
 * top-level `value` or `data` key, no backslash, `id` and `type` each given once at depth 1 as strings) whose type,
 * ignoring case, is one of `types` (compared in the bytes: the type is not decoded), where its top-level id is
 * (`buf.toString('utf8', idStart, idEnd)` decodes it); undefined for any other line (it is decoded and parsed).
 * The scan stops at a top-level type not in `types`: most lines that are parsed are read no further.
 */
export function lineTestOfBytes(types: ReadonlySet<string>): (buf: Buffer, from: number, to: number) => LineTest | undefined {
  const typeIn = bytesInSet(types);
  return (buf, from, to) => {
    const found = topLevelIdOfType(buf, from, to, typeIn);
    return found === undefined ? undefined : { idStart: found[0], idEnd: found[1] };
  };
}

/** Where a deferred line's top-level id is. */
export interface LineTest {
  idStart: number;
  idEnd: number;
}

/**
 * Is buf[start..end), lower-cased, one of `words`? An ASCII type is compared in place with the ASCII words (it
 * lower-cases to ASCII, so no other word can match); a type with other bytes is decoded and lower-cased first.
 */
function bytesInSet(words: ReadonlySet<string>): (buf: Buffer, start: number, end: number) => boolean {
  const ascii = [...words].filter((w) => /^[\x00-\x7f]*$/.test(w));
  return (buf, start, end) => {
    for (let k = start; k < end; k++) if (buf[k]! >= 128) return words.has(buf.toString('utf8', start, end).toLowerCase());
    const len = end - start;
    outer: for (const w of ascii) {
      if (w.length !== len) continue;
      for (let k = 0; k < len; k++) {
        let b = buf[start + k]!;
        if (b >= 65 && b <= 90) b += 32;
        if (b !== w.charCodeAt(k)) continue outer;
      }
      return true;
    }
    return false;
  };
}

/** Where the string whose text starts at buf[from] ends (its closing quote), or -1: a backslash in it, or no end before `to`. */
function closingQuote(buf: Buffer, from: number, to: number): number {
  for (let end = from; end < to; end++) {
    const c = buf[end];
    if (c === 34) return end;
    if (c === 92) return -1;
  }
  return -1;
}

/** A top-level `data` or `value` key (len bytes at `at`): the line is an envelope of resources, not one. */
function isEnvelopeKey(buf: Buffer, at: number, len: number): boolean {
  return (len === 4 && bytesAre(buf, at, 'data')) || (len === 5 && bytesAre(buf, at, 'value'));
}

/** Is buf[at..at+word.length) the ASCII word? */
function bytesAre(buf: Buffer, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (buf[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * [idStart, idEnd] of the top-level "id" string of the JSON object in buf[from..to) when its top-level "type" string
 * passes `typeIn`, in one pass over the bytes; undefined for a backslash anywhere (strings then need decoding), a
 * top-level `value` or `data` key (an envelope), unless each of id and type is there exactly once as a string, and
 * as soon as the first top-level type fails `typeIn` (a second type would make the line parsed anyway).
 */
function topLevelIdOfType(buf: Buffer, from: number, to: number, typeIn: (buf: Buffer, start: number, end: number) => boolean): [number, number] | undefined {
  let i = from;
  while (i < to && (buf[i] === 32 || buf[i] === 9)) i++;
  if (buf[i] !== 123 /* { */) return undefined;
  let depth = 0;
  let idStart = -1;
  let idEnd = -1;
  let typeStart = -1;
  let ids = 0;
  let types = 0;
  /** At depth 1: 0 a key comes next, 1 a ':' comes next, 2 a value comes next, 3 inside or after a value. */
  let state = 0;
  /** The key whose value comes: 1 id, 2 type, 0 another. */
  let key = 0;
  for (; i < to; i++) {
    const c = buf[i]!;
    if (c === 34 /* " */) {
      const end = closingQuote(buf, i + 1, to);
      if (end === -1) return undefined;
      if (depth === 1) {
        if (state === 0) {
          const len = end - i - 1;
          key = len === 2 && bytesAre(buf, i + 1, 'id') ? 1 : len === 4 && bytesAre(buf, i + 1, 'type') ? 2 : 0;
          if (key === 1) ids++;
          else if (key === 2) types++;
          else if (isEnvelopeKey(buf, i + 1, len)) return undefined;
          state = 1;
        } else if (state === 2) {
          if (key === 1) {
            idStart = i + 1;
            idEnd = end;
          } else if (key === 2) {
            if (types === 1 && !typeIn(buf, i + 1, end)) return undefined;
            typeStart = i + 1;
          }
          state = 3;
        }
      }
      i = end;
      continue;
    }
    if (c <= 32) continue; // whitespace (and control bytes, which JSON.parse refuses anyway)
    if (c === 92 /* \ */) return undefined;
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
    else if (depth === 1) {
      if (c === 58 /* : */) {
        if (state === 1) state = 2;
      } else if (c === 44 /* , */) state = 0;
      else if (state === 2) state = 3; // a value that is not a string
    }
  }
  return ids === 1 && types === 1 && idStart !== -1 && typeStart !== -1 ? [idStart, idEnd] : undefined;
}

/**
 * [start, end) of the value of the first top-level "id" key of the JSON object in buf[from..to), when it is a string
 * met before any backslash and any top-level `value` or `data` key; undefined otherwise. What shards route a line by
 * without reading all of it (usually "id" is the first key): a later second "id" or envelope key is not seen here, so
 * the shard that reads the line checks what JSON.parse made of it (snapshot.ts). The same walk as topLevelIdOfType's,
 * written again: one walker calling a visitor per member measured ≈ 35 % slower on these hot loops.
 */
export function firstTopLevelId(buf: Buffer, from: number, to: number): readonly [number, number] | undefined {
  let i = from;
  while (i < to && (buf[i] === 32 || buf[i] === 9)) i++;
  if (buf[i] !== 123 /* { */) return undefined;
  let depth = 0;
  /** At depth 1: 0 a key comes next, 1 a ':' comes next, 2 a value comes next, 3 inside or after a value. */
  let state = 0;
  let isId = false;
  for (; i < to; i++) {
    const c = buf[i]!;
    if (c === 34 /* " */) {
      const end = closingQuote(buf, i + 1, to);
      if (end === -1) return undefined;
      if (depth === 1) {
        if (state === 0) {
          const len = end - i - 1;
          isId = len === 2 && bytesAre(buf, i + 1, 'id');
          if (isEnvelopeKey(buf, i + 1, len)) return undefined;
          state = 1;
        } else if (state === 2) {
          if (isId) return [i + 1, end];
          state = 3;
        }
      }
      i = end;
      continue;
    }
    if (c <= 32) continue;
    if (c === 92 /* \ */) return undefined;
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
    else if (depth === 1) {
      if (c === 58 /* : */) {
        if (state === 1) state = 2;
      } else if (c === 44 /* , */) state = 0;
      else if (state === 2) {
        if (isId) return undefined; // an id that is not a string
        state = 3;
      }
    }
  }
  return undefined;
}

/**
 * The top-level "id" string of a one-object JSON line, found by scanning keys at depth 1 (strings skipped), or
 * undefined when the line is not such an object or the id has escapes.
 */
export function topLevelId(line: string): string | undefined {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (line.startsWith('{"id":"', i)) return idValue(line, i + 7);
  return topLevelStrings(line).id;
}

/**
 * The top-level "id" and "type" strings of a one-object JSON line, each undefined when absent, not a plain string
 * (escapes) or given twice (JSON.parse would take the last; the caller then parses the line).
 */
export function topLevelStrings(line: string): { id?: string; type?: string } {
  let id: string | undefined;
  let type: string | undefined;
  let ids = 0;
  let types = 0;
  let i = 0;
  const n = line.length;
  while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (line.charCodeAt(i) !== 123 /* { */) return {};
  let depth = 0;
  for (; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(line, i + 1);
      if (end === -1) return {};
      const key = depth !== 1 ? 0 : end === i + 3 && line.startsWith('id', i + 1) ? 1 : end === i + 5 && line.startsWith('type', i + 1) ? 2 : 0;
      if (key !== 0) {
        // a key when a ':' follows
        let j = end + 1;
        while (j < n && (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9)) j++;
        if (line.charCodeAt(j) === 58 /* : */) {
          j++;
          while (j < n && (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9)) j++;
          const v = line.charCodeAt(j) === 34 ? idValue(line, j + 1) : undefined;
          if (key === 1) {
            ids++;
            id = v;
          } else {
            types++;
            type = v;
          }
          if (v !== undefined) {
            i = j + 1 + v.length; // the value's closing quote
            continue;
          }
        }
      }
      i = end;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  const out: { id?: string; type?: string } = {};
  if (ids === 1 && id !== undefined) out.id = id;
  if (types === 1 && type !== undefined) out.type = type;
  return out;
}

function stringEnd(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

function idValue(line: string, from: number): string | undefined {
  const end = line.indexOf('"', from);
  if (end === -1) return undefined;
  const v = line.slice(from, end);
  return v.indexOf('\\') === -1 ? v : undefined;
}
