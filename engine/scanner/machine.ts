// One machine's place in the recommendation: its OS, who decides (Defender's assessment ffff0522 or dine's policies),
// the group and reason, the Qualys data centre, the on-demand scan command and the REST alternative — and the counts
// per scope. Shared by scanEstate (the whole snapshot held) and scanBounded (machines met one at a time, their related
// resources held): both see the same snapshot of containers, assessments, pricings and scanner resources.
import type { ComplianceRecord, ComplianceState, ResourceView } from '../model/index.js';
import type { ResourceSource, Snapshot } from '../load/snapshot.js';
import { evaluateResource } from '../evaluate/resource.js';
import { compilePolicy } from '../compile/policy.js';
import { RelatedIndex } from '../effects/existence.js';
import { toResourceView } from '../scope/view.js';
import { idHash } from '../scope/id-hash.js';
import { findQualysDataCentre, findScanCommand, findSupportedOsForArc, findSupportedOsForVm } from './data/index.js';
import { VA_ASSESSMENT_KEY } from './data/pack.js';
import type { Decision, DecisionSource, MachineDeploy, MachineOs, MachineResult, ScanCounts, ScanGroup, ScopeCount, VaType } from './types.js';

export const VM_TYPE = 'microsoft.compute/virtualmachines';
export const ARC_TYPE = 'microsoft.hybridcompute/machines';
export const ASSESSMENT_TYPE = 'microsoft.security/assessments';
export const PRICING_TYPE = 'microsoft.security/pricings';
export const SCANNER_TYPE = 'microsoft.security/servervulnerabilityassessments';
export const CONNECTOR_TAG = 'MDFCSecurityConnector';

export const DINE_VM_POLICY = 'dine-va-deploy-vm';
export const DINE_ARC_POLICY = 'dine-va-deploy-arc';
export const DINE_DEFENDER_POLICY = 'dine-defender-servers-audit';
/** dine's root assignments are named `dine-scan-<policy>`: a record's policy is its assignment name without it. */
export const DINE_ASSIGNMENT_PREFIX = 'dine-scan-';

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

export function obj(v: unknown): Record<string, unknown> | undefined {
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

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function zeroCounts(): ScanCounts {
  return { Healthy: 0, Unhealthy: 0, NotApplicable: 0, total: 0 };
}

/** A machine's NDJSON line: its JSON and a newline (`dine scan -f ndjson`, and what the bounded scan writes). */
export function machineLine(machine: MachineResult): string {
  return `${JSON.stringify(machine)}\n`;
}

export function isMachineType(typeLower: string): boolean {
  return typeLower === VM_TYPE || typeLower === ARC_TYPE;
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
    return machineOs(platform, `${platform ?? osType ?? 'unknown OS'} (${imageText})`, findSupportedOsForVm({ osType, publisher, offer, sku })?.id);
  }
  const osType = str(get(props, 'osType'));
  const osName = str(get(props, 'osName'));
  const osSku = str(get(props, 'osSku'));
  // Agents that predate osType report only osName ('windows' on Windows), as the pack's Arc condition allows.
  const platform = platformOf(osType) ?? (osName?.toLowerCase() === 'windows' ? 'Windows' : undefined);
  const row = findSupportedOsForArc({ osType: osType ?? (platform === 'Windows' ? 'windows' : undefined), osSku });
  return machineOs(platform, osSku ?? osName ?? platform ?? 'unknown OS', row?.id);
}

function machineOs(platform: MachineOs['platform'], description: string, supportedOs: string | undefined): MachineOs {
  const os = (platform ? { platform, description } : { description }) as MachineOs;
  if (supportedOs) os.supportedOs = supportedOs;
  return os;
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
  assessment?: MachineResult['assessment'];
}

interface PricingVerdict {
  on: boolean | undefined;
  text: string;
}

/** Defender for Servers on a subscription, read from its pricing: true/false, undefined when the snapshot has no pricing at all. */
function pricingVerdict(snapshot: Snapshot, subscriptionId: string | undefined, anyPricing: boolean): PricingVerdict {
  if (subscriptionId === undefined) return { on: undefined, text: 'the machine has no subscription' };
  const at = snapshot.byId.get(`/subscriptions/${subscriptionId}/providers/microsoft.security/pricings/virtualmachines`);
  if (at === undefined) return anyPricing ? { on: false, text: 'no VirtualMachines pricing (Free)' } : { on: undefined, text: 'the snapshot holds no Defender pricing' };
  const tier = str(get(snapshot.resources[at]!.raw, 'properties', 'pricingTier'));
  return { on: tier?.toLowerCase() === 'standard', text: `pricing VirtualMachines is ${tier ?? 'not set'}` };
}

/** A machine's assessment ffff0522 is this resource below it (lower-cased, as snapshot.byId's keys). */
const ASSESSMENT_SUFFIX = `/providers/microsoft.security/assessments/${VA_ASSESSMENT_KEY.toLowerCase()}`;

/** `pricing`: pricingVerdict of the machine's subscription (one per subscription, not per machine). */
function assessmentVerdict(snapshot: Snapshot, idLower: string, pricing: PricingVerdict, subName: string): Verdict {
  const at = snapshot.byId.get(idLower + ASSESSMENT_SUFFIX);
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

/** A record of dine's root assignments, by resource (lower-cased id) and policy name (dine-va-deploy-vm …). */
export type DineRecordOf = (resourceIdLower: string, policy: string) => ComplianceRecord | undefined;

/** dine's policies where they decide: the records of their root assignments, and the Defender-plan definition for subscriptions the snapshot lacks. */
export interface DinePolicies {
  recordOf: DineRecordOf;
  /** dine-defender-servers-audit's document, compiled only when a machine's subscription is not in the snapshot. */
  defenderDocument: unknown;
}

// ── the scan of machines ───────────────────────────────────────────────────────────────────────────────────────

export interface MachineScanOptions {
  vaType: VaType;
  now: string;
  /** Only machines at or below this scope. */
  scope?: string;
  /** Present when dine's policies decide (decisionSource: the snapshot holds no Defender assessment); absent, Defender's assessments do. */
  dine?: DinePolicies;
  /** The types of the whole estate's held resources, when the snapshot holds only a shard of them. */
  heldTypes?: ReadonlySet<string>;
}

/**
 * Machine results over a snapshot that holds every machine's related resources (assessments, pricings, scanner
 * resources) and containers; the machines themselves may be in it or met one at a time. Counts as it goes.
 */
export class MachineScanner {
  readonly source: DecisionSource;
  readonly totals = zeroCounts();
  readonly #snapshot: Snapshot;
  readonly #options: MachineScanOptions;
  readonly #anyPricing: boolean;
  /** Scanner extension resources by the hash of their machine's id (ids are not copied: 10^5 of them at 10^6 machines). */
  readonly #scanners = new Map<number, ResourceView[]>();
  readonly #pricings = new Map<string | undefined, PricingVerdict>();
  readonly #subNames = new Map<string, string>();
  readonly #dataCentres = new Map<string, MachineResult['dataCentre']>();
  readonly #scanCommands = new Map<MachineOs['platform'], MachineResult['scanCommand']>();
  readonly #dineVerdict: ((view: ResourceView, idLower: string) => Verdict) | undefined;
  readonly #scopes: ScopeCounter;

  constructor(snapshot: Snapshot, options: MachineScanOptions) {
    this.#snapshot = snapshot;
    this.#options = options;
    let anyPricing = false;
    for (const r of snapshot.resources) {
      if (r.typeLower === PRICING_TYPE) anyPricing = true;
      else if (r.typeLower === SCANNER_TYPE) {
        // Scanner extension resources on machines, by machine id.
        const i = r.id.toLowerCase().lastIndexOf('/providers/microsoft.security/');
        if (i <= 0) continue;
        const h = idHash(r.id.slice(0, i));
        const list = this.#scanners.get(h);
        if (list === undefined) this.#scanners.set(h, [r]);
        else list.push(r);
      }
    }
    this.#anyPricing = options.heldTypes?.has(PRICING_TYPE) ?? anyPricing;
    this.source = options.dine === undefined ? 'defender-assessment' : 'dine-policy';
    this.#dineVerdict = options.dine === undefined ? undefined : this.#dineVerdicts(options.dine);
    this.#scopes = new ScopeCounter(snapshot);
  }

  /** Is this a machine the scan reports on (a VM or Arc machine within the scope)? */
  scans(view: ResourceView): boolean {
    const scope = this.#options.scope;
    return isMachineType(view.typeLower) && (scope === undefined || scope === '/' || this.#snapshot.hierarchy.contains(scope, view.id));
  }

  subscriptionName(subscriptionId: string | undefined): string {
    if (subscriptionId === undefined) return '(none)';
    let name = this.#subNames.get(subscriptionId);
    if (name === undefined) this.#subNames.set(subscriptionId, (name = this.#snapshot.hierarchy.node(`/subscriptions/${subscriptionId}`)?.displayName ?? subscriptionId));
    return name;
  }

  #pricingOf(subscriptionId: string | undefined): PricingVerdict {
    let p = this.#pricings.get(subscriptionId);
    if (p === undefined) this.#pricings.set(subscriptionId, (p = pricingVerdict(this.#snapshot, subscriptionId, this.#anyPricing)));
    return p;
  }

  /** The machine's result (an Unhealthy one's deploy without the plan's deploymentId or note), counted. */
  result(view: ResourceView, src: ResourceSource | undefined, idLower = view.id.toLowerCase()): MachineResult {
    const { vaType } = this.#options;
    const isVm = view.typeLower === VM_TYPE;
    const os = osOf(view);
    const scanner = this.#scanners.size === 0 ? undefined : this.#scannerOf(view.id, idLower);
    const subName = this.subscriptionName(view.subscriptionId);
    let verdict = this.#dineVerdict !== undefined ? this.#dineVerdict(view, idLower) : assessmentVerdict(this.#snapshot, idLower, this.#pricingOf(view.subscriptionId), subName);
    const scannerState = scanner === undefined ? undefined : str(get(scanner.raw, 'properties', 'provisioningState'));
    if (verdict.group === 'Unhealthy' && verdict.decidedBy.source === 'defender-assessment' && scanner !== undefined) {
      verdict = { ...verdict, reason: `${verdict.reason} (the scanner resource exists${scannerState ? `, provisioningState ${scannerState}` : ''}: deployed, not reported by Defender yet)` };
    }
    // Keys set in the report's order, without the spread of a temporary object per optional key (10^6 machines).
    const m = { id: view.id, name: view.name, kind: isVm ? 'virtualMachine' : 'arcMachine', type: isVm ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.HybridCompute/machines' } as MachineResult;
    if (view.subscriptionId !== undefined) {
      m.subscriptionId = view.subscriptionId;
      if (subName !== view.subscriptionId) m.subscriptionName = subName;
    }
    if (view.resourceGroup !== undefined) m.resourceGroup = view.resourceGroup;
    if (view.location !== undefined) m.location = view.location;
    m.os = os;
    m.group = verdict.group;
    m.reason = verdict.reason;
    m.decidedBy = verdict.decidedBy;
    if (verdict.assessment !== undefined) m.assessment = verdict.assessment;
    if (scanner !== undefined) m.scanner = scannerState ? { id: scanner.id, name: scanner.name, provisioningState: scannerState } : { id: scanner.id, name: scanner.name };
    if (verdict.defenderForServers !== undefined) m.defenderForServers = verdict.defenderForServers;
    m.dataCentre = this.#dataCentreOf(view.location ?? '');
    const cmd = this.#scanCommandOf(os.platform);
    if (cmd !== undefined) m.scanCommand = cmd;
    if (src?.file !== undefined) m.source = src.line !== undefined ? { file: src.file, line: src.line } : { file: src.file };
    if (m.group === 'Unhealthy') m.deploy = { vaType, provider: PROVIDER_TEXT[vaType], rest: restFor(view.id, vaType) };
    this.totals[m.group]++;
    this.totals.total++;
    this.#scopes.add(m.id, m.group);
    return m;
  }

  /** The scanner resource on a machine (the last one read, when there are several). */
  #scannerOf(id: string, idLower: string): ResourceView | undefined {
    const list = this.#scanners.get(idHash(id));
    if (list === undefined) return undefined;
    const prefix = `${idLower}/providers/microsoft.security/`;
    for (let k = list.length - 1; k >= 0; k--) if (list[k]!.id.toLowerCase().startsWith(prefix)) return list[k];
    return undefined;
  }

  /** One data centre object per location (machines share it: results are not changed once made). */
  #dataCentreOf(location: string): MachineResult['dataCentre'] {
    let out = this.#dataCentres.get(location);
    if (out === undefined) {
      const dc = findQualysDataCentre(location);
      out = { id: dc.dataCentre.id, host: dc.dataCentre.host, port: dc.dataCentre.port, ...(dc.region !== undefined ? { geography: dc.region.geography } : {}), basis: dc.basis };
      this.#dataCentres.set(location, out);
    }
    return out;
  }

  #scanCommandOf(platform: MachineOs['platform']): MachineResult['scanCommand'] {
    if (!this.#scanCommands.has(platform)) {
      const cmd = findScanCommand(platform);
      this.#scanCommands.set(platform, cmd === undefined ? undefined : { platform: cmd.platform, command: cmd.command, requires: cmd.requires });
    }
    return this.#scanCommands.get(platform);
  }

  /** Counts at every management group, subscription and resource group above a counted machine; tree order, then id. */
  scopes(): ScopeCount[] {
    return this.#scopes.finish();
  }

  /** The scope counts so far, unordered: a shard's part of mergeScopeCounts. */
  scopeCounts(): ScopeCount[] {
    return this.#scopes.counts();
  }

  /** Per machine verdicts from dine's policies (records of the three root assignments). */
  #dineVerdicts(dine: DinePolicies): (view: ResourceView, idLower: string) => Verdict {
    const snapshot = this.#snapshot;
    const now = this.#options.now;
    // Subscriptions the snapshot does not hold as resources: the same definition on a view built from the id.
    let related: RelatedIndex | undefined;
    let compiled: ReturnType<typeof compilePolicy> | undefined;
    const subState = new Map<string, ComplianceState | undefined>();
    const defenderState = (subscriptionId: string): ComplianceState | undefined => {
      const key = subscriptionId.toLowerCase();
      if (subState.has(key)) return subState.get(key);
      let state = dine.recordOf(`/subscriptions/${key}`, DINE_DEFENDER_POLICY)?.complianceState;
      if (state === undefined && !snapshot.byId.has(`/subscriptions/${key}`)) {
        compiled ??= compilePolicy(dine.defenderDocument, { parameters: { effect: 'AuditIfNotExists' } });
        related ??= new RelatedIndex(snapshot.resources);
        const view = toResourceView({ id: `/subscriptions/${subscriptionId}`, type: 'Microsoft.Resources/subscriptions', name: subscriptionId });
        if (!('code' in view && 'severity' in view)) state = evaluateResource(compiled, view, { related, context: { now } }).complianceState;
      }
      subState.set(key, state);
      return state;
    };

    return (view, idLower) => {
      const isVm = view.typeLower === VM_TYPE;
      const policy = isVm ? DINE_VM_POLICY : DINE_ARC_POLICY;
      const sub = view.subscriptionId;
      const defender = sub === undefined ? undefined : defenderState(sub);
      if (defender === 'NonCompliant') {
        const pricing = pricingVerdict(snapshot, sub, true).text;
        return { group: 'NotApplicable', reason: `subscription ${this.subscriptionName(sub)} is not on Defender for Servers (${pricing}), so the integrated scanner is not offered`, decidedBy: byPolicy(DINE_DEFENDER_POLICY), defenderForServers: false };
      }
      const plan = defender === 'Compliant' ? { defenderForServers: true } : {};
      const planNote = defender === 'Compliant' ? 'Defender for Servers on' : 'Defender for Servers not known (no pricing in the snapshot)';
      const record = dine.recordOf(idLower, policy);
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
}

/** The (lower-cased) types of a snapshot's resources. */
export function typesOf(snapshot: Snapshot): Set<string> {
  const out = new Set<string>();
  for (const r of snapshot.resources) out.add(r.typeLower);
  return out;
}

/** Defender's assessments decide when the snapshot holds any Microsoft.Security/assessments resource, else dine's policies. */
export function decisionSource(heldTypes: ReadonlySet<string>): DecisionSource {
  return heldTypes.has(ASSESSMENT_TYPE) ? 'defender-assessment' : 'dine-policy';
}

/** recordOf over records of dine's root assignments. */
export function dineRecordsOf(records: Iterable<ComplianceRecord>): DineRecordOf {
  const byResource = new Map<string, Map<string, ComplianceRecord>>();
  for (const r of records) {
    const name = r.policyAssignmentName ?? '';
    const policy = name.startsWith(DINE_ASSIGNMENT_PREFIX) ? name.slice(DINE_ASSIGNMENT_PREFIX.length) : name;
    const key = r.resourceId.toLowerCase();
    let m = byResource.get(key);
    if (m === undefined) byResource.set(key, (m = new Map()));
    m.set(policy, r);
  }
  return (id, policy) => byResource.get(id)?.get(policy);
}

/** Counts per management group, subscription and resource group, added one machine at a time. */
class ScopeCounter {
  readonly #counts = new Map<string, ScopeCount>();
  /** A machine's counted scopes by its parent scope (the id up to its provider segment): one walk per resource group. */
  readonly #above = new Map<string, ScopeCount[]>();
  constructor(readonly snapshot: Snapshot) {}

  add(machineId: string, group: ScanGroup): void {
    const cut = machineId.lastIndexOf('/providers/');
    const parent = cut > 0 ? machineId.slice(0, cut) : undefined;
    let above = parent === undefined ? undefined : this.#above.get(parent);
    if (above === undefined) {
      above = this.#scopesAbove(machineId);
      if (parent !== undefined) this.#above.set(parent, above);
    }
    for (const c of above) {
      c[group]++;
      c.total++;
    }
  }

  #scopesAbove(machineId: string): ScopeCount[] {
    const h = this.snapshot.hierarchy;
    const out: ScopeCount[] = [];
    for (const id of h.ancestorsOf(machineId)) {
      const node = h.node(id);
      if (node === undefined || node.kind === 'tenant') continue;
      const key = node.id.toLowerCase();
      let c = this.#counts.get(key);
      if (c === undefined) {
        c = { kind: node.kind, id: node.id, name: node.name, ...(node.displayName !== undefined ? { displayName: node.displayName } : {}), depth: 0, ...zeroCounts() };
        this.#counts.set(key, c);
      }
      out.push(c);
    }
    return out;
  }

  /** The counts so far, unordered (a shard's, for the merge). */
  counts(): ScopeCount[] {
    return [...this.#counts.values()];
  }

  finish(): ScopeCount[] {
    return orderScopeCounts(this.snapshot, this.#counts.values());
  }
}

/** Shards' scope counts added up (shards share no machine), in tree order. */
export function mergeScopeCounts(snapshot: Snapshot, shards: readonly (readonly ScopeCount[])[]): ScopeCount[] {
  const sum = new Map<string, ScopeCount>();
  for (const list of shards) {
    for (const c of list) {
      const key = c.id.toLowerCase();
      const into = sum.get(key);
      if (into === undefined) sum.set(key, { ...c });
      else for (const g of ['Healthy', 'Unhealthy', 'NotApplicable', 'total'] as const) into[g] += c[g];
    }
  }
  return orderScopeCounts(snapshot, sum.values());
}

/** Management groups, subscriptions and resource groups as a tree (parents first), siblings by kind, then id. */
function orderScopeCounts(snapshot: Snapshot, scopes: Iterable<ScopeCount>): ScopeCount[] {
  const h = snapshot.hierarchy;
  const counts = new Map<string, ScopeCount>();
  for (const c of scopes) counts.set(c.id.toLowerCase(), c);
  const rank = { managementGroup: 0, subscription: 1, resourceGroup: 2 } as const;
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
