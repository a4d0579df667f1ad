// The scan's remediation plan: which DeployIfNotExists assignments put the scanner on the Unhealthy machines, and the
// deployments they would run. The assignments are the estate's own when given; otherwise dine's default — 13ce0167
// at the root (identity, location, vaType) where Defender assessments decide, or the dine DINE definitions at the root
// where dine's policies decide (13ce0167 reads the assessments, which such a snapshot does not hold, so every record
// would be Unknown and nothing planned).
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceReport } from '../model/index.js';
import { evaluate, type EvaluateInput } from '../evaluate/estate.js';
import type { DocumentInput } from '../evaluate/documents.js';
import { planRemediation, writeRemediationOutputs, type Deployment, type RemediationPlan } from '../remediation/index.js';
import type { ScanInput } from './scan.js';
import type { DecisionSource, MachineResult, ScanRemediation, VaType } from './types.js';

const PROVISION_POLICY = '13ce0167-8ca6-4048-8e6b-f996402e3c1b';

/** The remediation plan behind ScanReport.remediation (planRemediation's, limited to the scanned machines). */
export type ScanPlan = RemediationPlan;

function nameOf(input: DocumentInput): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const o = input as Record<string, unknown>;
  const d = (Object.hasOwn(o, 'document') && !Object.hasOwn(o, 'properties') ? o['document'] : o) as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null) return undefined;
  if (typeof d['name'] === 'string') return d['name'];
  return typeof d['id'] === 'string' ? d['id'].slice(d['id'].lastIndexOf('/') + 1) : undefined;
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

/** The evaluation of the estate's own assignments (the plan is theirs when it has some). */
export function ownEvaluation(input: Omit<ScanInput, 'snapshot'>): Omit<EvaluateInput, 'snapshot'> {
  return {
    definitions: input.definitions ?? [],
    setDefinitions: input.setDefinitions ?? [],
    assignments: input.assignments ?? [],
    exemptions: input.exemptions ?? [],
    now: input.now,
  };
}

/** 13ce0167 assigned at the root with DeployIfNotExists: the default plan when the snapshot has Defender assessments. */
export function provisionEvaluation(input: Omit<ScanInput, 'snapshot'>, provision: DocumentInput, vaType: VaType): Omit<EvaluateInput, 'snapshot'> {
  const location = input.assignmentLocation ?? 'eastus';
  return {
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
          parameters: { effect: { value: 'DeployIfNotExists' }, vaType: { value: vaType } },
        },
      },
    ],
    exemptions: input.exemptions ?? [],
    now: input.now,
  };
}

/** The 13ce0167 definition among the inputs, if any. */
export function provisionDefinition(input: Omit<ScanInput, 'snapshot'>): DocumentInput | undefined {
  return input.definitions?.find((d) => nameOf(d)?.toLowerCase() === PROVISION_POLICY);
}

/** Which assignments the scan's plan comes from: the estate's own, dine's policies at the root, 13ce0167 at the root, or none. */
export interface PlanBasis {
  evaluation: 'own' | 'dine' | 'provision' | undefined;
  /** In words, for ScanRemediation.basis. */
  text: string;
  /** scan.remediation-definition-missing when 13ce0167 would plan and is not among the definitions. */
  diagnostics: Diagnostic[];
}

export function planBasis(input: Omit<ScanInput, 'snapshot'>, source: DecisionSource, vaType: VaType): PlanBasis {
  if (input.assignments !== undefined && input.assignments.length > 0) {
    return { evaluation: 'own', text: `the estate's own assignments (${input.assignments.length}), with its exemptions`, diagnostics: [] };
  }
  if (source === 'dine-policy') {
    return { evaluation: 'dine', text: 'dine-va-deploy-vm and dine-va-deploy-arc assigned at the root with DeployIfNotExists (the snapshot has no Defender assessments for 13ce0167 to read)', diagnostics: [] };
  }
  if (provisionDefinition(input) === undefined) {
    return { evaluation: undefined, text: `none: the definitions do not include ${PROVISION_POLICY}`, diagnostics: [diagnostic('scan.remediation-definition-missing', { name: PROVISION_POLICY })] };
  }
  const location = input.assignmentLocation ?? 'eastus';
  return { evaluation: 'provision', text: `${PROVISION_POLICY} (Configure machines to receive a vulnerability assessment provider) assigned at the root with vaType ${vaType}, a system-assigned identity in ${location}`, diagnostics: [] };
}

/** ScanRemediation of a plan; `beyondUnhealthy`: the machines planned for that are not Unhealthy, in id order. */
export function remediationSummary(basis: PlanBasis, plan: RemediationPlan, beyondUnhealthy: string[]): ScanRemediation {
  return {
    assignments: basis.evaluation === 'own' ? 'snapshot' : 'default',
    basis: basis.text,
    deployments: plan.deployments.map((d) => ({
      id: d.id,
      name: d.name,
      resourceId: d.resourceId,
      policyAssignmentId: d.policyAssignmentId,
      ...(d.policyDefinitionReferenceId !== undefined ? { policyDefinitionReferenceId: d.policyDefinitionReferenceId } : {}),
      creates: (d.expansion?.resources ?? []).map((r) => r.id),
    })),
    tasks: plan.tasks.length,
    errors: plan.errors.map((e) => ({ ...(e.resourceId !== undefined ? { resourceId: e.resourceId } : {}), code: e.code, message: e.message })),
    beyondUnhealthy,
  };
}

export function planScanRemediation(p: PlanScanInput): { summary: ScanRemediation; plan: ScanPlan; evaluation: ComplianceReport | undefined } {
  const { input } = p;
  const basis = planBasis(input, p.source, p.vaType);
  p.diagnostics.push(...basis.diagnostics);
  const evaluation =
    basis.evaluation === 'own'
      ? evaluate({ snapshot: input.snapshot, ...ownEvaluation(input) })
      : basis.evaluation === 'dine'
        ? p.dineReport
        : basis.evaluation === 'provision'
          ? evaluate({ snapshot: input.snapshot, ...provisionEvaluation(input, provisionDefinition(input)!, p.vaType) })
          : undefined;
  for (const d of evaluation?.diagnostics ?? []) if (d.severity === 'error') p.diagnostics.push(d);

  // Only the scanned machines: planRemediation selects them by id (its scope option is textual, without the MG tree).
  const plan: RemediationPlan =
    evaluation === undefined || p.machines.length === 0 ? { tasks: [], deployments: [], errors: [] } : planRemediation(evaluation, { resourceIds: p.machines.map((m) => m.id) });
  const byMachine = new Map<string, Deployment[]>();
  for (const d of plan.deployments) {
    const k = d.resourceId.toLowerCase();
    byMachine.set(k, [...(byMachine.get(k) ?? []), d]);
  }
  const exempt = new Set((evaluation?.results ?? []).filter((r) => r.complianceState === 'Exempt' && r.effect.toLowerCase() === 'deployifnotexists').map((r) => r.resourceId.toLowerCase()));
  const beyond: string[] = [];
  for (const m of p.machines) {
    const ds = byMachine.get(m.id.toLowerCase()) ?? [];
    if (m.deploy !== undefined) {
      if (ds.length > 0) m.deploy.deploymentId = ds[0]!.id;
      else m.deploy.note = noDeploymentNote(exempt.has(m.id.toLowerCase()));
    } else if (ds.length > 0) beyond.push(m.id);
  }
  return { summary: remediationSummary(basis, plan, beyond), plan, evaluation };
}

/** Why an Unhealthy machine has no deployment in the plan. */
export function noDeploymentNote(exempt: boolean): string {
  return exempt ? 'exempt from the DeployIfNotExists assignment: deploy it by hand or lift the exemption' : 'no DeployIfNotExists assignment in the plan deploys to this machine';
}

/** The remediation outputs of a scan plan (deployments, parameter files, plan.json, az script, REST requests) as contents. */
export function scanRemediationFiles(plan: ScanPlan): { path: string; content: string }[] {
  return writeRemediationOutputs(plan).files;
}
