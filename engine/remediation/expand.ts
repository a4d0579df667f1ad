// expandDeployment: a static ARM template evaluator (digest §12.2, §12.4). Binds parameters, evaluates
// variables lazily, expands conditions, copy loops, nested child resources, extension resources (scope and the
// legacy `NS/t/providers/et` form) and nested Microsoft.Resources/deployments (inner/outer evaluation scope,
// resourceGroup/subscriptionId targets), and lists every resource the deployment would create with its full id.
// Sources: MicrosoftDocs/azure-docs articles/azure-resource-manager/templates/template-syntax.md, copy-resources.md,
// copy-properties.md, copy-variables.md, conditional-resource-deployment.md, child-resource-name-type.md,
// scope-extension-resources.md, linked-templates.md (nested templates, expression evaluation scope),
// deploy-to-resource-group.md (cross resource group / subscription targets).
import { EvaluationError, diagnostic, joinPointer, type Diagnostic } from '../diagnostics/index.js';
import { findKey, isObject, kindOf } from '../functions/values.js';
import { formatResourceGroupId, formatResourceId, formatSubscriptionId, isDiagnostic, parseResourceId } from '../scope/index.js';
import {
  Expansion,
  defaultEntry,
  failedEntry,
  isSymbolic,
  parameterEntry,
  variableEntry,
  type LoopFrame,
  type TemplateFrame,
} from './template-runtime.js';
import type { CopyInfo, DeploymentInput, DeploymentTarget, ExpandOptions, ExpandResult, ExpandedResource } from './types.js';

const DEPLOYMENTS_TYPE = 'microsoft.resources/deployments';
const RESOURCE_GROUPS_TYPE = 'microsoft.resources/resourcegroups';
/** Nested deployments deeper than this are refused (hostile input). */
const MAX_NESTING = 10;
const DEFAULT_MAX_RESOURCES = 10000;
/** Keys of a resource declaration the expander handles itself; all others are evaluated into `extra`. */
const HANDLED = new Set(['condition', 'copy', 'dependson', 'resources', 'comments', 'type', 'name', 'apiversion', 'scope', 'location', 'properties', 'resourcegroup', 'subscriptionid', 'metadata']);

function get(o: Record<string, unknown>, key: string): unknown {
  const k = findKey(o, key);
  return k === undefined ? undefined : o[k];
}

function keyOr(o: Record<string, unknown>, key: string): string {
  return findKey(o, key) ?? key;
}

/** Parses a deployment target scope id. */
export function targetOf(scope: string): DeploymentTarget | undefined {
  if (scope === '/' || scope === '') return { kind: 'tenant', id: '/' };
  const parsed = parseResourceId(scope);
  if (isDiagnostic(parsed)) return undefined;
  if (parsed.kind === 'resourceGroup') return { kind: 'resourceGroup', id: parsed.id, subscriptionId: parsed.subscriptionId!, resourceGroup: parsed.resourceGroup! };
  if (parsed.kind === 'subscription') return { kind: 'subscription', id: parsed.id, subscriptionId: parsed.subscriptionId! };
  if (parsed.kind === 'managementGroup') return { kind: 'managementGroup', id: parsed.id, managementGroup: parsed.managementGroup! };
  return undefined;
}

/** resourceGroup() built from ids (no location: only the snapshot knows it). */
function resourceGroupObject(t: DeploymentTarget): Record<string, unknown> {
  return { id: t.id, name: t.resourceGroup, type: 'Microsoft.Resources/resourceGroups', properties: { provisioningState: 'Succeeded' } };
}

function subscriptionObject(subscriptionId: string): Record<string, unknown> {
  return { id: formatSubscriptionId(subscriptionId), subscriptionId, tenantId: '', displayName: '' };
}

function managementGroupObject(t: DeploymentTarget): Record<string, unknown> {
  return { id: t.id, name: t.managementGroup, type: 'Microsoft.Management/managementGroups', properties: {} };
}

interface Context {
  ex: Expansion;
  options: ExpandOptions;
  result: ExpandResult;
  max: number;
}

/** Scope objects for a target: the caller's (top target or lookupScope), else built from the ids. */
function scopeObjects(t: DeploymentTarget, ctx: Context, top: boolean): Pick<TemplateFrame, 'resourceGroup' | 'subscription' | 'managementGroup'> {
  const look = (id: string) => ctx.options.lookupScope?.(id);
  const rg = t.kind === 'resourceGroup' ? (top ? ctx.options.resourceGroup : undefined) ?? look(t.id) ?? resourceGroupObject(t) : undefined;
  const subId = t.subscriptionId;
  const sub = subId === undefined ? undefined : (top ? ctx.options.subscription : undefined) ?? look(formatSubscriptionId(subId)) ?? subscriptionObject(subId);
  const mg = t.kind === 'managementGroup' ? look(t.id) ?? managementGroupObject(t) : undefined;
  return { resourceGroup: rg, subscription: sub, managementGroup: mg };
}

/**
 * A frame for a template whose parameters are bound from `given` (`{ name: { value } }`), else the template's
 * defaultValue (an expression evaluated in the frame), else 'deploy.parameter-missing'.
 */
function frameFor(
  template: Record<string, unknown>,
  pointer: string,
  given: Record<string, unknown> | undefined,
  objects: Pick<TemplateFrame, 'resourceGroup' | 'subscription' | 'managementGroup'>,
  deployment: Record<string, unknown>,
  ctx: Context,
): TemplateFrame {
  const frame: TemplateFrame = { pointer, parameters: new Map(), parameterNames: new Map(), variables: new Map(), ...objects, deployment };
  const paramsKey = keyOr(template, 'parameters');
  const declared = template[paramsKey];
  const givenLower = new Map<string, unknown>();
  if (isObject(given)) for (const k of Object.keys(given)) givenLower.set(k.toLowerCase(), given[k]);
  if (declared !== undefined && !isObject(declared)) ctx.result.warnings.push(diagnostic('deploy.template-invalid', { reason: '"parameters" must be an object' }, { pointer: joinPointer(pointer, paramsKey) }));
  if (isObject(declared)) {
    for (const name of Object.keys(declared)) {
      const decl = declared[name];
      const at = joinPointer(pointer, paramsKey, name);
      const lower = name.toLowerCase();
      frame.parameterNames.set(lower, name);
      const supplied = givenLower.get(lower);
      if (supplied !== undefined) {
        givenLower.delete(lower);
        if (isObject(supplied) && Object.hasOwn(supplied, 'value')) {
          const v = supplied['value'];
          checkParameter(name, decl, v, at, ctx);
          frame.parameters.set(lower, parameterEntry(v));
        } else if (isObject(supplied) && findKey(supplied, 'reference') !== undefined) {
          // Key Vault references are resolved by ARM at deployment time.
          frame.parameters.set(lower, parameterEntry({ $symbolic: `reference to a Key Vault secret for parameter '${name}'` }));
        } else {
          frame.parameters.set(lower, parameterEntry(supplied));
        }
        continue;
      }
      const dv = isObject(decl) ? findKey(decl, 'defaultValue') : undefined;
      if (isObject(decl) && dv !== undefined) {
        frame.parameters.set(lower, defaultEntry(decl[dv], joinPointer(at, dv)));
        continue;
      }
      const err = new EvaluationError('deploy.parameter-missing', { name }, at);
      ctx.result.warnings.push(err.toDiagnostic());
      frame.parameters.set(lower, failedEntry(err));
    }
  }
  for (const extra of givenLower.keys()) {
    ctx.result.warnings.push(diagnostic('deploy.template-invalid', { reason: `a value is given for parameter "${extra}", which the template does not declare` }, { pointer: joinPointer(pointer, paramsKey) }));
  }
  const varsKey = keyOr(template, 'variables');
  const vars = template[varsKey];
  if (isObject(vars)) {
    for (const name of Object.keys(vars)) {
      const at = joinPointer(pointer, varsKey, name);
      if (name.toLowerCase() === 'copy' && Array.isArray(vars[name])) {
        (vars[name] as unknown[]).forEach((loop, i) => {
          const loopName = isObject(loop) ? get(loop, 'name') : undefined;
          if (typeof loopName !== 'string') {
            ctx.result.warnings.push(diagnostic('deploy.template-invalid', { reason: 'a variable copy element needs a literal name' }, { pointer: joinPointer(at, i) }));
            return;
          }
          frame.variables.set(loopName.toLowerCase(), variableEntry(loop, joinPointer(at, i), true));
        });
        continue;
      }
      frame.variables.set(name.toLowerCase(), variableEntry(vars[name], at, false));
    }
  }
  return frame;
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  securestring: (v) => typeof v === 'string',
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  object: (v) => isObject(v),
  secureobject: (v) => isObject(v),
  array: (v) => Array.isArray(v),
};

/** A supplied value against the declared type and allowedValues (ARM rejects the deployment otherwise). */
function checkParameter(name: string, decl: unknown, value: unknown, pointer: string, ctx: Context): void {
  if (!isObject(decl) || isSymbolic(value)) return;
  const type = get(decl, 'type');
  const check = typeof type === 'string' ? TYPE_CHECKS[type.toLowerCase()] : undefined;
  if (check !== undefined && !check(value)) {
    // null (a field the resource does not have) is reported as a warning: whether ARM then fails depends on how
    // the template uses the parameter; any other kind mismatch fails ARM's validation.
    ctx.result.warnings.push(
      diagnostic('deploy.template-invalid', { reason: `parameter "${name}" is declared ${String(type)} but the value is ${kindOf(value)}` }, { pointer, ...(value === null ? { severity: 'warning' as const } : {}) }),
    );
  }
  const allowed = get(decl, 'allowedValues');
  if (Array.isArray(allowed) && !allowed.some((a) => JSON.stringify(a) === JSON.stringify(value) || (typeof a === 'string' && typeof value === 'string' && a.toLowerCase() === value.toLowerCase()))) {
    ctx.result.warnings.push(diagnostic('deploy.template-invalid', { reason: `parameter "${name}" value ${JSON.stringify(value)} is not one of its allowedValues` }, { pointer }));
  }
}

function deploymentObject(name: string, template: unknown, parameters: unknown, mode: string, location?: string): Record<string, unknown> {
  return { name, ...(location !== undefined ? { location } : {}), properties: { template, parameters: parameters ?? {}, mode } };
}

/** Statically expands a deployment: every resource it would create, skipped and failed ones, findings. */
export function expandDeployment(deployment: DeploymentInput, options: ExpandOptions = {}): ExpandResult {
  const result: ExpandResult = { resources: [], skipped: [], failed: [], warnings: [] };
  const ctx: Context = { ex: new Expansion(options.now ?? '', options.tenant), options, result, max: options.maxResources ?? DEFAULT_MAX_RESOURCES };
  const target = targetOf(deployment.scope);
  if (target === undefined) {
    result.warnings.push(diagnostic('deploy.template-invalid', { reason: `"${deployment.scope}" is not a deployment scope (a resource group, subscription, management group or "/")` }));
    return result;
  }
  const props = isObject(deployment.properties) ? deployment.properties : undefined;
  const template = props?.template;
  if (!isObject(template)) {
    result.warnings.push(diagnostic('deploy.template-invalid', { reason: 'properties.template must be an object' }, { pointer: '/properties/template' }));
    return result;
  }
  const mode = typeof props?.mode === 'string' ? props.mode : 'Incremental';
  const frame = frameFor(
    template,
    '',
    props?.parameters,
    scopeObjects(target, ctx, true),
    deploymentObject(deployment.name, template, props?.parameters, mode, deployment.location),
    ctx,
  );
  expandTemplate(template, '', frame, target, [], ctx, 0);
  for (const d of ctx.ex.diagnostics) result.warnings.push(d);
  return result;
}

function expandTemplate(template: Record<string, unknown>, pointer: string, frame: TemplateFrame, target: DeploymentTarget, loops: readonly LoopFrame[], ctx: Context, depth: number, nested?: string): void {
  const key = keyOr(template, 'resources');
  const resources = template[key];
  if (resources === undefined) return;
  // Language version 2.0 templates may give resources as an object keyed by symbolic name.
  const list = Array.isArray(resources) ? resources.map((r, i) => [String(i), r] as const) : isObject(resources) ? Object.keys(resources).map((k) => [k, resources[k]] as const) : undefined;
  if (list === undefined) {
    ctx.result.warnings.push(diagnostic('deploy.template-invalid', { reason: '"resources" must be an array or an object' }, { pointer: joinPointer(pointer, key) }));
    return;
  }
  for (const [k, r] of list) expandDeclaration(r, joinPointer(pointer, key, k), frame, target, loops, undefined, ctx, depth, nested);
}

interface Parent {
  type: string;
  name: string;
}

function fail(ctx: Context, pointer: string, e: EvaluationError): void {
  const at = e.pointer ?? pointer;
  const reason = `${e.code}: ${e.message}`;
  ctx.result.failed.push({ resource: pointer, pointer: at, code: e.code, reason: e.message });
  ctx.result.warnings.push(diagnostic('deploy.expand-failed', { reason }, { pointer: at }));
}

/** One entry of a resources array: its copy loop (if any), then each instance. */
function expandDeclaration(
  r: unknown,
  pointer: string,
  frame: TemplateFrame,
  target: DeploymentTarget,
  loops: readonly LoopFrame[],
  parent: Parent | undefined,
  ctx: Context,
  depth: number,
  nested: string | undefined,
): void {
  if (!isObject(r)) {
    ctx.result.warnings.push(diagnostic('deploy.template-invalid', { reason: 'a resource must be an object' }, { pointer }));
    return;
  }
  const copyKey = findKey(r, 'copy');
  const copy = copyKey === undefined ? undefined : r[copyKey];
  if (copy === undefined) {
    expandInstance(r, pointer, frame, target, loops, undefined, parent, ctx, depth, nested);
    return;
  }
  const copyPointer = joinPointer(pointer, copyKey!);
  try {
    if (!isObject(copy)) throw new EvaluationError('deploy.template-invalid', { reason: 'a resource copy must be an object { name, count, mode?, batchSize? }' }, copyPointer);
    const name = ctx.ex.evaluate(get(copy, 'name'), frame, loops, joinPointer(copyPointer, 'name'));
    if (typeof name !== 'string' || name === '') throw new EvaluationError('deploy.template-invalid', { reason: 'a resource copy needs a name' }, copyPointer);
    const count = ctx.ex.count(copy, frame, loops, copyPointer);
    const modeRaw = ctx.ex.evaluate(get(copy, 'mode') ?? 'parallel', frame, loops, joinPointer(copyPointer, 'mode'));
    const mode = typeof modeRaw === 'string' && modeRaw.toLowerCase() === 'serial' ? 'serial' : 'parallel';
    const batchRaw = get(copy, 'batchSize');
    const batchSize = batchRaw === undefined ? undefined : ctx.ex.evaluate(batchRaw, frame, loops, joinPointer(copyPointer, 'batchSize'));
    if (batchSize !== undefined && (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_COPY_BATCH)) {
      throw new EvaluationError('deploy.template-invalid', { reason: `copy batchSize must be an integer from 1 to ${MAX_COPY_BATCH}` }, joinPointer(copyPointer, 'batchSize'));
    }
    for (let i = 0; i < count; i++) {
      const info: CopyInfo = { name, index: i, count, mode, ...(typeof batchSize === 'number' ? { batchSize } : {}) };
      expandInstance(r, pointer, frame, target, [...loops, { name, index: i, kind: 'resource' }], info, parent, ctx, depth, nested);
    }
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    fail(ctx, pointer, e);
  }
}

/** copy-resources.md: batchSize cannot exceed the copy count; 800 bounds both. */
const MAX_COPY_BATCH = 800;

function evalString(ctx: Context, raw: unknown, frame: TemplateFrame, loops: readonly LoopFrame[], pointer: string, what: string, allowSymbolic = false): string {
  const v = ctx.ex.evaluate(raw, frame, loops, pointer);
  // A name known only at deployment time (newGuid() defaults …) stays visible as "[expression]" when it is one
  // id segment; the resource is then marked symbolic (its unresolved list holds the expression).
  if (isSymbolic(v) && allowSymbolic && !v.$symbolic.includes('/')) return `[${v.$symbolic}]`;
  if (isSymbolic(v)) throw new EvaluationError('deploy.symbolic', { reason: `the ${what} depends on runtime state (${v.$symbolic}), so the resource id cannot be known offline` }, pointer);
  if (typeof v !== 'string' || v === '') throw new EvaluationError('deploy.template-invalid', { reason: `the resource ${what} must be a non-empty string, got ${kindOf(v)}` }, pointer);
  return v;
}

function expandInstance(
  r: Record<string, unknown>,
  pointer: string,
  frame: TemplateFrame,
  target: DeploymentTarget,
  loops: readonly LoopFrame[],
  copy: CopyInfo | undefined,
  parent: Parent | undefined,
  ctx: Context,
  depth: number,
  nested: string | undefined,
): void {
  const ex = ctx.ex;
  ex.unresolved = [];
  const at = (k: string) => joinPointer(pointer, keyOr(r, k));
  try {
    const condKey = findKey(r, 'condition');
    if (condKey !== undefined) {
      const cond = ex.evaluate(r[condKey], frame, loops, at('condition'));
      // A condition that depends on runtime state: the resource may be deployed; it is listed, marked symbolic
      // (the condition is in its unresolved list).
      if (!isSymbolic(cond) && typeof cond !== 'boolean') throw new EvaluationError('deploy.template-invalid', { reason: `condition must be a boolean, got ${kindOf(cond)}` }, at('condition'));
      if (cond === false) {
        const skipped: { pointer: string; type?: string; name?: string; reason: string } = { pointer, reason: 'condition is false' };
        try {
          skipped.type = joinType(parent, evalString(ctx, get(r, 'type'), frame, loops, at('type'), 'type'));
          skipped.name = joinName(parent, evalString(ctx, get(r, 'name'), frame, loops, at('name'), 'name'));
        } catch {
          // the listing is best effort: a skipped resource is never evaluated further by ARM
        }
        if (copy) skipped.reason += ` (copy ${copy.name}[${copy.index}])`;
        ctx.result.skipped.push(skipped);
        return;
      }
    }
    const declaredType = joinType(parent, evalString(ctx, get(r, 'type'), frame, loops, at('type'), 'type'));
    const declaredName = joinName(parent, evalString(ctx, get(r, 'name'), frame, loops, at('name'), 'name', true));

    if (declaredType.toLowerCase() === DEPLOYMENTS_TYPE) {
      expandNested(r, pointer, frame, target, loops, copy, declaredName, ctx, depth);
      return;
    }

    const apiVersion = get(r, 'apiVersion') === undefined ? undefined : ex.evaluate(get(r, 'apiVersion'), frame, loops, at('apiVersion'));
    const location = get(r, 'location') === undefined ? undefined : ex.evaluate(get(r, 'location'), frame, loops, at('location'));
    const scopeRaw = get(r, 'scope');
    let scopeId = target.id;
    if (scopeRaw !== undefined) {
      const s = evalString(ctx, scopeRaw, frame, loops, at('scope'), 'scope');
      scopeId = s.startsWith('/') ? s.replace(/\/+$/, '') || '/' : `${target.id === '/' ? '' : target.id}/providers/${s}`;
    }
    const id = resourceIdOf(scopeId, target, declaredType, declaredName, at('type'));
    const parsed = parseResourceId(id);
    const fullType = isDiagnostic(parsed) ? declaredType : declaredType.toLowerCase() === RESOURCE_GROUPS_TYPE ? 'Microsoft.Resources/resourceGroups' : parsed.type;
    const fullName = isDiagnostic(parsed) ? declaredName : parsed.fullName;

    const propsKey = findKey(r, 'properties');
    const properties = propsKey === undefined ? undefined : ex.evaluate(r[propsKey], frame, loops, joinPointer(pointer, propsKey));
    const extra: Record<string, unknown> = {};
    for (const k of Object.keys(r).sort()) {
      if (HANDLED.has(k.toLowerCase())) continue;
      extra[k] = ex.evaluate(r[k], frame, loops, joinPointer(pointer, k));
    }
    const dependsOn = evaluateDependsOn(r, frame, loops, pointer, ctx);

    const resource: ExpandedResource = {
      type: fullType,
      name: fullName,
      id,
      declaredType,
      declaredName,
      ...(typeof apiVersion === 'string' ? { apiVersion } : {}),
      ...(typeof location === 'string' ? { location } : {}),
      ...(properties !== undefined ? { properties } : {}),
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
      dependsOn,
      pointer,
      target: target.id,
      ...(copy ? { copy: [copy] } : {}),
      ...(nested !== undefined ? { nestedDeployment: nested } : {}),
    };
    if (ex.unresolved.length > 0) {
      resource.symbolic = true;
      resource.unresolved = ex.unresolved;
      ctx.result.warnings.push(diagnostic('deploy.symbolic', { reason: `${id}: ${ex.unresolved.length} value(s) depend on runtime state and are kept symbolic (${ex.unresolved.map((u) => u.expression).join('; ')})` }, { pointer }));
    }
    if (ctx.result.resources.length >= ctx.max) throw new EvaluationError('deploy.expand-failed', { reason: `more than ${ctx.max} resources` }, pointer);
    ctx.result.resources.push(resource);

    const childKey = findKey(r, 'resources');
    const children = childKey === undefined ? undefined : r[childKey];
    if (Array.isArray(children)) {
      children.forEach((c, i) => expandDeclaration(c, joinPointer(pointer, childKey!, i), frame, target, loops, { type: declaredType, name: declaredName }, ctx, depth, nested));
    }
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    // Children of a resource that failed cannot be named either: they are not expanded.
    fail(ctx, pointer, e);
  }
}

/** child-resource-name-type.md: a nested child uses a short type and name, joined to the parent's. */
function joinType(parent: Parent | undefined, type: string): string {
  if (parent === undefined || type.includes('/')) return type;
  return `${parent.type}/${type}`;
}

function joinName(parent: Parent | undefined, name: string): string {
  if (parent === undefined || name.includes('/')) return name;
  return `${parent.name}/${name}`;
}

function resourceIdOf(scopeId: string, target: DeploymentTarget, type: string, name: string, pointer: string): string {
  // A subscription deployment creates resource groups as /subscriptions/S/resourceGroups/G.
  if (type.toLowerCase() === RESOURCE_GROUPS_TYPE && target.kind === 'subscription' && !name.includes('/')) {
    return formatResourceGroupId(target.subscriptionId!, name);
  }
  const id = formatResourceId(scopeId, type, name);
  if (typeof id !== 'string') throw new EvaluationError('deploy.template-invalid', { reason: id.message }, pointer);
  return id;
}

function evaluateDependsOn(r: Record<string, unknown>, frame: TemplateFrame, loops: readonly LoopFrame[], pointer: string, ctx: Context): string[] {
  const key = findKey(r, 'dependsOn');
  if (key === undefined) return [];
  const v = ctx.ex.evaluate(r[key], frame, loops, joinPointer(pointer, key));
  if (!Array.isArray(v)) throw new EvaluationError('deploy.template-invalid', { reason: 'dependsOn must be an array' }, joinPointer(pointer, key));
  return v.map((d) => (typeof d === 'string' ? d : isSymbolic(d) ? `[${d.$symbolic}]` : JSON.stringify(d)));
}

/** A nested Microsoft.Resources/deployments resource: its own entry, then its template's resources. */
function expandNested(
  r: Record<string, unknown>,
  pointer: string,
  frame: TemplateFrame,
  target: DeploymentTarget,
  loops: readonly LoopFrame[],
  copy: CopyInfo | undefined,
  name: string,
  ctx: Context,
  depth: number,
): void {
  const ex = ctx.ex;
  if (depth >= MAX_NESTING) throw new EvaluationError('deploy.expand-failed', { reason: `nested deployments deeper than ${MAX_NESTING} levels` }, pointer);
  const at = (k: string) => joinPointer(pointer, keyOr(r, k));
  const propsKey = keyOr(r, 'properties');
  const props = r[propsKey];
  if (!isObject(props)) throw new EvaluationError('deploy.template-invalid', { reason: 'a nested deployment needs properties' }, at('properties'));
  const propsPointer = joinPointer(pointer, propsKey);

  // Target: resourceGroup / subscriptionId on the deployment resource, evaluated in the parent scope.
  const rgRaw = get(r, 'resourceGroup');
  const subRaw = get(r, 'subscriptionId');
  const rg = rgRaw === undefined ? undefined : evalString(ctx, rgRaw, frame, loops, at('resourceGroup'), 'resourceGroup');
  const sub = subRaw === undefined ? undefined : evalString(ctx, subRaw, frame, loops, at('subscriptionId'), 'subscriptionId');
  let nestedTarget: DeploymentTarget = target;
  if (rg !== undefined || sub !== undefined) {
    const subscriptionId = sub ?? target.subscriptionId;
    if (subscriptionId === undefined) throw new EvaluationError('deploy.template-invalid', { reason: 'a nested deployment at this scope needs subscriptionId' }, pointer);
    nestedTarget =
      rg !== undefined
        ? { kind: 'resourceGroup', id: formatResourceGroupId(subscriptionId, rg), subscriptionId, resourceGroup: rg }
        : sub !== undefined && target.kind === 'resourceGroup' && sub.toLowerCase() === target.subscriptionId?.toLowerCase()
          ? target
          : { kind: 'subscription', id: formatSubscriptionId(subscriptionId), subscriptionId };
  }
  const modeRaw = get(props, 'mode');
  const mode = modeRaw === undefined ? 'Incremental' : ex.evaluate(modeRaw, frame, loops, joinPointer(propsPointer, keyOr(props, 'mode')));
  const eeo = get(props, 'expressionEvaluationOptions');
  const scopeRaw = isObject(eeo) ? get(eeo, 'scope') : undefined;
  const inner = typeof scopeRaw === 'string' && scopeRaw.toLowerCase() === 'inner';
  const location = get(r, 'location') === undefined ? undefined : ex.evaluate(get(r, 'location'), frame, loops, at('location'));

  const id = resourceIdOf(nestedTarget.id, nestedTarget, 'Microsoft.Resources/deployments', name, at('name'));
  const paramsKey = findKey(props, 'parameters');
  // inner: the nested template's parameters get the values given here, evaluated in the parent scope.
  const parameters = inner && paramsKey !== undefined ? ex.evaluate(props[paramsKey], frame, loops, joinPointer(propsPointer, paramsKey)) : undefined;
  const entry: ExpandedResource = {
    type: 'Microsoft.Resources/deployments',
    name,
    id,
    declaredType: 'Microsoft.Resources/deployments',
    declaredName: name,
    ...(typeof get(r, 'apiVersion') === 'string' ? { apiVersion: get(r, 'apiVersion') as string } : {}),
    ...(typeof location === 'string' ? { location } : {}),
    properties: { mode, expressionEvaluationOptions: { scope: inner ? 'inner' : 'outer' }, ...(parameters !== undefined ? { parameters } : {}) },
    dependsOn: evaluateDependsOn(r, frame, loops, pointer, ctx),
    pointer,
    target: nestedTarget.id,
    ...(copy ? { copy: [copy] } : {}),
  };
  if (ex.unresolved.length > 0) {
    entry.symbolic = true;
    entry.unresolved = ex.unresolved;
  }
  if (ctx.result.resources.length >= ctx.max) throw new EvaluationError('deploy.expand-failed', { reason: `more than ${ctx.max} resources` }, pointer);
  ctx.result.resources.push(entry);

  if (get(props, 'templateLink') !== undefined) {
    ctx.result.warnings.push(diagnostic('deploy.expand-failed', { reason: `nested deployment "${name}" uses templateLink; linked templates cannot be expanded offline` }, { pointer: joinPointer(propsPointer, keyOr(props, 'templateLink')) }));
    return;
  }
  const templateKey = keyOr(props, 'template');
  const template = props[templateKey];
  if (!isObject(template)) throw new EvaluationError('deploy.template-invalid', { reason: 'a nested deployment needs properties.template' }, joinPointer(propsPointer, templateKey));
  const templatePointer = joinPointer(propsPointer, templateKey);
  if (inner) {
    const innerFrame = frameFor(
      template,
      templatePointer,
      isObject(parameters) ? parameters : undefined,
      scopeObjects(nestedTarget, ctx, false),
      deploymentObject(name, template, parameters, typeof mode === 'string' ? mode : 'Incremental', typeof location === 'string' ? location : undefined),
      ctx,
    );
    // Scope objects of the top target stay the caller's when the nested deployment targets the same scope.
    if (nestedTarget.id.toLowerCase() === target.id.toLowerCase()) {
      innerFrame.resourceGroup = frame.resourceGroup;
      innerFrame.subscription = frame.subscription;
      innerFrame.managementGroup = frame.managementGroup;
    }
    expandTemplate(template, templatePointer, innerFrame, nestedTarget, [], ctx, depth + 1, name);
  } else {
    // outer (the default): the parent's parameters, variables, deployment() and resourceGroup()/subscription();
    // only the place the resources land changes.
    const outerFrame: TemplateFrame = { ...frame, pointer: templatePointer };
    expandTemplate(template, templatePointer, outerFrame, nestedTarget, loops, ctx, depth + 1, name);
  }
}

export type { Diagnostic };
