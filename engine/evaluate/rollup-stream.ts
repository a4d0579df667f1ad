// Roll-ups built one resource at a time, for evaluations that do not hold their records (engine/scale's pipeline):
// given all records of each resource together, the summary equals summarize() over all of them.
import type { ComplianceRecord, ComplianceState, ComplianceSummary } from '../model/index.js';
import type { Hierarchy } from '../scope/hierarchy.js';
import { compareIdsIgnoringCase } from '../scope/resource-id.js';
import { sortByIdIgnoringCase } from '../scope/id-order.js';
import { hierarchyLookups, Node, RollupNodes, worse } from './rollup.js';

export class ResourceRollups {
  readonly #total = new Node('tenant', '/');
  readonly #nodes: RollupNodes;
  readonly #byResource: { resourceId: string; complianceState: ComplianceState }[] = [];
  readonly #ancestorsOf: (r: ComplianceRecord) => readonly string[];
  #records = 0;

  /** `perResource: false` leaves summary.byResource empty (at 10^6 resources the list holds every id). */
  constructor(
    hierarchy: Hierarchy,
    readonly perResource = true,
  ) {
    const lookups = hierarchyLookups(hierarchy);
    this.#ancestorsOf = lookups.ancestorsOf;
    this.#nodes = new RollupNodes(lookups.scopeInfo);
  }

  /** Every record of one resource (none of its records may come in another call). */
  addResource(records: readonly ComplianceRecord[]): void {
    if (records.length === 0) return;
    this.#records += records.length;
    let overall: ComplianceState | undefined;
    for (const r of records) overall = worse(overall, r.complianceState);
    this.#total.addResource(overall!, records.length);
    // Per assignment and per policy: the worst state of this resource's records there, and how many.
    for (const r of records) {
      ASSIGNMENTS.add(this.#nodes.assignment(r), r.complianceState);
      POLICIES.add(this.#nodes.policy(r), r.complianceState);
    }
    ASSIGNMENTS.flush();
    POLICIES.flush();
    for (const sn of this.#nodes.scopesOf(this.#ancestorsOf(records[0]!))) sn.addResource(overall!, records.length);
    if (this.perResource) this.#byResource.push({ resourceId: records[0]!.resourceId, complianceState: overall! });
  }

  finish(): ComplianceSummary {
    // By lower-cased id, compared without lower-cased copies (at 10^6 resources they would be ≈ 100 MB at once);
    // input already in that order (common for exports) is only checked.
    const byResource = this.#byResource;
    let ordered = true;
    for (let i = 1; i < byResource.length && ordered; i++) ordered = compareIdsIgnoringCase(byResource[i - 1]!.resourceId, byResource[i]!.resourceId) <= 0;
    if (!ordered) sortByIdIgnoringCase(byResource, (r) => r.resourceId);
    return this.#nodes.summary(this.#total, this.#records, byResource);
  }
}

/**
 * The nodes one resource's records touch, with the worst state and the record count at each: a few entries, in
 * arrays reused from resource to resource (two maps per resource were most of addResource's cost at 10^6).
 */
class Tally {
  readonly #nodes: Node[] = [];
  readonly #states: ComplianceState[] = [];
  readonly #records: number[] = [];
  add(node: Node, state: ComplianceState): void {
    const i = this.#nodes.indexOf(node);
    if (i === -1) {
      this.#nodes.push(node);
      this.#states.push(state);
      this.#records.push(1);
    } else {
      this.#states[i] = worse(this.#states[i], state);
      this.#records[i]!++;
    }
  }
  /** Hands each node its resource, then forgets them. */
  flush(): void {
    for (let i = 0; i < this.#nodes.length; i++) this.#nodes[i]!.addResource(this.#states[i]!, this.#records[i]!);
    this.#nodes.length = 0;
    this.#states.length = 0;
    this.#records.length = 0;
  }
}

const ASSIGNMENTS = new Tally();
const POLICIES = new Tally();
