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

export function planScanRemediation(p: PlanScanInput): { summary: ScanRemediation; plan: ScanPlan; evaluation: ComplianceReport | undefined } {
  const { input } = p;
  let evaluation: ComplianceReport | undefined;
  let basis: string;
  const own = input.assignments !== undefined && input.assignments.length > 0;
  if (own) {
    evaluation = evaluate({ snapshot: input.snapshot, ...ownEvaluation(input) });
    basis = `the estate's own assignments (${input.assignments!.length}), with its exemptions`;
  } else if (p.source === 'dine-policy') {
    evaluation = p.dineReport;
    basis = 'dine-va-deploy-vm and dine-va-deploy-arc assigned at the root with DeployIfNotExists (the snapshot has no Defender assessments for 13ce0167 to read)';
  } else {
    const provision = provisionDefinition(input);
    if (provision === undefined) {
      p.diagnostics.push(diagnostic('scan.remediation-definition-missing', { name: PROVISION_POLICY }));
      basis = `none: the definitions do not include ${PROVISION_POLICY}`;
    } else {
      const location = input.assignmentLocation ?? 'eastus';
      evaluation = evaluate({ snapshot: input.snapshot, ...provisionEvaluation(input, provision, p.vaType) });
      basis = `${PROVISION_POLICY} (Configure machines to receive a vulnerability assessment provider) assigned at the root with vaType ${p.vaType}, a system-assigned identity in ${location}`;
    }
  }
  for (const d of evaluation?.diagnostics ?? []) if (d.severity === 'error') p.diagnostics.push(d);

  // Only the scanned machines: planRemediation selects them by id (its scope option is textual, without the MG tree).
  const plan: RemediationPlan =
    evaluation === undefined || p.machines.length === 0 ? { tasks: [], deployments: [], errors: [] } : planRemediation(evaluation, { resourceIds: p.machines.map((m) => m.id) });
  const inScope = plan.deployments;
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
    tasks: plan.tasks.length,
    errors: plan.errors.map((e) => ({ ...(e.resourceId !== undefined ? { resourceId: e.resourceId } : {}), code: e.code, message: e.message })),
    beyondUnhealthy: beyond,
  };
  return { summary, plan, evaluation };
}

/** The remediation outputs of a scan plan (deployments, parameter files, plan.json, az script, REST requests) as contents. */
export function scanRemediationFiles(plan: ScanPlan): { path: string; content: string }[] {
  return writeRemediationOutputs(plan).files;
}
