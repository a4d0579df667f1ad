// Resource snapshots from disk (or memory): files, directories and globs of JSON / NDJSON / YAML, in ARM or Azure
// Resource Graph shape, into ResourceViews + the MG → subscription → RG hierarchy. The only disk reader besides
// the CLI. Bad files, lines and rows become coded diagnostics naming the file and the line or element; everything
// else still loads.
//
// Accepted documents (per file, per YAML document, per NDJSON line):
//   - an array of resources (ARM GET shape) or of Resource Graph rows;
//   - an ARM list `{ "value": [...], "nextLink"? }`;
//   - `az graph query` output `{ "data": [...] }` / `{ "count", "data", "skip_token", "total_records" }`, including
//     the table form `{ "data": { "columns": [{name}], "rows": [[...]] } }`;
//   - one resource object (has an "id").
// Resource Graph rows (every row of a `data` envelope, and any row with `subscriptionId` and `resourceGroup`
// columns, which ARM GET never returns at the root) are normalised to the ARM shape: see normalizeResourceGraphRow.
//
// Large inputs: NDJSON is read line by line; a .json file above `streamThresholdBytes` is streamed with stream-json
// (a top-level array, or the `value` / `data` array of an envelope), so it never becomes one string. Streamed
// elements have no line numbers; their diagnostics name the file and the element's JSON pointer instead.
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline as pipeStreams, type Duplex } from 'node:stream';
import parser from 'stream-json/parser.js';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { diagnostic, escapePointerToken, type Diagnostic, type SourceLocation } from '../diagnostics/index.js';
import type { RawResource } from '../model/index.js';
import { buildHierarchy, type Hierarchy } from '../scope/hierarchy.js';
import { isDiagnostic, resourceIdKey, SUBSCRIPTION_TYPE } from '../scope/resource-id.js';
import { toResourceView, type ScopedResourceView } from '../scope/view.js';
import { detectSourceFormat, parseSourceText, type SourceFormat } from './source.js';
import { resolveInputs } from './files.js';

/** Where a resource came from, so reports can point at it. */
export interface ResourceSource {
  /** The file as given or as found (undefined for in-memory input). */
  file: string | undefined;
  /** 0-based position of the element in its file (in-memory: in the input array), counting every element. */
  index: number;
  /** 1-based line (and column) of the element, when known (not for streamed JSON). */
  line?: number;
  column?: number;
  /** JSON pointer of the element inside its document ('/data/3'); NDJSON: inside its line's document. */
  pointer?: string;
  /** The element was a Resource Graph row and was normalised to the ARM shape. */
  resourceGraph?: boolean;
}

export interface Snapshot {
  /** Unique by id (ci); a later duplicate replaces the earlier copy in place ('load.duplicate-resource'). */
  resources: ScopedResourceView[];
  /** `sources[i]` is where `resources[i]` came from. */
  sources: ResourceSource[];
  /** Lower-cased id → position in `resources`. */
  byId: ReadonlyMap<string, number>;
  hierarchy: Hierarchy;
  diagnostics: Diagnostic[];
  /** The files read, in reading order. */
  files: string[];
}

export interface LoadOptions {
  /** Base directory for relative paths and globs (default: process.cwd()). File names in results stay as given. */
  cwd?: string;
  /** .json files larger than this are streamed (default 32 MiB). */
  streamThresholdBytes?: number;
  /**
   * NDJSON only: called with each non-blank line before it is parsed; false skips the line unparsed, counted as one
   * element (engine/scale routes lines to shards this way). Return true for any line that may hold other than one
   * resource object.
   */
  lineFilter?: (line: string, lineNo: number) => boolean;
  /**
   * NDJSON only: called with the bytes of a line (buf[from..to), no line break) before it is decoded; true skips the
   * line undecoded and unparsed, counted as one element — so return true only for a line that is certainly one
   * resource. Not called for line 1 or for lines of a chunk holding a carriage return (they are decoded first).
   */
  skipLineBytes?: (buf: Buffer, from: number, to: number, lineNo: number) => boolean;
}

export type ReadItem =
  | { kind: 'resource'; raw: RawResource; source: ResourceSource }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };

const DEFAULT_STREAM_THRESHOLD = 32 * 1024 * 1024;
/** Above this a non-streamable JSON file is not read whole (V8 strings top out near 512 MiB). */
const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;
const SNAPSHOT_EXTENSIONS = ['json', 'jsonl', 'ndjson', 'yaml', 'yml'];

// ── Resource Graph rows ─────────────────────────────────────────────────────────────────

/** Resource Graph columns that are null or "" when the resource has no such property. */
const ARG_OPTIONAL_COLUMNS = ['kind', 'managedBy', 'sku', 'plan', 'identity', 'zones', 'extendedLocation', 'location', 'tags', 'properties'];
/** Resource Graph bookkeeping columns that an ARM GET does not return at the root. */
const ARG_ONLY_COLUMNS = ['subscriptionId', 'resourceGroup', 'tenantId'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Resource Graph row: ARM GET never has `resourceGroup` / `subscriptionId` columns at the root of a resource. */
export function looksLikeResourceGraphRow(row: Record<string, unknown>): boolean {
  return Object.hasOwn(row, 'resourceGroup') && Object.hasOwn(row, 'subscriptionId');
}

/**
 * Resource Graph row → ARM shape: drops the bookkeeping columns (`subscriptionId`, `resourceGroup`, `tenantId`;
 * a subscription row keeps `subscriptionId` and `tenantId`, which its ARM GET also returns) and the optional
 * columns Resource Graph fills with null or "" for an absent property (`kind: ""`, `sku: null` …), so that absent
 * stays absent (digest §2.3). The type keeps Resource Graph's lower-case spelling (compared ci). Own key order is
 * kept; the row is not modified.
 */
export function normalizeResourceGraphRow(row: Record<string, unknown>): RawResource {
  const type = typeof row['type'] === 'string' ? (row['type'] as string).toLowerCase() : '';
  const isSubscription = type === SUBSCRIPTION_TYPE.toLowerCase();
  const out: RawResource = {};
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (ARG_ONLY_COLUMNS.includes(key) && !(isSubscription && key !== 'resourceGroup')) continue;
    if (ARG_OPTIONAL_COLUMNS.includes(key) && (v === null || v === '')) continue;
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// ── documents → elements ────────────────────────────────────────────────────────────────

interface Element {
  value: unknown;
  pointer: string;
  resourceGraph: boolean;
}

/** The elements of one document, or why it is not a snapshot document. */
function elementsOf(doc: unknown): Element[] | string {
  if (Array.isArray(doc)) return doc.map((value, i) => ({ value, pointer: `/${i}`, resourceGraph: false }));
  if (!isPlainObject(doc)) return `a JSON ${doc === null ? 'null' : typeof doc} is not a resource or a list of resources`;
  if (Object.hasOwn(doc, 'data')) {
    const data = doc['data'];
    if (Array.isArray(data)) return data.map((value, i) => ({ value, pointer: `/data/${i}`, resourceGraph: true }));
    if (isPlainObject(data) && Array.isArray(data['columns']) && Array.isArray(data['rows'])) return tableRows(data['columns'], data['rows']);
    if (typeof doc['id'] !== 'string') return '"data" is neither an array of rows nor a { columns, rows } table';
  }
  if (Object.hasOwn(doc, 'value') && typeof doc['id'] !== 'string') {
    const value = doc['value'];
    if (Array.isArray(value)) return value.map((v, i) => ({ value: v, pointer: `/value/${i}`, resourceGraph: false }));
    return '"value" is not an array';
  }
  if (Object.hasOwn(doc, 'id')) return [{ value: doc, pointer: '', resourceGraph: false }];
  return 'an object with none of "id", "value" (ARM list) or "data" (az graph query output)';
}

/** Resource Graph table result (resultFormat=table): column names + row arrays → row objects. */
function tableRows(columns: unknown[], rows: unknown[]): Element[] | string {
  const names: string[] = [];
  for (const c of columns) {
    const n = isPlainObject(c) ? c['name'] : undefined;
    if (typeof n !== 'string') return 'a table column has no name';
    names.push(n);
  }
  return rows.map((r, i) => {
    if (!Array.isArray(r)) return { value: r, pointer: `/data/rows/${i}`, resourceGraph: true };
    const o: Record<string, unknown> = {};
    names.forEach((n, k) => Object.defineProperty(o, n, { value: r[k] ?? null, enumerable: true, writable: true, configurable: true }));
    return { value: o, pointer: `/data/rows/${i}`, resourceGraph: true };
  });
}

function elementItem(
  el: Element,
  file: string | undefined,
  index: number,
  where: { line?: number; column?: number } | undefined,
  pointerPrefix = '',
): ReadItem {
  const pointer = pointerPrefix + el.pointer;
  // One literal per shape: keys added later would move to a separate property array (≈ 40 B per held resource).
  const source: ResourceSource = where?.line === undefined ? { file, index } : { file, index, line: where.line, column: where.column ?? 1 };
  if (pointer !== '') source.pointer = pointer;
  if (!isPlainObject(el.value)) {
    return { kind: 'diagnostic', diagnostic: located(diagnostic('load.invalid-resource', { reason: `element ${index} is not a JSON object` }), source) };
  }
  const graph = el.resourceGraph || looksLikeResourceGraphRow(el.value);
  if (graph) source.resourceGraph = true;
  return { kind: 'resource', raw: graph ? normalizeResourceGraphRow(el.value) : el.value, source };
}

/** Attaches a resource's location to a diagnostic about it (pointer, and file:line or a file note). */
export function located(d: Diagnostic, source: ResourceSource, subPointer = ''): Diagnostic {
  const pointer = (source.pointer ?? '') + subPointer;
  if (pointer !== '') d.pointer = pointer;
  if (source.file !== undefined) {
    if (source.line !== undefined) d.source = { file: source.file, line: source.line, column: source.column ?? 1 };
    else d.message += ` (${source.file}${pointer !== '' ? ` at ${pointer}` : ''})`;
  }
  return d;
}

// ── file discovery ──────────────────────────────────────────────────────────────────────

/**
 * Files, directories (every .json/.jsonl/.ndjson/.yaml/.yml below, sorted) and globs (sorted matches) → file list
 * in input order, each file once.
 */
export async function resolveInputFiles(inputs: readonly string[], options: LoadOptions = {}): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await resolveInputs(inputs, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    extensions: SNAPSHOT_EXTENSIONS,
    emptyDirectory: 'warning',
  });
  return { files, diagnostics };
}

// ── readers ─────────────────────────────────────────────────────────────────────────────

function extensionOf(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return ext.startsWith('.') ? ext.slice(1) : ext;
}

/** NDJSON reading state: line number and element index, carried across lines. */
class NdjsonReader {
  lineNo = 0;
  index = 0;
  constructor(
    readonly file: string,
    readonly filter: ((line: string, lineNo: number) => boolean) | undefined,
  ) {}
  /** The items of one line, appended to `out`; undefined: a line skipped before decoding (one element). */
  line(text: string | undefined, out: ReadItem[]): void {
    const file = this.file;
    const lineNo = ++this.lineNo;
    if (text === undefined) {
      this.index++;
      return;
    }
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    if (this.filter !== undefined && !this.filter(text, lineNo)) {
      this.index++;
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      const source: SourceLocation = { file, line: lineNo, column: 1 };
      out.push({ kind: 'diagnostic', diagnostic: diagnostic('load.invalid-ndjson-line', { line: lineNo, reason: (e as Error).message }, { source }) });
      this.index++;
      return;
    }
    const els = elementsOf(doc);
    if (typeof els === 'string') {
      out.push({ kind: 'diagnostic', diagnostic: diagnostic('load.unknown-snapshot-shape', { reason: els }, { source: { file, line: lineNo, column: 1 } }) });
      this.index++;
      return;
    }
    for (const el of els) out.push(elementItem(el, file, this.index++, { line: lineNo, column: 1 }));
  }
}

/** NDJSON from a line source: blank lines are skipped; each line is one document (usually one resource). */
async function* readNdjsonLines(lines: AsyncIterable<string> | Iterable<string>, file: string, filter?: (line: string, lineNo: number) => boolean): AsyncGenerator<ReadItem> {
  const reader = new NdjsonReader(file, filter);
  const out: ReadItem[] = [];
  for await (const text of lines) {
    reader.line(text, out);
    if (out.length > 0) {
      yield* out;
      out.length = 0;
    }
  }
}

/**
 * The lines of a file as readline splits them (\n, \r\n and a lone \r end a line), in batches (one per chunk read):
 * no per-line stream machinery, and a line is decoded once, from its own bytes.
 */
export async function* fileLineBatches(abs: string, skip?: LoadOptions['skipLineBytes']): AsyncGenerator<(string | undefined)[]> {
  const input = createReadStream(abs, { highWaterMark: 1 << 20 });
  const pending: Buffer[] = [];
  /** Lines emitted so far (a line with inner carriage returns counts as several, as readline splits it). */
  let lineNo = 0;
  const emit = (buf: Buffer, from: number, to: number, out: (string | undefined)[], mayHaveCR: boolean): void => {
    if (to > from && buf[to - 1] === 13) to--;
    if (skip !== undefined && !mayHaveCR && lineNo > 0 && to > from && skip(buf, from, to, lineNo + 1)) {
      lineNo++;
      out.push(undefined);
      return;
    }
    const text = buf.toString('utf8', from, to);
    if (text.indexOf('\r') === -1) {
      lineNo++;
      out.push(text);
    } else {
      const parts = text.split('\r');
      lineNo += parts.length;
      out.push(...parts);
    }
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const out: (string | undefined)[] = [];
      // One scan per chunk: without a carriage return in it, no line of it needs decoding to be split.
      const mayHaveCR = skip !== undefined && chunk.indexOf(13) !== -1;
      let start = 0;
      let nl = chunk.indexOf(10);
      if (nl !== -1 && pending.length > 0) {
        pending.push(chunk.subarray(0, nl));
        const line = Buffer.concat(pending);
        pending.length = 0;
        emit(line, 0, line.length, out, skip !== undefined && line.indexOf(13) !== -1);
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      while (nl !== -1) {
        emit(chunk, start, nl, out, mayHaveCR);
        start = nl + 1;
        nl = chunk.indexOf(10, start);
      }
      if (start < chunk.length) pending.push(start === 0 ? chunk : chunk.subarray(start));
      if (out.length > 0) yield out;
    }
    if (pending.length > 0) {
      const line = Buffer.concat(pending);
      const out: (string | undefined)[] = [];
      emit(line, 0, line.length, out, true);
      // readline drops the empty line after a final lone \r
      if (out.length > 1 && out[out.length - 1] === '') out.pop();
      yield out;
    }
  } finally {
    input.destroy();
  }
}

async function* readNdjsonFileBatches(file: string, abs: string, options: LoadOptions): AsyncGenerator<ReadItem[]> {
  const reader = new NdjsonReader(file, options.lineFilter);
  for await (const lines of fileLineBatches(abs, options.skipLineBytes)) {
    const out: ReadItem[] = [];
    for (const text of lines) reader.line(text, out);
    if (out.length > 0) yield out;
  }
}

/** A whole (small) file through parseSourceText, so every element has a line. */
async function* readWholeFile(file: string, abs: string, format: SourceFormat | undefined): AsyncGenerator<ReadItem> {
  const text = await readFile(abs, 'utf8');
  const fmt = format ?? detectSourceFormat(text, file);
  const parsed = parseSourceText(text, file, fmt);
  if (parsed.value === undefined && fmt === 'json' && looksLikeNdjson(text)) {
    // `… | jq -c '.data[]' > x.json`: one object per line in a .json file
    yield* readNdjsonLines(text.split(/\r?\n/), file);
    return;
  }
  for (const d of parsed.diagnostics) yield { kind: 'diagnostic', diagnostic: d };
  if (parsed.value === undefined) return;
  const els = elementsOf(parsed.value);
  if (typeof els === 'string') {
    yield { kind: 'diagnostic', diagnostic: diagnostic('load.unknown-snapshot-shape', { reason: els }, { pointer: '', source: parsed.locate('') ?? { file, line: 1, column: 1 } }) };
    return;
  }
  let index = 0;
  for (const el of els) yield elementItem(el, file, index++, parsed.locate(el.pointer));
}

/** Two or more non-blank lines, the first of which is a JSON object on its own. */
function looksLikeNdjson(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  try {
    const first = JSON.parse(lines[0]!.charCodeAt(0) === 0xfeff ? lines[0]!.slice(1) : lines[0]!);
    return isPlainObject(first);
  } catch {
    return false;
  }
}

/** First non-whitespace character of a file (after a BOM), read from its head only. */
async function firstSignificantChar(abs: string): Promise<string | undefined> {
  const fh = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(4096);
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return undefined;
      const text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
      const m = /\S/.exec(text);
      if (m) return m[0];
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** Streams the elements of a large JSON array (top level, or an envelope's `value` / `data`). */
async function* streamJsonFile(file: string, abs: string, size: number): AsyncGenerator<ReadItem> {
  const first = await firstSignificantChar(abs);
  let picked: string | undefined;
  const stages =
    first === '['
      ? [parser.asStream(), streamArray.asStream()]
      : [
          parser.asStream(),
          pick.asStream({
            filter: (stack: readonly (string | number | null)[]) => {
              if (stack.length === 1 && (stack[0] === 'data' || stack[0] === 'value') && (picked === undefined || picked === stack[0])) {
                picked = stack[0] as string;
                return true;
              }
              return false;
            },
          }),
          streamArray.asStream(),
        ];
  // pipeline() destroys every stage with the first error, so iterating the last stage rethrows it.
  const chain: Duplex[] = stages;
  pipeStreams([createReadStream(abs), ...chain], () => {});
  const last = chain[chain.length - 1]!;
  let index = 0;
  try {
    for await (const item of last as AsyncIterable<{ key: number; value: unknown }>) {
      const prefix = first === '[' ? '' : `/${escapePointerToken(picked ?? 'data')}`;
      const el: Element = { value: item.value, pointer: `/${item.key}`, resourceGraph: picked === 'data' };
      yield elementItem(el, file, index++, undefined, prefix);
    }
  } catch (e) {
    const reason = (e as Error).message;
    if (index === 0 && first === '{' && /should be an array/i.test(reason) && size <= MAX_WHOLE_FILE_BYTES) {
      // e.g. a { data: { columns, rows } } table: not streamable, read it whole
      yield* readWholeFile(file, abs, 'json');
      return;
    }
    yield {
      kind: 'diagnostic',
      diagnostic: diagnostic('load.invalid-json', { reason: `${reason} (${file}, after ${index} element${index === 1 ? '' : 's'})` }),
    };
    return;
  }
  if (index === 0 && first === '{' && picked === undefined) {
    // one big resource object, or an unknown object: not streamable
    if (size <= MAX_WHOLE_FILE_BYTES) yield* readWholeFile(file, abs, 'json');
    else yield { kind: 'diagnostic', diagnostic: diagnostic('load.unknown-snapshot-shape', { reason: `${file} is a JSON object without a "value" or "data" array` }) };
  } else if (first !== '[' && first !== '{') {
    yield { kind: 'diagnostic', diagnostic: diagnostic('load.unknown-snapshot-shape', { reason: `${file} does not start with "[" or "{"` }) };
  }
}

/** The items of one file in batches (NDJSON: one batch per chunk read; other formats: up to 1,024 items). */
export async function* readFileBatches(file: string, options: LoadOptions): AsyncGenerator<ReadItem[]> {
  const abs = path.resolve(options.cwd ?? process.cwd(), file);
  const ext = extensionOf(file);
  try {
    if (ext === 'jsonl' || ext === 'ndjson') {
      yield* readNdjsonFileBatches(file, abs, options);
      return;
    }
    let items: AsyncGenerator<ReadItem>;
    if (ext === 'yaml' || ext === 'yml') items = readWholeFile(file, abs, 'yaml');
    else {
      const { size } = await stat(abs);
      if (ext === 'json' && size > (options.streamThresholdBytes ?? DEFAULT_STREAM_THRESHOLD)) items = streamJsonFile(file, abs, size);
      else items = readWholeFile(file, abs, ext === 'json' ? 'json' : undefined);
    }
    let batch: ReadItem[] = [];
    for await (const item of items) {
      batch.push(item);
      if (batch.length >= 1024) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const d = err.code === 'ENOENT' ? diagnostic('load.file-not-found', { file }) : diagnostic('load.read-failed', { file, reason: err.message ?? String(e) });
    yield [{ kind: 'diagnostic', diagnostic: d }];
  }
}

/**
 * The items of the inputs in batches, in readResources' order: the cheap way to consume a large snapshot (one
 * await per batch, not per resource). `files` (the resolved list) is filled before the first batch.
 */
export async function* readResourceBatches(inputs: readonly string[], options: LoadOptions = {}, files: string[] = []): AsyncGenerator<ReadItem[]> {
  const resolved = await resolveInputFiles(inputs, options);
  files.push(...resolved.files);
  if (resolved.diagnostics.length > 0) yield resolved.diagnostics.map((d) => ({ kind: 'diagnostic', diagnostic: d }) as ReadItem);
  for (const file of resolved.files) yield* readFileBatches(file, options);
}

/**
 * Every resource (and every diagnostic) of the inputs, in a deterministic order: inputs in the order given,
 * files of a directory or glob sorted, elements in file order. Nothing is deduplicated or parsed further here,
 * so a streaming evaluator can consume it without holding the snapshot.
 */
export async function* readResources(inputs: readonly string[], options: LoadOptions = {}): AsyncGenerator<ReadItem> {
  for await (const batch of readResourceBatches(inputs, options)) yield* batch;
}

// ── snapshot ────────────────────────────────────────────────────────────────────────────

/** Builds a snapshot from read items (views, duplicates, hierarchy). */
export async function buildSnapshot(items: AsyncIterable<ReadItem | ReadItem[]> | Iterable<ReadItem>, files: string[] = []): Promise<Snapshot> {
  const resources: ScopedResourceView[] = [];
  const sources: ResourceSource[] = [];
  const byId = new Map<string, number>();
  const diagnostics: Diagnostic[] = [];
  // Every valid view in read order, duplicates included: a replaced copy may still carry hierarchy facts (an
  // ARG subscription row's managementGroupAncestorsChain, which a later ARM GET of the subscription lacks).
  const readOrder: ScopedResourceView[] = [];
  const add = (item: ReadItem): void => {
    if (item.kind === 'diagnostic') {
      diagnostics.push(item.diagnostic);
      return;
    }
    const view = toResourceView(item.raw);
    if (isDiagnostic(view)) {
      diagnostics.push(located(view, item.source, view.code === 'load.invalid-resource-id' ? '/id' : ''));
      return;
    }
    readOrder.push(view);
    const key = resourceIdKey(view.id);
    const at = byId.get(key);
    if (at !== undefined) {
      diagnostics.push(located(diagnostic('load.duplicate-resource', { id: view.id }), item.source));
      resources[at] = view;
      sources[at] = item.source;
    } else {
      byId.set(key, resources.length);
      resources.push(view);
      sources.push(item.source);
    }
  };
  for await (const item of items) {
    if (Array.isArray(item)) for (const i of item) add(i);
    else add(item);
  }
  const built = buildHierarchy(readOrder);
  diagnostics.push(...built.diagnostics);
  return { resources, sources, byId, hierarchy: built.hierarchy, diagnostics, files };
}

function* memoryItems(input: readonly unknown[]): Generator<ReadItem> {
  for (let i = 0; i < input.length; i++) {
    yield elementItem({ value: input[i], pointer: `/${i}`, resourceGraph: false }, undefined, i, undefined);
  }
}

/**
 * Loads a snapshot from paths (files, directories, globs) or from resources already in memory (ARM objects or
 * Resource Graph rows). Never throws for bad input: every fault is in `diagnostics`.
 */
export async function loadSnapshot(input: readonly string[] | readonly RawResource[], options: LoadOptions = {}): Promise<Snapshot> {
  if (input.length > 0 && input.every((x) => typeof x === 'string')) {
    const files: string[] = [];
    return buildSnapshot(readResourceBatches(input as readonly string[], options, files), files);
  }
  return buildSnapshot(memoryItems(input as readonly unknown[]));
}
