// The built-in DINE corpus on synthetic matching resources: shared by test/remediation.test.ts.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { compilePolicy, PolicyError, toResourceView } from '../engine/index.js';
import { isDiagnostic } from '../engine/scope/index.js';
import { buildDeployment } from '../engine/remediation/index.js';
import type { ComplianceRecord } from '../engine/model/index.js';
import type { AssignmentDoc } from '../engine/parse/types.js';

export const SUB = '00000000-0000-0000-0000-000000000000';
export const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg`;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ci(o: Record<string, unknown>, key: string): unknown {
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : o[k];
}

/** A typed sample value for a parameter without defaultValue. */
export function sampleValue(decl: Record<string, unknown>): unknown {
  const allowed = ci(decl, 'allowedValues');
  if (Array.isArray(allowed) && allowed.length > 0) return allowed[0];
  switch (String(ci(decl, 'type') ?? 'string').toLowerCase()) {
    case 'array':
      return ['sample'];
    case 'object':
      return {};
    case 'integer':
      return 1;
    case 'float':
      return 1.5;
    case 'boolean':
      return true;
    case 'datetime':
      return '2024-01-01T00:00:00Z';
    default:
      return 'sample';
  }
}

/** The first type the `if` condition asks for (`field: type` with equals / in / like), parameters resolved. */
export function typeFromIf(cond: unknown, params: Record<string, unknown>): string | undefined {
  const resolve = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^\[parameters\('([^']+)'\)\]$/i.exec(v);
      if (m) {
        const k = Object.keys(params).find((x) => x.toLowerCase() === m[1]!.toLowerCase());
        return k === undefined ? undefined : params[k];
      }
    }
    return v;
  };
  const stack: unknown[] = [cond];
  const candidates: string[] = [];
  while (stack.length > 0) {
    const c = stack.pop();
    if (Array.isArray(c)) {
      for (let i = c.length - 1; i >= 0; i--) stack.push(c[i]);
      continue;
    }
    if (!isObject(c)) continue;
    const field = ci(c, 'field');
    if (typeof field === 'string' && field.toLowerCase() === 'type') {
      const eq = resolve(ci(c, 'equals'));
      const inn = resolve(ci(c, 'in'));
      const like = resolve(ci(c, 'like'));
      if (typeof eq === 'string') candidates.push(eq);
      else if (Array.isArray(inn) && typeof inn[0] === 'string') candidates.push(inn[0]);
      else if (typeof like === 'string' && !like.includes('*')) candidates.push(like);
      if (candidates.length > 0) return candidates[0];
    }
    for (const k of ['allOf', 'anyOf', 'not']) {
      const v = ci(c, k);
      if (v !== undefined) stack.push(v);
    }
  }
  return undefined;
}

/** A plausible resource of `type` under rg, named res1 (child types: res1/child1 …), in westeurope. */
export function syntheticResource(type: string): Record<string, unknown> {
  const lower = type.toLowerCase();
  if (lower === 'microsoft.resources/subscriptions') return { id: `/subscriptions/${SUB}`, type, name: SUB, subscriptionId: SUB, displayName: 'sub', properties: { state: 'Enabled' } };
  if (lower === 'microsoft.resources/subscriptions/resourcegroups' || lower === 'microsoft.resources/resourcegroups') {
    return { id: RG_ID, type: 'Microsoft.Resources/subscriptions/resourceGroups', name: 'rg', location: 'westeurope', tags: {}, properties: { provisioningState: 'Succeeded' } };
  }
  const segs = type.split('/');
  const names = segs.slice(1).map((_, i) => (i === 0 ? 'res1' : `child${i}`));
  let id = `${RG_ID}/providers/${segs[0]}`;
  segs.slice(1).forEach((t, i) => (id += `/${t}/${names[i]}`));
  return { id, type, name: names.join('/'), location: 'westeurope', tags: {}, properties: {} };
}

export interface CorpusOutcome {
  path: string;
  status: 'deployment' | 'error' | 'not-compiled';
  symbolic?: boolean;
  resources?: number;
  code?: string;
  reason?: string;
}

export const ASSIGNMENT_ID = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/corpus`;

export function corpusAssignment(): AssignmentDoc {
  return {
    kind: 'policyAssignment',
    id: ASSIGNMENT_ID,
    name: 'corpus',
    location: 'westeurope',
    identity: { type: 'SystemAssigned', principalId: '11111111-1111-1111-1111-111111111111' },
    scope: `/subscriptions/${SUB}`,
    policyDefinitionId: '',
    notScopes: [],
    parameters: {},
    enforcementMode: 'Default',
    nonComplianceMessages: [],
    overrides: [],
    resourceSelectors: [],
    pointers: {},
  };
}

/** Expands every built-in DINE definition under `root` (policyDefinitions/**) on a synthetic matching resource. */
export function expandCorpus(root: string): CorpusOutcome[] {
  const files = fg.sync('policyDefinitions/**/*.json', { cwd: root }).sort();
  const out: CorpusOutcome[] = [];
  const assignment = corpusAssignment();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    if (!/deployment/i.test(text)) continue;
    let def: unknown;
    try {
      def = JSON.parse(text);
    } catch {
      continue;
    }
    const props = isObject(def) ? (ci(def, 'properties') as Record<string, unknown>) : undefined;
    const rule = isObject(props) ? ci(props, 'policyRule') : undefined;
    const then = isObject(rule) ? ci(rule, 'then') : undefined;
    const details = isObject(then) ? ci(then, 'details') : undefined;
    if (!isObject(details) || !isObject(ci(details, 'deployment'))) continue;
    const path = relative(root, join(root, file));
    const declared = (isObject(props) ? ci(props, 'parameters') : undefined) as Record<string, Record<string, unknown>> | undefined;
    const values: Record<string, unknown> = {};
    for (const [name, decl] of Object.entries(declared ?? {})) {
      if (!isObject(decl)) continue;
      if (ci(decl, 'defaultValue') === undefined) values[name] = sampleValue(decl);
    }
    // The effect must be deployIfNotExists for a deployment to exist.
    const effectParam = Object.keys(declared ?? {}).find((k) => k.toLowerCase() === 'effect');
    if (effectParam !== undefined) {
      const allowed = ci(declared![effectParam]!, 'allowedValues');
      const dine = Array.isArray(allowed) ? allowed.find((a) => typeof a === 'string' && a.toLowerCase() === 'deployifnotexists') : 'DeployIfNotExists';
      if (dine === undefined) continue;
      values[effectParam] = dine;
    }
    let policy;
    try {
      policy = compilePolicy(def, { parameters: values });
    } catch (e) {
      if (e instanceof PolicyError) {
        out.push({ path, status: 'not-compiled', code: e.code ?? 'parse', reason: e.message });
        continue;
      }
      throw e;
    }
    if (policy.effect.name !== 'deployIfNotExists') continue;
    const allParams: Record<string, unknown> = { ...policy.parameters };
    const type = typeFromIf(ci(rule as Record<string, unknown>, 'if'), allParams) ?? 'Microsoft.Compute/virtualMachines';
    const raw = syntheticResource(type);
    const view = toResourceView(raw);
    if (isDiagnostic(view)) {
      out.push({ path, status: 'error', code: view.code, reason: `synthetic resource: ${view.message}` });
      continue;
    }
    const record: ComplianceRecord = {
      resourceId: view.id,
      resourceType: view.type,
      resourceLocation: 'westeurope',
      policyAssignmentId: ASSIGNMENT_ID,
      policyAssignmentScope: assignment.scope,
      policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${String((def as Record<string, unknown>)['name'] ?? path)}`,
      effect: 'deployIfNotExists',
      complianceState: 'NonCompliant',
      reasons: [],
    };
    const context = {
      now: '2024-01-01T00:00:00.0000000Z',
      resourceGroup: { id: RG_ID, name: 'rg', type: 'Microsoft.Resources/resourceGroups', location: 'westeurope', tags: {}, properties: { provisioningState: 'Succeeded' } },
      subscription: { id: `/subscriptions/${SUB}`, subscriptionId: SUB, tenantId: '22222222-2222-2222-2222-222222222222', displayName: 'sub' },
      policy: { assignmentId: ASSIGNMENT_ID, definitionId: record.policyDefinitionId },
    };
    const built = buildDeployment(record, policy, view, assignment, context);
    if ('error' in built) out.push({ path, status: 'error', code: built.error.code, reason: built.error.message });
    else out.push({ path, status: 'deployment', symbolic: built.expansion?.resources.some((r) => r.symbolic) ?? false, resources: built.expansion?.resources.length ?? 0 });
  }
  return out;
}
