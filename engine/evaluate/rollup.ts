// Roll-ups as Azure computes them (compliance-states.md; digest §10.2): the worst-ranked state wins,
// and the compliance percentage counts distinct resources.
import type { ComplianceRecord, ComplianceState, ComplianceSummary, RollUp, RollUpKind, ScopeNode, StateCounts } from '../model/index.js';
import { Hierarchy, type HierarchyNode } from '../scope/hierarchy.js';
import { compareIdsIgnoringCase, resourceIdKey } from '../scope/resource-id.js';
import { mergeSorted, sortRecords } from './records.js';

/** Higher wins: NonCompliant > Compliant > Error > Conflict > Protected > Exempt > Unknown. */
const RANK: Readonly<Record<ComplianceState, number>> = {
  NonCompliant: 7,
  Compliant: 6,
  Error: 5,
  Conflict: 4,
  Protected: 3,
  Exempt: 2,
  Unknown: 1,
  NotApplicable: 0,
};

export function worse(a: ComplianceState | undefined, b: ComplianceState): ComplianceState {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

/** (compliant + exempt + unknown) / (those + nonCompliant + conflict + error); Protected stays out. */
export function compliancePercentage(c: StateCounts): number | undefined {
  const good = (c.Compliant ?? 0) + (c.Exempt ?? 0) + (c.Unknown ?? 0);
  const all = good + (c.NonCompliant ?? 0) + (c.Conflict ?? 0) + (c.Error ?? 0);
  return all === 0 ? undefined : Math.round((good / all) * 10000) / 100;
}

const BY_RANK: readonly ComplianceState[] = ['NotApplicable', 'Unknown', 'Exempt', 'Protected', 'Conflict', 'Error', 'Compliant', 'NonCompliant'];

/** One roll-up node (tenant, management group, subscription, resource group, assignment, policy). */
export class Node {
  records = 0;
  state: ComplianceState | undefined;
  /** Distinct resources by their worst state within this node. */
  readonly counted: StateCounts = {};
  constructor(
    readonly kind: RollUpKind,
    readonly id: string,
    readonly displayName?: string,
  ) {}
  /** One resource with its worst state here and its number of records. */
  addResource(state: ComplianceState, records: number): void {
    this.records += records;
    this.state = worse(this.state, state);
    this.counted[state] = (this.counted[state] ?? 0) + 1;
  }
  /** The resources and records of the same node in another estate (shards share no resource). */
  absorb(r: Pick<RollUp, 'complianceState' | 'resources' | 'records'>): void {
    this.records += r.records;
    if (r.complianceState !== undefined) this.state = worse(this.state, r.complianceState);
    for (const k of Object.keys(r.resources) as ComplianceState[]) this.counted[k] = (this.counted[k] ?? 0) + r.resources[k]!;
  }
  toRollUp(): RollUp {
    const resources = sortCounts(this.counted);
    const r: RollUp = { kind: this.kind, id: this.id, complianceState: this.state, resources, compliancePercentage: compliancePercentage(resources), records: this.records };
    if (this.displayName !== undefined) r.displayName = this.displayName;
    return r;
  }
}

/**
 * Worst state per resource slot within one group of records (one assignment, one policy, or all): ranks in a typed
 * array indexed by slot, so a record costs no map operation; `flush` hands each touched resource to a node.
 */
class GroupRanks {
  readonly #rank: Uint8Array;
  readonly #records: Uint32Array;
  readonly #touched: number[] = [];
  constructor(slots: number) {
    this.#rank = new Uint8Array(slots);
    this.#records = new Uint32Array(slots);
  }
  /** `rank`: RANK[state] + 1. */
  add(slot: number, rank: number): void {
    const at = this.#rank[slot]!;
    if (at === 0) this.#touched.push(slot);
    if (rank > at) this.#rank[slot] = rank;
    this.#records[slot]!++;
  }
  /** The worst state of a slot (while it is not flushed). */
  stateOf(slot: number): ComplianceState {
    return BY_RANK[this.#rank[slot]! - 1]!;
  }
  recordsOf(slot: number): number {
    return this.#records[slot]!;
  }
  /** Slots in order of first record. */
  slots(): readonly number[] {
    return this.#touched;
  }
  flush(node: Node): void {
    for (const slot of this.#touched) {
      node.addResource(BY_RANK[this.#rank[slot]! - 1]!, this.#records[slot]!);
      this.#rank[slot] = 0;
      this.#records[slot] = 0;
    }
    this.#touched.length = 0;
  }
}

function sortCounts(c: StateCounts): StateCounts {
  const out: StateCounts = {};
  for (const k of Object.keys(c).sort() as ComplianceState[]) out[k] = c[k]!;
  return out;
}

/** What evaluate() knows of its records' resources: their ids in visit (report) order, and each record's index there. */
export interface RecordOrder {
  ids: readonly string[];
  slotOfRecord: ArrayLike<number>;
}

export interface ScopeInfo {
  kind: RollUpKind;
  displayName?: string;
}

/**
 * The assignment, policy and scope nodes of one summary, found by the strings records carry (one member's records
 * share theirs, so a string is lower-cased once), and the summary they make with the tenant node.
 */
export class RollupNodes {
  readonly #assignments = new Map<string, Node>();
  readonly #policies = new Map<string, Node>();
  readonly #scopes = new Map<string, Node>();
  readonly #assignmentOf = new Map<string, Node>();
  readonly #policyOf = new Map<string, Map<string | undefined, Node>>();
  readonly #scopeNodes = new Map<readonly string[], Node[]>();
  constructor(readonly scopeInfo: (scopeId: string) => ScopeInfo | undefined) {}

  assignment(r: ComplianceRecord): Node {
    const a = r.policyAssignmentId;
    let node = this.#assignmentOf.get(a);
    if (node === undefined) {
      node = this.#assignments.get(a.toLowerCase());
      if (node === undefined) this.#assignments.set(a.toLowerCase(), (node = new Node('assignment', a, r.policyAssignmentName)));
      this.#assignmentOf.set(a, node);
    }
    return node;
  }

  policy(r: ComplianceRecord): Node {
    const a = r.policyAssignmentId;
    let byRef = this.#policyOf.get(a);
    if (byRef === undefined) this.#policyOf.set(a, (byRef = new Map()));
    let node = byRef.get(r.policyDefinitionReferenceId);
    if (node === undefined) {
      const pid = r.policyDefinitionReferenceId === undefined ? a : `${a}#${r.policyDefinitionReferenceId}`;
      node = this.#policies.get(pid.toLowerCase());
      if (node === undefined) this.#policies.set(pid.toLowerCase(), (node = new Node('policy', pid, r.policyDefinitionDisplayName)));
      byRef.set(r.policyDefinitionReferenceId, node);
    }
    return node;
  }

  /** The scope nodes of an ancestor list (lists are shared per container, so they are looked up by identity). */
  scopesOf(ancestors: readonly string[]): Node[] {
    let nodes = this.#scopeNodes.get(ancestors);
    if (nodes === undefined) {
      nodes = [];
      for (const s of ancestors) {
        const info = this.scopeInfo(s);
        if (info === undefined) continue;
        let sn = this.#scopes.get(s.toLowerCase());
        if (sn === undefined) this.#scopes.set(s.toLowerCase(), (sn = new Node(info.kind, s, info.displayName)));
        nodes.push(sn);
      }
      this.#scopeNodes.set(ancestors, nodes);
    }
    return nodes;
  }

  summary(total: Node, records: number, byResource: ComplianceSummary['byResource']): ComplianceSummary {
    const sorted = (m: Map<string, Node>) => [...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, n]) => n.toRollUp());
    const t = total.toRollUp();
    return { records, resources: t.resources, compliancePercentage: t.compliancePercentage, assignments: sorted(this.#assignments), policies: sorted(this.#policies), scopes: sorted(this.#scopes), byResource };
  }
}

/**
 * @param ancestorsOf scope ids above a record's resource (resource group, subscription, management groups, '/');
 *   callers return shared arrays (one per resource group), so this costs no allocation per record.
 * @param scopeInfo what each scope id is.
 */
export function summarize(
  records: readonly ComplianceRecord[],
  ancestorsOf: (record: ComplianceRecord) => readonly string[],
  scopeInfo: (scopeId: string) => ScopeInfo | undefined,
  order?: RecordOrder,
): ComplianceSummary {
  // Records come grouped by assignment and member (evaluate() and mergeReports sort them so); other input is sorted.
  const grouped = isGrouped(records) ? records : sortedCopy(records);
  // Resources as slots: snapshot ids are unique ignoring case, so the id as written is a stable key (its hash cached).
  const slotOf = new Map<string, number>();
  const ids: string[] = [];
  // evaluate() says which resource each record is on (slots in its visit order): no map look-up per record, and
  // byResource needs no sort. Only for records as evaluate() gave them (grouped, not re-sorted).
  const given = order !== undefined && grouped === records && order.slotOfRecord.length === records.length ? order : undefined;
  if (given !== undefined) for (const id of given.ids) ids.push(id);
  const ordered = ids.length;
  const slots = grouped.length + ordered;
  const all = new GroupRanks(slots);
  const inAssignment = new GroupRanks(slots);
  const inPolicy = new GroupRanks(slots);
  /** The first record of each slot (its ancestors are the resource's). */
  const slotRecords: (ComplianceRecord | undefined)[] = new Array(ids.length);
  const total = new Node('tenant', '/');
  const nodes = new RollupNodes(scopeInfo);
  let assignment: Node | undefined;
  let policy: Node | undefined;
  let prev: ComplianceRecord | undefined;
  for (let i = 0; i < grouped.length; i++) {
    const r = grouped[i]!;
    const rank = RANK[r.complianceState] + 1;
    const newAssignment = prev === undefined || !sameKey(prev.policyAssignmentId, r.policyAssignmentId);
    if (newAssignment || !sameKey(prev!.policyDefinitionReferenceId ?? '', r.policyDefinitionReferenceId ?? '')) {
      if (policy !== undefined) inPolicy.flush(policy);
      policy = nodes.policy(r);
      if (newAssignment) {
        if (assignment !== undefined) inAssignment.flush(assignment);
        assignment = nodes.assignment(r);
      }
    }
    let slot = given?.slotOfRecord[i];
    if (slot === undefined) {
      slot = slotOf.get(r.resourceId);
      if (slot === undefined) slotOf.set(r.resourceId, (slot = ids.push(r.resourceId) - 1));
    }
    slotRecords[slot] ??= r;
    all.add(slot, rank);
    inAssignment.add(slot, rank);
    inPolicy.add(slot, rank);
    prev = r;
  }
  if (policy !== undefined) inPolicy.flush(policy);
  if (assignment !== undefined) inAssignment.flush(assignment);

  // Scope nodes count each resource once, with its worst state overall, in order of first record.
  for (const slot of all.slots()) {
    for (const sn of nodes.scopesOf(ancestorsOf(slotRecords[slot]!))) sn.addResource(all.stateOf(slot), all.recordsOf(slot));
  }
  // The resource view: each resource's worst state across every applicable policy (digest §10.2), by lower-cased id.
  let inIdOrder: number[];
  if (given !== undefined && all.slots().every((slot) => slot < ordered)) {
    inIdOrder = [];
    for (let slot = 0; slot < ordered; slot++) if (all.recordsOf(slot) > 0) inIdOrder.push(slot);
  } else {
    const keys = ids.map((id) => id.toLowerCase());
    inIdOrder = [...all.slots()].sort((x, y) => (keys[x]! < keys[y]! ? -1 : keys[x]! > keys[y]! ? 1 : 0));
  }
  const byResource = inIdOrder.map((slot) => ({ resourceId: ids[slot]!, complianceState: all.stateOf(slot) }));
  all.flush(total);
  return nodes.summary(total, grouped.length, byResource);
}

/** Equal ignoring case; the same string (records of one member share theirs) without lower-casing. */
function sameKey(a: string, b: string): boolean {
  return a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());
}

/** Each (assignment, member) and each assignment forms one contiguous run of records. */
function isGrouped(records: readonly ComplianceRecord[]): boolean {
  const seenAssignments = new Set<string>();
  const seenPolicies = new Set<string>();
  let prev: ComplianceRecord | undefined;
  for (const r of records) {
    const before = prev;
    prev = r;
    const newAssignment = before === undefined || !sameKey(before.policyAssignmentId, r.policyAssignmentId);
    if (!newAssignment && sameKey(before.policyDefinitionReferenceId ?? '', r.policyDefinitionReferenceId ?? '')) continue;
    const a = r.policyAssignmentId.toLowerCase();
    const p = `${a}#${(r.policyDefinitionReferenceId ?? '').toLowerCase()}`;
    if (seenPolicies.has(p) || (newAssignment && seenAssignments.has(a))) return false;
    seenPolicies.add(p);
    seenAssignments.add(a);
  }
  return true;
}

/** What roll-ups need of a hierarchy: each scope's kind and name, and a record's ancestors (shared lists). */
export function hierarchyLookups(hierarchy: Hierarchy): { scopeInfo: (id: string) => ScopeInfo | undefined; ancestorsOf: (r: ComplianceRecord) => readonly string[] } {
  const scopeInfo = (id: string): ScopeInfo | undefined => {
    const n = hierarchy.node(id);
    if (n === undefined) return undefined;
    const kind = n.kind === 'managementGroup' ? 'managementGroup' : n.kind === 'subscription' ? 'subscription' : n.kind === 'resourceGroup' ? 'resourceGroup' : 'tenant';
    return n.displayName !== undefined ? { kind, displayName: n.displayName } : { kind };
  };
  // One shared ancestor list per resource group (or subscription), so roll-ups parse no ids per record; found by the
  // record's own strings first, by the lower-cased container id only for a string not seen before.
  const ancestorLists = new Map<string, readonly string[]>();
  const bySubscription = new Map<string, Map<string | undefined, readonly string[]>>();
  const ancestorsOf = (r: ComplianceRecord): readonly string[] => {
    if (r.subscriptionId === undefined) return hierarchy.ancestorsOf(r.resourceId);
    let byGroup = bySubscription.get(r.subscriptionId);
    if (byGroup === undefined) bySubscription.set(r.subscriptionId, (byGroup = new Map()));
    let list = byGroup.get(r.resourceGroup);
    if (list !== undefined) return list;
    const container = r.resourceGroup === undefined ? `/subscriptions/${r.subscriptionId}` : `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}`;
    const key = container.toLowerCase();
    list = ancestorLists.get(key);
    if (list === undefined) ancestorLists.set(key, (list = [hierarchy.node(container)?.id ?? container, ...hierarchy.ancestorsOf(container)]));
    byGroup.set(r.resourceGroup, list);
    return list;
  };
  return { scopeInfo, ancestorsOf };
}

/** The summary of records within a hierarchy: what evaluate() reports, and what mergeReports recomputes. */
export function summarizeInHierarchy(records: readonly ComplianceRecord[], hierarchy: Hierarchy, order?: RecordOrder): ComplianceSummary {
  const { ancestorsOf, scopeInfo } = hierarchyLookups(hierarchy);
  return summarize(records, ancestorsOf, scopeInfo, order);
}

/** The hierarchy as report.scopes: every node, sorted by lower-cased id. */
export function scopeNodesOf(hierarchy: Hierarchy): ScopeNode[] {
  return hierarchy.nodes().map((n) => {
    const s: ScopeNode = { id: n.id, kind: n.kind };
    if (n.parentId !== undefined) s.parentId = n.parentId;
    if (n.displayName !== undefined) s.displayName = n.displayName;
    return s;
  });
}

/** A hierarchy rebuilt from report.scopes (the first statement of a node wins; a missing root is added). */
export function hierarchyFromScopes(scopes: readonly ScopeNode[]): Hierarchy {
  const nodes = new Map<string, HierarchyNode>();
  nodes.set('/', { id: '/', kind: 'tenant', name: '', displayName: undefined, parentId: undefined, implied: true });
  for (const s of scopes) {
    const key = resourceIdKey(s.id);
    if (s.kind === 'tenant' || nodes.has(key)) continue;
    const name = s.id.slice(s.id.lastIndexOf('/') + 1);
    nodes.set(key, Object.freeze({ id: s.id, kind: s.kind, name, displayName: s.displayName, parentId: s.parentId ?? '/', implied: false }));
  }
  const root = scopes.find((s) => s.kind === 'tenant');
  if (root?.displayName !== undefined) nodes.set('/', { id: '/', kind: 'tenant', name: '', displayName: root.displayName, parentId: undefined, implied: true });
  // A parent that is not listed (a hand-edited report) would leave a chain dangling: hang such nodes under the root.
  for (const [key, n] of nodes) if (n.parentId !== undefined && !nodes.has(resourceIdKey(n.parentId))) nodes.set(key, { ...n, parentId: '/' });
  // Reports that disagree could form a cycle; the Hierarchy walks parents, so break any (sorted, deterministic).
  for (const key of [...nodes.keys()].sort()) {
    const seen = new Set<string>();
    for (let k: string | undefined = key; k !== undefined && k !== '/'; ) {
      if (seen.has(k)) {
        nodes.set(key, { ...nodes.get(key)!, parentId: '/' });
        break;
      }
      seen.add(k);
      const p: string | undefined = nodes.get(k)?.parentId;
      k = p === undefined ? undefined : resourceIdKey(p);
    }
  }
  return new Hierarchy(nodes);
}

function sortedCopy(records: readonly ComplianceRecord[]): readonly ComplianceRecord[] {
  const copy = [...records];
  sortRecords(copy);
  return copy;
}

/**
 * The summary of estates that share no resource (shards by subscription) as one summary of their union: per node,
 * records and resources added and the worst state kept; nodes and resources in the order summarize() gives.
 */
export function mergeSummaries(parts: readonly ComplianceSummary[]): ComplianceSummary {
  const total = new Node('tenant', '/');
  let records = 0;
  for (const p of parts) {
    records += p.records;
    total.absorb({ complianceState: undefined, resources: p.resources, records: p.records });
  }
  const merged = (lists: readonly (readonly RollUp[])[]): RollUp[] => {
    const nodes = new Map<string, Node>();
    for (const list of lists) {
      for (const r of list) {
        const key = r.id.toLowerCase();
        let node = nodes.get(key);
        if (node === undefined) nodes.set(key, (node = new Node(r.kind, r.id, r.displayName)));
        node.absorb(r);
      }
    }
    return [...nodes.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, n]) => n.toRollUp());
  };
  // Each part's list is in id order and the parts share no resource: merged, not sorted again.
  const byResource = mergeSorted(parts.map((p) => p.byResource), (x, y) => compareIdsIgnoringCase(x.resourceId, y.resourceId));
  const t = total.toRollUp();
  return {
    records,
    resources: t.resources,
    compliancePercentage: t.compliancePercentage,
    assignments: merged(parts.map((p) => p.assignments)),
    policies: merged(parts.map((p) => p.policies)),
    scopes: merged(parts.map((p) => p.scopes)),
    byResource,
  };
}

