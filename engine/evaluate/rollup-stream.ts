// Roll-ups built one resource at a time, for evaluations that do not hold their records (engine/scale's pipeline):
// given all records of each resource together, the summary equals summarize() over all of them.
import type { ComplianceRecord, ComplianceState, ComplianceSummary } from '../model/index.js';
import type { Hierarchy } from '../scope/hierarchy.js';
import { compareIdsIgnoringCase } from '../scope/resource-id.js';
import { hierarchyLookups, Node, worse, type ScopeInfo } from './rollup.js';

export class ResourceRollups {
  readonly #total = new Node('tenant', '/');
  readonly #assignments = new Map<string, Node>();
  readonly #policies = new Map<string, Node>();
  readonly #scopes = new Map<string, Node>();
  readonly #scopeNodes = new Map<readonly string[], Node[]>();
  /** Nodes by the strings as records carry them (one member's records share theirs). */
  readonly #assignmentOf = new Map<string, Node>();
  readonly #policyOf = new Map<string, Map<string | undefined, Node>>();
  readonly #byResource: { resourceId: string; complianceState: ComplianceState }[] = [];
  readonly #ancestorsOf: (r: ComplianceRecord) => readonly string[];
  readonly #scopeInfo: (id: string) => ScopeInfo | undefined;
  #records = 0;

  constructor(hierarchy: Hierarchy) {
    const lookups = hierarchyLookups(hierarchy);
    this.#ancestorsOf = lookups.ancestorsOf;
    this.#scopeInfo = lookups.scopeInfo;
  }

  /** Every record of one resource (none of its records may come in another call). */
  addResource(records: readonly ComplianceRecord[]): void {
    if (records.length === 0) return;
    this.#records += records.length;
    let overall: ComplianceState | undefined;
    for (const r of records) overall = worse(overall, r.complianceState);
    this.#total.addResource(overall!, records.length);
    // Per assignment and per policy: the worst state of this resource's records there, and how many.
    const assignments = new Map<Node, { state: ComplianceState; records: number }>();
    const policies = new Map<Node, { state: ComplianceState; records: number }>();
    for (const r of records) {
      tally(assignments, this.#assignmentNode(r), r.complianceState);
      tally(policies, this.#policyNode(r), r.complianceState);
    }
    for (const [node, t] of assignments) node.addResource(t.state, t.records);
    for (const [node, t] of policies) node.addResource(t.state, t.records);
    for (const sn of this.#scopeNodesOf(records[0]!)) sn.addResource(overall!, records.length);
    this.#byResource.push({ resourceId: records[0]!.resourceId, complianceState: overall! });
  }

  finish(): ComplianceSummary {
    const sorted = (m: Map<string, Node>) => [...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, n]) => n.toRollUp());
    // By lower-cased id, compared without lower-cased copies (at 10^6 resources they would be ≈ 100 MB at once);
    // input already in that order (common for exports) is only checked.
    const byResource = this.#byResource;
    let ordered = true;
    for (let i = 1; i < byResource.length && ordered; i++) ordered = compareIdsIgnoringCase(byResource[i - 1]!.resourceId, byResource[i]!.resourceId) <= 0;
    if (!ordered) byResource.sort((x, y) => compareIdsIgnoringCase(x.resourceId, y.resourceId));
    const t = this.#total.toRollUp();
    return {
      records: this.#records,
      resources: t.resources,
      compliancePercentage: t.compliancePercentage,
      assignments: sorted(this.#assignments),
      policies: sorted(this.#policies),
      scopes: sorted(this.#scopes),
      byResource,
    };
  }

  #assignmentNode(r: ComplianceRecord): Node {
    const a = r.policyAssignmentId;
    let node = this.#assignmentOf.get(a);
    if (node === undefined) {
      node = this.#assignments.get(a.toLowerCase());
      if (node === undefined) this.#assignments.set(a.toLowerCase(), (node = new Node('assignment', a, r.policyAssignmentName)));
      this.#assignmentOf.set(a, node);
    }
    return node;
  }

  #policyNode(r: ComplianceRecord): Node {
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

  #scopeNodesOf(first: ComplianceRecord): Node[] {
    const ancestors = this.#ancestorsOf(first);
    let nodes = this.#scopeNodes.get(ancestors);
    if (nodes === undefined) {
      nodes = [];
      for (const s of ancestors) {
        const info = this.#scopeInfo(s);
        if (info === undefined) continue;
        let sn = this.#scopes.get(s.toLowerCase());
        if (sn === undefined) this.#scopes.set(s.toLowerCase(), (sn = new Node(info.kind, s, info.displayName)));
        nodes.push(sn);
      }
      this.#scopeNodes.set(ancestors, nodes);
    }
    return nodes;
  }
}

function tally(m: Map<Node, { state: ComplianceState; records: number }>, node: Node, state: ComplianceState): void {
  const t = m.get(node);
  if (t === undefined) m.set(node, { state, records: 1 });
  else {
    t.state = worse(t.state, state);
    t.records++;
  }
}
