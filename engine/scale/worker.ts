// Shards on worker threads. runShard: one shard of evaluateStream: stream the inputs, hold this shard's subscriptions (and every
// container), learn the estate's related types from the other shards, evaluate, and return what the merge needs.
import type { MessagePort } from 'node:worker_threads';
import { evaluateDetailed } from '../evaluate/estate.js';
import { planEvaluation, type AbandonedShard, type ShardReply, type ShardResult, type ShardTask, type ShardTypes } from './stream.js';
import { streamSnapshot } from './snapshot.js';
import { runBounded, type BoundedEvaluation, type BoundedShardParts, type EvaluateBoundedInput } from './pipeline.js';
import type { EvaluateInput } from '../evaluate/estate.js';
import type { LoadOptions } from '../load/snapshot.js';
import type { ComplianceRecord, ComplianceState } from '../model/index.js';
import { packObjects, type PackedObjects } from './wire.js';
import { lineBatches, ScanVisiting, type ScanOptions, type ScanPart } from './scan.js';

export default async function runShard(task: ShardTask): Promise<ShardResult | AbandonedShard> {
  const port = task.port as MessagePort;
  try {
    const now = task.evaluation.now!;
    const plan = planEvaluation(task.evaluation, now);
    const streamed = await streamSnapshot(task.inputs, { plan, shard: { index: task.shard, count: task.count }, load: task.load });
    const held = new Set<string>();
    for (const r of streamed.snapshot.resources) held.add(r.typeLower);
    const knownTypes = await exchange(port, [...held], streamed.misrouted);
    if (knownTypes === undefined) return { abandoned: true };
    const details = evaluateDetailed({ ...task.evaluation, snapshot: streamed.snapshot }, { summary: false, knownTypes, owns: streamed.owns });
    return {
      records: packObjects(details.report.results),
      scopes: details.report.scopes ?? [],
      loadDiagnostics: streamed.loadDiagnostics,
      hierarchyDiagnostics: streamed.hierarchyDiagnostics,
      recordDiagnostics: details.recordDiagnostics.map((o) => ({ key: [o.assignment, o.member, o.typeRank, ...streamed.keyOf(o.view)], diagnostic: o.diagnostic })),
      scopeCheck: details.scopeCheck,
      plan: { allTypes: plan.allTypes, wholeResources: plan.wholeResources, notes: plan.notes },
    };
  } finally {
    port.close();
  }
}

/** What a worker of a sharded evaluateBounded is given (structured-clone safe). */
export interface BoundedShardTask {
  shard: number;
  count: number;
  inputs: readonly string[];
  load: LoadOptions;
  evaluation: Omit<EvaluateInput, 'snapshot'>;
  /** Records go back in batches on the port, as objects or as NDJSON text (only when the caller wants them: they are most of the traffic). */
  want: 'records' | 'lines' | 'none';
  keepRemediable: boolean | { resourceCount: number };
  /** A bounded scan's shard (scan.ts): machines scanned here, their lines sent as 'lines'. */
  scan?: ScanOptions;
  port: MessagePort;
}

/** A shard's result; its bulk (records, per-resource states, resources) crosses packed (wire.ts). */
export interface BoundedShardResult {
  /** Without the remediable records, and with an empty summary.byResource: both are packed below. */
  result: Omit<BoundedEvaluation, 'estate'>;
  remediable: PackedObjects;
  byResource: PackedObjects;
  parts: Omit<BoundedShardParts, 'remediableResources' | 'remediableResourceOf'>;
  /**
   * The remediable records' resources as JSON texts, joined (`ends`: where each ends), and per remediable record
   * the index of its resource (-1: none): the main thread parses a resource only when the plan reads it.
   */
  remediableResources: { text: string; ends: Int32Array; of: Int32Array };
  /** A bounded scan's shard: its counts. */
  scan?: ScanPart;
}

/** Port messages, worker → main. */
export type BoundedShardMessage =
  | ({ kind: 'types' } & ShardTypes)
  | { kind: 'records'; records: PackedObjects }
  | { kind: 'lines'; lines: string; states: ComplianceState[] }
  | { kind: 'done' };

/** Main → worker, after the types: a batch of records or lines was handed on. */
export interface BatchHandedOn {
  ack: true;
}

const RECORD_BATCH = 2048;
/** Batches sent to the main thread and not yet handed on there: beyond this the shard waits (bounded memory). */
const MAX_IN_FLIGHT = 4;

/** Batches to the main thread, which acknowledges each once handed on; the shard waits while too many are in flight. */
class Outbox {
  #inFlight = 0;
  #resume: { resolve: () => void; reject: (e: Error) => void } | undefined;
  constructor(readonly port: MessagePort) {
    port.on('message', (m: BatchHandedOn | ShardReply) => {
      if (!('ack' in m)) return;
      this.#inFlight--;
      if (this.#inFlight < MAX_IN_FLIGHT) this.#settle();
    });
    port.once('close', () => this.#settle(new Error('the sharded evaluation was abandoned')));
  }
  send(m: BoundedShardMessage): void {
    this.#inFlight++;
    this.port.postMessage(m);
  }
  /** runBounded's backpressure: a promise while too many batches are in flight. */
  readonly wait = (): Promise<void> | undefined =>
    this.#inFlight < MAX_IN_FLIGHT ? undefined : new Promise<void>((resolve, reject) => (this.#resume = { resolve, reject }));
  #settle(error?: Error): void {
    const r = this.#resume;
    this.#resume = undefined;
    if (error !== undefined) r?.reject(error);
    else r?.resolve();
  }
}

/** One shard of a sharded evaluateBounded (engine/scale/bounded-shards.ts): both passes over this shard's subscriptions. */
export async function runBoundedShard(task: BoundedShardTask): Promise<BoundedShardResult | AbandonedShard> {
  const port = task.port;
  const outbox = new Outbox(port);
  let batch: ComplianceRecord[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    outbox.send({ kind: 'records', records: packObjects(batch) });
    batch = [];
  };
  const onRecord = (r: ComplianceRecord): void => {
    batch.push(r);
    if (batch.length === RECORD_BATCH) flush();
  };
  const wanted: Partial<EvaluateBoundedInput> =
    task.scan !== undefined
      ? { backpressure: outbox.wait }
      : task.want === 'records'
      ? { onRecord, backpressure: outbox.wait }
      : task.want === 'lines'
        ? { onRecordLines: (lines, states) => outbox.send({ kind: 'lines', lines, states: [...states] }), backpressure: outbox.wait }
        : {};
  // A scan's machines: their lines to the main thread when it wants them (else only counted).
  const machineLines = task.scan === undefined || task.want === 'none' ? undefined : lineBatches((lines) => outbox.send({ kind: 'lines', lines, states: [] }));
  const visiting = task.scan === undefined ? undefined : new ScanVisiting(task.scan, (m) => machineLines?.add(m));
  try {
    const ran = await runBounded(
      { ...task.evaluation, inputs: task.inputs, load: task.load, keepRemediable: task.keepRemediable, ...wanted },
      { spec: { index: task.shard, count: task.count }, exchangeTypes: (held, misrouted) => exchange(port, held, misrouted) },
      visiting?.visitor,
    );
    if (ran === undefined) return { abandoned: true };
    const { result, parts } = ran;
    flush();
    machineLines?.flush();
    const { estate: _estate, remediable, ...rest } = result;
    const { remediableResources, remediableResourceOf, ...shardParts } = parts;
    const texts = remediableResources.map((raw) => JSON.stringify(raw));
    const ends = new Int32Array(texts.length);
    for (let i = 0, at = 0; i < texts.length; i++) ends[i] = at += texts[i]!.length;
    return {
      result: { ...rest, remediable: [], summary: { ...rest.summary, byResource: [] } },
      remediable: packObjects(remediable),
      byResource: packObjects(rest.summary.byResource),
      parts: shardParts,
      remediableResources: { text: texts.join(''), ends, of: Int32Array.from(remediableResourceOf) },
      ...(visiting !== undefined ? { scan: visiting.part() } : {}),
    };
  } finally {
    port.postMessage({ kind: 'done' } satisfies BoundedShardMessage);
    port.close();
  }
}

/**
 * Sends this shard's held types (and whether its reading was misrouted); resolves with every shard's, or undefined
 * when the run is given up (some shard was misrouted). Rejects when the main thread abandons the run.
 */
function exchange(port: MessagePort, held: string[], misrouted: boolean): Promise<ReadonlySet<string> | undefined> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ShardReply): void => {
      port.off('close', onClose);
      resolve('types' in m ? new Set(m.types) : undefined);
    };
    const onClose = (): void => {
      port.off('message', onMessage);
      reject(new Error('the sharded evaluation was abandoned'));
    };
    port.once('message', onMessage);
    port.once('close', onClose);
    port.postMessage({ kind: 'types', types: held, misrouted } satisfies BoundedShardMessage);
  });
}
