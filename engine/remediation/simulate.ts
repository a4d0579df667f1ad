// simulate: what the estate would look like after a remediation plan ran. The resources each deployment would
// create (its static expansion, in ARM GET shape) are added to a copy of the snapshot and the estate is evaluated
// again; each remediated (assignment, member, resource) then either became Compliant or did not, and why
// (digest §13.2 step 7, §15 A-14: the vulnerability-assessment DINE reads Defender's assessment, not the
// resource it deploys, so it does not converge by itself).
import type { ComplianceRecord, ComplianceReport, RawResource } from '../model/index.js';
import type { Snapshot } from '../load/snapshot.js';
import { evaluate, getEstateContext, type EvaluateInput } from '../evaluate/estate.js';
import { isDiagnostic, toResourceView, type ScopedResourceView } from '../scope/index.js';
import type { RemediationPlan } from './plan.js';
import type { Deployment, ExpandedResource } from './types.js';

export interface SimulationOutcome {
  resourceId: string;
  policyAssignmentId: string;
  policyDefinitionReferenceId?: string;
  deploymentId: string;
  /** State after the simulated remediation (undefined when the record no longer exists). */
  complianceState: string | undefined;
  reason: string;
}

export interface SimulationResult {
  report: ComplianceReport;
  /** Remediated resources that became Compliant. */
  converged: SimulationOutcome[];
  /** Remediated resources that did not, with the reason. */
  remaining: SimulationOutcome[];
  /** Ids of the resources added to (or replaced in) the snapshot. */
  added: string[];
}

/** The ARM GET shape of an expanded resource (name: last id segment, as ARM returns it). */
export function toArmResource(r: ExpandedResource): RawResource {
  const name = r.id.split('/').slice(-1)[0]!;
  return {
    ...(r.extra ?? {}),
    id: r.id,
    name,
    type: r.type,
    ...(r.location !== undefined ? { location: r.location } : {}),
    ...(r.apiVersion !== undefined ? { apiVersion: r.apiVersion } : {}),
    properties: r.properties ?? {},
  };
}

function memberKey(assignmentId: string, referenceId: string | undefined, resourceId: string): string {
  return `${assignmentId.toLowerCase()}#${(referenceId ?? '').toLowerCase()}#${resourceId.toLowerCase()}`;
}

/** details.type of the record's policy when it is a constant (it nearly always is). */
function detailsTypeOf(report: ComplianceReport, record: ComplianceRecord): string | undefined {
  const t = getEstateContext(report)?.policyFor(record)?.details?.type;
  return t?.constant === true && typeof t.value === 'string' ? t.value : undefined;
}

function why(report: ComplianceReport, record: ComplianceRecord | undefined, d: Deployment): string {
  if (record === undefined) return 'After the deployment the resource no longer has a record for this assignment.';
  const created = new Set((d.expansion?.resources ?? []).map((r) => r.type.toLowerCase()));
  const reasonText = record.reasons.map((r) => r.message).join(' ');
  const checked = detailsTypeOf(report, record);
  if (checked !== undefined && !created.has(checked.toLowerCase())) {
    // 13ce0167 and its kin: the existence check reads Defender for Cloud's assessment, not the deployed scanner.
    if (checked.toLowerCase() === 'microsoft.security/assessments') {
      return `The existence check reads Defender for Cloud's assessment (${checked}), not the deployed ${[...created].join(', ') || 'resources'}: compliance follows Defender for Cloud's next assessment, which an offline simulation cannot produce (digest §13.2 step 7, §15 A-14).`;
    }
    return `The existence check reads ${checked}, which the deployment does not create (it creates ${[...created].join(', ') || 'nothing'}): compliance follows whatever service writes ${checked}.`;
  }
  const symbolic = (d.expansion?.resources ?? []).some((r) => r.symbolic);
  return `Still ${record.complianceState} after the deployment: ${reasonText || 'no reason given'}${symbolic ? ' (some deployed values depend on runtime state and are kept symbolic, so the existence condition may read placeholders)' : ''}`;
}

/**
 * Adds the resources each deployment of `plan` would create to a copy of `snapshot`, evaluates `evaluateInput`
 * again on it, and says per remediated resource whether it converged (became Compliant) and why not.
 */
export function simulate(snapshot: Snapshot, plan: RemediationPlan, evaluateInput: EvaluateInput): SimulationResult {
  const resources: ScopedResourceView[] = [...snapshot.resources];
  const sources = [...snapshot.sources];
  const byId = new Map(snapshot.byId);
  const diagnostics = [...snapshot.diagnostics];
  const added: string[] = [];
  plan.deployments.forEach((d) => {
    (d.expansion?.resources ?? []).forEach((r, ri) => {
      // The deployment objects themselves are bookkeeping, not resources policies evaluate.
      if (r.type.toLowerCase() === 'microsoft.resources/deployments') return;
      const view = toResourceView(toArmResource(r));
      if (isDiagnostic(view)) {
        diagnostics.push(view);
        return;
      }
      const key = view.id.toLowerCase();
      const source = { file: `simulated:${d.id}`, index: ri, pointer: r.pointer };
      const at = byId.get(key);
      if (at !== undefined) {
        resources[at] = view; // an ARM PUT replaces the resource
        sources[at] = source;
      } else {
        byId.set(key, resources.length);
        resources.push(view);
        sources.push(source);
      }
      added.push(view.id);
    });
  });
  const next: Snapshot = { ...snapshot, resources, sources, byId, diagnostics };
  const report = evaluate({ ...evaluateInput, snapshot: next });
  const index = new Map<string, ComplianceRecord>();
  for (const r of report.results) index.set(memberKey(r.policyAssignmentId, r.policyDefinitionReferenceId, r.resourceId), r);
  const converged: SimulationOutcome[] = [];
  const remaining: SimulationOutcome[] = [];
  for (const d of plan.deployments) {
    const record = index.get(memberKey(d.policyAssignmentId, d.policyDefinitionReferenceId, d.resourceId));
    const base = {
      resourceId: d.resourceId,
      policyAssignmentId: d.policyAssignmentId,
      ...(d.policyDefinitionReferenceId !== undefined ? { policyDefinitionReferenceId: d.policyDefinitionReferenceId } : {}),
      deploymentId: d.id,
      complianceState: record?.complianceState,
    };
    if (record?.complianceState === 'Compliant') {
      converged.push({ ...base, reason: record.reasons.map((r) => r.message).join(' ') || 'Compliant after the deployment' });
    } else remaining.push({ ...base, reason: why(report, record, d) });
  }
  return { report, converged, remaining, added: [...new Set(added)].sort() };
}
