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
import type { ComplianceRecord, ComplianceReport, ComplianceState, ResourceView } from '../model/index.js';
import type { Snapshot } from '../load/snapshot.js';
import type { DocumentInput } from '../evaluate/documents.js';
import { evaluate, type EvaluateInput } from '../evaluate/estate.js';
import { evaluateResource } from '../evaluate/resource.js';
import { compilePolicy } from '../compile/policy.js';
import { RelatedIndex } from '../effects/existence.js';
import { toResourceView } from '../scope/view.js';
import { sortByIdIgnoringCase } from '../scope/id-order.js';
import { findQualysDataCentre, findScanCommand, findSupportedOsForArc, findSupportedOsForVm } from './data/index.js';
import { buildPack, VA_ASSESSMENT_KEY } from './data/pack.js';
import { ownEvaluation, planScanRemediation, provisionDefinition, provisionEvaluation, type ScanPlan } from './remediation.js';
import {
  SCAN_GROUPS,
  type Decision,
  type DecisionSource,
  type MachineDeploy,
  type MachineOs,
  type MachineResult,
  type ScanCounts,
  type ScanGroup,
  type ScanReport,
  type ScopeCount,
  type VaType,
  VA_TYPES,
} from './types.js';

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
export const VM_TYPE = 'microsoft.compute/virtualmachines';
export const ARC_TYPE = 'microsoft.hybridcompute/machines';
const ASSESSMENT_TYPE = 'microsoft.security/assessments';
const PRICING_TYPE = 'microsoft.security/pricings';
const SCANNER_TYPE = 'microsoft.security/servervulnerabilityassessments';
export const CONNECTOR_TAG = 'MDFCSecurityConnector';

export const DINE_VM_POLICY = 'dine-va-deploy-vm';
export const DINE_ARC_POLICY = 'dine-va-deploy-arc';
export const DINE_DEFENDER_POLICY = 'dine-defender-servers-audit';
export const PROVISION_POLICY = '13ce0167-8ca6-4048-8e6b-f996402e3c1b';

/** The REST call Microsoft documents for the integrated scanner ("Automate at-scale deployments"). */
export const REST_API_VERSION = '2015-06-01-preview';
/**
 * For vaType mdeTvm the documented call does not apply; 13ce0167's template creates the extension named after the
 * vaType with apiVersion 2020-01-01, so the REST alternative uses the same (our inference, digest §13.2 step 5).
 */
const MDE_TVM_API_VERSION = '2020-01-01';
const ARM_ENDPOINT = 'https://management.azure.com';

const PROVIDER_TEXT: Readonly<Record<VaType, string>> = Object.freeze({
  default: 'integrated vulnerability scanner powered by Qualys (vaType default)',
  mdeTvm: 'Microsoft Defender Vulnerability Management (vaType mdeTvm)',
});

const CAUSE_TEXT: Readonly<Record<string, string>> = Object.freeze({
  default: 'the integrated Qualys scanner',
  mdetvm: 'Microsoft Defender Vulnerability Management',
});

// ── small helpers over raw JSON (keys compared case-insensitively, own keys only) ────────────────────────────

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function get(o: unknown, ...path: string[]): unknown {
  let cur: unknown = o;
  for (const key of path) {
    const m = obj(cur);
    if (m === undefined) return undefined;
    if (Object.hasOwn(m, key)) cur = m[key];
    else {
      const lower = key.toLowerCase();
      const k = Object.keys(m).find((x) => x.toLowerCase() === lower);
      if (k === undefined) return undefined;
      cur = m[k];
    }
  }
  return cur;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function zero(): ScanCounts {
  return { Healthy: 0, Unhealthy: 0, NotApplicable: 0, total: 0 };
}

function docOf(input: DocumentInput): unknown {
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
function dineDefinitions(definitions: readonly DocumentInput[] | undefined): Record<string, DocumentInput> {
  const built = buildPack();
  const fromPack = (name: string): DocumentInput => findDefinition(definitions, name) ?? (JSON.parse(built.get(`policies/dine/${name}.json`)!) as unknown);
  return { [DINE_VM_POLICY]: fromPack(DINE_VM_POLICY), [DINE_ARC_POLICY]: fromPack(DINE_ARC_POLICY), [DINE_DEFENDER_POLICY]: fromPack(DINE_DEFENDER_POLICY) };
}

/** dine's VM, Arc and Defender-plan policies assigned at the root: what decides when there are no Defender assessments. */
function dineEvaluation(input: Omit<ScanInput, 'snapshot'>, defs: Record<string, DocumentInput>): Omit<EvaluateInput, 'snapshot'> {
  return {
    definitions: Object.values(defs),
    assignments: [
      rootAssignment(`dine-scan-${DINE_VM_POLICY}`, defs[DINE_VM_POLICY]!, { effect: 'DeployIfNotExists' }, { location: input.assignmentLocation ?? 'eastus' }),
      rootAssignment(`dine-scan-${DINE_ARC_POLICY}`, defs[DINE_ARC_POLICY]!, { effect: 'DeployIfNotExists' }, { location: input.assignmentLocation ?? 'eastus' }),
      rootAssignment(`dine-scan-${DINE_DEFENDER_POLICY}`, defs[DINE_DEFENDER_POLICY]!, { effect: 'AuditIfNotExists' }, undefined),
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
  [ASSESSMENT_TYPE, [['properties', 'status']]],
  [PRICING_TYPE, [['properties', 'pricingTier']]],
  [SCANNER_TYPE, [['properties', 'provisioningState']]],
]);

function rootAssignment(name: string, definition: DocumentInput, parameters: Record<string, unknown>, dine: { location: string } | undefined): Record<string, unknown> {
  return {
    id: `/providers/Microsoft.Authorization/policyAssignments/${name}`,
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

// ── machine facts ───────────────────────────────────────────────────────────────────────────────────────────

function platformOf(v: string | undefined): 'Windows' | 'Linux' | undefined {
  const t = v?.toLowerCase();
  return t === 'windows' ? 'Windows' : t === 'linux' ? 'Linux' : undefined;
}

function osOf(view: ResourceView): MachineOs {
  const props = get(view.raw, 'properties');
  if (view.typeLower === VM_TYPE) {
    const osType = str(get(props, 'storageProfile', 'osDisk', 'osType'));
    const image = get(props, 'storageProfile', 'imageReference');
    const publisher = str(get(image, 'publisher'));
    const offer = str(get(image, 'offer'));
    const sku = str(get(image, 'sku'));
    const platform = platformOf(osType);
    const imageText = publisher !== undefined && offer !== undefined && sku !== undefined ? `${publisher}/${offer}/${sku}` : str(get(image, 'id')) !== undefined ? 'custom or gallery image' : 'no image reference';
    const row = findSupportedOsForVm({ osType, publisher, offer, sku });
    return { ...(platform ? { platform } : {}), description: `${platform ?? osType ?? 'unknown OS'} (${imageText})`, ...(row ? { supportedOs: row.id } : {}) };
  }
  const osType = str(get(props, 'osType'));
  const osName = str(get(props, 'osName'));
  const osSku = str(get(props, 'osSku'));
  // Agents that predate osType report only osName ('windows' on Windows), as the pack's Arc condition allows.
  const platform = platformOf(osType) ?? (osName?.toLowerCase() === 'windows' ? 'Windows' : undefined);
  const row = findSupportedOsForArc({ osType: osType ?? (platform === 'Windows' ? 'windows' : undefined), osSku });
  return { ...(platform ? { platform } : {}), description: osSku ?? osName ?? platform ?? 'unknown OS', ...(row ? { supportedOs: row.id } : {}) };
}

function hasConnectorTag(view: ResourceView): boolean {
  const tags = obj(get(view.raw, 'tags'));
  return tags !== undefined && Object.keys(tags).some((k) => k.toLowerCase() === CONNECTOR_TAG.toLowerCase());
}

function restFor(machineId: string, vaType: VaType): MachineDeploy['rest'] {
  const path =
    vaType === 'default'
      ? `${machineId}/providers/Microsoft.Security/serverVulnerabilityAssessments/default?api-Version=${REST_API_VERSION}`
      : `${machineId}/providers/Microsoft.Security/serverVulnerabilityAssessments/mdeTvm?api-version=${MDE_TVM_API_VERSION}`;
  return { method: 'PUT', path, url: `${ARM_ENDPOINT}${path}` };
}

const DEFENDER: Decision = Object.freeze({ source: 'defender-assessment', label: 'Defender assessment' }) as Decision;
const byPolicy = (policy: string): Decision => ({ source: 'dine-policy', policy, label: `dine policy ${policy}` });

interface Verdict {
  group: ScanGroup;
  reason: string;
  decidedBy: Decision;
  defenderForServers?: boolean;
}

/** Defender for Servers on a subscription, read from its pricing: true/false, undefined when the snapshot has no pricing at all. */
function pricingVerdict(snapshot: Snapshot, subscriptionId: string | undefined, anyPricing: boolean): { on: boolean | undefined; text: string } {
  if (subscriptionId === undefined) return { on: undefined, text: 'the machine has no subscription' };
  const at = snapshot.byId.get(`/subscriptions/${subscriptionId}/providers/microsoft.security/pricings/virtualmachines`);
  if (at === undefined) return anyPricing ? { on: false, text: 'no VirtualMachines pricing (Free)' } : { on: undefined, text: 'the snapshot holds no Defender pricing' };
  const tier = str(get(snapshot.resources[at]!.raw, 'properties', 'pricingTier'));
  return { on: tier?.toLowerCase() === 'standard', text: `pricing VirtualMachines is ${tier ?? 'not set'}` };
}

/** `pricing`: pricingVerdict of the machine's subscription (one per subscription, not per machine). */
function assessmentVerdict(snapshot: Snapshot, view: ResourceView, pricing: ReturnType<typeof pricingVerdict>, subName: string): Verdict & { assessment?: MachineResult['assessment'] } {
  const at = snapshot.byId.get(`${view.id}/providers/Microsoft.Security/assessments/${VA_ASSESSMENT_KEY}`.toLowerCase());
  const plan = pricing.on === undefined ? {} : { defenderForServers: pricing.on };
  if (at === undefined) {
    if (pricing.on === false) return { group: 'NotApplicable', reason: `no Defender assessment; subscription ${subName} is not on Defender for Servers (${pricing.text}), so the integrated scanner is not offered`, decidedBy: DEFENDER, ...plan };
    const why = pricing.on === true ? `Defender for Servers is on (${pricing.text})` : `${pricing.text}, so the plan is assumed on`;
    return { group: 'Unhealthy', reason: `not assessed yet: no Defender assessment on the machine; ${why}`, decidedBy: DEFENDER, ...plan };
  }
  const status = get(snapshot.resources[at]!.raw, 'properties', 'status');
  const code = str(get(status, 'code')) ?? 'unknown';
  const cause = str(get(status, 'cause'));
  const description = str(get(status, 'description'));
  const assessment = { code, ...(cause ? { cause } : {}), ...(description ? { description } : {}) };
  switch (code.toLowerCase()) {
    case 'healthy': {
      const by = cause === undefined ? '' : `: ${CAUSE_TEXT[cause.toLowerCase()] ?? cause}`;
      return { group: 'Healthy', reason: `Defender assessment Healthy — a vulnerability assessment solution is running${by}`, decidedBy: DEFENDER, assessment, ...plan };
    }
    case 'notapplicable': {
      const why = description ?? cause;
      return { group: 'NotApplicable', reason: `Defender assessment NotApplicable${why !== undefined ? `: ${why}` : ' (no cause given)'}`, decidedBy: DEFENDER, assessment, ...plan };
    }
    case 'unhealthy':
      return { group: 'Unhealthy', reason: 'Defender assessment Unhealthy — no vulnerability assessment solution detected; the scanner can be deployed', decidedBy: DEFENDER, assessment, ...plan };
    default:
      // An unknown status is not silently Healthy: Defender lists it as a finding to look at.
      return { group: 'Unhealthy', reason: `Defender assessment has status "${code}", which is none of Healthy, Unhealthy, NotApplicable; treated as Unhealthy`, decidedBy: DEFENDER, assessment, ...plan };
  }
}

// ── the scan ────────────────────────────────────────────────────────────────────────────────────────────────

const CONTEXTS = new WeakMap<ScanReport, { evaluation: ComplianceReport | undefined }>();

export function scanEstate(input: ScanInput): ScanReport {
  const { snapshot, now } = input;
  const vaType: VaType = input.vaType ?? 'default';
  const diagnostics: Diagnostic[] = [];
  if (!VA_TYPES.includes(vaType)) throw new RangeError(`vaType must be one of ${VA_TYPES.join(', ')}, got "${String(vaType)}"`);

  let anyAssessment = false;
  let anyPricing = false;
  for (const r of snapshot.resources) {
    if (r.typeLower === ASSESSMENT_TYPE) anyAssessment = true;
    else if (r.typeLower === PRICING_TYPE) anyPricing = true;
  }
  const source: DecisionSource = anyAssessment ? 'defender-assessment' : 'dine-policy';

  const inScope = (view: ResourceView): boolean => input.scope === undefined || input.scope === '/' || snapshot.hierarchy.contains(input.scope, view.id);
  if (input.scope !== undefined && input.scope !== '/' && snapshot.hierarchy.node(input.scope) === undefined && !snapshot.byId.has(input.scope.toLowerCase())) {
    diagnostics.push(diagnostic('scan.unknown-scope', { scope: input.scope }));
  }
  // Positions in the snapshot (a machine's source without an id look-up), in id order ignoring case (snapshot ids are
  // unique ignoring case); sortByIdIgnoringCase does not lower-case ids per comparison (10^6 machines).
  const positions: number[] = [];
  snapshot.resources.forEach((r, i) => {
    if ((r.typeLower === VM_TYPE || r.typeLower === ARC_TYPE) && inScope(r)) positions.push(i);
  });
  sortByIdIgnoringCase(positions, (i) => snapshot.resources[i]!.id);
  const machines = positions.map((i) => snapshot.resources[i]!);
  if (machines.length === 0 && diagnostics.length === 0) diagnostics.push(diagnostic('scan.no-machines', { where: input.scope !== undefined && input.scope !== '/' ? ` at or below ${input.scope}` : '' }));

  // Scanner extension resources on machines, by machine id.
  const scanners = new Map<string, ResourceView>();
  for (const r of snapshot.resources) {
    if (r.typeLower !== SCANNER_TYPE) continue;
    const i = r.id.toLowerCase().lastIndexOf('/providers/microsoft.security/');
    if (i > 0) scanners.set(r.id.slice(0, i).toLowerCase(), r);
  }
  const subName = (subscriptionId: string | undefined): string => {
    if (subscriptionId === undefined) return '(none)';
    return snapshot.hierarchy.node(`/subscriptions/${subscriptionId}`)?.displayName ?? subscriptionId;
  };

  // dine's policies, when they decide.
  let dine: ((view: ResourceView) => Verdict) | undefined;
  let dineReport: ComplianceReport | undefined;
  if (source === 'dine-policy') {
    const defs = dineDefinitions(input.definitions);
    dineReport = evaluate({ snapshot, ...dineEvaluation(input, defs) });
    for (const d of dineReport.diagnostics) if (d.severity === 'error') diagnostics.push(d);
    dine = dineVerdicts(snapshot, dineReport, defs[DINE_DEFENDER_POLICY], subName);
  }

  const pricings = new Map<string | undefined, ReturnType<typeof pricingVerdict>>();
  const pricingOf = (subscriptionId: string | undefined): ReturnType<typeof pricingVerdict> => {
    let p = pricings.get(subscriptionId);
    if (p === undefined) pricings.set(subscriptionId, (p = pricingVerdict(snapshot, subscriptionId, anyPricing)));
    return p;
  };
  const results: MachineResult[] = machines.map((view, k) => {
    const isVm = view.typeLower === VM_TYPE;
    const os = osOf(view);
    const scanner = scanners.size === 0 ? undefined : scanners.get(view.id.toLowerCase());
    let verdict: Verdict & { assessment?: MachineResult['assessment'] };
    if (dine !== undefined) verdict = dine(view);
    else verdict = assessmentVerdict(snapshot, view, pricingOf(view.subscriptionId), subName(view.subscriptionId));
    if (verdict.group === 'Unhealthy' && verdict.decidedBy.source === 'defender-assessment' && scanner !== undefined) {
      const state = str(get(scanner.raw, 'properties', 'provisioningState'));
      verdict = { ...verdict, reason: `${verdict.reason} (the scanner resource exists${state ? `, provisioningState ${state}` : ''}: deployed, not reported by Defender yet)` };
    }
    const dc = findQualysDataCentre(view.location ?? '');
    const cmd = findScanCommand(os.platform);
    const src = snapshot.sources[positions[k]!];
    const m: MachineResult = {
      id: view.id,
      name: view.name,
      kind: isVm ? 'virtualMachine' : 'arcMachine',
      type: isVm ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.HybridCompute/machines',
      ...(view.subscriptionId !== undefined ? { subscriptionId: view.subscriptionId } : {}),
      ...(view.subscriptionId !== undefined && subName(view.subscriptionId) !== view.subscriptionId ? { subscriptionName: subName(view.subscriptionId) } : {}),
      ...(view.resourceGroup !== undefined ? { resourceGroup: view.resourceGroup } : {}),
      ...(view.location !== undefined ? { location: view.location } : {}),
      os,
      group: verdict.group,
      reason: verdict.reason,
      decidedBy: verdict.decidedBy,
      ...(verdict.assessment !== undefined ? { assessment: verdict.assessment } : {}),
      ...(scanner !== undefined
        ? { scanner: { id: scanner.id, name: scanner.name, ...(str(get(scanner.raw, 'properties', 'provisioningState')) ? { provisioningState: str(get(scanner.raw, 'properties', 'provisioningState'))! } : {}) } }
        : {}),
      ...(verdict.defenderForServers !== undefined ? { defenderForServers: verdict.defenderForServers } : {}),
      dataCentre: {
        id: dc.dataCentre.id,
        host: dc.dataCentre.host,
        port: dc.dataCentre.port,
        ...(dc.region !== undefined ? { geography: dc.region.geography } : {}),
        basis: dc.basis,
      },
      ...(cmd !== undefined ? { scanCommand: { platform: cmd.platform, command: cmd.command, requires: cmd.requires } } : {}),
      ...(src?.file !== undefined ? { source: { file: src.file, ...(src.line !== undefined ? { line: src.line } : {}) } } : {}),
    };
    if (m.group === 'Unhealthy') m.deploy = { vaType, provider: PROVIDER_TEXT[vaType], rest: restFor(view.id, vaType) };
    return m;
  });

  const totals = zero();
  for (const m of results) {
    totals[m.group]++;
    totals.total++;
  }

  const remediation = planScanRemediation({
    input,
    vaType,
    source,
    dineReport,
    machines: results,
    diagnostics,
  });

  const report: ScanReport = {
    kind: 'dine.scan',
    version: 1,
    recommendation: { name: RECOMMENDATION_NAME, assessmentKey: VA_ASSESSMENT_KEY },
    evaluatedAt: now,
    vaType,
    ...(input.scope !== undefined ? { scope: input.scope } : {}),
    decidedBy: source,
    decidedByLabel: source === 'defender-assessment' ? 'Defender assessment' : 'dine policy (dine-va-deploy-vm, dine-va-deploy-arc, dine-defender-servers-audit)',
    totals,
    machines: results,
    scopes: countScopes(snapshot, results),
    remediation: remediation.summary,
    diagnostics: [...dedupe(diagnostics)],
  };
  CONTEXTS.set(report, { evaluation: remediation.evaluation });
  SCAN_PLANS.set(report, remediation.plan);
  return report;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
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

/** Per machine verdicts from dine's policies (records of the three root assignments). */
function dineVerdicts(snapshot: Snapshot, report: ComplianceReport, defenderDefinition: DocumentInput, subName: (s: string | undefined) => string): (view: ResourceView) => Verdict {
  const byResource = new Map<string, Map<string, ComplianceRecord>>();
  for (const r of report.results) {
    const policy = r.policyAssignmentName?.replace(/^dine-scan-/, '') ?? '';
    const key = r.resourceId.toLowerCase();
    let m = byResource.get(key);
    if (m === undefined) byResource.set(key, (m = new Map()));
    m.set(policy, r);
  }
  // Subscriptions the snapshot does not hold as resources: the same definition on a view built from the id.
  const related = new RelatedIndex(snapshot.resources);
  let compiled: ReturnType<typeof compilePolicy> | undefined;
  const subState = new Map<string, ComplianceState | undefined>();
  const defenderState = (subscriptionId: string): ComplianceState | undefined => {
    const key = subscriptionId.toLowerCase();
    if (subState.has(key)) return subState.get(key);
    let state = byResource.get(`/subscriptions/${key}`)?.get(DINE_DEFENDER_POLICY)?.complianceState;
    if (state === undefined && !snapshot.byId.has(`/subscriptions/${key}`)) {
      compiled ??= compilePolicy(docOf(defenderDefinition), { parameters: { effect: 'AuditIfNotExists' } });
      const view = toResourceView({ id: `/subscriptions/${subscriptionId}`, type: 'Microsoft.Resources/subscriptions', name: subscriptionId });
      if (!('code' in view && 'severity' in view)) state = evaluateResource(compiled, view, { related, context: { now: report.evaluatedAt } }).complianceState;
    }
    subState.set(key, state);
    return state;
  };

  return (view) => {
    const isVm = view.typeLower === VM_TYPE;
    const policy = isVm ? DINE_VM_POLICY : DINE_ARC_POLICY;
    const sub = view.subscriptionId;
    const defender = sub === undefined ? undefined : defenderState(sub);
    if (defender === 'NonCompliant') {
      const pricing = pricingVerdict(snapshot, sub, true).text;
      return { group: 'NotApplicable', reason: `subscription ${subName(sub)} is not on Defender for Servers (${pricing}), so the integrated scanner is not offered`, decidedBy: byPolicy(DINE_DEFENDER_POLICY), defenderForServers: false };
    }
    const plan = defender === 'Compliant' ? { defenderForServers: true } : {};
    const planNote = defender === 'Compliant' ? 'Defender for Servers on' : 'Defender for Servers not known (no pricing in the snapshot)';
    const record = byResource.get(view.id.toLowerCase())?.get(policy);
    if (record === undefined) {
      if (!isVm && hasConnectorTag(view)) {
        return { group: 'NotApplicable', reason: `Arc machine tagged ${CONNECTOR_TAG} (onboarded by a Defender multicloud connector, covered there), outside ${policy}`, decidedBy: byPolicy(policy), ...plan };
      }
      return { group: 'NotApplicable', reason: `operating system ${osOf(view).description} is not in the integrated scanner's support matrix`, decidedBy: byPolicy(policy), ...plan };
    }
    switch (record.complianceState) {
      case 'Compliant':
        return { group: 'Healthy', reason: `serverVulnerabilityAssessments resource present on the machine (${planNote})`, decidedBy: byPolicy(policy), ...plan };
      case 'NonCompliant':
        return { group: 'Unhealthy', reason: `supported OS, ${planNote}, no serverVulnerabilityAssessments resource: the scanner can be deployed`, decidedBy: byPolicy(policy), ...plan };
      case 'Unknown':
        return { group: 'Unhealthy', reason: `supported OS, ${planNote}; the snapshot holds no serverVulnerabilityAssessments resources at all (probably not exported), so none is assumed`, decidedBy: byPolicy(policy), ...plan };
      default: {
        const why = record.reasons.find((r) => r.kind === 'error')?.message ?? record.complianceState;
        return { group: 'Unhealthy', reason: `${policy} could not be evaluated (${why}); listed as Unhealthy to be looked at`, decidedBy: byPolicy(policy), ...plan };
      }
    }
  };
}

/** Counts at every management group, subscription and resource group above a machine; tree order, then id. */
function countScopes(snapshot: Snapshot, machines: readonly MachineResult[]): ScopeCount[] {
  const h = snapshot.hierarchy;
  const counts = new Map<string, ScopeCount>();
  const rank = { managementGroup: 0, subscription: 1, resourceGroup: 2 } as const;
  for (const m of machines) {
    for (const id of h.ancestorsOf(m.id)) {
      const node = h.node(id);
      if (node === undefined || node.kind === 'tenant') continue;
      const key = node.id.toLowerCase();
      let c = counts.get(key);
      if (c === undefined) {
        c = { kind: node.kind, id: node.id, name: node.name, ...(node.displayName !== undefined ? { displayName: node.displayName } : {}), depth: 0, ...zero() };
        counts.set(key, c);
      }
      c[m.group]++;
      c.total++;
    }
  }
  const children = new Map<string, ScopeCount[]>();
  const roots: ScopeCount[] = [];
  for (const c of counts.values()) {
    const parent = h.node(c.id)?.parentId;
    const list = parent !== undefined && counts.has(parent.toLowerCase()) ? children.get(parent.toLowerCase()) ?? children.set(parent.toLowerCase(), []).get(parent.toLowerCase())! : roots;
    list.push(c);
  }
  const order = (a: ScopeCount, b: ScopeCount): number => rank[a.kind] - rank[b.kind] || cmp(a.id.toLowerCase(), b.id.toLowerCase());
  const out: ScopeCount[] = [];
  const walk = (list: ScopeCount[], depth: number): void => {
    for (const c of list.sort(order)) {
      c.depth = depth;
      out.push(c);
      walk(children.get(c.id.toLowerCase()) ?? [], depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}

export { SCAN_GROUPS };
