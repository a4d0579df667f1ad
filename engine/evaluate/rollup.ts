// Roll-ups as Azure computes them (compliance-states.md; digest §10.2): the worst-ranked state wins,
// and the compliance percentage counts distinct resources.
import type { ComplianceRecord, ComplianceState, ComplianceSummary, RollUp, RollUpKind, ScopeNode, StateCounts } from '../model/index.js';
import { Hierarchy, type HierarchyNode } from '../scope/hierarchy.js';
import { resourceIdKey } from '../scope/resource-id.js';

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

class Node {
  records = 0;
  state: ComplianceState | undefined;
  /** Distinct resources (lower-case id) → their worst state within this node. */
  readonly resources = new Map<string, ComplianceState>();
  constructor(
    readonly kind: RollUpKind,
    readonly id: string,
    readonly displayName?: string,
  ) {}
  /** Counted resources (scope nodes): a resource's state, added once with its number of records. */
  readonly counted: StateCounts = {};
  addResource(state: ComplianceState, records: number): void {
    this.records += records;
    this.state = worse(this.state, state);
    this.counted[state] = (this.counted[state] ?? 0) + 1;
  }
  add(resourceKey: string, state: ComplianceState): void {
    this.records++;
    this.state = worse(this.state, state);
    this.resources.set(resourceKey, worse(this.resources.get(resourceKey), state));
  }
  toRollUp(): RollUp {
    const resources: StateCounts = { ...this.counted };
    for (const s of this.resources.values()) resources[s] = (resources[s] ?? 0) + 1;
    const r: RollUp = { kind: this.kind, id: this.id, complianceState: this.state, resources: sortCounts(resources), compliancePercentage: compliancePercentage(resources), records: this.records };
    if (this.displayName !== undefined) r.displayName = this.displayName;
    return r;
  }
}

function sortCounts(c: StateCounts): StateCounts {
  const out: StateCounts = {};
  for (const k of Object.keys(c).sort() as ComplianceState[]) out[k] = c[k]!;
  return out;
}

export interface ScopeInfo {
  kind: RollUpKind;
  displayName?: string;
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
): ComplianceSummary {
  const total = new Node('tenant', '/');
  const assignments = new Map<string, Node>();
  const policies = new Map<string, Node>();
  const scopes = new Map<string, Node>();
  const scopeNodes = new Map<readonly string[], Node[]>();
  const perResource = new Map<string, { nodes: Node[]; records: number }>();
  for (const r of records) {
    // Snapshot ids are unique ignoring case, so the id as written is a stable key (and its hash is cached).
    const key = r.resourceId;
    total.add(key, r.complianceState);
    const a = r.policyAssignmentId;
    let an = assignments.get(a.toLowerCase());
    if (an === undefined) assignments.set(a.toLowerCase(), (an = new Node('assignment', a, r.policyAssignmentName)));
    an.add(key, r.complianceState);
    const pid = r.policyDefinitionReferenceId === undefined ? a : `${a}#${r.policyDefinitionReferenceId}`;
    let pn = policies.get(pid.toLowerCase());
    if (pn === undefined) policies.set(pid.toLowerCase(), (pn = new Node('policy', pid, r.policyDefinitionDisplayName)));
    pn.add(key, r.complianceState);
    const ancestors = ancestorsOf(r);
    let nodes = scopeNodes.get(ancestors);
    if (nodes === undefined) {
      nodes = [];
      for (const s of ancestors) {
        const info = scopeInfo(s);
        if (info === undefined) continue;
        let sn = scopes.get(s.toLowerCase());
        if (sn === undefined) scopes.set(s.toLowerCase(), (sn = new Node(info.kind, s, info.displayName)));
        nodes.push(sn);
      }
      scopeNodes.set(ancestors, nodes);
    }
    // Every record of a resource has the same ancestors: scope nodes count each resource once, after the loop.
    const seen = perResource.get(key);
    if (seen === undefined) perResource.set(key, { nodes, records: 1 });
    else seen.records++;
  }
  for (const [key, { nodes, records: n }] of perResource) {
    const state = total.resources.get(key)!;
    for (const sn of nodes) sn.addResource(state, n);
  }
  const sorted = (m: Map<string, Node>) => [...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, n]) => n.toRollUp());
  const t = total.toRollUp();
  // The resource view: each resource's worst state across every applicable policy (digest §10.2).
  const byResource = [...total.resources.entries()]
    .map(([resourceId, complianceState]) => ({ resourceId, complianceState }))
    .sort((x, y) => (x.resourceId.toLowerCase() < y.resourceId.toLowerCase() ? -1 : x.resourceId.toLowerCase() > y.resourceId.toLowerCase() ? 1 : 0));
  return { records: records.length, resources: t.resources, compliancePercentage: t.compliancePercentage, assignments: sorted(assignments), policies: sorted(policies), scopes: sorted(scopes), byResource };
}

/** The summary of records within a hierarchy: what evaluate() reports, and what mergeReports recomputes. */
export function summarizeInHierarchy(records: readonly ComplianceRecord[], hierarchy: Hierarchy): ComplianceSummary {
  const scopeInfo = (id: string): ScopeInfo | undefined => {
    const n = hierarchy.node(id);
    if (n === undefined) return undefined;
    const kind = n.kind === 'managementGroup' ? 'managementGroup' : n.kind === 'subscription' ? 'subscription' : n.kind === 'resourceGroup' ? 'resourceGroup' : 'tenant';
    return n.displayName !== undefined ? { kind, displayName: n.displayName } : { kind };
  };
  // One shared ancestor list per resource group (or subscription), so roll-ups parse no ids per record.
  const ancestorLists = new Map<string, readonly string[]>();
  const ancestorsOf = (r: ComplianceRecord): readonly string[] => {
    if (r.subscriptionId === undefined) return hierarchy.ancestorsOf(r.resourceId);
    const container = r.resourceGroup === undefined ? `/subscriptions/${r.subscriptionId}` : `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}`;
    const key = container.toLowerCase();
    let list = ancestorLists.get(key);
    if (list === undefined) ancestorLists.set(key, (list = [hierarchy.node(container)?.id ?? container, ...hierarchy.ancestorsOf(container)]));
    return list;
  };
  return summarize(records, ancestorsOf, scopeInfo);
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
