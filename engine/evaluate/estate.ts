// evaluate(): assignments over an estate, the way Azure Policy's compliance scan does (digest §7–10,
// §14): one record per (assignment, definition reference, applicable resource), exemptions, roll-ups.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport, ComplianceSummary, ResourceView } from '../model/index.js';
import type { AssignmentDoc } from '../parse/index.js';
import type { CompiledPolicy, CompileOptions } from '../compile/policy.js';
import { createAliasCatalogue, defaultAliasCatalogue, type ProviderAliases } from '../aliases/index.js';
import { RelatedIndex, type RelatedLookup } from '../effects/existence.js';
import type { Snapshot } from '../load/snapshot.js';
import type { Hierarchy } from '../scope/hierarchy.js';
import { prepareAssignments, type PreparedAssignment, type PreparedMember } from './assignments.js';
import type { DocumentInput } from './documents.js';
import { concatenateRecords, memberRun, orderedRecordDiagnostics, runRecords, type MemberRun } from './records.js';
import type { EvaluationContext } from './runtime.js';
import { compileScope } from './scope-match.js';
import { scopeNodesOf, summarize, summarizeInHierarchy } from './rollup.js';

export interface EvaluateInput {
  snapshot: Snapshot;
  /** Policy definitions (plain documents, or { document, file, pointer, locate } entries). */
  definitions: readonly DocumentInput[];
  setDefinitions?: readonly DocumentInput[];
  /** Omitted or empty: each definition is assigned at the root with its default parameters. */
  assignments?: readonly DocumentInput[];
  exemptions?: readonly DocumentInput[];
  /** Only resources at or below this scope are evaluated. */
  scope?: string;
  /** Evaluation instant (ISO-8601): exemption expiry, utcNow(). Defaults to the current time. */
  now?: string;
  aliases?: ProviderAliases;
  /** The snapshot holds every resource: an absent related type means NonCompliant, not Unknown. */
  complete?: boolean;
  strict?: boolean;
  lenient?: boolean;
  operatorOptions?: CompileOptions['operatorOptions'];
  missingArrayIsFalse?: boolean;
}

/** What remediation and simulation need to go from a record back to its inputs. */
export interface EstateContext {
  readonly input: EvaluateInput;
  readonly snapshot: Snapshot;
  readonly related: RelatedLookup;
  policyFor(record: ComplianceRecord): CompiledPolicy | undefined;
  resourceFor(record: ComplianceRecord): ResourceView | undefined;
  assignmentFor(record: ComplianceRecord): AssignmentDoc | undefined;
  evaluationContextFor(record: ComplianceRecord): EvaluationContext;
}

const CONTEXTS = new WeakMap<ComplianceReport, EstateContext>();

export function getEstateContext(report: ComplianceReport): EstateContext | undefined {
  return CONTEXTS.get(report);
}

const RG_TYPE = 'microsoft.resources/subscriptions/resourcegroups';
const SUB_TYPE = 'microsoft.resources/subscriptions';

function canonicalNow(now: string | undefined): string {
  return now ?? new Date().toISOString();
}

/** resourceGroup() and subscription() objects from the snapshot's own container resources. */
class Surroundings {
  private readonly groups = new Map<string, Record<string, unknown>>();
  private readonly subs = new Map<string, Record<string, unknown>>();
  constructor(snapshot: Snapshot) {
    for (const r of snapshot.resources) {
      if (r.typeLower === RG_TYPE && r.subscriptionId !== undefined) {
        const raw = r.raw;
        this.groups.set(`${r.subscriptionId}/${r.name}`.toLowerCase(), {
          id: r.id,
          name: r.name,
          type: 'Microsoft.Resources/resourceGroups',
          location: r.location,
          ...(raw['managedBy'] !== undefined ? { managedBy: raw['managedBy'] } : {}),
          tags: raw['tags'] ?? {},
          properties: raw['properties'] ?? { provisioningState: 'Succeeded' },
        });
      } else if (r.typeLower === SUB_TYPE && r.subscriptionId !== undefined) {
        const raw = r.raw;
        this.subs.set(r.subscriptionId.toLowerCase(), {
          id: `/subscriptions/${r.subscriptionId}`,
          subscriptionId: r.subscriptionId,
          tenantId: raw['tenantId'] ?? '',
          displayName: raw['displayName'] ?? (raw['properties'] as Record<string, unknown> | undefined)?.['displayName'] ?? '',
        });
      }
    }
  }
  /**
   * A context factory for one member: contexts are shared by every resource of a resource group
   * (they are read-only), so evaluating a resource allocates none.
   */
  contextsFor(now: string, policy: EvaluationContext['policy']): (view: ResourceView) => EvaluationContext {
    const bySubscription = new Map<string | undefined, Map<string | undefined, EvaluationContext>>();
    // Exports list a resource group's resources together: the last one's context is tried first, compared by the
    // strings' text (a streamed resource's strings are new each time, and hashing them for the maps cost more).
    let lastSubscription: string | undefined;
    let lastGroup: string | undefined;
    let last: EvaluationContext | undefined;
    return (view) => {
      if (last !== undefined && view.subscriptionId === lastSubscription && view.resourceGroup === lastGroup) return last;
      let byGroup = bySubscription.get(view.subscriptionId);
      if (byGroup === undefined) bySubscription.set(view.subscriptionId, (byGroup = new Map()));
      let ctx = byGroup.get(view.resourceGroup);
      if (ctx === undefined) byGroup.set(view.resourceGroup, (ctx = this.contextFor(view, now, policy)));
      lastSubscription = view.subscriptionId;
      lastGroup = view.resourceGroup;
      last = ctx;
      return ctx;
    };
  }

  contextFor(view: ResourceView, now: string, policy: EvaluationContext['policy']): EvaluationContext {
    const ctx: EvaluationContext = { now };
    if (policy !== undefined) ctx.policy = policy;
    if (view.subscriptionId !== undefined) {
      const sub = this.subs.get(view.subscriptionId.toLowerCase());
      if (sub !== undefined) ctx.subscription = sub;
      if (view.resourceGroup !== undefined) {
        const rg = this.groups.get(`${view.subscriptionId}/${view.resourceGroup}`.toLowerCase());
        if (rg !== undefined) ctx.resourceGroup = rg;
      }
    }
    return ctx;
  }
}

function policyInfo(a: PreparedAssignment, m: PreparedMember): EvaluationContext['policy'] {
  return { assignmentId: a.id, definitionId: m.definitionId, setDefinitionId: a.setDefinitionId ?? '', definitionReferenceId: m.referenceId ?? '' };
}

function nonComplianceMessage(doc: AssignmentDoc, referenceId: string | undefined): string | undefined {
  const specific = referenceId === undefined ? undefined : doc.nonComplianceMessages.find((m) => m.policyDefinitionReferenceId?.toLowerCase() === referenceId.toLowerCase());
  return (specific ?? doc.nonComplianceMessages.find((m) => m.policyDefinitionReferenceId === undefined))?.message;
}

export function evaluate(input: EvaluateInput): ComplianceReport {
  return evaluateDetailed(input).report;
}

/** @internal Where a record-level diagnostic arose, so shard results can be merged in single-run order (engine/scale). */
export interface RecordDiagnosticOrigin {
  diagnostic: Diagnostic;
  /** Index of the assignment (prepared order) and of the member within it. */
  assignment: number;
  member: number;
  /** Position of the resource's type in the member's type filter (0 without one). */
  typeRank: number;
  view: ResourceView;
}

/** @internal What engine/scale needs besides the report to merge shards exactly. */
export interface EvaluationDetails {
  report: ComplianceReport;
  /** prepareAssignments' diagnostics (they come first among the evaluation's own). */
  prepareDiagnostics: Diagnostic[];
  /** With `scope`: whether this snapshot knows the scope, and how many resources are in it. */
  scopeCheck: { known: boolean; inScope: number } | undefined;
  recordDiagnostics: RecordDiagnosticOrigin[];
}

/** @internal The assignment layer of an evaluation input within a hierarchy (what evaluate() prepares first). */
export function prepareInput(input: Omit<EvaluateInput, 'snapshot'>, hierarchy: Hierarchy, now: string, diagnostics: Diagnostic[]): PreparedAssignment[] {
  const catalogue = input.aliases ? createAliasCatalogue(input.aliases) : defaultAliasCatalogue();
  const compileOptions: PrepareCompileOptions = { catalogue };
  if (input.strict !== undefined) compileOptions.strict = input.strict;
  if (input.lenient !== undefined) compileOptions.lenient = input.lenient;
  if (input.operatorOptions !== undefined) compileOptions.operatorOptions = input.operatorOptions;
  if (input.missingArrayIsFalse !== undefined) compileOptions.missingArrayIsFalse = input.missingArrayIsFalse;
  return prepareAssignments(
    {
      definitions: input.definitions,
      setDefinitions: input.setDefinitions ?? [],
      assignments: input.assignments,
      exemptions: input.exemptions ?? [],
      hierarchy,
      now,
      compileOptions,
    },
    diagnostics,
  );
}

/** @internal Options of evaluateDetailed (engine/scale shards). */
export interface DetailedOptions {
  /** false: skip the roll-ups (the summary is left empty). */
  summary?: boolean;
  /** The related types the whole estate holds (a shard holds only some); replaces the snapshot's own. */
  knownTypes?: ReadonlySet<string>;
  /** Only these resources are evaluated (a shard's own); the others are still related resources and containers. */
  owns?: (view: ResourceView) => boolean;
}

/** @internal An evaluation prepared over a snapshot: what evaluate() and the streaming pipeline (engine/scale) share. */
export interface PreparedEvaluation {
  now: string;
  assignments: PreparedAssignment[];
  /** One per (assignment, member), in prepared order. */
  runs: MemberRun[];
  related: RelatedLookup;
  /** Diagnostics of the assignment layer (prepareInput's, then an unknown evaluation scope). */
  diagnostics: Diagnostic[];
  prepareDiagnostics: Diagnostic[];
  /** The evaluation scope, when one is given. */
  inScope: ((view: ResourceView) => boolean) | undefined;
  /** What remediation needs to go from a record back to its inputs; `resourceFor` defaults to the snapshot's. */
  contextFor(resourceFor?: (record: ComplianceRecord) => ResourceView | undefined): EstateContext;
}

/** @internal Prepares the assignments, member runs and related index of an evaluation (no resource is evaluated). */
export function prepareEvaluation(input: EvaluateInput, options: Pick<DetailedOptions, 'knownTypes'> = {}): PreparedEvaluation {
  const now = canonicalNow(input.now);
  const snapshot = input.snapshot;
  const diagnostics: Diagnostic[] = [];
  const assignments = prepareInput(input, snapshot.hierarchy, now, diagnostics);
  const prepareDiagnostics = [...diagnostics];
  const index = new RelatedIndex(snapshot.resources);
  const known = options.knownTypes;
  const related: RelatedLookup = input.complete
    ? { knows: () => true, find: (q) => index.find(q) }
    : known !== undefined
      ? { knows: (t) => known.has(t.toLowerCase()), find: (q) => index.find(q) }
      : index;
  const surroundings = new Surroundings(snapshot);
  const policies = new Map<string, CompiledPolicy>();
  const runs: MemberRun[] = [];
  assignments.forEach((a, ai) => {
    a.members.forEach((m, mi) => {
      policies.set(memberKey(a.id, m.referenceId, m.policy.effect.name), m.policy);
      for (const v of m.variants.values()) policies.set(memberKey(a.id, m.referenceId, v.effect.name), v);
      runs.push(memberRun({ assignment: a, member: m, ai, mi, contextOf: surroundings.contextsFor(now, policyInfo(a, m)), message: nonComplianceMessage(a.doc, m.referenceId) }));
    });
  });
  const assignmentsById = new Map(assignments.map((a) => [a.id.toLowerCase(), a]));
  const snapshotResource = (r: ComplianceRecord): ResourceView | undefined => {
    const i = snapshot.byId.get(r.resourceId.toLowerCase());
    return i === undefined ? undefined : snapshot.resources[i];
  };
  return {
    now,
    assignments,
    runs,
    related,
    diagnostics,
    prepareDiagnostics,
    inScope: input.scope === undefined ? undefined : compileScope(input.scope, snapshot.hierarchy),
    contextFor: (resourceFor = snapshotResource) => ({
      input,
      snapshot,
      related,
      policyFor: (r) => policies.get(memberKey(r.policyAssignmentId, r.policyDefinitionReferenceId, r.effect)),
      resourceFor,
      assignmentFor: (r) => assignmentsById.get(r.policyAssignmentId.toLowerCase())?.doc,
      evaluationContextFor: (r) => {
        const view = resourceFor(r);
        const policy = { assignmentId: r.policyAssignmentId, definitionId: r.policyDefinitionId, setDefinitionId: r.policySetDefinitionId ?? '', definitionReferenceId: r.policyDefinitionReferenceId ?? '' };
        return view === undefined ? { now, policy } : surroundings.contextFor(view, now, policy);
      },
    }),
  };
}

/** @internal evaluate() with the details a shard merge needs. */
export function evaluateDetailed(input: EvaluateInput, options: DetailedOptions = {}): EvaluationDetails {
  const snapshot = input.snapshot;
  const prepared = prepareEvaluation(input, options);
  const { now, runs, related, diagnostics, prepareDiagnostics } = prepared;

  // Positions in the snapshot of the resources evaluated (a position finds the view and its source without a map).
  let positions: number[] = [];
  for (let i = 0; i < snapshot.resources.length; i++) if (options.owns === undefined || options.owns(snapshot.resources[i]!)) positions.push(i);
  let scopeCheck: EvaluationDetails['scopeCheck'];
  if (input.scope !== undefined) {
    const inScope = prepared.inScope!;
    positions = positions.filter((i) => inScope(snapshot.resources[i]!));
    const known = snapshot.hierarchy.node(input.scope) !== undefined || snapshot.byId.has(input.scope.toLowerCase()) || input.scope === '/';
    scopeCheck = { known, inScope: positions.length };
    if (!known && positions.length === 0) diagnostics.push(diagnostic('assign.unknown-scope', { scope: input.scope }));
  }

  const resourceOrder = runRecords({ runs, views: snapshot.resources, positions, sources: snapshot.sources, options: { related } });
  const { records, slots } = concatenateRecords(runs);
  const recordDiagnostics: RecordDiagnosticOrigin[] = orderedRecordDiagnostics(runs, diagnostics).map((o) => ({
    diagnostic: o.diagnostic,
    assignment: o.run.ai,
    member: o.run.mi,
    typeRank: o.typeRank,
    view: o.view,
  }));

  // A shard's summary is recomputed after the merge: an empty one here.
  const summary: ComplianceSummary = options.summary === false ? summarize([], () => [], () => undefined) : summarizeInHierarchy(records, snapshot.hierarchy, slots === undefined ? undefined : { ids: resourceOrder, slotOfRecord: slots });
  const report: ComplianceReport = { evaluatedAt: now, results: records, summary, diagnostics: [...snapshot.diagnostics, ...diagnostics], scopes: scopeNodesOf(snapshot.hierarchy) };
  CONTEXTS.set(report, prepared.contextFor());
  return { report, prepareDiagnostics, scopeCheck, recordDiagnostics };
}

type PrepareCompileOptions = Omit<CompileOptions, 'parameters' | 'pointer' | 'locate' | 'effectOverride'>;

function memberKey(assignmentId: string, referenceId: string | undefined, effect: string): string {
  return `${assignmentId.toLowerCase()}#${(referenceId ?? '').toLowerCase()}#${effect.toLowerCase()}`;
}


export { compareRecords, sortRecords } from './records.js';
