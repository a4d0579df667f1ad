// Source text → JSON value, with the source position of every key/value so diagnostics can say file:line:column.
// No disk access: callers pass the text they read.
//
// JSON: the value comes from JSON.parse (strict, fast, iterative — a 100k-deep array does not overflow), and one
// linear, iterative scan of the already-validated text records where each key/value starts and finds duplicate
// keys (which JSON.parse silently resolves to the last). The `yaml` package parses JSON too, but measured ~600 ms
// per MB against JSON.parse's ~7 ms and it accepts non-JSON (`{"a":1 "b":2}`), so it is used for YAML only.
// YAML: the `yaml` package's Document API with a LineCounter; positions come from its node ranges.
import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { diagnostic, joinPointer, parsePointer, type Diagnostic, type SourceLocation } from '../diagnostics/index.js';

export type SourceFormat = 'json' | 'yaml';

export interface ParsedSource {
  /** The parsed value; undefined when the text has a syntax error. A YAML file of several documents gives an array. */
  value: unknown;
  diagnostics: Diagnostic[];
  /**
   * Line:column (1-based) of the key of the member `pointer` names (of the value itself for array elements and
   * the root). A pointer that goes below what the text holds resolves to its nearest existing ancestor;
   * undefined only when the text gave no value.
   */
  locate(pointer: string): SourceLocation | undefined;
}

/** Picks the format from the file name, else from the first non-blank character. */
export function detectSourceFormat(text: string, file: string): SourceFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  const m = /^\s*(\S)/.exec(text.length > 4096 ? text.slice(0, 4096) : text);
  return m && (m[1] === '{' || m[1] === '[') ? 'json' : 'yaml';
}

export function parseSourceText(text: string, file: string, format?: SourceFormat): ParsedSource {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = body === text ? 0 : 1;
  const fmt = format ?? detectSourceFormat(body, file);
  const lines = new LineIndex(text);
  const at = (offset: number): SourceLocation => lines.locate(file, offset + shift);
  return fmt === 'json' ? parseJsonText(body, at) : parseYamlText(body, at);
}

// ── JSON ──────────────────────────────────────────────────────────────────────────────────────

function parseJsonText(text: string, at: (offset: number) => SourceLocation): ParsedSource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(reason);
    const offset = m ? Number(m[1]) : text.length;
    const source = at(offset);
    const d = diagnostic('load.invalid-json', { reason: `${reason.replace(/ in JSON at position \d+.*$/, '')} (line ${source.line}, column ${source.column})` }, { source });
    return { value: undefined, diagnostics: [d], locate: () => undefined };
  }
  // Duplicates are looked for on every parse; the pointer → offset index is built on the first locate() only
  // (most documents never need a position).
  const { duplicates } = indexJsonText(text, false);
  const diagnostics = duplicates.map((d) => diagnostic('parse.duplicate-key', { key: d.key }, { pointer: d.pointer, source: at(d.offset) }));
  let offsets: Map<string, number> | undefined;
  return { value, diagnostics, locate: (pointer) => locateIn((offsets ??= indexJsonText(text, true).offsets), pointer, at) };
}

interface Frame {
  array: boolean;
  pointer: string; // '' unless the index is being built
  token: string | number; // this container's key/index in its parent
  index: number; // arrays: current element index
  key: string | undefined; // objects: key of the member being read
  keys: Set<string> | undefined;
}

/**
 * One pass over text that JSON.parse accepted: every repeated key and, when `build`, the offset where each
 * member's key (or each array element / the root value) starts. Iterative: depth costs heap, not stack.
 */
function indexJsonText(text: string, build: boolean): { offsets: Map<string, number>; duplicates: { pointer: string; key: string; offset: number }[] } {
  const offsets = new Map<string, number>();
  const duplicates: { pointer: string; key: string; offset: number }[] = [];
  const stack: Frame[] = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  // pointer of the value that starts now (the member key was already recorded for objects)
  const valuePointer = (): string => {
    const top = stack[stack.length - 1];
    if (!build || !top) return '';
    return top.array ? joinPointer(top.pointer, top.index) : joinPointer(top.pointer, top.key ?? '');
  };
  const recordValue = (offset: number): string => {
    const top = stack[stack.length - 1];
    const p = valuePointer();
    if (build && (!top || top.array)) offsets.set(p, offset);
    return p;
  };
  const slowPointer = (key: string): string =>
    joinPointer('', ...stack.slice(1).map((f) => f.token), key);
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const p = recordValue(i);
      const parent = stack[stack.length - 1];
      const token = parent ? (parent.array ? parent.index : (parent.key ?? '')) : '';
      stack.push({ array: c === 0x5b, pointer: p, token, index: 0, key: undefined, keys: c === 0x7b ? new Set() : undefined });
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else expectKey = true;
      i++;
    } else if (c === 0x3a /* : */) {
      i++;
    } else if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) escaped = true, (i += 2);
        else if (d === 0x22) break;
        else i++;
      }
      i++; // closing quote
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.array) {
        const raw = text.slice(start + 1, i - 1);
        const key = escaped ? (JSON.parse(text.slice(start, i)) as string) : raw;
        top.key = key;
        if (top.keys!.has(key)) duplicates.push({ pointer: build ? joinPointer(top.pointer, key) : slowPointer(key), key, offset: start });
        else top.keys!.add(key);
        if (build) offsets.set(joinPointer(top.pointer, key), start);
        expectKey = false;
      } else {
        recordValue(start);
      }
    } else {
      // number, true, false, null
      recordValue(i);
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
        i++;
      }
    }
  }
  return { offsets, duplicates };
}

// ── YAML ──────────────────────────────────────────────────────────────────────────────────────

function parseYamlText(text: string, at: (offset: number) => SourceLocation): ParsedSource {
  const diagnostics: Diagnostic[] = [];
  const offsets = new Map<string, number>();
  let value: unknown;
  try {
    // uniqueKeys off: duplicates are found below, with the pointer of the repeated key.
    const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const doc of list) {
      for (const err of doc.errors) {
        const source = at(err.pos[0]);
        const reason = `${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')} (line ${source.line}, column ${source.column})`;
        diagnostics.push(diagnostic('load.invalid-yaml', { reason }, { source }));
      }
    }
    if (diagnostics.length > 0) return { value: undefined, diagnostics, locate: () => undefined };
    const many = list.length > 1;
    const values: unknown[] = [];
    list.forEach((doc, index) => {
      values.push(doc.toJS({ maxAliasCount: 100 }));
      indexYamlNode(doc.contents as YamlNode | null, many ? `/${index}` : '', offsets, diagnostics, at);
    });
    value = many ? values : list.length === 1 ? values[0] : null;
  } catch (e) {
    // toJS throws on alias bombs (maxAliasCount) and RangeError on absurd nesting
    const reason = e instanceof Error ? e.message : String(e);
    return { value: undefined, diagnostics: [diagnostic('load.invalid-yaml', { reason }, { source: at(0) })], locate: () => undefined };
  }
  return { value, diagnostics, locate: (pointer) => locateIn(offsets, pointer, at) };
}

function indexYamlNode(
  root: YamlNode | null,
  base: string,
  offsets: Map<string, number>,
  diagnostics: Diagnostic[],
  at: (offset: number) => SourceLocation,
): void {
  const work: { node: YamlNode | null; pointer: string; record: boolean }[] = [{ node: root, pointer: base, record: true }];
  while (work.length > 0) {
    const { node, pointer, record } = work.pop()!;
    if (!node) continue;
    if (record && node.range) offsets.set(pointer, node.range[0]);
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : keyNode ? String(keyNode.toJSON()) : '';
        const p = joinPointer(pointer, key);
        const offset = keyNode?.range?.[0] ?? (pair.value as YamlNode | null)?.range?.[0] ?? node.range?.[0] ?? 0;
        if (seen.has(key)) diagnostics.push(diagnostic('parse.duplicate-key', { key }, { pointer: p, source: at(offset) }));
        seen.add(key);
        offsets.set(p, offset);
        work.push({ node: pair.value as YamlNode | null, pointer: p, record: false });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => work.push({ node: item as YamlNode | null, pointer: joinPointer(pointer, index), record: true }));
    } else if (isAlias(node)) {
      // the alias itself is the position the user wrote; its target's inner positions are not repeated
    }
  }
}

// ── positions ─────────────────────────────────────────────────────────────────────────────────

function locateIn(offsets: Map<string, number>, pointer: string, at: (offset: number) => SourceLocation): SourceLocation | undefined {
  let p = pointer;
  for (;;) {
    const o = offsets.get(p);
    if (o !== undefined) return at(o);
    if (p === '') return undefined;
    const tokens = parsePointer(p);
    tokens.pop();
    p = joinPointer('', ...tokens);
  }
}

/** Offsets → 1-based line:column; columns count UTF-16 code units. Line starts are computed on first use. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  locate(file: string, offset: number): SourceLocation {
    if (!this.starts) {
      const s = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) s.push(i + 1);
      this.starts = s;
    }
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - s[lo]! + 1 };
  }
}
