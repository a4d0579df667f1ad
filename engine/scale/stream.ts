// evaluateStream: evaluate() over snapshot files without holding the snapshot: the input is streamed once and
// reduced to what the compiled policies read (plan.ts, snapshot.ts); large estates are evaluated across worker
// threads, one shard of subscriptions each, and merged. The report is byte-identical to
// evaluate({ snapshot: await loadSnapshot(inputs), … }).
import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport, ScopeNode } from '../model/index.js';
import { evaluate, prepareInput, type EvaluateInput } from '../evaluate/estate.js';
import { compareRecords, mergeSorted } from '../evaluate/records.js';
import { hierarchyFromScopes, summarizeInHierarchy } from '../evaluate/rollup.js';
import { toEntry, type DocumentInput } from '../evaluate/documents.js';
import { resolveInputFiles, type LoadOptions } from '../load/snapshot.js';
import { Hierarchy } from '../scope/hierarchy.js';
import { keepPlanFor, type KeepPlan } from './plan.js';
import { streamSnapshot, type KeyedDiagnostic } from './snapshot.js';
import { addShardDiagnostics, mergeLoadDiagnostics, mergeScopes } from './merge.js';
import { unpackObjects, type PackedObjects } from './wire.js';

export interface EvaluateStreamInput extends Omit<EvaluateInput, 'snapshot'> {
  /** Snapshot files, directories and globs, as loadSnapshot takes them. */
  inputs: readonly string[];
  load?: Pick<LoadOptions, 'cwd' | 'streamThresholdBytes'>;
  /**
   * Worker threads: 'auto' (default) uses min(os.availableParallelism(), 8) workers when the machine has at least
   * MIN_AUTO_WORKER_CORES cores and the inputs are larger than `workerThresholdBytes`, else none; a number forces that
   * many shards (1: single-threaded).
   */
  workers?: number | 'auto';
  /** Default 64 MiB (≈ 50k resources). */
  workerThresholdBytes?: number;
  /** Told what the plan keeps and why (e.g. "every resource type is kept"). */
  onPlan?: (plan: KeepPlan) => void;
}

const DEFAULT_WORKER_THRESHOLD = 64 * 1024 * 1024;

/** A hierarchy whose contains() is always true: the plan must keep every type any assignment might use. */
class PermissiveHierarchy extends Hierarchy {
  override contains(): boolean {
    return true;
  }
}

function emptyHierarchy(): Hierarchy {
  return new PermissiveHierarchy(new Map([['/', { id: '/', kind: 'tenant', name: '', displayName: undefined, parentId: undefined, implied: true }]]));
}

/** What the compiled policies need from the estate: computed before the stream is read. */
export function planEvaluation(input: Omit<EvaluateInput, 'snapshot'>, now: string): KeepPlan {
  return keepPlanFor(prepareInput(input, emptyHierarchy(), now, []));
}

/** Total size in bytes of the snapshot files the inputs name (missing files count 0: the reader reports them). */
export async function inputBytes(inputs: readonly string[], load: LoadOptions): Promise<number> {
  const { files } = await resolveInputFiles(inputs, load);
  let total = 0;
  for (const f of files) {
    try {
      total += (await stat(path.resolve(load.cwd ?? process.cwd(), f))).size;
    } catch {
      // reported by the reader
    }
  }
  return total;
}

export async function evaluateStream(input: EvaluateStreamInput): Promise<ComplianceReport> {
  const now = input.now ?? new Date().toISOString();
  const { inputs, load = {}, workers = 'auto', workerThresholdBytes = DEFAULT_WORKER_THRESHOLD, onPlan, ...rest } = input;
  const evaluation: Omit<EvaluateInput, 'snapshot'> = { ...rest, now };
  let shards = typeof workers === 'number' ? Math.max(1, Math.floor(workers)) : 1;
  if (workers === 'auto') {
    const cores = Math.min(availableParallelism(), 8);
    if (cores >= MIN_AUTO_WORKER_CORES && (await inputBytes(inputs, load)) > workerThresholdBytes) shards = cores;
  }
  if (shards > 1) {
    const sharded = await evaluateSharded(evaluation, inputs, load, shards, now, onPlan);
    if (sharded !== undefined) return sharded;
  }
  const plan = planEvaluation(evaluation, now);
  onPlan?.(plan);
  const streamed = await streamSnapshot(inputs, { plan, load });
  return evaluate({ ...evaluation, snapshot: streamed.snapshot });
}

// ── shards on worker threads ────────────────────────────────────────────────────────────

/** What a worker is given (structured-clone safe: documents without their locate functions). */
export interface ShardTask {
  shard: number;
  count: number;
  inputs: readonly string[];
  load: LoadOptions;
  evaluation: Omit<EvaluateInput, 'snapshot'>;
  port: import('node:worker_threads').MessagePort;
}

/** A shard's first message: the types it holds, and whether its reading was misrouted (StreamedSnapshot.misrouted). */
export interface ShardTypes {
  types: string[];
  misrouted: boolean;
}

/** The reply: every shard's types, or that the sharded run is given up. */
export type ShardReply = { types: string[] } | { abandon: true };

/**
 * The shards' type exchange: each reports the types it holds and whether its reading was misrouted; once all have,
 * every shard gets the union (a related type absent from one shard is still "known"), or `abandon` when a shard's
 * reading was misrouted (snapshot.ts) — then this thread evaluates instead.
 */
export class TypeExchange {
  readonly #types = new Set<string>();
  /** Every type the shards reported holding (complete once each has reported). */
  get types(): ReadonlySet<string> {
    return this.#types;
  }
  #reported = 0;
  #misrouted = false;
  constructor(readonly ports: readonly MessagePort[]) {}
  report(m: ShardTypes): void {
    for (const t of m.types) this.#types.add(t);
    this.#misrouted ||= m.misrouted;
    if (++this.#reported < this.ports.length) return;
    const reply: ShardReply = this.#misrouted ? { abandon: true } : { types: [...this.#types] };
    for (const port of this.ports) port.postMessage(reply);
  }
}

/** What a shard returns when the run was given up. */
export interface AbandonedShard {
  abandoned: true;
}

export interface ShardResult {
  /** The shard's records in report order, packed (wire.ts). */
  records: PackedObjects;
  scopes: ScopeNode[];
  loadDiagnostics: KeyedDiagnostic[];
  hierarchyDiagnostics: Diagnostic[];
  /** [assignment, member, typeRank, ...first-copy order key] → diagnostic, in the shard's order. */
  recordDiagnostics: { key: number[]; diagnostic: Diagnostic }[];
  scopeCheck: { known: boolean; inScope: number } | undefined;
  plan: { allTypes: boolean; wholeResources: boolean; notes: readonly string[] };
}

function cloneable(docs: readonly DocumentInput[] | undefined): DocumentInput[] | undefined {
  if (docs === undefined) return undefined;
  return docs.map((d) => {
    const e = toEntry(d);
    return { document: e.document, ...(e.file !== undefined ? { file: e.file } : {}), ...(e.pointer !== undefined ? { pointer: e.pointer } : {}) };
  });
}

/** The evaluation input as a worker receives it (structured-clone safe). */
export function shippable(evaluation: Omit<EvaluateInput, 'snapshot'>): Omit<EvaluateInput, 'snapshot'> {
  const shipped: Omit<EvaluateInput, 'snapshot'> = { ...evaluation, definitions: cloneable(evaluation.definitions)! };
  if (evaluation.setDefinitions) shipped.setDefinitions = cloneable(evaluation.setDefinitions)!;
  if (evaluation.assignments) shipped.assignments = cloneable(evaluation.assignments)!;
  if (evaluation.exemptions) shipped.exemptions = cloneable(evaluation.exemptions)!;
  return shipped;
}

export function shippableLoad(load: LoadOptions): LoadOptions {
  const loadOptions: LoadOptions = {};
  if (load.cwd !== undefined) loadOptions.cwd = load.cwd;
  if (load.streamThresholdBytes !== undefined) loadOptions.streamThresholdBytes = load.streamThresholdBytes;
  return loadOptions;
}

let pool: { piscina: Piscina; threads: number } | undefined;

/** The worker pool (engine/scale/worker.ts: one shard per task), kept for the next call until closeWorkers(). */
export function poolFor(threads: number): Piscina {
  if (pool !== undefined && pool.threads === threads) return pool.piscina;
  void pool?.piscina.destroy();
  const filename = new URL('./worker.js', import.meta.url).href;
  const piscina = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: 1000, concurrentTasksPerWorker: 1 });
  pool = { piscina, threads };
  return piscina;
}

/** Ends the worker pool (evaluateStream keeps it for the next call; a process exits without waiting for it). */
/**
 * Below this many cores 'auto' stays on one thread: measured on 2 cores, 2 worker shards were slower than one
 * thread (100k resources 8.4 s vs 5.5 s; 1M 83 s vs 55 s) and used far more memory, because the main thread that
 * reads and routes the lines competes with the workers for the same cores.
 */
export const MIN_AUTO_WORKER_CORES = 4;

export async function closeWorkers(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.piscina.destroy();
}

async function evaluateSharded(
  evaluation: Omit<EvaluateInput, 'snapshot'>,
  inputs: readonly string[],
  load: LoadOptions,
  count: number,
  now: string,
  onPlan: ((plan: KeepPlan) => void) | undefined,
): Promise<ComplianceReport | undefined> {
  const piscina = poolFor(count);
  const shipped = shippable(evaluation);
  const loadOptions = shippableLoad(load);

  const channels = Array.from({ length: count }, () => new MessageChannel());
  const exchange = new TypeExchange(channels.map((ch) => ch.port1));
  for (const ch of channels) ch.port1.once('message', (m: ShardTypes) => exchange.report(m));
  let results: (ShardResult | AbandonedShard)[];
  try {
    results = await Promise.all(
      channels.map((ch, shard) =>
        piscina.run({ shard, count, inputs, load: loadOptions, evaluation: shipped, port: ch.port2 } satisfies ShardTask, { transferList: [ch.port2] as never }) as Promise<ShardResult | AbandonedShard>,
      ),
    );
  } finally {
    for (const ch of channels) ch.port1.close();
  }
  if (results.some((r) => 'abandoned' in r)) return undefined;
  if (onPlan !== undefined) onPlan(planEvaluation(evaluation, now));

  return mergeShards(evaluation, results as ShardResult[], now);
}

function mergeShards(evaluation: Omit<EvaluateInput, 'snapshot'>, results: readonly ShardResult[], now: string): ComplianceReport {
  // Records: each resource is evaluated by one shard only, and each shard's are in report order.
  const records = mergeSorted(
    results.map((r) => unpackObjects<ComplianceRecord>(r.records)),
    compareRecords,
  );
  const scopes = mergeScopes(results.map((r) => r.scopes));
  const hierarchy = hierarchyFromScopes(scopes);

  // Diagnostics in a single run's order: load (read order), hierarchy, assignments, scope, records.
  const diagnostics = mergeLoadDiagnostics(results.map((r) => r.loadDiagnostics));
  diagnostics.push(...results[0]!.hierarchyDiagnostics);
  // The assignment layer again, here, with the documents' source positions (workers got them without).
  const own: Diagnostic[] = [];
  prepareInput(evaluation, hierarchy, now, own);
  addShardDiagnostics(own, evaluation.scope, results);
  diagnostics.push(...own);

  const summary = summarizeInHierarchy(records, hierarchy);
  return { evaluatedAt: now, results: records, summary, diagnostics, scopes };
}
