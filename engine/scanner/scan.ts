// scanEstate(): Defender for Cloud's recommendation "Machines should have a vulnerability assessment solution"
// reproduced offline for every Azure VM and Azure Arc machine of a snapshot — Healthy, Unhealthy (the scanner can be
// deployed) or Not applicable — with the reason, who decided, where the scanner reports to, how to scan on demand
// and how to deploy it. Pure: no I/O, no clock (the caller passes `now`).
//
// Two sources decide (sources: engine/scanner/data/SOURCES.md):
//   - the snapshot holds Defender assessments (any Microsoft.Security/assessments resource): Defender's own verdict,
//     assessment ffff0522 on the machine; a machine without one is Not applicable when its subscription is not on
//     Defender for Servers (pricing VirtualMachines ≠ Standard) and Unhealthy ("not assessed yet") otherwise;
//   - it holds none: dine's own pack (dine-defender-servers-audit, dine-va-deploy-vm, dine-va-deploy-arc), assigned
//     at the root with DeployIfNotExists and evaluated with evaluate().
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceReport } from '../model/index.js';
import type { Snapshot } from '../load/snapshot.js';
import type { DocumentInput } from '../evaluate/documents.js';
import { evaluate, type EvaluateInput } from '../evaluate/estate.js';
import { sortByIdIgnoringCase } from '../scope/id-order.js';
import { buildPack, VA_ASSESSMENT_KEY } from './data/pack.js';
import {
  ARC_TYPE, ASSESSMENT_TYPE, decisionSource, DINE_ARC_POLICY, DINE_ASSIGNMENT_PREFIX, DINE_DEFENDER_POLICY, DINE_VM_POLICY, dineRecordsOf, isMachineType,
  MachineScanner, obj, PRICING_TYPE, SCANNER_TYPE, str, typesOf, VM_TYPE, type DinePolicies,
} from './machine.js';
import { ownEvaluation, planScanRemediation, provisionDefinition, provisionEvaluation, type ScanPlan } from './remediation.js';
import { SCAN_GROUPS, type DecisionSource, type ScanReport, type VaType, VA_TYPES } from './types.js';

export { CONNECTOR_TAG, DINE_ARC_POLICY, DINE_DEFENDER_POLICY, DINE_VM_POLICY, REST_API_VERSION, VM_TYPE, ARC_TYPE } from './machine.js';

export interface ScanInput {
  snapshot: Snapshot;
  /** Policy definitions (the pack). dine's own are built in memory when absent; 13ce0167 is needed for the default plan. */
  definitions?: readonly DocumentInput[];
  setDefinitions?: readonly DocumentInput[];
  /** The estate's own assignments: the remediation plan is theirs when given. */
  assignments?: readonly DocumentInput[];
  exemptions?: readonly DocumentInput[];
  /** The provider to deploy (13ce0167's vaType). Default 'default' (the integrated Qualys scanner). */
  vaType?: VaType;
  /** Evaluation instant (ISO-8601). */
  now: string;
  /** Only machines at or below this scope (management group, subscription, resource group or machine id). */
  scope?: string;
  /** Location of the default remediation assignment's managed identity (default 'eastus'). */
  assignmentLocation?: string;
}

export const RECOMMENDATION_NAME = 'Machines should have a vulnerability assessment solution';
export const PROVISION_POLICY = '13ce0167-8ca6-4048-8e6b-f996402e3c1b';

export function docOf(input: DocumentInput): unknown {
  const o = obj(input);
  return o !== undefined && Object.hasOwn(o, 'document') && !Object.hasOwn(o, 'properties') ? o['document'] : input;
}

function nameOf(input: DocumentInput): string | undefined {
  const d = obj(docOf(input));
  if (d === undefined) return undefined;
  const name = str(d['name']);
  if (name !== undefined) return name;
  const id = str(d['id']);
  return id === undefined ? undefined : id.slice(id.lastIndexOf('/') + 1);
}

function findDefinition(definitions: readonly DocumentInput[] | undefined, name: string): DocumentInput | undefined {
  return definitions?.find((d) => nameOf(d)?.toLowerCase() === name.toLowerCase());
}

function definitionIdOf(input: DocumentInput): string {
  const d = obj(docOf(input)) ?? {};
  return str(d['id']) ?? `/providers/Microsoft.Authorization/policyDefinitions/${nameOf(input) ?? ''}`;
}

/** dine's own definitions: from the pack given, else built in memory (the same text as policies/dine). */
export function dineDefinitions(definitions: readonly DocumentInput[] | undefined): Record<string, DocumentInput> {
  const built = buildPack();
  const fromPack = (name: string): DocumentInput => findDefinition(definitions, name) ?? (JSON.parse(built.get(`policies/dine/${name}.json`)!) as unknown);
  return { [DINE_VM_POLICY]: fromPack(DINE_VM_POLICY), [DINE_ARC_POLICY]: fromPack(DINE_ARC_POLICY), [DINE_DEFENDER_POLICY]: fromPack(DINE_DEFENDER_POLICY) };
}

/** dine's VM, Arc and Defender-plan policies assigned at the root: what decides when there are no Defender assessments. */
export function dineEvaluation(input: Omit<ScanInput, 'snapshot'>, defs: Record<string, DocumentInput>): Omit<EvaluateInput, 'snapshot'> {
  return {
    definitions: Object.values(defs),
    assignments: [
      rootAssignment(`${DINE_ASSIGNMENT_PREFIX}${DINE_VM_POLICY}`, defs[DINE_VM_POLICY]!, { effect: 'DeployIfNotExists' }, { location: input.assignmentLocation ?? 'eastus' }),
      rootAssignment(`${DINE_ASSIGNMENT_PREFIX}${DINE_ARC_POLICY}`, defs[DINE_ARC_POLICY]!, { effect: 'DeployIfNotExists' }, { location: input.assignmentLocation ?? 'eastus' }),
      rootAssignment(`${DINE_ASSIGNMENT_PREFIX}${DINE_DEFENDER_POLICY}`, defs[DINE_DEFENDER_POLICY]!, { effect: 'AuditIfNotExists' }, undefined),
    ],
    now: input.now,
  };
}

/**
 * Every evaluation scanEstate may run on the estate (which one depends on what the snapshot holds): dine's
 * policies, the estate's own assignments, 13ce0167 at the root. A caller streaming the snapshot keeps what all of
 * them read, plus SCANNER_READS.
 */
export function scanEvaluations(input: Omit<ScanInput, 'snapshot'>): Omit<EvaluateInput, 'snapshot'>[] {
  const out = [dineEvaluation(input, dineDefinitions(input.definitions))];
  if (input.assignments !== undefined && input.assignments.length > 0) out.push(ownEvaluation(input));
  const provision = provisionDefinition(input);
  if (provision !== undefined) out.push(provisionEvaluation(input, provision, input.vaType ?? 'default'));
  return out;
}

/** What the scan reads from resources itself (not through policies), by lower-cased type: key paths, kept whole below. */
export const SCANNER_READS: ReadonlyMap<string, readonly (readonly string[])[]> = new Map([
  [VM_TYPE, [['properties', 'storageProfile', 'osDisk', 'osType'], ['properties', 'storageProfile', 'imageReference']]],
  [ARC_TYPE, [['properties', 'osType'], ['properties', 'osName'], ['properties', 'osSku']]],
  // The status fields the verdict reads, not the whole status: its dates would be held for every machine.
  [ASSESSMENT_TYPE, [['properties', 'status', 'code'], ['properties', 'status', 'cause'], ['properties', 'status', 'description']]],
  [PRICING_TYPE, [['properties', 'pricingTier']]],
  [SCANNER_TYPE, [['properties', 'provisioningState']]],
]);

/** The id of dine's root assignment of one of its policies (dine-va-deploy-vm …), as its records carry it. */
export function dineAssignmentId(policy: string): string {
  return assignmentIdOf(`${DINE_ASSIGNMENT_PREFIX}${policy}`);
}

function assignmentIdOf(name: string): string {
  return `/providers/Microsoft.Authorization/policyAssignments/${name}`;
}

function rootAssignment(name: string, definition: DocumentInput, parameters: Record<string, unknown>, dine: { location: string } | undefined): Record<string, unknown> {
  return {
    id: assignmentIdOf(name),
    name,
    ...(dine !== undefined ? { location: dine.location, identity: { type: 'SystemAssigned' } } : {}),
    properties: {
      displayName: `dine scan: ${nameOf(definition) ?? name}`,
      scope: '/',
      policyDefinitionId: definitionIdOf(definition),
      parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, { value: v }])),
    },
  };
}

// ── the scan ────────────────────────────────────────────────────────────────────────────────────────────────

const CONTEXTS = new WeakMap<ScanReport, { evaluation: ComplianceReport | undefined }>();

export function scanEstate(input: ScanInput): ScanReport {
  const { snapshot, now } = input;
  const vaType = checkedVaType(input.vaType);
  const source = decisionSource(typesOf(snapshot));
  const scopeKnown = input.scope === undefined || input.scope === '/' || snapshot.hierarchy.node(input.scope) !== undefined || snapshot.byId.has(input.scope.toLowerCase());
  // Positions in the snapshot (a machine's source without an id look-up), in id order ignoring case (snapshot ids are
  // unique ignoring case); sortByIdIgnoringCase does not lower-case ids per comparison (10^6 machines).
  const inScope = (id: string): boolean => input.scope === undefined || input.scope === '/' || snapshot.hierarchy.contains(input.scope, id);
  const positions: number[] = [];
  snapshot.resources.forEach((r, i) => {
    if (isMachineType(r.typeLower) && inScope(r.id)) positions.push(i);
  });
  sortByIdIgnoringCase(positions, (i) => snapshot.resources[i]!.id);
  const diagnostics = scopeDiagnostics(input.scope, scopeKnown, positions.length);

  // dine's policies, when they decide.
  let dine: DinePolicies | undefined;
  let dineReport: ComplianceReport | undefined;
  if (source === 'dine-policy') {
    const defs = dineDefinitions(input.definitions);
    dineReport = evaluate({ snapshot, ...dineEvaluation(input, defs) });
    for (const d of dineReport.diagnostics) if (d.severity === 'error') diagnostics.push(d);
    dine = { recordOf: dineRecordsOf(dineReport.results), defenderDocument: docOf(defs[DINE_DEFENDER_POLICY]!) };
  }
  const scanner = new MachineScanner(snapshot, { vaType, now, ...(input.scope !== undefined ? { scope: input.scope } : {}), ...(dine !== undefined ? { dine } : {}) });
  const results = positions.map((i) => scanner.result(snapshot.resources[i]!, snapshot.sources[i]));

  const remediation = planScanRemediation({ input, vaType, source, dineReport, machines: results, diagnostics });
  const report: ScanReport = {
    ...reportHead(input, vaType, source),
    totals: scanner.totals,
    machines: results,
    scopes: scanner.scopes(),
    remediation: remediation.summary,
    diagnostics: [...dedupe(diagnostics)],
  };
  CONTEXTS.set(report, { evaluation: remediation.evaluation });
  SCAN_PLANS.set(report, remediation.plan);
  return report;
}

export function checkedVaType(vaType: VaType | undefined): VaType {
  const v = vaType ?? 'default';
  if (!VA_TYPES.includes(v)) throw new RangeError(`vaType must be one of ${VA_TYPES.join(', ')}, got "${String(v)}"`);
  return v;
}

/** A scope that names nothing the snapshot knows; no machine to scan. */
export function scopeDiagnostics(scope: string | undefined, scopeKnown: boolean, machines: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!scopeKnown) out.push(diagnostic('scan.unknown-scope', { scope: scope ?? '' }));
  if (machines === 0 && out.length === 0) out.push(diagnostic('scan.no-machines', { where: scope !== undefined && scope !== '/' ? ` at or below ${scope}` : '' }));
  return out;
}

/** The report's fields before its totals. */
export function reportHead(input: Omit<ScanInput, 'snapshot'>, vaType: VaType, source: DecisionSource): Pick<ScanReport, 'kind' | 'version' | 'recommendation' | 'evaluatedAt' | 'vaType' | 'scope' | 'decidedBy' | 'decidedByLabel'> {
  return {
    kind: 'dine.scan',
    version: 1,
    recommendation: { name: RECOMMENDATION_NAME, assessmentKey: VA_ASSESSMENT_KEY },
    evaluatedAt: input.now,
    vaType,
    ...(input.scope !== undefined ? { scope: input.scope } : {}),
    decidedBy: source,
    decidedByLabel: source === 'defender-assessment' ? 'Defender assessment' : 'dine policy (dine-va-deploy-vm, dine-va-deploy-arc, dine-defender-servers-audit)',
  };
}

export function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.code}\u0000${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The plan behind report.remediation (deployments with templates), for writing remediation outputs. */
const SCAN_PLANS = new WeakMap<ScanReport, ScanPlan>();

export function getScanPlan(report: ScanReport): ScanPlan | undefined {
  return SCAN_PLANS.get(report);
}

/** The compliance report the remediation plan was made from. */
export function getScanEvaluation(report: ScanReport): ComplianceReport | undefined {
  return CONTEXTS.get(report)?.evaluation;
}

export { SCAN_GROUPS };
