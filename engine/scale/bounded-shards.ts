// evaluateBounded on worker threads. Each worker runs both passes (pipeline.ts) over one shard of subscriptions: it
// reads every file, skips the other shards' lines by the bytes of their ids, holds its own related resources and
// containers (and every subscription and management group), and evaluates its own resources. The main thread merges:
// summaries (mergeSummaries: shards share no resource), diagnostics in a single run's order, scopes, the remediable
// records, and an estate for planRemediation rebuilt from the shards' containers and remediable resources.
// Memory stays bounded per worker; the related resources are not in the merged estate (planRemediation needs none).
import { MessageChannel } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics/index.js';
import { prepareEvaluation, type EvaluateInput } from '../evaluate/estate.js';
import { compareRecords, mergeSorted, recordLine } from '../evaluate/records.js';
import { mergeSummaries } from '../evaluate/rollup.js';
import { buildSnapshot, type ReadItem } from '../load/snapshot.js';
import type { ComplianceRecord, ComplianceSummary, RawResource, ResourceView } from '../model/index.js';
import { isDiagnostic } from '../scope/resource-id.js';
import { toResourceView } from '../scope/view.js';
import { addShardDiagnostics, mergeLoadDiagnostics, mergeScopes, sameDiagnostic } from './merge.js';
import { unpackObjects } from './wire.js';
import { runBounded, type BoundedEvaluation, type EvaluateBoundedInput } from './pipeline.js';
import { planEvaluation, poolFor, shippable, shippableLoad, TypeExchange, type AbandonedShard } from './stream.js';
import type { ScanOptions, ScanPart } from './scan.js';
import type { BatchHandedOn, BoundedShardMessage, BoundedShardResult, BoundedShardTask } from './worker.js';

export async function evaluateBoundedShards(input: EvaluateBoundedInput): Promise<BoundedEvaluation> {
  const sharded = await runBoundedShards(input);
  if (sharded !== undefined) return sharded.result;
  const { onPlan: _planned, ...single } = input;
  const { result } = await runBounded(single);
  const why = 'a line routed to one shard by the first "id" in its text parsed otherwise (a second "id" key, or an envelope key after it): evaluated on one thread';
  return { ...result, fallback: result.fallback === undefined ? why : `${why}; ${result.fallback}` };
}

/** The bounded scan's part in a sharded run: the shards scan their machines (ScanVisiting), their lines are the records'. */
export interface ShardedScan {
  scanning: ScanOptions;
  /** Given the types every shard holds: the evaluation the shards chose (the merge prepares the same). */
  choose(heldTypes: ReadonlySet<string>): Omit<EvaluateInput, 'snapshot' | 'now'>;
}

/**
 * The sharded run: its result, how many of its diagnostics are the snapshot's own (load, hierarchy), and the shards'
 * scan parts when scanning; undefined when the shards gave up (a misrouted line) before any record.
 */
export async function runBoundedShards(input: EvaluateBoundedInput, scan?: ShardedScan): Promise<{ result: BoundedEvaluation; loadCount: number; scanParts?: ScanPart[] } | undefined> {
  const started = performance.now();
  const now = input.now ?? new Date().toISOString();
  const { inputs, load = {}, onRecord, onRecordLines, onPlan, workers = 2, backpressure, keepRemediable = true, ...rest } = input;
  let evaluation: Omit<EvaluateInput, 'snapshot'> = { ...rest, now };
  const count = Math.max(2, Math.floor(workers));
  if (scan === undefined) onPlan?.(planEvaluation(evaluation, now));

  // The shards exchange their types (TypeExchange: a misrouted shard makes all give up before any record is sent).
  // Records come in batches; 'done' ends a shard.
  const channels = Array.from({ length: count }, () => new MessageChannel());
  const exchange = new TypeExchange(channels.map((ch) => ch.port1));
  // Records come as objects when onRecord wants them, else as NDJSON text made by the shards. Each batch is
  // acknowledged once handed on (and the consumer's backpressure has passed): a shard waits while 4 are unanswered.
  // A consumer that throws ends the run: the ports close, the shards stop, and its error is what the caller gets.
  const want: BoundedShardTask['want'] = onRecord !== undefined ? 'records' : onRecordLines !== undefined ? 'lines' : 'none';
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown): void => {
    failure ??= { error };
    for (const c of channels) c.port1.close();
  };
  const handOn = (m: Extract<BoundedShardMessage, { kind: 'records' | 'lines' }>): void => {
    if (m.kind === 'lines') return onRecordLines?.(m.lines, m.states);
    const records = unpackObjects<ComplianceRecord>(m.records);
    for (const r of records) onRecord?.(r);
    if (onRecordLines !== undefined) onRecordLines(records.map(recordLine).join(''), [...new Set(records.map((r) => r.complianceState))]);
  };
  const done = channels.map(
    (ch) =>
      new Promise<void>((resolve) => {
        ch.port1.once('close', resolve);
        ch.port1.on('message', (m: BoundedShardMessage) => {
          if (m.kind === 'records' || m.kind === 'lines') {
            if (failure !== undefined) return;
            try {
              handOn(m);
              const wait = backpressure?.();
              const ack: BatchHandedOn = { ack: true };
              if (wait === undefined) ch.port1.postMessage(ack);
              else wait.then(() => ch.port1.postMessage(ack), fail);
            } catch (e) {
              fail(e);
            }
          } else if (m.kind === 'types') exchange.report(m);
          else resolve();
        });
      }),
  );
  const piscina = poolFor(count);
  const shipped = shippable(evaluation);
  const scanning = scan === undefined ? undefined : shippableScan(scan.scanning);
  const loadOptions = shippableLoad(load);
  let shards: (BoundedShardResult | AbandonedShard)[];
  try {
    shards = await Promise.all(
      channels.map(
        (ch, shard) =>
          piscina.run({ shard, count, inputs, load: loadOptions, evaluation: shipped, want, keepRemediable, ...(scanning !== undefined ? { scan: scanning } : {}), port: ch.port2 } satisfies BoundedShardTask, {
            name: 'runBoundedShard',
            transferList: [ch.port2] as never,
          }) as Promise<BoundedShardResult | AbandonedShard>,
      ),
    );
    await Promise.all(done);
  } catch (e) {
    throw failure !== undefined ? failure.error : e;
  } finally {
    for (const ch of channels) ch.port1.close();
  }
  if (failure !== undefined) throw failure.error;
  if (shards.some((s) => 'abandoned' in s)) return undefined;
  const finished = shards as BoundedShardResult[];
  if (scan !== undefined) evaluation = { ...scan.choose(new Set(exchange.types)), now };
  const { result, loadCount } = await merged(finished, evaluation, now, started);
  return { result, loadCount, ...(scan !== undefined ? { scanParts: finished.map((s) => s.scan!) } : {}) };
}

async function merged(shards: readonly BoundedShardResult[], evaluation: Omit<EvaluateInput, 'snapshot'>, now: string, started: number): Promise<{ result: BoundedEvaluation; loadCount: number }> {
  // The estate planRemediation needs: every container once (the first shard's copy), and the remediable resources.
  const items: ReadItem[] = [];
  const seen = new Set<string>();
  for (const s of shards) {
    for (const c of s.parts.containers) {
      const id = String(c.raw['id']).toLowerCase();
      if (seen.has(id)) continue;
      seen.add(id);
      items.push({ kind: 'resource', raw: c.raw, source: c.source });
    }
  }
  const snapshot = await buildSnapshot(items);
  const prepared = prepareEvaluation({ ...evaluation, snapshot });
  // The remediable resources' views are made when planRemediation asks for one (it builds ≤ resourceCount per task).
  // Each remediable record knows its resource's JSON text (a slice: not copied); records the caller made anew
  // (not these objects) find it by id.
  const jsonOf = new Map<ComplianceRecord, string>();
  const lists = shards.map((s) => {
    const records = unpackObjects<ComplianceRecord>(s.remediable);
    const { text, ends, of } = s.remediableResources;
    records.forEach((r, i) => {
      const k = of[i]!;
      if (k !== -1) jsonOf.set(r, text.slice(k === 0 ? 0 : ends[k - 1], ends[k]));
    });
    return records;
  });
  let jsonById: Map<string, string> | undefined;
  const views = new Map<string, ResourceView>();
  const snapshotResource = prepared.contextFor().resourceFor;
  const resourceFor = (r: ComplianceRecord): ResourceView | undefined => {
    const key = r.resourceId.toLowerCase();
    let view = views.get(key);
    if (view === undefined) {
      let json = jsonOf.get(r);
      if (json === undefined) {
        jsonById ??= new Map([...jsonOf].map(([record, text]) => [record.resourceId.toLowerCase(), text]));
        json = jsonById.get(key);
      }
      if (json === undefined) return snapshotResource(r);
      const made = toResourceView(JSON.parse(json) as RawResource);
      if (isDiagnostic(made)) return undefined;
      views.set(key, (view = made));
    }
    return view;
  };

  // Diagnostics as a single run orders them: load (reading order), hierarchy, assignments, scope, records.
  const hierarchy: Diagnostic[] = [];
  for (const s of shards) for (const d of s.parts.hierarchyDiagnostics) if (!hierarchy.some((x) => sameDiagnostic(x, d))) hierarchy.push(d);
  const own = [...prepared.diagnostics];
  addShardDiagnostics(own, evaluation.scope, shards.map((s) => s.parts));

  // Each shard's list is in report order and the shards share no resource: merged, not sorted again.
  const remediable = mergeSorted(lists, compareRecords);
  const fallback = shards.find((s) => s.result.fallback !== undefined)?.result.fallback;
  const sum = (f: (s: BoundedShardResult) => number): number => shards.reduce((n, s) => n + f(s), 0);
  const loadDiagnostics = [...mergeLoadDiagnostics(shards.map((s) => s.parts.loadDiagnostics)), ...hierarchy];
  const result: BoundedEvaluation = {
    evaluatedAt: now,
    summary: mergeSummaries(shards.map((s) => ({ ...s.result.summary, byResource: unpackObjects<ComplianceSummary['byResource'][number]>(s.byResource) }))),
    diagnostics: [...loadDiagnostics, ...own],
    scopes: mergeScopes(shards.map((s) => s.result.scopes)),
    remediable,
    estate: prepared.contextFor(resourceFor),
    counts: {
      // Subscriptions, management groups and tenant-level resources are read by every shard: counted once.
      read: sum((s) => s.result.counts.read) - (shards.length - 1) * shards[0]!.parts.sharedRead,
      // What the shards held together in memory (every shard holds the subscriptions and management groups).
      held: sum((s) => s.result.counts.held),
      deferred: sum((s) => s.result.counts.deferred),
      records: sum((s) => s.result.counts.records),
    },
    timings: { totalMs: performance.now() - started, evaluateMs: sum((s) => s.result.timings.evaluateMs) },
    ...(fallback !== undefined ? { fallback } : {}),
  };
  return { result, loadCount: loadDiagnostics.length };
}

/** The scan's options as a worker receives them (structured-clone safe documents; no definitions is none given). */
function shippableScan(scanning: ScanOptions): ScanOptions {
  const { definitions = [], setDefinitions, assignments, exemptions, ...rest } = scanning;
  return { ...rest, ...shippable({ definitions, ...(setDefinitions ? { setDefinitions } : {}), ...(assignments ? { assignments } : {}), ...(exemptions ? { exemptions } : {}) }) };
}
