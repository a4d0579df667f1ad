// buildDeployment: the Microsoft.Resources/deployments PUT a DeployIfNotExists remediation sends for one
// NonCompliant resource (digest §7.5 "DINE deployment generation", §8.4–8.5, §11.3–11.4), with the role
// assignments the assignment identity needs, and the template's static expansion.
import { EvaluationError, diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { CompiledPolicy } from '../compile/policy.js';
import type { ComplianceRecord, ResourceView } from '../model/index.js';
import type { AssignmentDoc } from '../parse/types.js';
import { evaluateDeploymentParameters, runtimeFor } from '../evaluate/resource.js';
import type { EvaluationContext } from '../evaluate/runtime.js';
import { armGuid } from '../functions/arm-hash.js';
import { findKey, isObject } from '../functions/values.js';
import { formatResourceGroupId, formatSubscriptionId } from '../scope/index.js';
import { expandDeployment } from './expand.js';
import type { Deployment, ExpandOptions, RemediationError, RoleAssignmentNeed } from './types.js';

export const DEPLOYMENT_NAME_SOURCE =
  "guid(policyAssignmentId, policyDefinitionReferenceId ?? '', resourceId) with ARM's guid(); Azure names remediation deployments with GUIDs it does not document, so real names are not reproducible (digest §11.4, §15 A-12)";

export interface BuildDeploymentOptions {
  /** Expand the template (default true); a template that cannot be evaluated then makes the result an error. */
  expand?: boolean;
  /** Scope objects for expansion (resourceGroup() of the target when it differs from the resource's RG …). */
  expandOptions?: ExpandOptions;
}

function get(o: Record<string, unknown>, key: string): unknown {
  const k = findKey(o, key);
  return k === undefined ? undefined : o[k];
}


function errorFor(record: ComplianceRecord, code: string, message: string, extra: Partial<RemediationError> = {}): { error: RemediationError } {
  return {
    error: {
      resourceId: record.resourceId,
      policyAssignmentId: record.policyAssignmentId,
      ...(record.policyDefinitionReferenceId !== undefined ? { policyDefinitionReferenceId: record.policyDefinitionReferenceId } : {}),
      code,
      message,
      ...extra,
    },
  };
}

function fromEvaluationError(record: ComplianceRecord, e: EvaluationError, what: string): { error: RemediationError } {
  return errorFor(record, e.code, `${what}: ${e.message}`, { ...(e.pointer !== undefined ? { pointer: e.pointer } : {}), diagnostics: [e.toDiagnostic()] });
}

/** Describes the assignment identity as the principal of the role assignments. */
function principalOf(assignment: AssignmentDoc, assignmentId: string): { principal: string; principalId?: string } {
  const identity = assignment.identity;
  if (identity?.principalId !== undefined) return { principal: identity.principalId, principalId: identity.principalId };
  if (identity?.type === 'UserAssigned') {
    const ids = Object.keys(identity.userAssignedIdentities ?? {}).sort();
    const first = ids[0];
    const p = isObject(first === undefined ? undefined : identity.userAssignedIdentities?.[first]) ? (identity.userAssignedIdentities![first!] as Record<string, unknown>)['principalId'] : undefined;
    if (typeof p === 'string') return { principal: p, principalId: p };
    return { principal: `user-assigned identity ${first ?? '(none given)'}` };
  }
  return { principal: `system-assigned identity of ${assignmentId}` };
}

/**
 * The deployment for one NonCompliant deployIfNotExists record, or an error entry with the reason (wrong record,
 * no deployment, target not known, a parameter or the template cannot be evaluated).
 */
export function buildDeployment(
  record: ComplianceRecord,
  policy: CompiledPolicy,
  resource: ResourceView,
  assignment: AssignmentDoc,
  context: EvaluationContext = {},
  options: BuildDeploymentOptions = {},
): Deployment | { error: RemediationError } {
  if (record.effect.toLowerCase() !== 'deployifnotexists') return errorFor(record, 'remediate.invalid-option', `the record's effect is ${record.effect}, not deployIfNotExists`);
  if (record.complianceState !== 'NonCompliant') return errorFor(record, 'remediate.invalid-option', `the record is ${record.complianceState}; only NonCompliant resources are remediated`);
  const details = policy.details;
  const raw = details?.deployment;
  if (details === undefined || !isObject(raw)) return errorFor(record, 'deploy.template-invalid', 'the policy has no details.deployment');
  const props = get(raw, 'properties');
  if (!isObject(props)) return errorFor(record, 'deploy.template-invalid', 'details.deployment has no properties');
  const template = get(props, 'template');
  if (!isObject(template)) {
    const linked = get(props, 'templateLink') !== undefined;
    return errorFor(record, 'deploy.template-invalid', linked ? 'details.deployment uses templateLink, which policy does not support' : 'details.deployment.properties.template must be an object');
  }
  const modeRaw = get(props, 'mode');
  const mode = typeof modeRaw === 'string' ? modeRaw : 'Incremental';
  const assignmentId = record.policyAssignmentId;
  const warnings: Diagnostic[] = [];

  // Target scope (§7.5 step 2).
  const subscriptionId = resource.subscriptionId;
  if (subscriptionId === undefined) return errorFor(record, 'deploy.template-invalid', `${resource.id} is not in a subscription, so the deployment has no target`);
  let scope: string;
  let resourceGroup: string | undefined;
  let location: string | undefined;
  try {
    if (details.deploymentScope === 'subscription') {
      scope = formatSubscriptionId(subscriptionId);
      const loc = get(raw, 'location');
      if (typeof loc !== 'string' || loc === '') return errorFor(record, 'deploy.template-invalid', 'deploymentScope Subscription needs details.deployment.location');
      location = loc;
    } else {
      let rg = resource.resourceGroup;
      if (details.resourceGroupName !== undefined) {
        const v = details.resourceGroupName.evaluate(runtimeFor(policy, resource, context));
        if (typeof v !== 'string' || v === '') return errorFor(record, 'compile.invalid-details', 'details.resourceGroupName did not evaluate to a resource group name');
        rg = v;
      }
      if (rg === undefined) return errorFor(record, 'deploy.template-invalid', `${resource.id} is not in a resource group and details.resourceGroupName is not given`);
      resourceGroup = rg;
      scope = formatResourceGroupId(subscriptionId, rg);
    }
  } catch (e) {
    if (e instanceof EvaluationError) return fromEvaluationError(record, e, 'details.resourceGroupName cannot be evaluated');
    throw e;
  }

  // Parameters (§7.5 step 1): evaluated by the policy evaluator; Key Vault references pass through.
  let parameters: Record<string, unknown>;
  try {
    const evaluated = evaluateDeploymentParameters(policy, resource, context).parameters;
    parameters = {};
    const declared = get(props, 'parameters');
    if (isObject(declared)) {
      for (const name of Object.keys(declared)) {
        const p = declared[name];
        if (Object.hasOwn(evaluated, name)) parameters[name] = { value: evaluated[name]!.value };
        else parameters[name] = p;
      }
    }
  } catch (e) {
    if (e instanceof EvaluationError) return fromEvaluationError(record, e, 'a deployment parameter cannot be evaluated');
    throw e;
  }

  const name = armGuid([assignmentId, record.policyDefinitionReferenceId ?? '', record.resourceId]);
  const identity = assignment.identity;
  if (identity === undefined || identity.type === 'None') {
    warnings.push(diagnostic('assign.missing-identity', { id: assignmentId, effect: 'deployIfNotExists' }));
  }
  const who = principalOf(assignment, assignmentId);
  const roleAssignments: RoleAssignmentNeed[] = [...new Set(details.roleDefinitionIds)].sort().map((roleDefinitionId) => ({
    scope: assignment.scope,
    roleDefinitionId,
    principal: who.principal,
    ...(who.principalId !== undefined ? { principalId: who.principalId } : {}),
    principalType: 'ServicePrincipal',
  }));

  const deployment: Deployment = {
    id: `${scope}/providers/Microsoft.Resources/deployments/${name}`,
    name,
    scope,
    deploymentScope: details.deploymentScope,
    subscriptionId,
    ...(resourceGroup !== undefined ? { resourceGroup } : {}),
    ...(location !== undefined ? { location } : {}),
    properties: { mode, template, parameters },
    ...(identity !== undefined ? { identity } : {}),
    ...(assignment.location !== undefined ? { assignmentLocation: assignment.location } : {}),
    roleAssignments,
    policyAssignmentId: assignmentId,
    policyDefinitionId: record.policyDefinitionId,
    ...(record.policySetDefinitionId !== undefined ? { policySetDefinitionId: record.policySetDefinitionId } : {}),
    ...(record.policyDefinitionReferenceId !== undefined ? { policyDefinitionReferenceId: record.policyDefinitionReferenceId } : {}),
    resourceId: record.resourceId,
    ...(resource.location !== undefined ? { resourceLocation: resource.location } : {}),
    nameSource: DEPLOYMENT_NAME_SOURCE,
    warnings,
  };

  if (options.expand !== false) {
    const sameRg = resourceGroup !== undefined && resource.resourceGroup !== undefined && resourceGroup.toLowerCase() === resource.resourceGroup.toLowerCase();
    const expandOptions: ExpandOptions = {
      ...(context.now !== undefined ? { now: context.now } : {}),
      ...(sameRg && context.resourceGroup !== undefined ? { resourceGroup: context.resourceGroup } : {}),
      ...(context.subscription !== undefined ? { subscription: context.subscription } : {}),
      ...options.expandOptions,
    };
    const expansion = expandDeployment(deployment, expandOptions);
    deployment.expansion = expansion;
    const errors = expansion.warnings.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0]!;
      return errorFor(record, first.code, `the deployment template cannot be evaluated: ${errors.map((d) => `${d.message}${d.pointer !== undefined ? ` (at ${d.pointer})` : ''}`).join('; ')}`, {
        ...(first.pointer !== undefined ? { pointer: first.pointer } : {}),
        diagnostics: errors,
      });
    }
  }
  return deployment;
}
