// The estate report: one record per (assignment, definition reference, applicable resource), named
// as Azure's policy states are (digest §10.3), and the roll-ups of §10.2.
import type { Diagnostic } from '../diagnostics/index.js';
import type { ComplianceState, Reason } from './results.js';

export interface ExemptionRef {
  id: string;
  category: 'Waiver' | 'Mitigated';
  expiresOn?: string;
}

export interface SourceRef {
  file: string;
  /** Position of the resource in its file (array index or NDJSON line, 0-based). */
  index: number;
  line?: number;
  column?: number;
  pointer?: string;
}

export interface ComplianceRecord {
  resourceId: string;
  resourceType: string;
  resourceLocation?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  policyAssignmentId: string;
  policyAssignmentName?: string;
  policyAssignmentScope: string;
  policyDefinitionId: string;
  policyDefinitionName?: string;
  policyDefinitionDisplayName?: string;
  policySetDefinitionId?: string;
  policyDefinitionReferenceId?: string;
  policyDefinitionGroupNames?: string[];
  /** Lower camel effect ('deployIfNotExists'). */
  effect: string;
  complianceState: ComplianceState;
  reasons: Reason[];
  exemption?: ExemptionRef;
  /** The assignment's nonComplianceMessage for this member (NonCompliant records only). */
  nonComplianceMessage?: string;
  /** Where the resource was read from. */
  source?: SourceRef;
}

/** Counts of distinct resources by compliance state. */
export type StateCounts = Partial<Record<ComplianceState, number>>;

export type RollUpKind = 'tenant' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'assignment' | 'policy';

export interface RollUp {
  kind: RollUpKind;
  id: string;
  displayName?: string;
  /** Worst-ranked state of its records (NonCompliant > Compliant > Error > Conflict > Protected > Exempt > Unknown). */
  complianceState: ComplianceState | undefined;
  /** Distinct resources by their rolled-up state within this node. */
  resources: StateCounts;
  /** (compliant + exempt + unknown) / (all but protected), as a percentage with two decimals; undefined when empty. */
  compliancePercentage: number | undefined;
  records: number;
}

export interface ComplianceSummary {
  records: number;
  resources: StateCounts;
  compliancePercentage: number | undefined;
  /** Per assignment, per (assignment, member) and per scope node, in id order. */
  assignments: RollUp[];
  policies: RollUp[];
  scopes: RollUp[];
  /** Per resource: its worst state across every applicable policy, in id order. */
  byResource: { resourceId: string; complianceState: ComplianceState }[];
}

/** One container of the evaluated estate's hierarchy (tenant root "/", management groups, subscriptions, resource groups). */
export interface ScopeNode {
  id: string;
  kind: 'tenant' | 'managementGroup' | 'subscription' | 'resourceGroup';
  /** The parent container's id; absent only for the tenant root. */
  parentId?: string;
  displayName?: string;
}

export interface ComplianceReport {
  /** The evaluation instant used (ISO-8601). */
  evaluatedAt: string;
  results: ComplianceRecord[];
  summary: ComplianceSummary;
  diagnostics: Diagnostic[];
  /**
   * The MG → subscription → RG tree the roll-ups used, sorted by lower-cased id, so that reports of shards can be
   * merged and summarised again (mergeReports). Set by evaluate(); absent in reports built by hand.
   */
  scopes?: ScopeNode[];
}
