// The scan's remediation plan: which DeployIfNotExists assignments put the scanner on the Unhealthy machines, and the
// deployments they would run. The assignments are the estate's own when given; otherwise dine's default — 13ce0167
// at the root (identity, location, vaType) where Defender assessments decide, or the dine DINE definitions at the root
// where dine's policies decide (13ce0167 reads the assessments, which such a snapshot does not hold, so every record
// would be Unknown and nothing planned).
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceReport } from '../model/index.js';
import { evaluate, getEstateContext } from '../evaluate/estate.js';
import type { DocumentInput } from '../evaluate/documents.js';
import { buildDeployment, type Deployment, type RemediationError } from '../remediation/index.js';
import type { ScanInput } from './scan.js';
import type { DecisionSource, MachineResult, ScanRemediation, VaType } from './types.js';

const PROVISION_POLICY = '13ce0167-8ca6-4048-8e6b-f996402e3c1b';

/** The deployments and errors behind ScanReport.remediation. */
export interface ScanPlan {
  deployments: Deployment[];
  errors: RemediationError[];
}

function nameOf(input: DocumentInput): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const o = input as Record<string, unknown>;
  const d = (Object.hasOwn(o, 'document') && !Object.hasOwn(o, 'properties') ? o['document'] : o) as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null) return undefined;
  if (typeof d['name'] === 'string') return d['name'];
  return typeof d['id'] === 'string' ? d['id'].slice(d['id'].lastIndexOf('/') + 1) : undefined;
}

/** Every NonCompliant DeployIfNotExists record of the report → its deployment (or why there is none). */
function deploymentsOf(report: ComplianceReport): ScanPlan {
  const ctx = getEstateContext(report);
  const deployments: Deployment[] = [];
  const errors: RemediationError[] = [];
  if (ctx === undefined) return { deployments, errors };
  for (const record of report.results) {
    if (record.complianceState !== 'NonCompliant' || record.effect.toLowerCase() !== 'deployifnotexists') continue;
    const policy = ctx.policyFor(record);
    const resource = ctx.resourceFor(record);
    const assignment = ctx.assignmentFor(record);
    if (policy === undefined || resource === undefined || assignment === undefined) {
      errors.push({ resourceId: record.resourceId, policyAssignmentId: record.policyAssignmentId, code: 'remediate.invalid-option', message: 'the record cannot be traced back to its policy, resource and assignment' });
      continue;
    }
    const d = buildDeployment(record, policy, resource, assignment, ctx.evaluationContextFor(record));
    if ('error' in d) errors.push(d.error);
    else deployments.push(d);
  }
  deployments.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : a.id.toLowerCase() > b.id.toLowerCase() ? 1 : 0));
  return { deployments, errors };
}

export interface PlanScanInput {
  input: ScanInput;
  vaType: VaType;
  source: DecisionSource;
  /** The dine policies' evaluation (dine-policy source), reused as the default plan there. */
  dineReport: ComplianceReport | undefined;
  machines: MachineResult[];
  diagnostics: Diagnostic[];
}

export function planScanRemediation(p: PlanScanInput): { summary: ScanRemediation; plan: ScanPlan; evaluation: ComplianceReport | undefined } {
  const { input } = p;
  let evaluation: ComplianceReport | undefined;
  let basis: string;
  const own = input.assignments !== undefined && input.assignments.length > 0;
  if (own) {
    evaluation = evaluate({
      snapshot: input.snapshot,
      definitions: input.definitions ?? [],
      setDefinitions: input.setDefinitions ?? [],
      assignments: input.assignments!,
      exemptions: input.exemptions ?? [],
      now: input.now,
    });
    basis = `the estate's own assignments (${input.assignments!.length}), with its exemptions`;
  } else if (p.source === 'dine-policy') {
    evaluation = p.dineReport;
    basis = 'dine-va-deploy-vm and dine-va-deploy-arc assigned at the root with DeployIfNotExists (the snapshot has no Defender assessments for 13ce0167 to read)';
  } else {
    const provision = input.definitions?.find((d) => nameOf(d)?.toLowerCase() === PROVISION_POLICY);
    if (provision === undefined) {
      p.diagnostics.push(diagnostic('scan.remediation-definition-missing', { name: PROVISION_POLICY }));
      basis = `none: the definitions do not include ${PROVISION_POLICY}`;
    } else {
      const location = input.assignmentLocation ?? 'eastus';
      evaluation = evaluate({
        snapshot: input.snapshot,
        definitions: [provision],
        assignments: [
          {
            id: '/providers/Microsoft.Authorization/policyAssignments/dine-scan-provision-va',
            name: 'dine-scan-provision-va',
            location,
            identity: { type: 'SystemAssigned' },
            properties: {
              displayName: 'dine scan: configure machines to receive a vulnerability assessment provider',
              scope: '/',
              policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${PROVISION_POLICY}`,
              parameters: { effect: { value: 'DeployIfNotExists' }, vaType: { value: p.vaType } },
            },
          },
        ],
        exemptions: input.exemptions ?? [],
        now: input.now,
      });
      basis = `${PROVISION_POLICY} (Configure machines to receive a vulnerability assessment provider) assigned at the root with vaType ${p.vaType}, a system-assigned identity in ${location}`;
    }
  }
  for (const d of evaluation?.diagnostics ?? []) if (d.severity === 'error') p.diagnostics.push(d);

  const plan = evaluation === undefined ? { deployments: [], errors: [] } : deploymentsOf(evaluation);
  const machineIds = new Set(p.machines.map((m) => m.id.toLowerCase()));
  const inScope = plan.deployments.filter((d) => machineIds.has(d.resourceId.toLowerCase()));
  const byMachine = new Map<string, Deployment[]>();
  for (const d of inScope) {
    const k = d.resourceId.toLowerCase();
    byMachine.set(k, [...(byMachine.get(k) ?? []), d]);
  }
  const exempt = new Set((evaluation?.results ?? []).filter((r) => r.complianceState === 'Exempt' && r.effect.toLowerCase() === 'deployifnotexists').map((r) => r.resourceId.toLowerCase()));
  const beyond: string[] = [];
  for (const m of p.machines) {
    const ds = byMachine.get(m.id.toLowerCase()) ?? [];
    if (m.deploy !== undefined) {
      if (ds.length > 0) m.deploy.deploymentId = ds[0]!.id;
      else m.deploy.note = exempt.has(m.id.toLowerCase()) ? 'exempt from the DeployIfNotExists assignment: deploy it by hand or lift the exemption' : 'no DeployIfNotExists assignment in the plan deploys to this machine';
    } else if (ds.length > 0) beyond.push(m.id);
  }
  const summary: ScanRemediation = {
    assignments: own ? 'snapshot' : 'default',
    basis,
    deployments: inScope.map((d) => ({
      id: d.id,
      name: d.name,
      resourceId: d.resourceId,
      policyAssignmentId: d.policyAssignmentId,
      ...(d.policyDefinitionReferenceId !== undefined ? { policyDefinitionReferenceId: d.policyDefinitionReferenceId } : {}),
      creates: (d.expansion?.resources ?? []).map((r) => r.id),
    })),
    errors: plan.errors.filter((e) => e.resourceId === undefined || machineIds.has(e.resourceId.toLowerCase())).map((e) => ({ ...(e.resourceId !== undefined ? { resourceId: e.resourceId } : {}), code: e.code, message: e.message })),
    beyondUnhealthy: beyond,
  };
  return { summary, plan: { deployments: inScope, errors: plan.errors }, evaluation };
}
