// planRemediation: the remediation tasks Azure would run for an evaluated estate (digest §11): one task per
// assignment (per definition reference for initiatives) with Azure's settings, the DINE deployment of each
// selected NonCompliant resource, and the batches of parallelDeployments the task would run them in.
// Sources: MicrosoftDocs/azure-docs articles/governance/policy/concepts/remediation-structure.md,
// how-to/remediate-resources.md; digest §11.1, §15.
import jsonLogic from 'json-logic-js';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport } from '../model/index.js';
import { getEstateContext, type EstateContext } from '../evaluate/estate.js';
import { armGuid } from '../functions/arm-hash.js';
import { isObject } from '../functions/values.js';
import { isUnderScope } from '../scope/index.js';
import { buildDeployment } from './deployment.js';
import type { Deployment, RemediationError } from './types.js';

export type ResourceDiscoveryMode = 'ExistingNonCompliant' | 'ReEvaluateCompliance';

export interface RemediationOptions {
  /** Where records come from (default: getEstateContext(report), set by evaluate()). */
  estate?: EstateContext;
  /** Default ExistingNonCompliant. Offline both select the report's NonCompliant records (digest §11.1). */
  resourceDiscoveryMode?: ResourceDiscoveryMode;
  /** filters.locations: only resources in these locations (normalised: case and spaces ignored). */
  locations?: string[];
  /** Resources per task: default 500, at most 50 000. */
  resourceCount?: number;
  /** Deployments at once: 1–30, default 10. */
  parallelDeployments?: number;
  /** failureThreshold.percentage: 0–1, or 0–100 (then divided by 100, digest §15 A-11). Default 1 (never stop). */
  failureThreshold?: number;
  /** Only these resources (ids, case-insensitive). */
  resourceIds?: string[];
  /** Only resources at or below this scope. */
  scope?: string;
  /** Only these assignments (ids, case-insensitive). */
  assignmentIds?: string[];
  /** Only these initiative members. */
  policyDefinitionReferenceIds?: string[];
  /**
   * A JSON Logic rule over the raw resource plus { complianceState, effect, policyDefinitionReferenceId }; truthy
   * selects. Evaluated with json-logic-js's built-in operations only ("method", which calls methods of the data, is refused).
   */
  filter?: unknown;
}

export interface RemediationTask {
  /** Deterministic remediation name: guid(assignmentId, referenceId ?? '', 'remediation'). */
  name: string;
  /** {assignment scope}/providers/Microsoft.PolicyInsights/remediations/{name}. */
  id: string;
  policyAssignmentId: string;
  policyDefinitionReferenceId?: string;
  policyDefinitionId: string;
  resourceDiscoveryMode: ResourceDiscoveryMode;
  filters: { locations?: string[] };
  resourceCount: number;
  parallelDeployments: number;
  failureThreshold: { percentage: number };
  /** Selected NonCompliant resources (before resourceCount). */
  selected: number;
  /** Deployment ids in the order the task runs them, and the batches of parallelDeployments. */
  deployments: string[];
  batches: string[][];
  /** Resources beyond resourceCount: Azure leaves them for another task. */
  overLimit: string[];
  /** Resources of this task whose deployment could not be built. */
  errors: number;
}

export interface RemediationPlan {
  tasks: RemediationTask[];
  deployments: Deployment[];
  errors: RemediationError[];
}

export const REMEDIATION_DEFAULTS = Object.freeze({ resourceCount: 500, maxResourceCount: 50000, parallelDeployments: 10, maxParallelDeployments: 30, failureThreshold: 1 });

const FORBIDDEN_OPERATIONS = new Set(['method']);
const MAX_FILTER_DEPTH = 64;

/** Azure's location normalisation: case and spaces ignored ("West Europe" = "westeurope"). */
export function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

function optionError(reason: string): Diagnostic {
  return diagnostic('remediate.invalid-option', { reason });
}

function checkFilter(filter: unknown): string | undefined {
  const stack: { v: unknown; depth: number }[] = [{ v: filter, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (depth > MAX_FILTER_DEPTH) return `nested more than ${MAX_FILTER_DEPTH} levels deep`;
    if (Array.isArray(v)) for (const x of v) stack.push({ v: x, depth: depth + 1 });
    else if (isObject(v)) {
      for (const k of Object.keys(v)) {
        if (FORBIDDEN_OPERATIONS.has(k)) return `the "${k}" operation is not allowed`;
        stack.push({ v: v[k], depth: depth + 1 });
      }
    }
  }
  try {
    jsonLogic.apply(filter as jsonLogic.RulesLogic, {});
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return undefined;
}

function validate(options: RemediationOptions): { diagnostics: Diagnostic[]; resourceCount: number; parallel: number; threshold: number } {
  const diagnostics: Diagnostic[] = [];
  const resourceCount = options.resourceCount ?? REMEDIATION_DEFAULTS.resourceCount;
  if (!Number.isInteger(resourceCount) || resourceCount < 1 || resourceCount > REMEDIATION_DEFAULTS.maxResourceCount) {
    diagnostics.push(optionError(`resourceCount must be an integer from 1 to ${REMEDIATION_DEFAULTS.maxResourceCount}, got ${String(options.resourceCount)}`));
  }
  const parallel = options.parallelDeployments ?? REMEDIATION_DEFAULTS.parallelDeployments;
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > REMEDIATION_DEFAULTS.maxParallelDeployments) {
    diagnostics.push(optionError(`parallelDeployments must be an integer from 1 to ${REMEDIATION_DEFAULTS.maxParallelDeployments}, got ${String(options.parallelDeployments)}`));
  }
  let threshold = options.failureThreshold ?? REMEDIATION_DEFAULTS.failureThreshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    diagnostics.push(optionError(`failureThreshold must be a fraction 0–1 or a percentage 0–100, got ${String(options.failureThreshold)}`));
  } else if (threshold > 1) threshold = threshold / 100;
  const mode = options.resourceDiscoveryMode ?? 'ExistingNonCompliant';
  if (mode !== 'ExistingNonCompliant' && mode !== 'ReEvaluateCompliance') diagnostics.push(optionError(`resourceDiscoveryMode must be ExistingNonCompliant or ReEvaluateCompliance, got ${String(mode)}`));
  if (options.locations !== undefined && (!Array.isArray(options.locations) || options.locations.some((l) => typeof l !== 'string' || l.trim() === ''))) {
    diagnostics.push(optionError('filters.locations must be a list of location names'));
  }
  if (options.filter !== undefined) {
    const fault = checkFilter(options.filter);
    if (fault !== undefined) diagnostics.push(diagnostic('remediate.invalid-filter', { reason: fault }));
  }
  return { diagnostics, resourceCount, parallel, threshold };
}

function key(record: ComplianceRecord): string {
  return `${record.policyAssignmentId.toLowerCase()}\u0000${(record.policyDefinitionReferenceId ?? '').toLowerCase()}`;
}

function compareRecords(a: ComplianceRecord, b: ComplianceRecord): number {
  const ka = key(a);
  const kb = key(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  const ra = a.resourceId.toLowerCase();
  const rb = b.resourceId.toLowerCase();
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** The remediation plan for the NonCompliant deployIfNotExists records of an evaluated report. */
export function planRemediation(report: ComplianceReport, options: RemediationOptions = {}): RemediationPlan {
  const plan: RemediationPlan = { tasks: [], deployments: [], errors: [] };
  const v = validate(options);
  if (v.diagnostics.length > 0) {
    for (const d of v.diagnostics) plan.errors.push({ code: d.code, message: d.message, diagnostics: [d] });
    return plan;
  }
  const estate = options.estate ?? getEstateContext(report);
  if (estate === undefined) {
    plan.errors.push({ code: 'remediate.invalid-option', message: 'the report does not come from evaluate() in this process, so its policies and resources are not known' });
    return plan;
  }
  const ids = options.resourceIds === undefined ? undefined : new Set(options.resourceIds.map((r) => r.toLowerCase()));
  const assignments = options.assignmentIds === undefined ? undefined : new Set(options.assignmentIds.map((r) => r.toLowerCase()));
  const refs = options.policyDefinitionReferenceIds === undefined ? undefined : new Set(options.policyDefinitionReferenceIds.map((r) => r.toLowerCase()));
  const locations = options.locations === undefined ? undefined : [...new Set(options.locations.map(normalizeLocation))].sort();
  const mode = options.resourceDiscoveryMode ?? 'ExistingNonCompliant';

  const selected = report.results
    .filter((r) => r.complianceState === 'NonCompliant' && r.effect.toLowerCase() === 'deployifnotexists')
    .filter((r) => ids === undefined || ids.has(r.resourceId.toLowerCase()))
    .filter((r) => assignments === undefined || assignments.has(r.policyAssignmentId.toLowerCase()))
    .filter((r) => refs === undefined || (r.policyDefinitionReferenceId !== undefined && refs.has(r.policyDefinitionReferenceId.toLowerCase())))
    .filter((r) => options.scope === undefined || isUnderScope(r.resourceId, options.scope))
    .filter((r) => locations === undefined || (r.resourceLocation !== undefined && locations.includes(normalizeLocation(r.resourceLocation))))
    .sort(compareRecords);

  const groups = new Map<string, ComplianceRecord[]>();
  for (const record of selected) {
    if (options.filter !== undefined) {
      const resource = estate.resourceFor(record);
      const data = {
        ...(resource?.raw ?? {}),
        complianceState: record.complianceState,
        effect: record.effect,
        policyDefinitionReferenceId: record.policyDefinitionReferenceId ?? null,
      };
      let hit: unknown;
      try {
        hit = jsonLogic.apply(options.filter as jsonLogic.RulesLogic, data);
      } catch (e) {
        plan.errors.push({ resourceId: record.resourceId, code: 'remediate.invalid-filter', message: `the filter failed on ${record.resourceId}: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      if (!jsonLogic.truthy(hit)) continue;
    }
    const k = key(record);
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = []));
    g.push(record);
  }

  for (const records of groups.values()) {
    const first = records[0]!;
    const assignment = estate.assignmentFor(first);
    const name = armGuid([first.policyAssignmentId, first.policyDefinitionReferenceId ?? '', 'remediation']);
    const scope = assignment?.scope ?? first.policyAssignmentScope;
    const task: RemediationTask = {
      name,
      id: `${scope === '/' ? '' : scope}/providers/Microsoft.PolicyInsights/remediations/${name}`,
      policyAssignmentId: first.policyAssignmentId,
      ...(first.policyDefinitionReferenceId !== undefined ? { policyDefinitionReferenceId: first.policyDefinitionReferenceId } : {}),
      policyDefinitionId: first.policyDefinitionId,
      resourceDiscoveryMode: mode,
      filters: locations === undefined ? {} : { locations },
      resourceCount: v.resourceCount,
      parallelDeployments: v.parallel,
      failureThreshold: { percentage: v.threshold },
      selected: records.length,
      deployments: [],
      batches: [],
      overLimit: records.slice(v.resourceCount).map((r) => r.resourceId),
      errors: 0,
    };
    for (const record of records.slice(0, v.resourceCount)) {
      const policy = estate.policyFor(record);
      const resource = estate.resourceFor(record);
      const assignmentDoc = estate.assignmentFor(record);
      if (policy === undefined || resource === undefined || assignmentDoc === undefined) {
        plan.errors.push({ resourceId: record.resourceId, policyAssignmentId: record.policyAssignmentId, code: 'remediate.invalid-option', message: 'the policy, resource or assignment of this record is not known to the estate' });
        task.errors++;
        continue;
      }
      const built = buildDeployment(record, policy, resource, assignmentDoc, estate.evaluationContextFor(record));
      if ('error' in built) {
        plan.errors.push(built.error);
        task.errors++;
        continue;
      }
      plan.deployments.push(built);
      task.deployments.push(built.id);
    }
    for (let i = 0; i < task.deployments.length; i += v.parallel) task.batches.push(task.deployments.slice(i, i + v.parallel));
    plan.tasks.push(task);
  }
  return plan;
}
