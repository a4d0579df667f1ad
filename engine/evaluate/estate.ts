// evaluate(): assignments over an estate, the way Azure Policy's compliance scan does (digest §7–10,
// §14): one record per (assignment, definition reference, applicable resource), exemptions, roll-ups.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport, ComplianceSummary, ResourceView, SourceRef } from '../model/index.js';
import type { AssignmentDoc } from '../parse/index.js';
import type { CompiledPolicy, CompileOptions } from '../compile/policy.js';
import { createAliasCatalogue, defaultAliasCatalogue, type ProviderAliases } from '../aliases/index.js';
import { RelatedIndex, type RelatedLookup } from '../effects/existence.js';
import type { Snapshot } from '../load/snapshot.js';
import type { Hierarchy } from '../scope/hierarchy.js';
import { prepareAssignments, type PreparedAssignment, type PreparedMember } from './assignments.js';
import type { DocumentInput } from './documents.js';
import { evaluateResource, type EvaluateOptions } from './resource.js';
import type { EvaluationContext } from './runtime.js';
import { compileScope } from './scope-match.js';
import { overrideEffect, resourceSelectorsMatch } from './selectors.js';
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
    return (view) => {
      let byGroup = bySubscription.get(view.subscriptionId);
      if (byGroup === undefined) bySubscription.set(view.subscriptionId, (byGroup = new Map()));
      let ctx = byGroup.get(view.resourceGroup);
      if (ctx === undefined) byGroup.set(view.resourceGroup, (ctx = this.contextFor(view, now, policy)));
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

/** @internal evaluate() with the details a shard merge needs. */
export function evaluateDetailed(input: EvaluateInput, options: DetailedOptions = {}): EvaluationDetails {
  const now = canonicalNow(input.now);
  const snapshot = input.snapshot;
  const diagnostics: Diagnostic[] = [];
  const assignments = prepareInput(input, snapshot.hierarchy, now, diagnostics);
  const prepareDiagnostics = [...diagnostics];

  // Resources in the requested scope, indexed by type once.
  let resources: readonly ResourceView[] = options.owns === undefined ? snapshot.resources : snapshot.resources.filter(options.owns);
  let scopeCheck: EvaluationDetails['scopeCheck'];
  if (input.scope !== undefined) {
    const inScope = compileScope(input.scope, snapshot.hierarchy);
    resources = resources.filter(inScope);
    const known = snapshot.hierarchy.node(input.scope) !== undefined || snapshot.byId.has(input.scope.toLowerCase()) || input.scope === '/';
    scopeCheck = { known, inScope: resources.length };
    if (!known && resources.length === 0) diagnostics.push(diagnostic('assign.unknown-scope', { scope: input.scope }));
  }
  const byType = new Map<string, ResourceView[]>();
  for (const r of resources) {
    const list = byType.get(r.typeLower);
    if (list === undefined) byType.set(r.typeLower, [r]);
    else list.push(r);
  }
  const sourceOf = new Map<ResourceView, number>();
  snapshot.resources.forEach((r, i) => sourceOf.set(r, i));

  const index = new RelatedIndex(snapshot.resources);
  const known = options.knownTypes;
  const related: RelatedLookup = input.complete
    ? { knows: () => true, find: (q) => index.find(q) }
    : known !== undefined
      ? { knows: (t) => known.has(t.toLowerCase()), find: (q) => index.find(q) }
      : index;
  const surroundings = new Surroundings(snapshot);
  const records: ComplianceRecord[] = [];
  const policies = new Map<string, CompiledPolicy>();
  const recordDiagnostics: RecordDiagnosticOrigin[] = [];

  assignments.forEach((a, ai) => {
    a.members.forEach((m, mi) => {
      const types = m.types === undefined ? undefined : [...m.types];
      const candidates = types === undefined ? resources : types.flatMap((t) => byType.get(t) ?? []);
      const contextOf = surroundings.contextsFor(now, policyInfo(a, m));
      const options: EvaluateOptions = { related };
      policies.set(memberKey(a.id, m.referenceId, m.policy.effect.name), m.policy);
      for (const v of m.variants.values()) policies.set(memberKey(a.id, m.referenceId, v.effect.name), v);
      for (const view of candidates) {
        if (!a.inScope(view) || a.notScopes.some((n) => n(view)) || !resourceSelectorsMatch(a.doc.resourceSelectors, view)) continue;
        const override = a.doc.overrides.length === 0 ? undefined : overrideEffect(a.doc.overrides, view, m.referenceId);
        const policy = override === undefined ? m.policy : m.variants.get(override.toLowerCase()) ?? m.policy;
        options.context = contextOf(view);
        const result = evaluateResource(policy, view, options);
        if (result.complianceState === 'NotApplicable') continue;
        // Assigned key by key (no spreads): the same key order as the documented record shape, one allocation.
        const record = { resourceId: view.id, resourceType: view.type } as ComplianceRecord;
        if (view.location !== undefined && view.location !== '') record.resourceLocation = view.location;
        if (view.resourceGroup !== undefined) record.resourceGroup = view.resourceGroup;
        if (view.subscriptionId !== undefined) record.subscriptionId = view.subscriptionId;
        record.policyAssignmentId = a.id;
        if (a.name !== undefined) record.policyAssignmentName = a.name;
        record.policyAssignmentScope = a.doc.scope;
        record.policyDefinitionId = m.definitionId;
        if (m.definitionName !== undefined) record.policyDefinitionName = m.definitionName;
        if (m.displayName !== undefined) record.policyDefinitionDisplayName = m.displayName;
        if (a.setDefinitionId !== undefined) record.policySetDefinitionId = a.setDefinitionId;
        if (m.referenceId !== undefined) record.policyDefinitionReferenceId = m.referenceId;
        if (m.groupNames.length > 0) record.policyDefinitionGroupNames = m.groupNames;
        record.effect = result.effect;
        record.complianceState = result.complianceState;
        record.reasons = result.reasons;
        const exemption = a.exemptions.find(
          (x) => x.active && x.covers(view) && (x.referenceIds.size === 0 || (m.referenceId !== undefined && x.referenceIds.has(m.referenceId.toLowerCase()))) && resourceSelectorsMatch(x.doc.resourceSelectors, view),
        );
        if (exemption !== undefined) {
          // Exempt resources are still evaluated; the state reported is Exempt (exemption-structure.md).
          record.exemption = {
            id: exemption.doc.id ?? exemption.doc.scope,
            category: exemption.doc.exemptionCategory,
            ...(exemption.doc.expiresOn !== undefined ? { expiresOn: exemption.doc.expiresOn } : {}),
          };
          record.reasons = [{ kind: 'note', message: `Exempt (${exemption.doc.exemptionCategory}) by ${record.exemption.id}; the evaluation said ${result.complianceState}.` }, ...result.reasons];
          record.complianceState = 'Exempt';
        } else if (result.complianceState === 'NonCompliant') {
          const message = nonComplianceMessage(a.doc, m.referenceId);
          if (message !== undefined) record.nonComplianceMessage = message;
        }
        const at = sourceOf.get(view);
        const src = at === undefined ? undefined : snapshot.sources[at];
        if (src !== undefined && src.file !== undefined) {
          const source: SourceRef = { file: src.file, index: src.index };
          if (src.line !== undefined) source.line = src.line;
          if (src.column !== undefined) source.column = src.column;
          if (src.pointer !== undefined) source.pointer = src.pointer;
          record.source = source;
        }
        records.push(record);
        for (const d of result.diagnostics) {
          if (d.severity !== 'info' && !diagnostics.some((x) => x.code === d.code && x.message === d.message)) {
            diagnostics.push(d);
            recordDiagnostics.push({ diagnostic: d, assignment: ai, member: mi, typeRank: types === undefined ? 0 : types.indexOf(view.typeLower), view });
          }
        }
      }
    });
  });
  records.sort(compareRecords);

  // A shard's summary is recomputed after the merge: an empty one here.
  const summary: ComplianceSummary = options.summary === false ? summarize([], () => [], () => undefined) : summarizeInHierarchy(records, snapshot.hierarchy);
  const report: ComplianceReport = { evaluatedAt: now, results: records, summary, diagnostics: [...snapshot.diagnostics, ...diagnostics], scopes: scopeNodesOf(snapshot.hierarchy) };

  const assignmentsById = new Map(assignments.map((a) => [a.id.toLowerCase(), a]));
  CONTEXTS.set(report, {
    input,
    snapshot,
    related,
    policyFor: (r) => policies.get(memberKey(r.policyAssignmentId, r.policyDefinitionReferenceId, r.effect)),
    resourceFor: (r) => {
      const i = snapshot.byId.get(r.resourceId.toLowerCase());
      return i === undefined ? undefined : snapshot.resources[i];
    },
    assignmentFor: (r) => assignmentsById.get(r.policyAssignmentId.toLowerCase())?.doc,
    evaluationContextFor: (r) => {
      const i = snapshot.byId.get(r.resourceId.toLowerCase());
      const view = i === undefined ? undefined : snapshot.resources[i];
      const policy = { assignmentId: r.policyAssignmentId, definitionId: r.policyDefinitionId, setDefinitionId: r.policySetDefinitionId ?? '', definitionReferenceId: r.policyDefinitionReferenceId ?? '' };
      return view === undefined ? { now, policy } : surroundings.contextFor(view, now, policy);
    },
  });
  return { report, prepareDiagnostics, scopeCheck, recordDiagnostics };
}

type PrepareCompileOptions = Omit<CompileOptions, 'parameters' | 'pointer' | 'locate' | 'effectOverride'>;

function memberKey(assignmentId: string, referenceId: string | undefined, effect: string): string {
  return `${assignmentId.toLowerCase()}#${(referenceId ?? '').toLowerCase()}#${effect.toLowerCase()}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareRecords(x: ComplianceRecord, y: ComplianceRecord): number {
  return (
    cmp(x.policyAssignmentId.toLowerCase(), y.policyAssignmentId.toLowerCase()) ||
    cmp((x.policyDefinitionReferenceId ?? '').toLowerCase(), (y.policyDefinitionReferenceId ?? '').toLowerCase()) ||
    cmp(x.resourceId.toLowerCase(), y.resourceId.toLowerCase())
  );
}
