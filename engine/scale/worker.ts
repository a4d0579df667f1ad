// Shards on worker threads. runShard: one shard of evaluateStream: stream the inputs, hold this shard's subscriptions (and every
// container), learn the estate's related types from the other shards, evaluate, and return what the merge needs.
import { once } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { evaluateDetailed } from '../evaluate/estate.js';
import { planEvaluation, type ShardResult, type ShardTask } from './stream.js';
import { streamSnapshot } from './snapshot.js';
import { runBounded, type BoundedEvaluation, type BoundedShardParts } from './pipeline.js';
import type { EvaluateInput } from '../evaluate/estate.js';
import type { LoadOptions } from '../load/snapshot.js';
import type { ComplianceRecord } from '../model/index.js';
import { packObjects, type PackedObjects } from './wire.js';

export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const port = task.port as MessagePort;
  try {
    const now = task.evaluation.now!;
    const plan = planEvaluation(task.evaluation, now);
    const streamed = await streamSnapshot(task.inputs, { plan, shard: { index: task.shard, count: task.count }, load: task.load });
    const held = new Set<string>();
    for (const r of streamed.snapshot.resources) held.add(r.typeLower);
    const reply = once(port, 'message');
    port.postMessage({ types: [...held] });
    const [{ types }] = (await reply) as [{ types: string[] }];
    const details = evaluateDetailed({ ...task.evaluation, snapshot: streamed.snapshot }, { summary: false, knownTypes: new Set(types), owns: streamed.owns });
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
  /** Records go back in batches on the port (only when the caller wants them: they are most of the traffic). */
  wantRecords: boolean;
  keepRemediable: boolean;
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
}

/** Port messages, worker → main. */
export type BoundedShardMessage = { kind: 'types'; types: string[] } | { kind: 'records'; records: PackedObjects } | { kind: 'done' };

const RECORD_BATCH = 2048;

/** One shard of a sharded evaluateBounded (engine/scale/bounded-shards.ts): both passes over this shard's subscriptions. */
export async function runBoundedShard(task: BoundedShardTask): Promise<BoundedShardResult> {
  const port = task.port;
  let batch: ComplianceRecord[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    port.postMessage({ kind: 'records', records: packObjects(batch) } satisfies BoundedShardMessage);
    batch = [];
  };
  const onRecord = (r: ComplianceRecord): void => {
    batch.push(r);
    if (batch.length === RECORD_BATCH) flush();
  };
  try {
    const { result, parts } = await runBounded(
      { ...task.evaluation, inputs: task.inputs, load: task.load, keepRemediable: task.keepRemediable, ...(task.wantRecords ? { onRecord } : {}) },
      { spec: { index: task.shard, count: task.count }, exchangeTypes: (held) => exchange(port, held) },
    );
    flush();
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
    };
  } finally {
    port.postMessage({ kind: 'done' } satisfies BoundedShardMessage);
    port.close();
  }
}

/** Sends this shard's held types; resolves with every shard's (rejects when the main thread gives up on the run). */
function exchange(port: MessagePort, held: string[]): Promise<ReadonlySet<string>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { types: string[] }): void => {
      port.off('close', onClose);
      resolve(new Set(m.types));
    };
    const onClose = (): void => {
      port.off('message', onMessage);
      reject(new Error('the sharded evaluation was abandoned'));
    };
    port.once('message', onMessage);
    port.once('close', onClose);
    port.postMessage({ kind: 'types', types: held } satisfies BoundedShardMessage);
  });
}
