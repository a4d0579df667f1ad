// scanBounded: `dine scan` over NDJSON exports in bounded memory — evaluateBounded's two passes, with the scan's
// decisions made one machine at a time. Pass 1 holds what decides a machine (containers, Defender assessments and
// pricings, scanner resources: every related type of the evaluations the scan may run); after it, which evaluation
// runs is chosen as scanEstate chooses it (Defender's assessments or dine's policies, and the plan's assignments);
// pass 2 parses each machine, evaluates it, makes its result, hands it on and drops it. The totals, scope counts
// and remediation plan come last. The plan deploys to the first `resourceCount` machines of each task in id order,
// known only when every machine has been met: an Unhealthy machine that may be among them is held back (at most
// resourceCount per task) and handed on with its deploymentId once the plan is made; the others are handed on at
// once, with scanEstate's note. Of the remediable machines only those first per task keep their resources; the
// others are listed by id. On worker threads each shard of subscriptions runs both passes and scans its own machines
// (engine/scale/bounded-shards.ts); the main thread adds up their counts and makes the plan.
import type { Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord } from '../model/index.js';
import type { EvaluateInput } from '../evaluate/estate.js';
import type { DocumentInput } from '../evaluate/documents.js';
import type { LoadOptions } from '../load/snapshot.js';
import { planRemediation, REMEDIATION_DEFAULTS, type RemediationPlan } from '../remediation/index.js';
import { sortByIdIgnoringCase } from '../scope/id-order.js';
import {
  checkedVaType, dedupe, dineAssignmentId, dineDefinitions, dineEvaluation, docOf, reportHead, scanEvaluations, scopeDiagnostics, SCANNER_READS,
  type ScanInput,
} from '../scanner/scan.js';
import { ARC_TYPE, decisionSource, DINE_ASSIGNMENT_PREFIX, DINE_DEFENDER_POLICY, isMachineType, machineLine, MachineScanner, mergeScopeCounts, VM_TYPE, type DinePolicies } from '../scanner/machine.js';
import { noDeploymentNote, ownEvaluation, planBasis, provisionDefinition, provisionEvaluation, remediationSummary, type PlanBasis, type ScanPlan } from '../scanner/remediation.js';
import { FirstByTask } from './first-by-task.js';
import type { DecisionSource, MachineResult, ScanCounts, ScanReport, ScopeCount, VaType } from '../scanner/types.js';
import { asReport, runBounded, type BoundedEvaluation, type BoundedVisitor, type EvaluateBoundedInput } from './pipeline.js';
import { unitePlans, type KeepPlan } from './plan.js';
import { planEvaluation } from './stream.js';

export interface ScanBoundedInput extends Omit<ScanInput, 'snapshot'> {
  /** Snapshot files, directories and globs (NDJSON lines of machines are read twice; other files are held). */
  inputs: readonly string[];
  load?: Pick<LoadOptions, 'cwd' | 'streamThresholdBytes'>;
  /**
   * Each scanned machine's result, once, as scanEstate makes it: on one thread, machines the first pass held (none,
   * usually) in id order, then the rest in file order — but those the plan deploys to (at most resourceCount per
   * task, with their deploymentId) at the end.
   */
  onMachine?: (machine: MachineResult) => void;
  /**
   * The machines as text too, in batches: each one's line (scanMachineLine: its JSON and '\n'). On worker threads the
   * text is made there (the shards' batches interleave; `onMachine` gets each line parsed back).
   */
  onMachineLines?: (lines: string) => void;
  /** Asked after each batch of the second pass: a promise makes the scan wait for it (an output stream draining). */
  backpressure?: () => Promise<void> | undefined;
  /** Worker threads, each scanning one shard of subscriptions in two passes; 1 (default): this thread. */
  workers?: number;
}

export interface BoundedScan {
  /** scanEstate's report without its machines (they went to onMachine). */
  report: Omit<ScanReport, 'machines'>;
  /** The plan behind report.remediation (deployments with templates), for writing remediation outputs. */
  plan: ScanPlan;
  /** The snapshot's own problems (reading, ids, the hierarchy), as loadSnapshot would report them. */
  loadDiagnostics: Diagnostic[];
  counts: BoundedEvaluation['counts'];
  /** Why every resource was held (a machine id read twice), or the shards were given up, when so. */
  fallback?: string;
}

/** The scan's options as a shard receives them. */
export type ScanOptions = Omit<ScanInput, 'snapshot'>;

/** What one run of the two passes (this thread, or one shard) adds up for the report. */
export interface ScanPart {
  totals: ScanCounts;
  /** Unordered: mergeScopeCounts orders them. */
  scopes: ScopeCount[];
  machines: number;
  /** The scope names something this run met or held. */
  scopeKnown: boolean;
  /** Machines the plan may deploy to that are not Unhealthy: [lower-cased id, id]. */
  notUnhealthy: [string, string][];
  /**
   * Unhealthy machines still among the first resourceCount of some plan task when the run ended: not handed on yet,
   * their deploymentId (or note) comes from the plan. With whether the machine is exempt from a plan assignment.
   */
  pending: { machine: MachineResult; exempt: boolean }[];
}

/** An Unhealthy machine held back while one of its remediable records is among the first of its task. */
interface Pending {
  machine: MachineResult;
  exempt: boolean;
  /** How many of its records are among the first of their tasks. */
  holders: number;
}

/** What every evaluation the scan may run reads, and what the scan reads itself. */
function scanPlan(scanning: ScanOptions): KeepPlan {
  return unitePlans(
    scanEvaluations(scanning).map((e) => planEvaluation(e, scanning.now)),
    { types: [...SCANNER_READS.keys()], paths: SCANNER_READS },
  );
}

/** One evaluation of several (the scan's dine policies beside the plan's assignments): definitions once each. */
function unite(parts: readonly Omit<EvaluateInput, 'snapshot'>[]): Omit<EvaluateInput, 'snapshot' | 'now'> {
  const unique = (pick: (e: Omit<EvaluateInput, 'snapshot'>) => readonly DocumentInput[] | undefined): DocumentInput[] => [...new Set(parts.flatMap((e) => pick(e) ?? []))];
  return { definitions: unique((e) => e.definitions), setDefinitions: unique((e) => e.setDefinitions), assignments: parts.flatMap((e) => e.assignments ?? []), exemptions: unique((e) => e.exemptions) };
}

/** Which evaluation the scan runs, chosen as scanEstate chooses it from what the estate holds. */
class ScanChoice {
  readonly vaType: VaType;
  readonly defs: Record<string, DocumentInput>;
  /** dine's root assignment ids by policy name. */
  readonly #dineAssignments: Map<string, string>;
  readonly #dineAssignmentIds: Set<string>;
  source: DecisionSource | undefined;
  basis: PlanBasis | undefined;
  constructor(readonly scanning: ScanOptions) {
    this.vaType = checkedVaType(scanning.vaType);
    this.defs = dineDefinitions(scanning.definitions);
    this.#dineAssignments = new Map(Object.keys(this.defs).map((p) => [p, dineAssignmentId(p)]));
    this.#dineAssignmentIds = new Set(this.#dineAssignments.values());
  }
  dineAssignmentIdOf(policy: string): string | undefined {
    return this.#dineAssignments.get(policy);
  }
  /** A record of dine's root assignments (their ids as dine wrote them: no lower-cased copy per record). */
  isDine(r: ComplianceRecord): boolean {
    return this.#dineAssignmentIds.has(r.policyAssignmentId);
  }
  /** A record of the assignments the plan comes from. */
  plans(r: ComplianceRecord): boolean {
    return this.basis?.evaluation !== undefined && (this.basis.evaluation === 'dine') === this.isDine(r);
  }
  choose(heldTypes: ReadonlySet<string>): Omit<EvaluateInput, 'snapshot' | 'now'> {
    const { scanning, vaType } = this;
    this.source = decisionSource(heldTypes);
    this.basis = planBasis(scanning, this.source, vaType);
    const parts: Omit<EvaluateInput, 'snapshot'>[] = [];
    if (this.source === 'dine-policy') parts.push(dineEvaluation(scanning, this.defs));
    if (this.basis.evaluation === 'own') parts.push(ownEvaluation(scanning));
    else if (this.basis.evaluation === 'provision') parts.push(provisionEvaluation(scanning, provisionDefinition(scanning)!, vaType));
    return unite(parts);
  }
}

/** The scan's visitor of one run of the two passes: each machine's result made, counted and handed to `emit`. */
export class ScanVisiting {
  readonly choice: ScanChoice;
  readonly visitor: BoundedVisitor;
  #scanner: MachineScanner | undefined;
  #machines = 0;
  #scopeMet = false;
  readonly #notUnhealthy = new Map<string, string>();
  /** The plan's first resourceCount records per task so far, and the held-back machine of each. */
  readonly #first = new FirstByTask(REMEDIATION_DEFAULTS.resourceCount);
  readonly #pending = new Map<ComplianceRecord, Pending>();

  constructor(scanning: ScanOptions, emit: (m: MachineResult) => void) {
    const choice = (this.choice = new ScanChoice(scanning));
    const scopeLower = scanning.scope?.toLowerCase();
    // dine's records, where they decide: the subscriptions' (held, met before their machines) and the current machine's.
    const subscriptionRecords = new Map<string, ComplianceRecord>();
    let current: { id: string; records: readonly ComplianceRecord[] } = { id: '', records: [] };
    const recordOf = (id: string, policy: string): ComplianceRecord | undefined => {
      if (id !== current.id) return subscriptionRecords.get(`${id}\u0000${policy}`);
      const assignmentId = choice.dineAssignmentIdOf(policy);
      return current.records.find((r) => r.policyAssignmentId === assignmentId);
    };
    this.visitor = {
      plan: scanPlan(scanning),
      types: new Set([VM_TYPE, ARC_TYPE]),
      choose: (snapshot, heldTypes) => {
        const evaluation = choice.choose(heldTypes);
        const dine: DinePolicies | undefined = choice.source === 'dine-policy' ? { recordOf, defenderDocument: docOf(choice.defs[DINE_DEFENDER_POLICY]!) } : undefined;
        this.#scanner = new MachineScanner(snapshot, { vaType: choice.vaType, now: scanning.now, heldTypes, ...(scanning.scope !== undefined ? { scope: scanning.scope } : {}), ...(dine !== undefined ? { dine } : {}) });
        if (scopeLower !== undefined && (snapshot.hierarchy.node(scanning.scope!) !== undefined || snapshot.byId.has(scopeLower))) this.#scopeMet = true;
        return evaluation;
      },
      visit: (view, records, source) => {
        const id = view.id.toLowerCase();
        if (id === scopeLower) this.#scopeMet = true;
        if (view.typeLower === 'microsoft.resources/subscriptions') {
          for (const r of records) if (choice.isDine(r)) subscriptionRecords.set(`${id}\u0000${r.policyAssignmentName!.slice(DINE_ASSIGNMENT_PREFIX.length)}`, r);
        }
        const scanner = this.#scanner!;
        if (!scanner.scans(view)) return;
        current = { id, records };
        const m = scanner.result(view, source, id);
        current = { id: '', records: [] };
        this.#machines++;
        const planned = records.filter((r) => r.complianceState === 'NonCompliant' && r.effect.toLowerCase() === 'deployifnotexists' && choice.plans(r));
        if (m.deploy === undefined) {
          if (planned.length > 0) this.#notUnhealthy.set(id, view.id);
          emit(m);
          return;
        }
        // An Unhealthy machine: handed on now when the plan cannot deploy to it, held back while it may.
        const exempt = records.some((r) => r.complianceState === 'Exempt' && r.effect.toLowerCase() === 'deployifnotexists' && choice.plans(r));
        const entry: Pending = { machine: m, exempt, holders: 0 };
        for (const r of planned) {
          const offered = this.#first.offer(r);
          if (offered.first) {
            entry.holders++;
            this.#pending.set(r, entry);
          }
          if (offered.displaced !== undefined) this.#release(offered.displaced, emit);
        }
        if (entry.holders === 0) {
          m.deploy.note = noDeploymentNote(exempt);
          emit(m);
        }
      },
    };
  }

  /** A record no longer among the first of its task: its machine is handed on once none of its records is. */
  #release(record: ComplianceRecord, emit: (m: MachineResult) => void): void {
    const entry = this.#pending.get(record)!;
    this.#pending.delete(record);
    if (--entry.holders > 0) return;
    entry.machine.deploy!.note = noDeploymentNote(entry.exempt);
    emit(entry.machine);
  }

  part(): ScanPart {
    const scanner = this.#scanner!;
    const pending = [...new Set(this.#pending.values())].map((e) => ({ machine: e.machine, exempt: e.exempt }));
    return { totals: scanner.totals, scopes: scanner.scopeCounts(), machines: this.#machines, scopeKnown: this.#scopeMet, notUnhealthy: [...this.#notUnhealthy], pending };
  }
}

/** The held-back machines with the plan's deployment (the first for the machine, as scanEstate links it) or a note. */
function linkPending(parts: readonly ScanPart[], plan: RemediationPlan): MachineResult[] {
  const first = new Map<string, string>();
  for (const d of plan.deployments) {
    const key = d.resourceId.toLowerCase();
    if (!first.has(key)) first.set(key, d.id);
  }
  return parts.flatMap((p) =>
    p.pending.map(({ machine, exempt }) => {
      const deploymentId = first.get(machine.id.toLowerCase());
      if (deploymentId !== undefined) machine.deploy!.deploymentId = deploymentId;
      else machine.deploy!.note = noDeploymentNote(exempt);
      return machine;
    }),
  );
}

/**
 * The report from the evaluation's result and the runs' parts: totals and scope counts added up, the plan over the
 * scanned machines' remediable records of the plan's assignments (scanEstate: planRemediation's resourceIds).
 */
function finishScan(choice: ScanChoice, result: BoundedEvaluation, loadCount: number, parts: readonly ScanPart[]): { scan: BoundedScan; last: MachineResult[] } {
  const { scanning } = choice;
  const scope = scanning.scope;
  const snapshot = result.estate.snapshot;
  const machines = parts.reduce((n, p) => n + p.machines, 0);
  const known = scope === undefined || scope === '/' || parts.some((p) => p.scopeKnown) || snapshot.hierarchy.node(scope) !== undefined;
  const diagnostics = scopeDiagnostics(scope, known, machines);
  for (const d of result.diagnostics.slice(loadCount)) if (d.severity === 'error') diagnostics.push(d);
  diagnostics.push(...choice.basis!.diagnostics);

  const inScope = (id: string): boolean => scope === undefined || scope === '/' || snapshot.hierarchy.contains(scope, id);
  const remediable = result.remediable.filter((r) => choice.plans(r) && isMachineType(r.resourceType.toLowerCase()) && inScope(r.resourceId));
  const plan: RemediationPlan = remediable.length === 0 ? { tasks: [], deployments: [], errors: [] } : planRemediation(asReport({ ...result, remediable }), { estate: result.estate });
  const notUnhealthy = new Map(parts.flatMap((p) => p.notUnhealthy));
  const beyond = [...new Set(plan.deployments.map((d) => notUnhealthy.get(d.resourceId.toLowerCase())).filter((id): id is string => id !== undefined))];
  sortByIdIgnoringCase(beyond, (id) => id);
  const totals = parts.reduce<ScanCounts>((t, p) => ({ Healthy: t.Healthy + p.totals.Healthy, Unhealthy: t.Unhealthy + p.totals.Unhealthy, NotApplicable: t.NotApplicable + p.totals.NotApplicable, total: t.total + p.totals.total }), { Healthy: 0, Unhealthy: 0, NotApplicable: 0, total: 0 });
  const report: Omit<ScanReport, 'machines'> = {
    ...reportHead(scanning, choice.vaType, choice.source!),
    totals,
    scopes: mergeScopeCounts(snapshot, parts.map((p) => p.scopes)),
    remediation: remediationSummary(choice.basis!, plan, beyond),
    diagnostics: dedupe(diagnostics),
  };
  const scan: BoundedScan = { report, plan, loadDiagnostics: result.diagnostics.slice(0, loadCount), counts: result.counts, ...(result.fallback !== undefined ? { fallback: result.fallback } : {}) };
  return { scan, last: linkPending(parts, plan) };
}

/** The two passes' input for the scan: its own plan and evaluation come from the visitor. */
function boundedInput(input: ScanBoundedInput): EvaluateBoundedInput {
  const { inputs, load, backpressure, now } = input;
  return { inputs, ...(load !== undefined ? { load } : {}), now, definitions: [], keepRemediable: { resourceCount: REMEDIATION_DEFAULTS.resourceCount }, ...(backpressure !== undefined ? { backpressure } : {}) };
}

export async function scanBounded(input: ScanBoundedInput): Promise<BoundedScan> {
  const { inputs: _i, load: _l, onMachine, onMachineLines, backpressure: _b, workers = 1, ...scanning } = input;
  checkedVaType(scanning.vaType);
  if (workers > 1) {
    const { runBoundedShards } = await import('./bounded-shards.js');
    const choice = new ScanChoice(scanning);
    // The shards send their machines' lines; objects for onMachine are parsed back from them.
    const handOn =
      onMachine === undefined && onMachineLines === undefined
        ? undefined
        : (lines: string): void => {
            if (onMachine !== undefined) for (const line of lines.split('\n')) if (line !== '') onMachine(JSON.parse(line) as MachineResult);
            onMachineLines?.(lines);
          };
    const sharded = await runBoundedShards({ ...boundedInput(input), workers, ...(handOn !== undefined ? { onRecordLines: handOn } : {}) }, { scanning, choose: (types) => choice.choose(types) });
    if (sharded !== undefined) {
      const { scan, last } = finishScan(choice, sharded.result, sharded.loadCount, sharded.scanParts!);
      for (const m of last) onMachine?.(m);
      if (last.length > 0) onMachineLines?.(last.map(machineLine).join(''));
      return scan;
    }
    const single = await scanBounded({ ...input, workers: 1 });
    const why = 'a line routed to one shard by the first "id" in its text parsed otherwise (a second "id" key, or an envelope key after it): scanned on one thread';
    return { ...single, fallback: single.fallback === undefined ? why : `${why}; ${single.fallback}` };
  }
  const lines = onMachineLines === undefined ? undefined : lineBatches(onMachineLines);
  const visiting = new ScanVisiting(scanning, (m) => {
    onMachine?.(m);
    lines?.add(m);
  });
  const { result, parts } = await runBounded(boundedInput(input), undefined, visiting.visitor);
  const { scan, last } = finishScan(visiting.choice, result, parts.loadDiagnostics.length + parts.hierarchyDiagnostics.length, [visiting.part()]);
  for (const m of last) {
    onMachine?.(m);
    lines?.add(m);
  }
  lines?.flush();
  return scan;
}

/** Machines' lines handed on in batches. */
export function lineBatches(send: (lines: string) => void, size = 1024): { add(m: MachineResult): void; flush(): void } {
  let batch: string[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const text = batch.join('');
    batch = [];
    send(text);
  };
  return {
    add(m) {
      batch.push(machineLine(m));
      if (batch.length >= size) flush();
    },
    flush,
  };
}
