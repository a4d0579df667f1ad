// mergeReports: compliance reports of shards (one per subscription or management group, run as separate jobs, or
// the worker shards of evaluateStream) → the report a single run over their union gives: records deduplicated by
// (assignment, reference, resource) and sorted as evaluate() sorts them, the hierarchy united, the summary recomputed.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport, ScopeNode } from '../model/index.js';
import { sortRecords } from '../evaluate/estate.js';
import { hierarchyFromScopes, scopeNodesOf, summarizeInHierarchy } from '../evaluate/rollup.js';
import { compareKeys, compareNumbers, type KeyedDiagnostic } from './snapshot.js';

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

// ── worker shards of one run (evaluateStream, evaluateBounded) ─────────────────────────────

/** Two diagnostics that say the same thing (shards repeat what every shard reads). */
export function sameDiagnostic(x: Diagnostic, y: Diagnostic): boolean {
  return x.code === y.code && x.message === y.message;
}

/** The shards' load diagnostics in a single run's reading order; a line every shard reads reports once. */
export function mergeLoadDiagnostics(lists: readonly (readonly KeyedDiagnostic[])[]): Diagnostic[] {
  const all = lists.flat().sort((x, y) => compareKeys(x.key, y.key));
  const out: Diagnostic[] = [];
  let last: KeyedDiagnostic | undefined;
  for (const k of all) {
    // Lines every shard reads (containers, lines that are not one resource) report once.
    if (last !== undefined && compareKeys(last.key, k.key) === 0 && sameDiagnostic(last.diagnostic, k.diagnostic)) continue;
    out.push(k.diagnostic);
    last = k;
  }
  return out;
}

/** What a shard tells the merge about an evaluation scope and its records' diagnostics. */
export interface ShardDiagnostics {
  scopeCheck: { known: boolean; inScope: number } | undefined;
  /** [assignment, member, type rank, ...where the resource was read] → diagnostic. */
  recordDiagnostics: readonly { key: number[]; diagnostic: Diagnostic }[];
}

/**
 * After the assignment layer's diagnostics (`own`), what a single run adds: an evaluation scope that no shard knows
 * and under which none evaluated anything, then each record diagnostic once, in the single run's order.
 */
export function addShardDiagnostics(own: Diagnostic[], scope: string | undefined, shards: readonly ShardDiagnostics[]): void {
  if (scope !== undefined) {
    const known = shards.some((s) => s.scopeCheck?.known === true);
    const inScope = shards.reduce((n, s) => n + (s.scopeCheck?.inScope ?? 0), 0);
    if (!known && inScope === 0) own.push(diagnostic('assign.unknown-scope', { scope }));
  }
  const recordDiagnostics = shards.flatMap((s) => s.recordDiagnostics).sort((x, y) => compareNumbers(x.key, y.key));
  for (const { diagnostic: d } of recordDiagnostics) if (!own.some((x) => sameDiagnostic(x, d))) own.push(d);
}
