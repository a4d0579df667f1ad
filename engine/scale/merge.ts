// mergeReports: compliance reports of shards (one per subscription or management group, run as separate jobs, or
// the worker shards of evaluateStream) → the report a single run over their union gives: records deduplicated by
// (assignment, reference, resource) and sorted as evaluate() sorts them, the hierarchy united, the summary recomputed.
import type { Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport, ScopeNode } from '../model/index.js';
import { sortRecords } from '../evaluate/estate.js';
import { hierarchyFromScopes, scopeNodesOf, summarizeInHierarchy } from '../evaluate/rollup.js';

function recordKey(r: ComplianceRecord): string {
  return `${r.policyAssignmentId.toLowerCase()}\u0000${(r.policyDefinitionReferenceId ?? '').toLowerCase()}\u0000${r.resourceId.toLowerCase()}`;
}

/** The united hierarchy of several reports' `scopes` (first statement of a node wins), sorted as evaluate() sorts it. */
export function mergeScopes(lists: readonly (readonly ScopeNode[])[]): ScopeNode[] {
  const seen = new Map<string, ScopeNode>();
  for (const list of lists) for (const s of list) if (!seen.has(s.id.toLowerCase())) seen.set(s.id.toLowerCase(), s);
  return scopeNodesOf(hierarchyFromScopes([...seen.values()]));
}

/**
 * Merges reports into one. Every report must have been evaluated at the same instant (`now`), else this throws.
 * Records: the first copy of an (assignment, reference, resource) wins (overlapping shards evaluate a resource
 * identically). Diagnostics: united without repeats, in order of first appearance (reports in the order given).
 * Reports without `scopes` (written by hand or by an older dine) contribute no hierarchy: their records still
 * count in the totals, per assignment and per policy, and in any scope another report knows.
 */
export function mergeReports(reports: readonly ComplianceReport[]): ComplianceReport {
  if (reports.length === 0) throw new Error('mergeReports: no reports to merge');
  const evaluatedAt = reports[0]!.evaluatedAt;
  const other = reports.find((r) => r.evaluatedAt !== evaluatedAt);
  if (other !== undefined) throw new Error(`mergeReports: the reports were evaluated at different instants (${evaluatedAt}, ${other.evaluatedAt}); run every shard with the same --now`);

  const records = new Map<string, ComplianceRecord>();
  for (const report of reports) for (const r of report.results) {
    const key = recordKey(r);
    if (!records.has(key)) records.set(key, r);
  }
  const results = [...records.values()];
  sortRecords(results);

  const diagnostics: Diagnostic[] = [];
  const seenDiagnostics = new Set<string>();
  for (const report of reports) for (const d of report.diagnostics) {
    const key = JSON.stringify(d);
    if (seenDiagnostics.has(key)) continue;
    seenDiagnostics.add(key);
    diagnostics.push(d);
  }

  const scopes = mergeScopes(reports.map((r) => r.scopes ?? []));
  const summary = summarizeInHierarchy(results, hierarchyFromScopes(scopes));
  return { evaluatedAt, results, summary, diagnostics, scopes };
}
