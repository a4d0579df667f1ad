// A snapshot streamed from files and reduced to what the compiled policies need (engine/scale/plan.ts): containers
// whole (the hierarchy and resourceGroup()/subscription() need them), resources of the kept types projected to the
// fields the rules read, every other resource only counted (its id checked, its containers noted, duplicates found).
// The result is a Snapshot that evaluate() treats exactly as loadSnapshot's: same diagnostics in the same order,
// same hierarchy, same resource order and sources for what it holds.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { RawResource, ResourceView } from '../model/index.js';
import { located, readFileBatches, resolveInputFiles, type LoadOptions, type ReadItem, type ResourceSource, type Snapshot } from '../load/snapshot.js';
import { buildHierarchy, type HierarchyInput } from '../scope/hierarchy.js';
import { compareIdsIgnoringCase, isDiagnostic, parseResourceId, type ParsedResourceId } from '../scope/resource-id.js';
import { toResourceView, type ScopedResourceView } from '../scope/view.js';
import { firstTopLevelId, lineTestOfBytes, topLevelId } from './line-scan.js';
import { Projector, type KeepPlan } from './plan.js';
import { idHash } from '../scope/id-hash.js';
import { ownerShard, readByEveryShard, routeId, shardOfIdBytes, type ShardSpec } from './route.js';

/** Order of an item in a single run's reading: [file index (-1 before the files), position, sub-position]. */
export type OrderKey = readonly [number, number, number];

export { lineTestOfBytes, topLevelId, topLevelStrings } from './line-scan.js';

export function compareKeys(a: OrderKey, b: OrderKey): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Number lists compared element by element, then by length (the longer after its prefix). */
export function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export interface KeyedDiagnostic {
  key: OrderKey;
  diagnostic: Diagnostic;
}

/** The deferred lines of one NDJSON file: line numbers, ascending, and the idHash of each line's id. */
export interface DeferredLines {
  lines: number[];
  hashes: number[];
}

export interface StreamSnapshotOptions {
  /** undefined: keep every resource whole (what loadSnapshot holds). */
  plan?: KeepPlan;
  /** Read only one shard (by subscription) of the inputs; containers are read by every shard. */
  shard?: ShardSpec;
  /**
   * NDJSON lines that are certainly one resource of these (lower-cased) types are not parsed: their ids are noted
   * (the containers they imply, duplicates) and `deferred` counts them, for a second pass to evaluate (pipeline.ts).
   */
  deferTypes?: ReadonlySet<string>;
  load?: LoadOptions;
}

export interface StreamedSnapshot {
  snapshot: Snapshot;
  /** Load diagnostics (snapshot.diagnostics minus the hierarchy's), with their single-run order. */
  loadDiagnostics: KeyedDiagnostic[];
  hierarchyDiagnostics: Diagnostic[];
  /** Single-run order key of a held resource (its first copy). */
  keyOf(view: ResourceView): OrderKey;
  /** The shard evaluates this resource (containers are held by every shard, evaluated by one). */
  owns(view: ResourceView): boolean;
  /** Resources read (valid ids, duplicates counted once) and held; `shared`: of those read, how many every shard reads. */
  counts: { read: number; held: number; shared: number };
  /**
   * With deferTypes: lines left for a second pass — per file, their line numbers (ascending) and id hashes — and
   * whether any of their ids was read more than once.
   */
  deferred: { lines: number; byFile: Map<string, DeferredLines>; repeated: boolean };
  /**
   * A shard: a line routed here alone by the first top-level id in its text did not parse as one resource of this
   * shard (a second "id" key, or an envelope key after the id): the shards' reading is incomplete, so the sharded
   * evaluation is not to be trusted.
   */
  misrouted: boolean;
}

const NDJSON = /\.(ndjson|jsonl)$/i;
/** Distinct resource names interned (beyond them, names are kept as read). */
const MAX_INTERNED_NAMES = 4096;

/** 30 bits of an id hash: a small integer, which a Map holds without a heap number per key. */
const slotKey = (hash: number): number => hash % 0x40000000;

/**
 * ReadonlyMap of lower-cased ids → positions, keyed by 30 bits of the id hash and checked against the held id (no
 * lower-cased id string is kept); ids whose key is taken go to an exact overflow map.
 */
class IdIndex implements ReadonlyMap<string, number> {
  readonly #slots = new Map<number, number>();
  readonly #overflow = new Map<string, number>();
  /** Ids read but not held: `has` knows them (a scope may name one), `get` does not. */
  readonly dropped = new Map<number, number>();
  constructor(readonly resources: readonly ResourceView[]) {}
  /** `key`: an id in any case (ids compare ignoring case); `hash`: idHash(key) when the caller has it. */
  get(key: string, hash = idHash(key)): number | undefined {
    const at = this.#slots.get(slotKey(hash));
    if (at !== undefined && compareIdsIgnoringCase(this.resources[at]!.id, key) === 0) return at;
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(key.toLowerCase());
  }
  has(key: string): boolean {
    return this.get(key) !== undefined || this.dropped.has(idHash(key));
  }
  set(key: string, at: number, h = idHash(key)): void {
    const k = slotKey(h);
    if (this.#slots.has(k)) this.#overflow.set(key.toLowerCase(), at);
    else this.#slots.set(k, at);
  }
  get size(): number {
    return this.#slots.size + this.#overflow.size;
  }
  *entries(): MapIterator<[string, number]> {
    for (let i = 0; i < this.resources.length; i++) yield [this.resources[i]!.id.toLowerCase(), i];
  }
  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): MapIterator<number> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

export async function streamSnapshot(inputs: readonly string[], options: StreamSnapshotOptions = {}): Promise<StreamedSnapshot> {
  const plan = options.plan;
  const shard = options.shard;
  const projector = plan === undefined || plan.wholeResources ? undefined : new Projector(plan);
  const resources: ScopedResourceView[] = [];
  const sources: ResourceSource[] = [];
  const ordinals: number[] = [];
  const byId = new IdIndex(resources);
  /** Ids read but not held: hash → first-read ordinal. */
  const dropped = byId.dropped;
  let ordinal = 0;
  let reordered = false;
  const loadDiagnostics: KeyedDiagnostic[] = [];
  const readOrder: HierarchyInput[] = [];
  /** Containers noted for the hierarchy (lower-cased ids). */
  const containersNoted = new Set<string>();
  /** The same, by the container's id as written: most resources find theirs without lower-casing it. */
  const containersSeen = new Set<string>();
  /** Only the containers a resource implies matter to the hierarchy: note the first resource of each. */
  const noteContainers = (parsed: ParsedResourceId, id: string): void => {
    const written = parsed.scopes.length > 1 && parsed.resourceGroup !== undefined ? parsed.scopes[1]! : parsed.scopes[0]!;
    if (containersSeen.has(written)) return;
    if (containersSeen.size < 1 << 20) containersSeen.add(written);
    const c = written.toLowerCase();
    if ((parsed.subscriptionId !== undefined || parsed.managementGroup !== undefined) && !containersNoted.has(c)) {
      containersNoted.add(c);
      readOrder.push({ id, raw: {}, parsedId: parsed } as unknown as HierarchyInput);
    }
  };
  const replacedFirst = new Map<string, OrderKey>();
  let read = 0;
  let shared = 0;
  const interner = new StringInterner();
  const intern = interner.intern;

  const { files, diagnostics: resolveDiagnostics } = await resolveInputFiles(inputs, options.load ?? {});
  resolveDiagnostics.forEach((d, i) => loadDiagnostics.push({ key: [-1, i, 0], diagnostic: d }));
  const deferTypes = options.deferTypes;
  let deferredLines = 0;
  /** A deferred line: its id only implies containers (the first id of each is parsed) and is counted. */
  const byFile = new Map<string, DeferredLines>();
  /** With deferral: the id hash of every resource read and not deferred (a deferred id must be none of them). */
  const readHashes: number[] = [];
  let current: DeferredLines | undefined;
  const noteDeferred = (id: string, lineNo: number): void => {
    deferredLines++;
    const h = idHash(id);
    current!.lines.push(lineNo);
    current!.hashes.push(h);
    read++;
    // Most ids sit in a resource group already noted: found by the id's first five segments, without parsing it.
    const rgEnd = nthSlash(id, 5);
    if (rgEnd !== -1 && containersSeen.has(id.slice(0, rgEnd))) return;
    const parsed = parseResourceId(id);
    if (isDiagnostic(parsed) || parsed.kind !== 'resource') return; // reported (or held) by the second pass
    noteContainers(parsed, id);
  };
  /**
   * Lines of the current file routed to this shard alone by the first id read from their text (lineRouter,
   * skipLineBytes): the other shards skipped them, so what JSON.parse makes of each must be one resource of this
   * shard — else `misrouted` (the caller evaluates on one thread instead).
   */
  const routedHere = new RoutedLines();
  let misrouted = false;
  const lineFilter = shard === undefined ? undefined : lineRouter(shard, routedHere);
  const deferring = deferTypes !== undefined && deferTypes.size > 0 ? lineTestOfBytes(deferTypes) : undefined;
  /**
   * Deferred lines are recognised from their bytes: never decoded to a string, never parsed in this pass; so are a
   * shard's lines of other shards (skipped, not counted: their shard reads them), by their first id.
   */
  const skipLineBytes =
    deferring === undefined && shard === undefined
      ? undefined
      : (buf: Buffer, from: number, to: number, lineNo: number): boolean => {
          let everyShard = false;
          if (shard !== undefined) {
            const first = firstTopLevelId(buf, from, to);
            // Not routable by its bytes: every shard parses it and routes what it holds.
            if (first === undefined) return false;
            const owner = shardOfIdBytes(buf, first[0], first[1], shard.count);
            if (owner !== -1 && owner !== shard.index) return true;
            everyShard = owner === -1;
          }
          const found = deferring?.(buf, from, to);
          if (found === undefined) {
            if (shard !== undefined && !everyShard) routedHere.add(lineNo);
            return false;
          }
          const id = buf.toString('utf8', found.idStart, found.idEnd);
          // A deferred resource every shard reads (outside subscriptions) is evaluated by its owner alone.
          if (everyShard && ownerShard(id, shard!.count) !== shard!.index) return true;
          noteDeferred(id, lineNo);
          return true;
        };
  const fileIndex = new Map(files.map((f, i) => [f, i]));
  const byLineFiles = new Set(files.filter((f) => NDJSON.test(f)));
  const keyFromSource = (s: ResourceSource): OrderKey => {
    const f = fileIndex.get(s.file ?? '') ?? -1;
    return byLineFiles.has(s.file ?? '') ? [f, s.line ?? 0, pointerOrdinal(s.pointer)] : [f, s.index, 1];
  };

  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    const byLine = NDJSON.test(file);
    current = { lines: [], hashes: [] };
    if (byLine && deferring !== undefined) byFile.set(file, current);
    let nextIndex = 0;
    const add = (item: ReadItem): void => {
      if (item.kind === 'diagnostic') {
        const d = item.diagnostic;
        loadDiagnostics.push({ key: byLine ? [f, d.source?.line ?? 0, 0] : [f, nextIndex, 0], diagnostic: d });
        return;
      }
      const source = item.source;
      nextIndex = source.index + 1;
      const raw = item.raw;
      const idText = raw['id'];
      if (shard !== undefined && byLine && routedHere.take(source.line ?? -1)) {
        // Routed here by its first id: one resource (pointer ''), of this shard alone, or the routing was wrong.
        if ((source.pointer ?? '') !== '' || typeof idText !== 'string' || readByEveryShard(idText) || !routeId(idText, shard)) misrouted = true;
      }
      if (shard !== undefined && !routeId(idText, shard)) return;
      const view = toResourceView(raw);
      if (isDiagnostic(view)) {
        loadDiagnostics.push({ key: keyFromSource(source), diagnostic: located(view, source, view.code === 'load.invalid-resource-id' ? '/id' : '') });
        return;
      }
      const parsed = view.parsedId;
      const container = parsed.kind !== 'resource';
      if (container) readOrder.push(view);
      else noteContainers(parsed, view.id);
      const h = idHash(view.id);
      if (deferring !== undefined) readHashes.push(h);
      const at = byId.get(view.id, h);
      const held = container || plan === undefined || plan.allTypes || plan.types.has(view.typeLower);
      const kept = (): ScopedResourceView => {
        if (container) return view;
        return heldView(view, projector === undefined ? raw : projector.project(raw, view.typeLower, view.apiVersion), intern) as ScopedResourceView;
      };
      if (at !== undefined) {
        const lower = view.id.toLowerCase();
        loadDiagnostics.push({ key: keyFromSource(source), diagnostic: located(diagnostic('load.duplicate-resource', { id: view.id }), source) });
        if (!replacedFirst.has(lower)) replacedFirst.set(lower, keyFromSource(sources[at]!));
        resources[at] = kept();
        sources[at] = source;
        return;
      }
      const first = dropped.get(h);
      if (first !== undefined) {
        // A later copy of a resource not held (or a hash collision: reported as a duplicate, see docs/scale.md).
        loadDiagnostics.push({ key: keyFromSource(source), diagnostic: located(diagnostic('load.duplicate-resource', { id: view.id }), source) });
        if (!held) return;
        dropped.delete(h);
        reordered = true;
        byId.set(view.id, resources.length, h);
        resources.push(kept());
        sources.push(source);
        ordinals.push(first);
        return;
      }
      read++;
      if (shard !== undefined && readByEveryShard(view.id)) shared++;
      if (!held) {
        dropped.set(h, ordinal++);
        return;
      }
      byId.set(view.id, resources.length, h);
      resources.push(kept());
      sources.push(source);
      ordinals.push(ordinal++);
    };
    const load: LoadOptions = { ...(options.load ?? {}) };
    if (lineFilter !== undefined) load.lineFilter = lineFilter;
    if (skipLineBytes !== undefined && byLine) load.skipLineBytes = skipLineBytes;
    routedHere.clear();
    for await (const batch of readFileBatches(file, load)) {
      for (let b = 0; b < batch.length; b++) {
        // Released once handled: a dropped resource's parse then dies young instead of being promoted with the batch.
        const item = batch[b]!;
        batch[b] = undefined as never;
        add(item);
      }
    }
  }

  if (reordered) {
    // A held copy of a resource first read as not held takes the first copy's place, as loadSnapshot's does.
    const order = ordinals.map((o, i) => [o, i] as const).sort((x, y) => x[0] - y[0]);
    const r = order.map(([, i]) => resources[i]!);
    const s = order.map(([, i]) => sources[i]!);
    resources.length = 0;
    sources.length = 0;
    resources.push(...r);
    sources.push(...s);
    r.forEach((v, i) => byId.set(v.id.toLowerCase(), i));
  }

  // The closures returned below share this function's scope: what only reading needed is released here.
  containersSeen.clear();
  containersNoted.clear();
  interner.clear();

  const repeated = deferredLines > 0 && deferredIdsRepeat(byFile, readHashes);
  readHashes.length = 0;

  const built = buildHierarchy(readOrder);
  readOrder.length = 0;
  const snapshot: Snapshot = {
    resources,
    sources,
    byId,
    hierarchy: built.hierarchy,
    diagnostics: [...loadDiagnostics.map((k) => k.diagnostic), ...built.diagnostics],
    files,
  };
  return {
    snapshot,
    loadDiagnostics,
    hierarchyDiagnostics: built.diagnostics,
    keyOf(view) {
      const k = replacedFirst.size === 0 ? undefined : replacedFirst.get(view.id.toLowerCase());
      if (k !== undefined) return k;
      const i = byId.get(view.id.toLowerCase());
      return i === undefined ? [Infinity, 0, 0] : keyFromSource(sources[i]!);
    },
    owns: (view) => shard === undefined || ownerShard(view.id, shard.count) === shard.index,
    counts: { read, held: resources.length, shared },
    deferred: { lines: deferredLines, byFile, repeated },
    misrouted,
  };
}

/**
 * Whether an id deferred was read more than once: twice among the deferred lines, or also among the other resources
 * read (`readHashes`). Compared by id hash once all is read (sorted hashes, no set of a million entries): a
 * collision only sends the evaluation to its fallback (hold everything), which gives the same results.
 */
function deferredIdsRepeat(byFile: ReadonlyMap<string, DeferredLines>, readHashes: readonly number[]): boolean {
  let n = 0;
  for (const d of byFile.values()) n += d.hashes.length;
  const sorted = new Float64Array(n);
  let k = 0;
  for (const d of byFile.values()) for (const h of d.hashes) sorted[k++] = h;
  sorted.sort();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) return true;
  for (const h of readHashes) if (indexOfSorted(sorted, h) !== -1) return true;
  return false;
}

/** Position of `value` in ascending `sorted`, or -1 (binary search). */
export function indexOfSorted(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Index of the n-th '/' of an id (n ≥ 1), or -1. */
function nthSlash(id: string, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = id.indexOf('/', at + 1);
    if (at === -1) return -1;
  }
  return at;
}

/**
 * One copy of each type, location, subscription and resource group string across held resources, and of names
 * (extension resources share theirs: every ffff0522 assessment is named alike); names are interned up to a bound,
 * since most are unique.
 */
export class StringInterner {
  readonly #strings = new Map<string, string>();
  #names = 0;
  readonly intern = (v: string | undefined, bounded = false): string | undefined => {
    if (v === undefined) return undefined;
    const hit = this.#strings.get(v);
    if (hit !== undefined) return hit;
    if (bounded && this.#names++ >= MAX_INTERNED_NAMES) return v;
    this.#strings.set(v, v);
    return v;
  };
  clear(): void {
    this.#strings.clear();
  }
}

/**
 * The view a held resource keeps: without its parsed id (only the hierarchy reads it, and containers keep theirs:
 * ≈ 1 kB each), with `raw` as given (projected), and its repeated strings shared through `intern`.
 */
export function heldView(view: ResourceView, raw: RawResource, intern: StringInterner['intern'] = (v) => v): ResourceView {
  const name = intern(view.name, true)!;
  const type = intern(view.type)!;
  // The projection is the held resource's own copy: its root name and type can share the interned strings too.
  if (raw !== view.raw) {
    if (raw['name'] === name) raw['name'] = name;
    if (raw['type'] === type) raw['type'] = type;
  }
  const held: ResourceView = {
    raw,
    id: view.id,
    type,
    typeLower: intern(view.typeLower)!,
    name,
    fullName: view.fullName === view.name ? name : view.fullName,
    location: intern(view.location),
    subscriptionId: intern(view.subscriptionId),
    resourceGroup: intern(view.resourceGroup),
    apiVersion: view.apiVersion,
  };
  return Object.freeze(held);
}

/** Element position inside an NDJSON line ('/3', '/value/3', '/data/3' → 3; one resource → 0). */
function pointerOrdinal(pointer: string | undefined): number {
  if (pointer === undefined) return 0;
  const n = Number(pointer.slice(pointer.lastIndexOf('/') + 1));
  return Number.isFinite(n) ? n : 0;
}

/**
 * The NDJSON line filter of one shard: lines that are certainly one resource of another shard are skipped unparsed
 * (their top-level id found by a scan); anything else is parsed and routed by its parsed id.
 */
function lineRouter(shard: ShardSpec, routedHere: RoutedLines): (line: string, lineNo: number) => boolean {
  return (line, lineNo) => {
    // Routed here already by its bytes (skipLineBytes): what follows would find the same id.
    if (routedHere.has(lineNo)) return true;
    if (line.indexOf('"value"') !== -1 || line.indexOf('"data"') !== -1 || line.indexOf('\\u') !== -1) return true;
    const id = topLevelId(line);
    if (id === undefined) return true;
    if (!routeId(id, shard)) return false;
    if (!readByEveryShard(id)) routedHere.add(lineNo);
    return true;
  };
}

/**
 * Lines routed to this shard alone, noted as the reader decides them and asked about (in reading order) when their
 * items are added. The byte test notes a chunk's lines before the text filter notes any of the same chunk (line 1
 * and lines near carriage returns go by text), so notes are not in order: a set, purged of lines behind the one
 * asked about whenever it grows, so a shard does not hold a number per line it reads.
 */
class RoutedLines {
  readonly #lines = new Set<number>();
  #last = -1;
  add(line: number): void {
    this.#lines.add(line);
  }
  has(line: number): boolean {
    return this.#lines.has(line);
  }
  /** Was `line` noted? (Every item of the line asks: an envelope line gives several.) */
  take(line: number): boolean {
    if (line === this.#last) return true;
    const found = this.#lines.delete(line);
    if (found) this.#last = line;
    if (this.#lines.size > 4096) for (const l of this.#lines) if (l < line) this.#lines.delete(l);
    return found;
  }
  clear(): void {
    this.#lines.clear();
    this.#last = -1;
  }
}
