// evaluateBounded: evaluate() over NDJSON exports in bounded memory. Two passes over the files:
//   1. every line is read; lines of the resource types only evaluated (never related to, never containers) are
//      not parsed — their ids only note the containers they imply — and everything else is held as
//      evaluateStream holds it (projected to what the rules read): containers, related resources;
//   2. the deferred lines are read again, parsed, evaluated against the held estate, handed to `onRecord`, rolled
//      up, and dropped. Each line is parsed once.
// Records are not held: the summary is built one resource at a time (ResourceRollups), and only the records
// remediation needs (NonCompliant DeployIfNotExists) are kept, with their resources. The summary, diagnostics and
// remediation plan equal evaluate()'s; `onRecord` sees the records of held resources first (report order), then
// the deferred ones in file order.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport, ComplianceState, ComplianceSummary, RawResource, ResourceView, ScopeNode } from '../model/index.js';
import { prepareEvaluation, type EstateContext, type EvaluateInput } from '../evaluate/estate.js';
import { RecordMaker, inIdOrder, recordLine, sortRecords, orderedRecordDiagnostics } from '../evaluate/records.js';
import { ResourceRollups } from '../evaluate/rollup-stream.js';
import { scopeNodesOf } from '../evaluate/rollup.js';
import { located, readFileBatches, type LoadOptions, type ResourceSource, type Snapshot } from '../load/snapshot.js';
import { isDiagnostic } from '../scope/resource-id.js';
import { FirstByTask } from './first-by-task.js';
import { toResourceView } from '../scope/view.js';
import { Projector, type KeepPlan } from './plan.js';
import { idHash } from '../scope/id-hash.js';
import { compareKeys, heldView, indexOfSorted, streamSnapshot, StringInterner, type KeyedDiagnostic } from './snapshot.js';
import { planEvaluation } from './stream.js';
import type { ShardSpec } from './route.js';

export interface EvaluateBoundedInput extends Omit<EvaluateInput, 'snapshot'> {
  /** Snapshot files, directories and globs; NDJSON lines are deferred, other files are held as evaluateStream holds them. */
  inputs: readonly string[];
  load?: Pick<LoadOptions, 'cwd' | 'streamThresholdBytes'>;
  /** Each record, once (not held by dine afterwards). */
  onRecord?: (record: ComplianceRecord) => void;
  /**
   * The records as text instead, in batches: each record's recordLine (its JSON and '\n', an NDJSON line), with the
   * compliance states the batch holds. On worker threads the text is made there and the main thread only hands it
   * on: at 10^6 resources, writing the records as JSON is most of `dine evaluate --bounded`'s work.
   */
  onRecordLines?: (lines: string, states: readonly ComplianceState[]) => void;
  /**
   * Asked after each batch of the second pass (with workers: after each batch of records or lines handed on): a
   * promise makes the evaluation wait for it (a consumer writing the records out lets its stream drain).
   */
  backpressure?: () => Promise<void> | undefined;
  /**
   * Keep the NonCompliant DeployIfNotExists records and their resources for planRemediation (default true); false
   * keeps none (`remediable` is empty): less memory when no plan follows. `{ resourceCount: n }` keeps every such
   * record but the resources of only the first n per assignment and member in id order: what planRemediation deploys
   * with that resourceCount and no selecting options (the others are over its limit, listed by id). At 10^6 machines
   * the kept resources are most of what the plan costs in memory.
   */
  keepRemediable?: boolean | { resourceCount: number };
  onPlan?: (plan: KeepPlan) => void;
  /**
   * Worker threads, each reading the inputs and evaluating one shard of subscriptions in two passes
   * (engine/scale/bounded-shards.ts). 1 (default): this thread.
   */
  workers?: number;
}

export interface BoundedEvaluation {
  evaluatedAt: string;
  summary: ComplianceSummary;
  diagnostics: Diagnostic[];
  scopes: ScopeNode[];
  /** The NonCompliant DeployIfNotExists records in report order, without their reasons: what planRemediation selects. */
  remediable: ComplianceRecord[];
  /** For planRemediation(asReport(result), { estate }): the held estate plus the remediable records' resources. */
  estate: EstateContext;
  counts: { read: number; held: number; deferred: number; records: number };
  /**
   * Milliseconds: the whole evaluation, and the part spent evaluating and rolling up (not reading or parsing; with
   * workers, summed over the shards).
   */
  timings: { totalMs: number; evaluateMs: number };
  /** Why the second pass was not used (every resource was then held), when it was not. */
  fallback?: string;
}

const NO_REASONS: ComplianceRecord['reasons'] = Object.freeze([]) as unknown as ComplianceRecord['reasons'];

const CONTAINER_TYPES = ['microsoft.resources/subscriptions', 'microsoft.resources/subscriptions/resourcegroups', 'microsoft.management/managementgroups'];

/** The types a second pass can evaluate alone: evaluated by some member, related to by none, not containers. */
export function deferrableTypes(plan: KeepPlan): Set<string> {
  const out = new Set<string>();
  if (plan.allTypes) return out;
  for (const t of plan.memberTypes) if (!plan.relatedTypes.has(t) && !CONTAINER_TYPES.includes(t)) out.add(t);
  return out;
}

/** A report of a bounded evaluation for the report-shaped consumers (planRemediation): its records are the remediable ones. */
export function asReport(result: BoundedEvaluation): ComplianceReport {
  return { evaluatedAt: result.evaluatedAt, results: result.remediable, summary: result.summary, diagnostics: result.diagnostics, scopes: result.scopes };
}

export async function evaluateBounded(input: EvaluateBoundedInput): Promise<BoundedEvaluation> {
  if ((input.workers ?? 1) > 1) {
    const { evaluateBoundedShards } = await import('./bounded-shards.js');
    return evaluateBoundedShards(input);
  }
  return (await runBounded(input)).result;
}

/** A shard's part in a sharded bounded evaluation (engine/scale/bounded-shards.ts). */
export interface BoundedShardOptions {
  spec: ShardSpec;
  /**
   * Given the types this shard holds (and whether its reading was misrouted, StreamedSnapshot.misrouted), the types
   * every shard holds (a related type absent here is still exported); undefined: the sharded run is given up.
   */
  exchangeTypes(held: string[], misrouted: boolean): Promise<ReadonlySet<string> | undefined>;
}

/** What a shard adds to its BoundedEvaluation for the merge: diagnostics with their single-run order keys. */
export interface BoundedShardParts {
  loadDiagnostics: KeyedDiagnostic[];
  hierarchyDiagnostics: Diagnostic[];
  /** [assignment, member, type rank, 0 held | 1 deferred, ...order key of the resource] → diagnostic. */
  recordDiagnostics: { key: number[]; diagnostic: Diagnostic }[];
  scopeCheck: { known: boolean; inScope: number } | undefined;
  /** Of the resources read, how many every shard reads (subscriptions, management groups, tenant-level resources). */
  sharedRead: number;
  /** The containers this shard holds, raw, with their sources (the merge rebuilds the estate for planRemediation). */
  containers: { raw: RawResource; source: ResourceSource }[];
  /** The remediable records' resources, raw (projected to what the rules read). */
  remediableResources: RawResource[];
  /** Per remediable record (result.remediable), its resource's index in remediableResources (-1: none). */
  remediableResourceOf: number[];
}

/**
 * A caller that makes more of each resource than records (`dine scan`'s bounded mode, engine/scale/scan.ts): which
 * evaluation runs is chosen from what pass 1 held, and every resource of some types is visited. The result's
 * summary.byResource is left empty (the visitor has seen every resource's records; at 10^6 the list holds every id).
 */
export interface BoundedVisitor {
  /** The plan to read with: one that keeps what every evaluation `choose` may return reads, and what `visit` reads. */
  plan: KeepPlan;
  /**
   * After pass 1, given the held snapshot (complete but for the deferred resources; on a shard, its subscriptions')
   * and the types held (on shards, by any shard): the evaluation to run.
   */
  choose(snapshot: Snapshot, heldTypes: ReadonlySet<string>): Omit<EvaluateInput, 'snapshot' | 'now'>;
  /** Held resources of these (lower-cased) types are visited even when no member evaluates them; deferred ones always are. */
  types: ReadonlySet<string>;
  /** Each resource evaluated or visited, with its records (none when no member applies), after they were handed on. */
  visit(view: ResourceView, records: readonly ComplianceRecord[], source: ResourceSource | undefined): void;
}

/**
 * The two passes, on this thread: the whole estate, or one shard of it (then the merge adds its diagnostics; undefined
 * when the sharded run was given up before evaluating).
 */
export async function runBounded(input: EvaluateBoundedInput, shard?: undefined, visitor?: BoundedVisitor): Promise<{ result: BoundedEvaluation; parts: BoundedShardParts }>;
export async function runBounded(input: EvaluateBoundedInput, shard: BoundedShardOptions, visitor?: BoundedVisitor): Promise<{ result: BoundedEvaluation; parts: BoundedShardParts } | undefined>;
export async function runBounded(input: EvaluateBoundedInput, shard?: BoundedShardOptions, visitor?: BoundedVisitor): Promise<{ result: BoundedEvaluation; parts: BoundedShardParts } | undefined> {
  const started = performance.now();
  let evaluateMs = 0;
  const now = input.now ?? new Date().toISOString();
  const { inputs, load = {}, onRecord, onRecordLines, onPlan, workers: _workers, backpressure, keepRemediable = true, ...rest } = input;
  let evaluation: Omit<EvaluateInput, 'snapshot'> = { ...rest, now };
  const lines = onRecordLines === undefined ? undefined : new LineBatches(onRecordLines);
  const plan = visitor?.plan ?? planEvaluation(evaluation, now);
  onPlan?.(plan);
  const defer = deferrableTypes(plan);
  const shardSpec = shard === undefined ? {} : { shard: shard.spec };

  // Pass 1: hold what the rules need besides the deferred resources.
  let streamed = await streamSnapshot(inputs, { plan, load, deferTypes: defer, ...shardSpec });
  let fallback: string | undefined;
  if (streamed.deferred.repeated) {
    // A deferred id read twice (or met among held ones): which copy wins needs both in memory.
    fallback = 'an id of a deferred resource type appears more than once: every resource was held';
    streamed = await streamSnapshot(inputs, { plan, load, ...shardSpec });
  }
  const snapshot = streamed.snapshot;
  const heldTypes = (): Set<string> => new Set(snapshot.resources.map((r) => r.typeLower));
  let knownTypes: ReadonlySet<string> | undefined;
  if (shard !== undefined) {
    knownTypes = await shard.exchangeTypes([...heldTypes()], streamed.misrouted);
    if (knownTypes === undefined) return undefined;
  }
  if (visitor !== undefined) evaluation = { ...visitor.choose(snapshot, knownTypes ?? heldTypes()), now };
  const preparing = performance.now();
  const prepared = prepareEvaluation({ ...evaluation, snapshot }, knownTypes === undefined ? {} : { knownTypes });
  evaluateMs += performance.now() - preparing;
  const diagnostics = prepared.diagnostics;
  const rollups = new ResourceRollups(snapshot.hierarchy, visitor === undefined);
  const remediable: ComplianceRecord[] = [];
  const remediableViews = new Map<ComplianceRecord, ResourceView>();
  const firstByTask = typeof keepRemediable === 'object' ? new FirstByTask(keepRemediable.resourceCount) : undefined;
  const intern = new StringInterner().intern;
  let recordCount = 0;
  const options = { related: prepared.related };
  const maker = new RecordMaker(prepared.runs, options);
  const inScope = prepared.inScope;
  let perResource: ComplianceRecord[] = [];
  const emit = (record: ComplianceRecord): void => {
    perResource.push(record);
  };
  const finishResource = (view: ResourceView, keep: (v: ResourceView) => ResourceView, source: ResourceSource | undefined): void => {
    if (perResource.length === 0) {
      visitor?.visit(view, perResource, source);
      return;
    }
    rollups.addResource(perResource);
    recordCount += perResource.length;
    let kept: ResourceView | undefined;
    for (const r of perResource) {
      onRecord?.(r);
      lines?.add(r);
      if (keepRemediable !== false && r.complianceState === 'NonCompliant' && r.effect.toLowerCase() === 'deployifnotexists') {
        // Kept for planRemediation, which reads no reasons: a copy without them (onRecord had the whole record),
        // whose strings are shared ones rather than this line's parse.
        const copy: ComplianceRecord = { ...r, resourceType: intern(r.resourceType)!, reasons: NO_REASONS };
        if (copy.resourceLocation !== undefined) copy.resourceLocation = intern(copy.resourceLocation);
        if (copy.resourceGroup !== undefined) copy.resourceGroup = intern(copy.resourceGroup);
        if (copy.subscriptionId !== undefined) copy.subscriptionId = intern(copy.subscriptionId);
        remediable.push(copy);
        const offered = firstByTask?.offer(copy);
        if (offered === undefined || offered.first) {
          kept ??= keep(view);
          remediableViews.set(copy, kept);
          if (offered?.displaced !== undefined) remediableViews.delete(offered.displaced);
        }
      }
    }
    visitor?.visit(view, perResource, source);
    perResource = [];
  };

  // Held resources of the members' types, in report order.
  let inScopeCount = 0;
  const owns = streamed.owns;
  const held = snapshot.resources
    .map((_, i) => i)
    .filter((i) => (maker.evaluates(snapshot.resources[i]!.typeLower) || visitor?.types.has(snapshot.resources[i]!.typeLower) === true) && (shard === undefined || owns(snapshot.resources[i]!)) && (inScope === undefined || inScope(snapshot.resources[i]!)));
  inScopeCount += held.length;
  const heldStart = performance.now();
  for (const position of inIdOrder(snapshot.resources, held)) {
    const view = snapshot.resources[position]!;
    maker.make(view, position, snapshot.sources[position], emit);
    finishResource(view, (v) => v, snapshot.sources[position]);
  }
  evaluateMs += performance.now() - heldStart;

  // Pass 2: the deferred lines, evaluated one batch at a time and dropped.
  const projector = plan.wholeResources ? undefined : new Projector(plan);
  const secondPass: KeyedDiagnostic[] = [];
  /** Where each deferred resource was read (file index, line), by its position minus the held count. */
  const deferredAt: number[] = [];
  const heldCount = snapshot.resources.length;
  if (fallback === undefined && streamed.deferred.lines > 0) {
    const files = snapshot.files;
    let position = snapshot.resources.length;
    for (let f = 0; f < files.length; f++) {
      const deferred = streamed.deferred.byFile.get(files[f]!);
      if (deferred === undefined || deferred.lines.length === 0) continue;
      // Exactly the lines the first pass deferred, by line number (the text is not scanned again).
      let k = -1;
      const isDeferred = (lineNo: number): boolean => {
        while (k + 1 < deferred.lines.length && deferred.lines[k + 1]! <= lineNo) k++;
        return k >= 0 && deferred.lines[k] === lineNo;
      };
      // Other lines are skipped before decoding where the reader can (in line order), else after decoding (the
      // reader decodes a chunk's lines before it parses them: looked up, not walked).
      const lineFilter = (_line: string, lineNo: number): boolean => indexOfSorted(deferred.lines, lineNo) !== -1;
      const skipLineBytes = (_buf: Buffer, _from: number, _to: number, lineNo: number): boolean => !isDeferred(lineNo);
      for await (const batch of readFileBatches(files[f]!, { ...load, lineFilter, skipLineBytes })) {
        const wait = backpressure?.();
        if (wait !== undefined) await wait;
        for (let b = 0; b < batch.length; b++) {
          // Released as soon as it is evaluated, so that what a batch parsed dies young (not promoted, then garbage).
          const item = batch[b]!;
          batch[b] = undefined as never;
          if (item.kind === 'diagnostic') {
            secondPass.push({ key: [f, item.diagnostic.source?.line ?? 0, 0], diagnostic: item.diagnostic });
            continue;
          }
          const view = toResourceView(item.raw);
          if (isDiagnostic(view)) {
            secondPass.push({ key: [f, item.source.line ?? 0, 0], diagnostic: located(view, item.source, view.code === 'load.invalid-resource-id' ? '/id' : '') });
            continue;
          }
          const at = indexOfSorted(deferred.lines, item.source.line ?? -1);
          if (at === -1 || deferred.hashes[at] !== idHash(view.id) || !defer.has(view.typeLower)) {
            // The first pass read this line's id and type from its bytes; JSON.parse disagrees (not expected: such
            // lines are parsed in pass 1). Reported, not evaluated, rather than evaluated on the wrong footing.
            const reason = `the line's id or type read differently by the two passes (${view.id}, ${view.type})`;
            secondPass.push({ key: [f, item.source.line ?? 0, 0], diagnostic: located(diagnostic('load.invalid-resource', { reason }), item.source) });
            continue;
          }
          if (inScope !== undefined && !inScope(view)) continue;
          inScopeCount++;
          const t = performance.now();
          if (shard !== undefined) deferredAt.push(f, item.source.line ?? 0);
          maker.make(view, position++, item.source, emit);
          // A resource kept for remediation keeps only what the rules read.
          finishResource(view, (v) => heldView(v, projector === undefined ? v.raw : projector.project(v.raw, v.typeLower, v.apiVersion), intern), item.source);
          evaluateMs += performance.now() - t;
        }
      }
    }
  }

  lines?.flush();

  // Diagnostics as a single run orders them: load (both passes, in reading order), hierarchy, assignments, records.
  const keyedLoad = [...streamed.loadDiagnostics, ...secondPass].sort((x, y) => compareKeys(x.key, y.key));
  const loadDiagnostics = keyedLoad.map((k) => k.diagnostic);
  let scopeCheck: BoundedShardParts['scopeCheck'];
  if (input.scope !== undefined) {
    const known = snapshot.hierarchy.node(input.scope) !== undefined || snapshot.byId.has(input.scope.toLowerCase()) || input.scope === '/';
    scopeCheck = { known, inScope: inScopeCount };
    // A shard cannot tell: the merge decides over all of them.
    if (shard === undefined && !known && inScopeCount === 0) diagnostics.push(diagnostic('assign.unknown-scope', { scope: input.scope }));
  }
  const recordDiagnostics = orderedRecordDiagnostics(prepared.runs, diagnostics).map((o) => {
    const d = o.position - heldCount;
    const k = d < 0 ? [0, ...streamed.keyOf(o.view)] : [1, deferredAt[2 * d] ?? 0, deferredAt[2 * d + 1] ?? 0, 0];
    return { key: [o.run.ai, o.run.mi, o.typeRank, ...k], diagnostic: o.diagnostic };
  });
  sortRecords(remediable);
  const finishing = performance.now();
  const summary = rollups.finish();
  evaluateMs += performance.now() - finishing;
  const snapshotResource = prepared.contextFor().resourceFor;
  const result: BoundedEvaluation = {
    evaluatedAt: now,
    summary,
    diagnostics: [...loadDiagnostics, ...streamed.hierarchyDiagnostics, ...diagnostics],
    scopes: scopeNodesOf(snapshot.hierarchy),
    remediable,
    estate: prepared.contextFor((r) => remediableViews.get(r) ?? snapshotResource(r)),
    counts: { read: streamed.counts.read, held: streamed.counts.held, deferred: streamed.deferred.lines, records: recordCount },
    timings: { totalMs: performance.now() - started, evaluateMs },
    ...(fallback !== undefined ? { fallback } : {}),
  };
  const parts: BoundedShardParts = {
    loadDiagnostics: keyedLoad,
    hierarchyDiagnostics: streamed.hierarchyDiagnostics,
    recordDiagnostics,
    scopeCheck,
    sharedRead: streamed.counts.shared,
    containers: [],
    remediableResources: [],
    remediableResourceOf: [],
  };
  if (shard !== undefined) {
    snapshot.resources.forEach((v, i) => {
      if (CONTAINER_TYPES.includes(v.typeLower)) parts.containers.push({ raw: v.raw, source: snapshot.sources[i]! });
    });
    const sent = new Map<ResourceView, number>();
    for (const r of remediable) {
      const view = remediableViews.get(r) ?? snapshotResource(r);
      let at = view === undefined ? -1 : sent.get(view);
      if (at === undefined) {
        sent.set(view!, (at = parts.remediableResources.length));
        parts.remediableResources.push(view!.raw);
      }
      parts.remediableResourceOf.push(at);
    }
  }
  return { result, parts };
}

/** Records as NDJSON text, handed on in batches (onRecordLines) with the compliance states each batch holds. */
class LineBatches {
  #text: string[] = [];
  readonly #states = new Set<ComplianceState>();
  constructor(
    readonly send: (lines: string, states: readonly ComplianceState[]) => void,
    readonly records = 2048,
  ) {}
  add(record: ComplianceRecord): void {
    this.#text.push(recordLine(record));
    this.#states.add(record.complianceState);
    if (this.#text.length >= this.records) this.flush();
  }
  flush(): void {
    if (this.#text.length === 0) return;
    const text = this.#text.join('');
    const states = [...this.#states];
    this.#text = [];
    this.#states.clear();
    this.send(text, states);
  }
}
