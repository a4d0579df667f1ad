// Shared wording of the reporters: how a record, a reason, a state and a percentage read, and which
// records count as findings. No I/O; every function is deterministic.
import { getMember } from '../parse/keywords.js';
import type { ComplianceRecord, ComplianceReport, ComplianceState, Reason, RollUp, StateCounts } from '../model/index.js';

/** What a state means to a pipeline: a failed check, a check that could not run, a skipped one, a pass. */
export type Outcome = 'failure' | 'error' | 'skipped' | 'passed';

export const STATE_OUTCOME: Readonly<Record<ComplianceState, Outcome>> = Object.freeze({
  NonCompliant: 'failure',
  Error: 'error',
  Conflict: 'error',
  Exempt: 'skipped',
  NotApplicable: 'skipped',
  Unknown: 'skipped',
  Compliant: 'passed',
  Protected: 'passed',
});

/** States in the order reports list their counts. */
export const STATE_ORDER: readonly ComplianceState[] = Object.freeze([
  'NonCompliant', 'Error', 'Conflict', 'Compliant', 'Exempt', 'Protected', 'Unknown', 'NotApplicable',
] as ComplianceState[]);

/** NonCompliant, Error and Conflict records: what a reader has to act on. */
export function isFinding(r: ComplianceRecord): boolean {
  const o = STATE_OUTCOME[r.complianceState];
  return o === 'failure' || o === 'error';
}

/** What the reporters know about a definition beyond the record (SARIF rule text, display names). */
export interface DefinitionInfo {
  id: string;
  name?: string;
  displayName?: string;
  description?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Id, name, displayName and description of raw definition documents (with or without the `properties`
 * envelope; keys case-insensitive). Documents without an id or a name are left out.
 */
export function describeDefinitions(documents: readonly unknown[]): DefinitionInfo[] {
  const out: DefinitionInfo[] = [];
  for (const doc of documents) {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) continue;
    const env = getMember(doc, 'properties')?.value;
    const props = typeof env === 'object' && env !== null && !Array.isArray(env) ? env : doc;
    const name = str(getMember(doc, 'name')?.value);
    const id = str(getMember(doc, 'id')?.value) ?? (name !== undefined ? `/providers/Microsoft.Authorization/policyDefinitions/${name}` : undefined);
    if (id === undefined) continue;
    const info: DefinitionInfo = { id };
    if (name !== undefined) info.name = name;
    const displayName = str(getMember(props, 'displayName')?.value);
    if (displayName !== undefined) info.displayName = displayName;
    const description = str(getMember(props, 'description')?.value);
    if (description !== undefined) info.description = description;
    out.push(info);
  }
  return out;
}

/** Lower-case id → info (the first one given wins). */
export function indexDefinitions(infos: readonly DefinitionInfo[] | undefined): Map<string, DefinitionInfo> {
  const m = new Map<string, DefinitionInfo>();
  for (const i of infos ?? []) if (!m.has(i.id.toLowerCase())) m.set(i.id.toLowerCase(), i);
  return m;
}

/** Last segment of an id ('vm-app-01' for …/virtualMachines/vm-app-01). */
export function lastSegment(id: string): string {
  const trimmed = id.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i === -1 ? trimmed : trimmed.slice(i + 1);
}

/** The resource as a reader names it: 'rg/name' (or the name alone above resource groups). */
export function resourceLabel(r: ComplianceRecord): string {
  const name = lastSegment(r.resourceId);
  return r.resourceGroup !== undefined && r.resourceGroup.toLowerCase() !== name.toLowerCase() ? `${r.resourceGroup}/${name}` : name;
}

/** The policy as a reader names it: the initiative member's reference id, else the definition's display name or name. */
export function policyLabel(r: ComplianceRecord): string {
  return r.policyDefinitionReferenceId ?? r.policyDefinitionDisplayName ?? r.policyDefinitionName ?? lastSegment(r.policyDefinitionId);
}

/** A JSON value in a sentence: compact, at most `max` characters. */
export function formatValue(v: unknown, max = 80): string {
  let s: string;
  try {
    s = v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * One reason as a sentence: Azure's reason text, then what was compared. `field 'location': "eastus",
 * target ["westeurope"]`; a missing value reads `(missing)`.
 */
export function describeReason(reason: Reason): string {
  const parts: string[] = [];
  if (reason.expression !== undefined) {
    const kind = reason.expressionKind === undefined ? 'expression' : reason.expressionKind.toLowerCase();
    const value = Object.hasOwn(reason, 'expressionValue') ? formatValue(reason.expressionValue) : '(missing)';
    let s = `${kind} '${reason.expression}': ${value}`;
    if (Object.hasOwn(reason, 'targetValue')) s += `, ${reason.operator !== undefined ? `${reason.operator} ` : 'target '}${formatValue(reason.targetValue)}`;
    parts.push(s);
  }
  if (reason.ifNotExistsDetails !== undefined) {
    parts.push(`${reason.ifNotExistsDetails.totalResources} related resource${reason.ifNotExistsDetails.totalResources === 1 ? '' : 's'} considered`);
  }
  const message = reason.message.replace(/\s+/g, ' ').trim();
  return parts.length === 0 ? message : `${message} (${parts.join('; ')})`;
}

/** The sentence that best says why a record is in its state. */
export function firstReason(r: ComplianceRecord): string {
  const first = r.reasons[0];
  if (first !== undefined) return describeReason(first);
  if (r.complianceState === 'Exempt' && r.exemption !== undefined) return `Exempt (${r.exemption.category}) by ${r.exemption.id}`;
  if (r.nonComplianceMessage !== undefined) return r.nonComplianceMessage;
  return `The resource is ${r.complianceState} for policy ${policyLabel(r)} (effect ${r.effect}).`;
}

/** 57.14% — or '—' when nothing counts. */
export function formatPercent(p: number | undefined): string {
  return p === undefined ? '—' : `${p.toFixed(2)}%`;
}

/** Counts in STATE_ORDER: 'NonCompliant 3, Compliant 5'. */
export function formatCounts(c: StateCounts): string {
  const parts = STATE_ORDER.filter((s) => (c[s] ?? 0) > 0).map((s) => `${s} ${c[s]}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Total of a StateCounts. */
export function countAll(c: StateCounts): number {
  let n = 0;
  for (const s of STATE_ORDER) n += c[s] ?? 0;
  return n;
}

export interface AssignmentGroup {
  id: string;
  /** The roll-up of the assignment, when the summary has one. */
  rollUp: RollUp | undefined;
  label: string;
  records: ComplianceRecord[];
}

/**
 * Records grouped by assignment, groups in the summary's (id) order, then any assignment the summary does
 * not list in first-seen order; records keep report order. `filter` picks the records (all by default).
 */
export function groupByAssignment(report: ComplianceReport, filter: (r: ComplianceRecord) => boolean = () => true): AssignmentGroup[] {
  const groups = new Map<string, AssignmentGroup>();
  for (const a of report.summary.assignments) {
    groups.set(a.id.toLowerCase(), { id: a.id, rollUp: a, label: a.displayName ?? lastSegment(a.id), records: [] });
  }
  for (const r of report.results) {
    if (!filter(r)) continue;
    const key = r.policyAssignmentId.toLowerCase();
    let g = groups.get(key);
    if (g === undefined) {
      g = { id: r.policyAssignmentId, rollUp: undefined, label: r.policyAssignmentName ?? lastSegment(r.policyAssignmentId), records: [] };
      groups.set(key, g);
    }
    g.records.push(r);
  }
  return [...groups.values()];
}
