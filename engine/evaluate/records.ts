// The record loop of evaluate(): resources in report order (lower-cased id), each evaluated by the members whose type
// filter admits it. Every member appends to its own list, so each list comes out sorted by resource and the report
// is the lists concatenated in (assignment, reference id) order — no sort of the records, no per-record string work.
// A resource's records share one SourceRef; everything per member (record fields, messages, exemptions) is
// prepared once.
import type { Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ResourceView, SourceRef } from '../model/index.js';
import type { ResourceSource } from '../load/snapshot.js';
import type { PreparedAssignment, PreparedExemption, PreparedMember } from './assignments.js';
import { evaluateResource, type EvaluateOptions } from './resource.js';
import type { EvaluationContext } from './runtime.js';
import { overrideEffect, resourceSelectorsMatch } from './selectors.js';
import { compareIdsIgnoringCase } from '../scope/resource-id.js';
import { sortByIdIgnoringCase } from '../scope/id-order.js';

/** One member of one assignment, prepared for the loop. */
export interface MemberRun {
  readonly assignment: PreparedAssignment;
  readonly member: PreparedMember;
  /** Prepared-order indexes (diagnostics keep a single run's order by them). */
  readonly ai: number;
  readonly mi: number;
  readonly types: readonly string[] | undefined;
  readonly contextOf: (view: ResourceView) => EvaluationContext;
  /** The assignment's nonComplianceMessage for this member. */
  readonly message: string | undefined;
  /** Active exemptions of the assignment that cover this member (their scope and selectors are checked per resource). */
  readonly exemptions: readonly PreparedExemption[];
  readonly records: ComplianceRecord[];
  /** For each record, the resource's visit index (its slot in the roll-ups). */
  readonly slots: number[];
  /** Lower-cased (assignment id, reference id): the records' sort key above the resource. */
  readonly key: readonly [string, string];
  /** First occurrence of each record-level diagnostic: code + message → (type rank, snapshot position). */
  readonly diagnostics: Map<string, { diagnostic: Diagnostic; typeRank: number; position: number; view: ResourceView }>;
}

export interface MemberRunInput {
  assignment: PreparedAssignment;
  member: PreparedMember;
  ai: number;
  mi: number;
  contextOf: (view: ResourceView) => EvaluationContext;
  message: string | undefined;
}

export function memberRun(i: MemberRunInput): MemberRun {
  const ref = i.member.referenceId?.toLowerCase();
  return {
    ...i,
    types: i.member.types === undefined ? undefined : [...i.member.types],
    exemptions: i.assignment.exemptions.filter((x) => x.active && (x.referenceIds.size === 0 || (ref !== undefined && x.referenceIds.has(ref)))),
    records: [],
    slots: [],
    key: [i.assignment.id.toLowerCase(), ref ?? ''],
    diagnostics: new Map(),
  };
}

/** Positions of `views` in report order (by lower-cased id); already-ordered input (common for exports) is only checked. */
export function inIdOrder(views: readonly ResourceView[], positions: readonly number[]): readonly number[] {
  let sorted = true;
  for (let i = 1; i < positions.length && sorted; i++) sorted = compareIdsIgnoringCase(views[positions[i - 1]!]!.id, views[positions[i]!]!.id) <= 0;
  if (sorted) return positions;
  // Equal ids (ignoring case) keep their positions' order: the sort is stable.
  const out = [...positions];
  sortByIdIgnoringCase(out, (p) => views[p]!.id);
  return out;
}

export interface RecordLoopInput {
  runs: readonly MemberRun[];
  /** The snapshot's resources, and the positions of those to evaluate. */
  views: readonly ResourceView[];
  positions: readonly number[];
  sources: readonly (ResourceSource | undefined)[];
  options: EvaluateOptions;
}

/** The members' runs by resource type: what evaluates one resource, prepared once. */
export class RecordMaker {
  readonly #untyped: readonly MemberRun[];
  readonly #byType = new Map<string, MemberRun[]>();
  readonly #runsOf = new Map<string, readonly MemberRun[]>();
  constructor(
    runs: readonly MemberRun[],
    readonly options: EvaluateOptions,
  ) {
    this.#untyped = runs.filter((r) => r.types === undefined);
    // Each type's runs in prepared order (the order does not change the records, only their lists).
    for (const run of runs) {
      for (const t of run.types ?? []) {
        let list = this.#byType.get(t);
        if (list === undefined) this.#byType.set(t, (list = []));
        if (!list.includes(run)) list.push(run);
      }
    }
  }

  /** Some member may evaluate resources of this (lower-cased) type. */
  evaluates(typeLower: string): boolean {
    return this.#untyped.length > 0 || this.#byType.has(typeLower);
  }

  /**
   * The records of one resource, each handed to `emit` with its run (in the runs' prepared order); record-level
   * diagnostics are noted on the runs. `position` orders diagnostics as a single run reads the resources.
   */
  make(view: ResourceView, position: number, src: ResourceSource | undefined, emit: (record: ComplianceRecord, run: MemberRun) => void): void {
    let list = this.#runsOf.get(view.typeLower);
    if (list === undefined) this.#runsOf.set(view.typeLower, (list = [...(this.#byType.get(view.typeLower) ?? []), ...this.#untyped]));
    const options = this.options;
    let source: SourceRef | null | undefined;
    for (const run of list) {
      const a = run.assignment;
      if (!a.inScope(view) || a.notScopes.some((n) => n(view)) || !resourceSelectorsMatch(a.doc.resourceSelectors, view)) continue;
      const m = run.member;
      const override = a.doc.overrides.length === 0 ? undefined : overrideEffect(a.doc.overrides, view, m.referenceId);
      const policy = override === undefined ? m.policy : m.variants.get(override.toLowerCase()) ?? m.policy;
      options.context = run.contextOf(view);
      const result = evaluateResource(policy, view, options);
      if (result.complianceState === 'NotApplicable') continue;
      if (result.diagnostics.length > 0) noteDiagnostics(run, result.diagnostics, view, position);
      const exemption = run.exemptions.length === 0 ? undefined : run.exemptions.find((x) => x.covers(view) && resourceSelectorsMatch(x.doc.resourceSelectors, view));
      if (source === undefined) source = sourceRef(src);
      const record =
        exemption === undefined && source !== null && !(result.complianceState === 'NonCompliant' && run.message !== undefined) && hasEveryKey(view, run)
          ? // The common shape as one literal: every key in the object itself (keys added one by one spill into a
            // separate, repeatedly grown property array). Same keys, same order as below.
            ({
              resourceId: view.id,
              resourceType: view.type,
              resourceLocation: view.location,
              resourceGroup: view.resourceGroup,
              subscriptionId: view.subscriptionId,
              policyAssignmentId: a.id,
              policyAssignmentName: a.name,
              policyAssignmentScope: a.doc.scope,
              policyDefinitionId: m.definitionId,
              policyDefinitionName: m.definitionName,
              policyDefinitionDisplayName: m.displayName,
              policySetDefinitionId: a.setDefinitionId,
              policyDefinitionReferenceId: m.referenceId,
              policyDefinitionGroupNames: m.groupNames,
              effect: result.effect,
              complianceState: result.complianceState,
              reasons: result.reasons,
              source,
            } as ComplianceRecord)
          : recordKeyByKey(view, run, result, exemption, source);
      emit(record, run);
    }
  }
}

/** Every optional key of the common record shape has a value (the literal above may be used). */
function hasEveryKey(view: ResourceView, run: MemberRun): boolean {
  const a = run.assignment;
  const m = run.member;
  return (
    view.location !== undefined &&
    view.location !== '' &&
    view.resourceGroup !== undefined &&
    view.subscriptionId !== undefined &&
    a.name !== undefined &&
    m.definitionName !== undefined &&
    m.displayName !== undefined &&
    a.setDefinitionId !== undefined &&
    m.referenceId !== undefined &&
    m.groupNames.length > 0
  );
}

/** A record assigned key by key, in the documented record shape's key order: optional keys only when they have a value. */
function recordKeyByKey(
  view: ResourceView,
  run: MemberRun,
  result: ReturnType<typeof evaluateResource>,
  exemption: PreparedExemption | undefined,
  source: SourceRef | null,
): ComplianceRecord {
  const a = run.assignment;
  const m = run.member;
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
  if (exemption !== undefined) {
    // Exempt resources are still evaluated; the state reported is Exempt (exemption-structure.md).
    record.exemption = {
      id: exemption.doc.id ?? exemption.doc.scope,
      category: exemption.doc.exemptionCategory,
      ...(exemption.doc.expiresOn !== undefined ? { expiresOn: exemption.doc.expiresOn } : {}),
    };
    record.reasons = [{ kind: 'note', message: `Exempt (${exemption.doc.exemptionCategory}) by ${record.exemption.id}; the evaluation said ${result.complianceState}.` }, ...result.reasons];
    record.complianceState = 'Exempt';
  } else if (result.complianceState === 'NonCompliant' && run.message !== undefined) record.nonComplianceMessage = run.message;
  if (source !== null) record.source = source;
  return record;
}

/**
 * Evaluates every (member, resource) pair; records land in each run's `records`, diagnostics in its `diagnostics`.
 * Returns the ids of the resources visited, in report order (the roll-ups' resource order).
 */
export function runRecords({ runs, views, positions, sources, options }: RecordLoopInput): string[] {
  const maker = new RecordMaker(runs, options);
  const candidates = positions.filter((p) => maker.evaluates(views[p]!.typeLower));
  const visited: string[] = [];
  const emit = (record: ComplianceRecord, run: MemberRun): void => {
    run.records.push(record);
    run.slots.push(visited.length - 1);
  };
  for (const position of inIdOrder(views, candidates)) {
    const view = views[position]!;
    visited.push(view.id);
    maker.make(view, position, sources[position], emit);
  }
  return visited;
}

/**
 * The record's source, shared by all records of the resource; null when it was not read from a file. A snapshot
 * source with the same keys (no Resource Graph flag) is used as it is: one object per resource, not two.
 */
function sourceRef(src: ResourceSource | undefined): SourceRef | null {
  if (src === undefined || src.file === undefined) return null;
  if (src.resourceGraph === undefined) return src as SourceRef;
  const source: SourceRef = { file: src.file, index: src.index };
  if (src.line !== undefined) source.line = src.line;
  if (src.column !== undefined) source.column = src.column;
  if (src.pointer !== undefined) source.pointer = src.pointer;
  return source;
}

function noteDiagnostics(run: MemberRun, found: readonly Diagnostic[], view: ResourceView, position: number): void {
  const typeRank = run.types === undefined ? 0 : run.types.indexOf(view.typeLower);
  for (const d of found) {
    if (d.severity === 'info') continue;
    const key = `${d.code}\u0000${d.message}`;
    const seen = run.diagnostics.get(key);
    if (seen === undefined || typeRank < seen.typeRank || (typeRank === seen.typeRank && position < seen.position)) run.diagnostics.set(key, { diagnostic: d, typeRank, position, view });
  }
}

/** Records in report order with their resources' visit indexes (undefined when they had to be sorted). */
export interface OrderedRecords {
  records: ComplianceRecord[];
  slots: number[] | undefined;
}

/** The records of all runs in report order: (assignment id, reference id, resource id), each ignoring case. */
export function concatenateRecords(runs: readonly MemberRun[]): OrderedRecords {
  const ordered = [...runs].sort((x, y) => cmp(x.key[0], y.key[0]) || cmp(x.key[1], y.key[1]));
  const records: ComplianceRecord[] = [];
  const slots: number[] = [];
  for (const run of ordered) {
    for (const r of run.records) records.push(r);
    for (const s of run.slots) slots.push(s);
  }
  // Two runs with the same key (the same assignment given twice) interleave by resource: the general sort then.
  for (let i = 1; i < ordered.length; i++) {
    if (cmp(ordered[i - 1]!.key[0], ordered[i]!.key[0]) === 0 && cmp(ordered[i - 1]!.key[1], ordered[i]!.key[1]) === 0) sortRecords(records);
      return { records, slots: undefined };
  }
  return { records, slots };
}

/**
 * Record-level diagnostics in a single run's order: members in prepared order, within a member by the resource's
 * type rank and snapshot position; each (code, message) once, and not when already among `diagnostics`.
 */
export function orderedRecordDiagnostics(runs: readonly MemberRun[], diagnostics: Diagnostic[]): { diagnostic: Diagnostic; run: MemberRun; typeRank: number; position: number; view: ResourceView }[] {
  const out: { diagnostic: Diagnostic; run: MemberRun; typeRank: number; position: number; view: ResourceView }[] = [];
  for (const run of runs) {
    const found = [...run.diagnostics.values()].sort((x, y) => x.typeRank - y.typeRank || x.position - y.position);
    for (const f of found) {
      if (diagnostics.some((x) => x.code === f.diagnostic.code && x.message === f.diagnostic.message)) continue;
      diagnostics.push(f.diagnostic);
      out.push({ diagnostic: f.diagnostic, run, typeRank: f.typeRank, position: f.position, view: f.view });
    }
  }
  return out;
}

/**
 * Sorts records in place as `sort(compareRecords)` does (stably), in time for 10^6 records: grouped by member
 * (assignment and reference ids ignoring case, a handful of groups), each group sorted by resource id with
 * sortByIdIgnoringCase (which does not compare the prefix ids of one resource group share on every comparison).
 */
export function sortRecords(records: ComplianceRecord[]): void {
  const lowered = new Map<string, string>();
  const lower = (s: string): string => {
    let l = lowered.get(s);
    if (l === undefined) lowered.set(s, (l = s.toLowerCase()));
    return l;
  };
  const groups = new Map<string, Map<string, ComplianceRecord[]>>();
  for (const r of records) {
    const a = lower(r.policyAssignmentId);
    let byReference = groups.get(a);
    if (byReference === undefined) groups.set(a, (byReference = new Map()));
    const ref = lower(r.policyDefinitionReferenceId ?? '');
    const group = byReference.get(ref);
    if (group === undefined) byReference.set(ref, [r]);
    else group.push(r);
  }
  const ordered = [...groups.values()].flatMap((byReference) => [...byReference.values()]);
  ordered.sort((x, y) => compareRecords(x[0]!, y[0]!));
  let at = 0;
  for (const group of ordered) {
    sortByIdIgnoringCase(group, (r) => r.resourceId);
    for (const r of group) records[at++] = r;
  }
}

/**
 * Lists, each sorted by `compare`, merged into one sorted list (ties: the earlier list first). For parts of one
 * result made apart (shards): a handful of lists, so the next item is the least of their heads.
 */
export function mergeSorted<T>(lists: readonly (readonly T[])[], compare: (x: T, y: T) => number): T[] {
  const out: T[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < lists.length; k++) {
      if (at[k]! < lists[k]!.length && (best === -1 || compare(lists[k]![at[k]!]!, lists[best]![at[best]!]!) < 0)) best = k;
    }
    if (best === -1) return out;
    out.push(lists[best]![at[best]!++]!);
  }
}

/** A record as one NDJSON line: its JSON and a newline (the ndjson report format; evaluateBounded's onRecordLines). */
export function recordLine(record: ComplianceRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export function compareRecords(x: ComplianceRecord, y: ComplianceRecord): number {
  return (
    compareIdsIgnoringCase(x.policyAssignmentId, y.policyAssignmentId) ||
    compareIdsIgnoringCase(x.policyDefinitionReferenceId ?? '', y.policyDefinitionReferenceId ?? '') ||
    compareIdsIgnoringCase(x.resourceId, y.resourceId)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
