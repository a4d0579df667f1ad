// Data shapes of remediation: deployments (digest §7.5, §11.3), their static expansion (§12), plans (§11).
import type { Diagnostic } from '../diagnostics/index.js';
import type { AssignmentIdentity } from '../parse/types.js';

/** Where a deployment (or a nested deployment) puts its resources. */
export interface DeploymentTarget {
  kind: 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';
  /** The scope id: /subscriptions/S/resourceGroups/G, /subscriptions/S, /providers/Microsoft.Management/managementGroups/M or '/'. */
  id: string;
  subscriptionId?: string;
  resourceGroup?: string;
  managementGroup?: string;
}

/** What expandDeployment needs: a Microsoft.Resources/deployments body and where it is deployed. */
export interface DeploymentInput {
  /** Deployment name (deployment().name). */
  name: string;
  /** Target scope id (resource group, subscription, management group or '/'). */
  scope: string;
  /** Required for subscription-, management-group- and tenant-level deployments. */
  location?: string;
  properties: {
    mode?: string;
    template: Record<string, unknown>;
    /** `{ name: { value } }` (or `{ reference }` for Key Vault references, which stay symbolic). */
    parameters?: Record<string, unknown>;
  };
}

export interface RoleAssignmentNeed {
  /** The assignment's scope: the portal grants the roles there (digest §8.5). */
  scope: string;
  roleDefinitionId: string;
  /** The assignment identity: its principalId when the assignment says, else a description of it. */
  principalId?: string;
  principal: string;
  principalType: 'ServicePrincipal';
}

/** A DINE deployment for one NonCompliant resource (digest §7.5 steps 1–3, §11.3). */
export interface Deployment extends DeploymentInput {
  /** Full id: {scope}/providers/Microsoft.Resources/deployments/{name}. */
  id: string;
  deploymentScope: 'resourceGroup' | 'subscription';
  subscriptionId: string;
  resourceGroup?: string;
  properties: DeploymentInput['properties'] & { mode: string; parameters: Record<string, unknown> };
  /** The assignment's managed identity the deployment runs as, and its location. */
  identity?: AssignmentIdentity;
  assignmentLocation?: string;
  roleAssignments: RoleAssignmentNeed[];
  policyAssignmentId: string;
  policyDefinitionId?: string;
  policySetDefinitionId?: string;
  policyDefinitionReferenceId?: string;
  /** The NonCompliant resource the deployment remediates. */
  resourceId: string;
  resourceLocation?: string;
  /** How the name was made (Azure's real deployment names are not reproducible, digest §15 A-12). */
  nameSource: string;
  /** The template expanded offline (absent when buildDeployment was asked not to expand). */
  expansion?: ExpandResult;
  /** Non-fatal findings (no identity, symbolic values …). */
  warnings: Diagnostic[];
}

/** An unresolved runtime expression kept as written (reference(), list*(), newGuid() …). */
export interface SymbolicValue {
  $symbolic: string;
}

export interface UnresolvedExpression {
  pointer: string;
  expression: string;
}

export interface CopyInfo {
  name: string;
  index: number;
  count: number;
  mode: 'parallel' | 'serial';
  batchSize?: number;
}

export interface ExpandedResource {
  /** Full type (the extension type for extension resources). */
  type: string;
  /** Full name (the name chain of the resource's own provider segment). */
  name: string;
  /** Full ARM id. */
  id: string;
  /** Type and name as the template declares them (after evaluation, joined to the parent for nested resources). */
  declaredType: string;
  declaredName: string;
  apiVersion?: string;
  location?: string;
  properties?: unknown;
  /** Other evaluated top-level keys (kind, sku, tags, identity, zones, plan …). */
  extra?: Record<string, unknown>;
  dependsOn: string[];
  /** JSON pointer of the resource in the deployment's template. */
  pointer: string;
  /** The deployment scope the resource is deployed to. */
  target: string;
  copy?: CopyInfo[];
  /** Resource of a nested deployment: the nested deployment's name. */
  nestedDeployment?: string;
  /** Some value depends on runtime state (reference(), list*() …) and is kept symbolic. */
  symbolic?: true;
  unresolved?: UnresolvedExpression[];
}

export interface SkippedResource {
  pointer: string;
  type?: string;
  name?: string;
  reason: string;
}

export interface FailedResource {
  /** The resource declaration that failed. */
  resource: string;
  /** Where the failing value is (the resource, or the parameter/variable it reads). */
  pointer: string;
  code: string;
  reason: string;
}

export interface ExpandResult {
  resources: ExpandedResource[];
  skipped: SkippedResource[];
  failed: FailedResource[];
  /** Every finding (errors included: failed resources, missing parameters; warnings: symbolic values). */
  warnings: Diagnostic[];
}

export interface ExpandOptions {
  /** resourceGroup() of the deployment's target (else built from the ids, without location). */
  resourceGroup?: Record<string, unknown>;
  /** subscription() of the target (else built from the id). */
  subscription?: Record<string, unknown>;
  tenant?: Record<string, unknown>;
  /** resourceGroup()/subscription() objects for other scopes (nested deployments): by scope id. */
  lookupScope?: (scopeId: string) => Record<string, unknown> | undefined;
  /** The instant utcNow() returns (ISO 8601). */
  now?: string;
  /** At most this many resources (default 10 000); more is an error. */
  maxResources?: number;
}

/** A deployment that could not be built, or whose template cannot be evaluated, for one resource. */
export interface RemediationError {
  resourceId?: string;
  policyAssignmentId?: string;
  policyDefinitionReferenceId?: string;
  code: string;
  message: string;
  pointer?: string;
  diagnostics?: Diagnostic[];
}
