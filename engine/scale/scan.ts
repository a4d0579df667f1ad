// scanBounded: `dine scan` over NDJSON exports in bounded memory — evaluateBounded's two passes, with the scan's
// decisions made one machine at a time. Pass 1 holds what decides a machine (containers, Defender assessments and
// pricings, scanner resources: every related type of the evaluations the scan may run); after it, which evaluation
// runs is chosen as scanEstate chooses (Defender's assessments or dine's policies, and the plan's assignments);
// pass 2 parses each machine, evaluates it, makes its result, hands it on and drops it. The totals, scope counts
// and remediation plan come last: a machine's result carries no deploymentId (the plan takes the first
// `resourceCount` machines of each task in id order, known only when every machine has been met) — the report's
// remediation.deployments name each deployment's machine. Of the remediable machines only the first resourceCount per
// task keep their resources (what the default plan deploys); the others are listed by id.
import type { Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord } from '../model/index.js';
import type { EvaluateInput } from '../evaluate/estate.js';
import type { DocumentInput } from '../evaluate/documents.js';
import type { LoadOptions, Snapshot } from '../load/snapshot.js';
import { planRemediation, REMEDIATION_DEFAULTS, type RemediationPlan } from '../remediation/index.js';
import { sortByIdIgnoringCase } from '../scope/id-order.js';
import {
  checkedVaType, dedupe, dineDefinitions, dineEvaluation, docOf, reportHead, scanEvaluations, scopeDiagnostics, SCANNER_READS,
  type ScanInput,
} from '../scanner/scan.js';
import { ARC_TYPE, decisionSource, DINE_ASSIGNMENT_PREFIX, DINE_DEFENDER_POLICY, isMachineType, MachineScanner, VM_TYPE, type DinePolicies } from '../scanner/machine.js';
import { ownEvaluation, planBasis, provisionDefinition, provisionEvaluation, remediationSummary, type PlanBasis, type ScanPlan } from '../scanner/remediation.js';
import type { MachineResult, ScanReport } from '../scanner/types.js';
import { asReport, runBounded, type BoundedEvaluation, type BoundedVisitor } from './pipeline.js';
import { unitePlans } from './plan.js';
import { planEvaluation } from './stream.js';

export interface ScanBoundedInput extends Omit<ScanInput, 'snapshot'> {
  /** Snapshot files, directories and globs (NDJSON lines of machines are read twice; other files are held). */
  inputs: readonly string[];
  load?: Pick<LoadOptions, 'cwd' | 'streamThresholdBytes'>;
  /**
   * Each scanned machine's result, once: machines the first pass held (none, usually) in id order, then the rest in
   * file order. An Unhealthy machine's `deploy` has no deploymentId or note: see BoundedScan.report.remediation.
   */
  onMachine?: (machine: MachineResult) => void;
  /** Asked after each batch of the second pass: a promise makes the scan wait for it (an output stream draining). */
  backpressure?: () => Promise<void> | undefined;
}

export interface BoundedScan {
  /** scanEstate's report without its machines (they went to onMachine). */
  report: Omit<ScanReport, 'machines'>;
  /** The plan behind report.remediation (deployments with templates), for writing remediation outputs. */
  plan: ScanPlan;
  /** The snapshot's own problems (reading, ids, the hierarchy), as loadSnapshot would report them. */
  loadDiagnostics: Diagnostic[];
  counts: BoundedEvaluation['counts'];
  /** Why every resource was held (a machine id read twice), when it was. */
  fallback?: string;
}

const ASSIGNMENT_PATH = '/providers/microsoft.authorization/policyassignments/';

/** One evaluation of several (the scan's dine policies beside the plan's assignments): definitions once each. */
function unite(parts: readonly Omit<EvaluateInput, 'snapshot'>[]): Omit<EvaluateInput, 'snapshot' | 'now'> {
  const unique = (pick: (e: Omit<EvaluateInput, 'snapshot'>) => readonly DocumentInput[] | undefined): DocumentInput[] => [...new Set(parts.flatMap((e) => pick(e) ?? []))];
  return { definitions: unique((e) => e.definitions), setDefinitions: unique((e) => e.setDefinitions), assignments: parts.flatMap((e) => e.assignments ?? []), exemptions: unique((e) => e.exemptions) };
}

export async function scanBounded(input: ScanBoundedInput): Promise<BoundedScan> {
  const vaType = checkedVaType(input.vaType);
  const { inputs, load, onMachine, backpressure, ...scanning } = input;
  const scope = scanning.scope;
  const scopeLower = scope?.toLowerCase();
  const plan = unitePlans(
    scanEvaluations(scanning).map((e) => planEvaluation(e, scanning.now)),
    { types: [...SCANNER_READS.keys()], paths: SCANNER_READS },
  );
  const defs = dineDefinitions(scanning.definitions);
  const dineAssignmentIds = new Set(Object.keys(defs).map((p) => `${ASSIGNMENT_PATH}${DINE_ASSIGNMENT_PREFIX}${p}`));
  const isDine = (r: ComplianceRecord): boolean => dineAssignmentIds.has(r.policyAssignmentId.toLowerCase());

  let held: Snapshot | undefined;
  let scanner: MachineScanner | undefined;
  let basis: PlanBasis | undefined;
  let machines = 0;
  let scopeMet = false;
  // dine's records, where they decide: the subscriptions' (held, met before their machines) and the current machine's.
  const subscriptionRecords = new Map<string, ComplianceRecord>();
  let current: { id: string; records: readonly ComplianceRecord[] } = { id: '', records: [] };
  const recordOf = (id: string, policy: string): ComplianceRecord | undefined => {
    if (id !== current.id) return subscriptionRecords.get(`${id}\u0000${policy}`);
    return current.records.find((r) => isDine(r) && r.policyAssignmentName === `${DINE_ASSIGNMENT_PREFIX}${policy}`);
  };
  const plannedBy = (r: ComplianceRecord): boolean => (basis?.evaluation === 'dine') === isDine(r);
  /** Machines the plan may deploy to that are not Unhealthy: lower-cased id → id. */
  const notUnhealthy = new Map<string, string>();

  const visitor: BoundedVisitor = {
    plan,
    types: new Set([VM_TYPE, ARC_TYPE]),
    choose(snapshot) {
      held = snapshot;
      const source = decisionSource(snapshot);
      basis = planBasis(scanning, source, vaType);
      const parts: Omit<EvaluateInput, 'snapshot'>[] = [];
      if (source === 'dine-policy') parts.push(dineEvaluation(scanning, defs));
      if (basis.evaluation === 'own') parts.push(ownEvaluation(scanning));
      else if (basis.evaluation === 'provision') parts.push(provisionEvaluation(scanning, provisionDefinition(scanning)!, vaType));
      const dine: DinePolicies | undefined = source === 'dine-policy' ? { recordOf, defenderDocument: docOf(defs[DINE_DEFENDER_POLICY]!) } : undefined;
      scanner = new MachineScanner(snapshot, { vaType, now: scanning.now, ...(scope !== undefined ? { scope } : {}), ...(dine !== undefined ? { dine } : {}) });
      return unite(parts);
    },
    visit(view, records, source) {
      const id = view.id.toLowerCase();
      if (id === scopeLower) scopeMet = true;
      if (view.typeLower === 'microsoft.resources/subscriptions') {
        for (const r of records) if (isDine(r)) subscriptionRecords.set(`${id}\u0000${r.policyAssignmentName!.slice(DINE_ASSIGNMENT_PREFIX.length)}`, r);
      }
      if (!scanner!.scans(view)) return;
      current = { id, records };
      const m = scanner!.result(view, source);
      current = { id: '', records: [] };
      machines++;
      if (m.group !== 'Unhealthy' && records.some((r) => r.complianceState === 'NonCompliant' && r.effect.toLowerCase() === 'deployifnotexists' && plannedBy(r))) notUnhealthy.set(id, view.id);
      onMachine?.(m);
    },
  };
  const { result, parts } = await runBounded(
    { inputs, ...(load !== undefined ? { load } : {}), now: scanning.now, definitions: [], keepRemediable: { resourceCount: REMEDIATION_DEFAULTS.resourceCount }, ...(backpressure !== undefined ? { backpressure } : {}) },
    undefined,
    visitor,
  );
  const snapshot = held!;
  const loadCount = parts.loadDiagnostics.length + parts.hierarchyDiagnostics.length;
  const known = scope === undefined || scope === '/' || scopeMet || snapshot.hierarchy.node(scope) !== undefined || snapshot.byId.has(scopeLower!);
  const diagnostics = scopeDiagnostics(scope, known, machines);
  for (const d of result.diagnostics.slice(loadCount)) if (d.severity === 'error') diagnostics.push(d);
  diagnostics.push(...basis!.diagnostics);

  // The plan over the scanned machines' records of the plan's assignments (scanEstate: planRemediation's resourceIds).
  const inScope = (id: string): boolean => scope === undefined || scope === '/' || snapshot.hierarchy.contains(scope, id);
  const remediable = basis!.evaluation === undefined ? [] : result.remediable.filter((r) => plannedBy(r) && isMachineType(r.resourceType.toLowerCase()) && inScope(r.resourceId));
  const remediationPlan: RemediationPlan = remediable.length === 0 ? { tasks: [], deployments: [], errors: [] } : planRemediation(asReport({ ...result, remediable }), { estate: result.estate });
  const beyond = [...new Set(remediationPlan.deployments.map((d) => notUnhealthy.get(d.resourceId.toLowerCase())).filter((id): id is string => id !== undefined))];
  sortByIdIgnoringCase(beyond, (id) => id);

  const report: Omit<ScanReport, 'machines'> = {
    ...reportHead(scanning, vaType, scanner!.source),
    totals: scanner!.totals,
    scopes: scanner!.scopes(),
    remediation: remediationSummary(basis!, remediationPlan, beyond),
    diagnostics: dedupe(diagnostics),
  };
  return {
    report,
    plan: remediationPlan,
    loadDiagnostics: result.diagnostics.slice(0, loadCount),
    counts: result.counts,
    ...(result.fallback !== undefined ? { fallback: result.fallback } : {}),
  };
}
