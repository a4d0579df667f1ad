// Data shapes of a scan: Defender for Cloud's recommendation "Machines should have a vulnerability assessment
// solution" (assessment ffff0522) reproduced per machine, with what it takes to deploy the integrated scanner.
import type { Diagnostic } from '../diagnostics/index.js';
import type { QualysDataCentreId } from './data/index.js';

/** Defender for Cloud's three groups. */
export type ScanGroup = 'Healthy' | 'Unhealthy' | 'NotApplicable';

export const SCAN_GROUPS: readonly ScanGroup[] = Object.freeze(['Healthy', 'Unhealthy', 'NotApplicable'] as const);

/** How Defender for Cloud labels each group. */
export const SCAN_GROUP_LABEL: Readonly<Record<ScanGroup, string>> = Object.freeze({ Healthy: 'Healthy', Unhealthy: 'Unhealthy', NotApplicable: 'Not applicable' });

/** The VA provider 13ce0167 deploys: `default` = integrated Qualys scanner, `mdeTvm` = Defender Vulnerability Management. */
export type VaType = 'default' | 'mdeTvm';

export const VA_TYPES: readonly VaType[] = Object.freeze(['default', 'mdeTvm'] as const);

/** Who decided a machine's group. */
export type DecisionSource = 'defender-assessment' | 'dine-policy';

export interface Decision {
  source: DecisionSource;
  /** dine-policy: the definition's name (dine-va-deploy-vm, dine-va-deploy-arc, dine-defender-servers-audit). */
  policy?: string;
  /** "Defender assessment" or "dine policy <name>". */
  label: string;
}

export interface ScanCounts {
  Healthy: number;
  Unhealthy: number;
  NotApplicable: number;
  total: number;
}

export interface MachineOs {
  /** From storageProfile.osDisk.osType (VM) or properties.osType / osName (Arc). */
  platform?: 'Windows' | 'Linux';
  /** Image "publisher/offer/sku" (VM) or osSku / osName (Arc), for people. */
  description: string;
  /** The support-matrix row the machine falls under (engine/scanner/data), if any. */
  supportedOs?: string;
}

export interface MachineDataCentre {
  id: QualysDataCentreId;
  host: string;
  port: 443;
  /** Azure geography of the machine's region (undefined when the region is not in the table). */
  geography?: string;
  /** 'known' region, or 'unknown-region' (→ US, Microsoft's "elsewhere"). */
  basis: 'known' | 'unknown-region';
}

export interface MachineScanCommand {
  platform: 'Windows' | 'Linux';
  command: string;
  requires: string;
}

/** What to do on an Unhealthy machine. */
export interface MachineDeploy {
  /** The provider to deploy: 13ce0167's vaType. */
  vaType: VaType;
  provider: string;
  /** The REST alternative to the policy and ARM templates. */
  rest: { method: 'PUT'; path: string; url: string };
  /** The remediation deployment for this machine, when the plan has one. */
  deploymentId?: string;
  /** Why the plan has none (exempt, the assignment has no DINE member for it …). */
  note?: string;
}

export interface MachineResult {
  id: string;
  name: string;
  kind: 'virtualMachine' | 'arcMachine';
  type: string;
  subscriptionId?: string;
  /** Subscription display name from the snapshot, when known. */
  subscriptionName?: string;
  resourceGroup?: string;
  location?: string;
  os: MachineOs;
  group: ScanGroup;
  reason: string;
  decidedBy: Decision;
  /** Defender assessment ffff0522 on the machine, when the snapshot has it. */
  assessment?: { code: string; cause?: string; description?: string };
  /** Microsoft.Security/serverVulnerabilityAssessments on the machine, when the snapshot has it. */
  scanner?: { id: string; name: string; provisioningState?: string };
  /** Defender for Servers on the machine's subscription: true/false, or undefined when the snapshot cannot tell. */
  defenderForServers?: boolean;
  /** The Qualys data centre the machine's artifacts go to (European geography → EU, else US). */
  dataCentre: MachineDataCentre;
  /** The on-demand scan command for its OS (absent when the OS type is unknown). */
  scanCommand?: MachineScanCommand;
  /** Unhealthy machines only. */
  deploy?: MachineDeploy;
  /** Where the machine was read from. */
  source?: { file: string; line?: number };
}

export interface ScopeCount extends ScanCounts {
  kind: 'managementGroup' | 'subscription' | 'resourceGroup';
  id: string;
  name: string;
  displayName?: string;
  /** Nesting depth among the counted scopes (0 = top), for indented display. */
  depth: number;
}

export interface RemediationDeploymentSummary {
  id: string;
  name: string;
  resourceId: string;
  policyAssignmentId: string;
  policyDefinitionReferenceId?: string;
  /** Resource ids the expanded template creates. */
  creates: string[];
}

export interface ScanRemediation {
  /** 'snapshot': the assignments given; 'default': dine's own (13ce0167 or the dine DINE definitions at the root). */
  assignments: 'snapshot' | 'default';
  /** In words: which assignments and definitions the plan comes from. */
  basis: string;
  deployments: RemediationDeploymentSummary[];
  /** Remediation tasks (one per assignment and initiative member with deployments). */
  tasks: number;
  errors: { resourceId?: string; code: string; message: string }[];
  /** Machines planRemediation would deploy to that Defender does not call Unhealthy (e.g. Healthy with another provider). */
  beyondUnhealthy: string[];
}

export interface ScanReport {
  kind: 'dine.scan';
  version: 1;
  recommendation: { name: string; assessmentKey: string };
  evaluatedAt: string;
  vaType: VaType;
  scope?: string;
  /** Which source decided, overall: every machine is decided the same way. */
  decidedBy: DecisionSource;
  decidedByLabel: string;
  totals: ScanCounts;
  machines: MachineResult[];
  scopes: ScopeCount[];
  remediation: ScanRemediation;
  diagnostics: Diagnostic[];
}
