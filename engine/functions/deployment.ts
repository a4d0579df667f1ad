// Deployment-time (ARM template) functions: resource ids, uniqueString/guid, deployment/environment/scope values,
// copyIndex, variables, the runtime-only functions (reference, list*, pickZones, newGuid, providers) and dates.
// Sources: MicrosoftDocs/azure-docs articles/azure-resource-manager/templates/template-functions-resource.md,
// template-functions-string.md, template-functions-deployment.md, template-functions-scope.md,
// template-functions-date.md; digest §6.1 (what policy rules may not call), §12.3, §15 A-13.
// resourceGroup() and subscription() are policy functions too and live in the policy table, not here.
import { EvaluationError } from '../diagnostics/index.js';
import type { Expr, ExpressionPhase, ExpressionRuntime, ExpressionScope, Evaluator } from '../expressions/types.js';
import type { FunctionSpec } from './types.js';
import { armGuid, armUniqueString } from './arm-hash.js';
import { functionFailed, integerArg, isPlainObject, stringArg, stringArgs } from './deployment-args.js';
import { checkRange, epochSeconds, formatDateTime, formatIso, parseDateTime, parseDuration, TICKS_PER_SECOND } from './deployment-dates.js';

const TEMPLATE: readonly ExpressionPhase[] = Object.freeze(['template'] as const);
const BOTH: readonly ExpressionPhase[] = Object.freeze(['policyRule', 'template'] as const);

// ── runtime hooks ──────────────────────────────────────────────────────────────────────────

function requireHook<K extends keyof ExpressionRuntime>(name: string, rt: ExpressionRuntime, hook: K): NonNullable<ExpressionRuntime[K]> {
  const f = rt[hook];
  if (typeof f !== 'function') functionFailed(name, `not available here (the ${String(hook)}() context is not provided)`);
  return f as NonNullable<ExpressionRuntime[K]>;
}

/** Calls an optional scope hook; absent, undefined or failing (EvaluationError) means "not at that scope". */
function optionalScope(rt: ExpressionRuntime, hook: 'resourceGroup' | 'subscription' | 'managementGroup'): Record<string, unknown> | undefined {
  const f = rt[hook];
  if (typeof f !== 'function') return undefined;
  try {
    const v = f.call(rt);
    return isPlainObject(v) ? v : undefined;
  } catch (e) {
    if (e instanceof EvaluationError) return undefined;
    throw e;
  }
}

function subscriptionIdOf(sub: Record<string, unknown> | undefined): string | undefined {
  if (!sub) return undefined;
  if (typeof sub['subscriptionId'] === 'string') return sub['subscriptionId'];
  const id = sub['id'];
  const m = typeof id === 'string' ? /^\/subscriptions\/([^/]+)/i.exec(id) : null;
  return m?.[1];
}

/** Runtime-only functions: a symbolic value from rt.unresolvable, or 'expr.unresolvable' when the caller has none. */
function unresolvable(name: string, args: readonly unknown[], rt: ExpressionRuntime): unknown {
  if (typeof rt.unresolvable !== 'function') throw new EvaluationError('expr.unresolvable', { name });
  return rt.unresolvable(name, [...args]);
}

// ── resource ids (digest §12.3, §12.4) ─────────────────────────────────────────────────────

/**
 * `{namespace}/{t1}/{n1}/{t2}/{n2}…` from a full type and its names: one name per type segment after the namespace.
 * A name argument may itself hold several '/'-separated segments (resourceId(type, 'server/db')); what counts is
 * the total number of name segments.
 */
function providerPath(name: string, rawType: string, names: readonly string[]): string {
  // 22 built-in DINE templates write a trailing slash (resourceId('Microsoft.OperationalInsights/workspaces/', n))
  // and deploy in Azure, so ARM ignores it.
  const type = rawType.endsWith('/') ? rawType.slice(0, -1) : rawType;
  const segments = type.split('/');
  if (segments.length < 2 || segments.some((s) => s.trim() === '')) {
    functionFailed(name, `"${type}" is not a fully qualified resource type ("{namespace}/{type}[/{childType}…]")`);
  }
  const [namespace, ...types] = segments;
  const nameSegments = names.join('/').split('/');
  if (names.length === 0 || nameSegments.length !== types.length) {
    functionFailed(
      name,
      `resource type "${type}" needs ${types.length} resource name segment(s), got ${names.length === 0 ? 0 : nameSegments.length}`,
    );
  }
  let out = namespace as string;
  types.forEach((t, i) => {
    out += `/${t}/${nameSegments[i]}`;
  });
  return out;
}

/** Index of the first argument that looks like a resource type (it contains '/'), among the first `max` + 1. */
function typeIndex(name: string, args: readonly string[], max: number): number {
  for (let i = 0; i <= max && i < args.length; i++) if (args[i]?.includes('/')) return i;
  return functionFailed(name, 'no resource type argument ("{namespace}/{type}") was found');
}

function resourceId(args: readonly unknown[], rt: ExpressionRuntime): string {
  const name = 'resourceId';
  const all = stringArgs(name, args, 0, 'resourceType or name');
  const t = typeIndex(name, all, 2);
  const path = providerPath(name, all[t] as string, all.slice(t + 1));
  const rg = optionalScope(rt, 'resourceGroup');
  const subId = (): string => {
    const id = subscriptionIdOf(optionalScope(rt, 'subscription'));
    return id ?? functionFailed(name, 'the deployment has no subscription; pass the subscription id');
  };
  if (t === 2) return `/subscriptions/${all[0]}/resourceGroups/${all[1]}/providers/${path}`;
  if (t === 1) {
    // One leading argument: the resource group name at resource-group scope, else the subscription id.
    if (rg) return `/subscriptions/${subId()}/resourceGroups/${all[0]}/providers/${path}`;
    return `/subscriptions/${all[0]}/providers/${path}`;
  }
  if (rg) {
    const rgName = rg['name'];
    if (typeof rgName !== 'string') functionFailed(name, 'resourceGroup() has no name');
    return `/subscriptions/${subId()}/resourceGroups/${rgName}/providers/${path}`;
  }
  const sub = subscriptionIdOf(optionalScope(rt, 'subscription'));
  if (sub !== undefined) return `/subscriptions/${sub}/providers/${path}`;
  return `/providers/${path}`;
}

function subscriptionResourceId(args: readonly unknown[], rt: ExpressionRuntime): string {
  const name = 'subscriptionResourceId';
  const all = stringArgs(name, args, 0, 'resourceType or name');
  const t = typeIndex(name, all, 1);
  const path = providerPath(name, all[t] as string, all.slice(t + 1));
  const sub = t === 1 ? all[0] : subscriptionIdOf(optionalScope(rt, 'subscription'));
  if (sub === undefined) functionFailed(name, 'the deployment has no subscription; pass the subscription id');
  return `/subscriptions/${sub}/providers/${path}`;
}

function tenantResourceId(args: readonly unknown[]): string {
  const name = 'tenantResourceId';
  const all = stringArgs(name, args, 0, 'resourceType or name');
  return `/providers/${providerPath(name, all[0] as string, all.slice(1))}`;
}

function managementGroupResourceId(args: readonly unknown[], rt: ExpressionRuntime): string {
  const name = 'managementGroupResourceId';
  const all = stringArgs(name, args, 0, 'resourceType or name');
  const t = typeIndex(name, all, 1);
  const path = providerPath(name, all[t] as string, all.slice(t + 1));
  let scope: string;
  if (t === 1) {
    const mg = all[0] as string;
    scope = mg.startsWith('/') ? mg.replace(/\/+$/, '') : `/providers/Microsoft.Management/managementGroups/${mg}`;
  } else {
    const mg = optionalScope(rt, 'managementGroup');
    const id = mg?.['id'];
    const mgName = mg?.['name'];
    if (typeof id === 'string') scope = id.replace(/\/+$/, '');
    else if (typeof mgName === 'string') scope = `/providers/Microsoft.Management/managementGroups/${mgName}`;
    else return functionFailed(name, 'the deployment has no management group; pass the management group name');
  }
  return `${scope}/providers/${path}`;
}

function extensionResourceId(args: readonly unknown[]): string {
  const name = 'extensionResourceId';
  const base = stringArg(name, args, 0, 'baseResourceId');
  if (!base.startsWith('/')) functionFailed(name, `"${base}" is not a resource id (it must start with "/")`);
  const rest = stringArgs(name, args, 1, 'resourceType or name');
  return `${base.replace(/\/+$/, '')}/providers/${providerPath(name, rest[0] as string, rest.slice(1))}`;
}

// ── copyIndex, variables ───────────────────────────────────────────────────────────────────

function copyIndex(args: readonly unknown[], rt: ExpressionRuntime): number {
  const name = 'copyIndex';
  let loop: string | undefined;
  let offset = 0;
  if (args.length === 1) {
    if (typeof args[0] === 'string') loop = args[0];
    else offset = integerArg(name, args, 0, 'offset');
  } else if (args.length === 2) {
    loop = stringArg(name, args, 0, 'loopName');
    offset = integerArg(name, args, 1, 'offset');
  }
  if (typeof rt.copyIndex !== 'function') functionFailed(name, 'it can only be used inside a copy loop');
  const index = rt.copyIndex(loop);
  if (typeof index !== 'number' || !Number.isSafeInteger(index)) {
    functionFailed(name, loop === undefined ? 'no copy loop is active' : `no copy loop named "${loop}" is active`);
  }
  return index + offset;
}

function readVariable(variableName: string, rt: ExpressionRuntime): unknown {
  const read = requireHook('variables', rt, 'variable');
  const v = read.call(rt, variableName);
  if (v === undefined) throw new EvaluationError('expr.unknown-variable', { name: variableName });
  return v;
}

function compileVariables(args: readonly Expr[], scope: ExpressionScope): Evaluator | undefined {
  const arg = args[0];
  if (args.length !== 1 || arg?.kind !== 'string' || typeof scope.variable !== 'function') return undefined;
  return scope.variable(arg.value, scope.pointer);
}

// ── dates ──────────────────────────────────────────────────────────────────────────────────

function dateTimeAdd(args: readonly unknown[]): string {
  const name = 'dateTimeAdd';
  const base = parseDateTime(name, stringArg(name, args, 0, 'base'));
  const ticks = checkRange(name, base.ticks + parseDuration(name, stringArg(name, args, 1, 'duration')));
  if (args.length > 2) return formatDateTime(name, ticks, stringArg(name, args, 2, 'format'));
  // No format: "the format of the base value is used". The docs' examples give ISO 8601 UTC
  // ('2023-01-01 00:00:00Z' + P1Y → 2024-01-01T00:00:00Z); a compact base (utcNow()'s yyyyMMddTHHmmssZ) stays compact.
  return formatIso(ticks, base.basic);
}

function dateTimeFromEpoch(args: readonly unknown[]): string {
  const name = 'dateTimeFromEpoch';
  const seconds = integerArg(name, args, 0, 'epochTime');
  return formatIso(checkRange(name, BigInt(seconds) * TICKS_PER_SECOND), false);
}

function dateTimeToEpoch(args: readonly unknown[]): number {
  const name = 'dateTimeToEpoch';
  return Number(epochSeconds(parseDateTime(name, stringArg(name, args, 0, 'dateTime')).ticks));
}

// ── the table ──────────────────────────────────────────────────────────────────────────────

/** The documented list* operations that appear in templates; any other name starting with "list" resolves via listFunction(). */
const LIST_FUNCTIONS = [
  'list',
  'listKeys',
  'listSecrets',
  'listAccountSas',
  'listServiceSas',
  'listCallbackUrl',
  'listConnectionStrings',
  'listCredentials',
  'listKeyValue',
  'listAdminKeys',
  'listQueryKeys',
] as const;

function listSpec(name: string): FunctionSpec {
  return {
    name,
    doc: `${name}(resourceNameOrId, apiVersion, [functionValues]): runtime values of a list operation; symbolic offline.`,
    phases: TEMPLATE,
    minArgs: 1,
    maxArgs: 3,
    params: [
      { name: 'resourceNameOrId', kinds: ['string'] },
      { name: 'apiVersion', kinds: ['string'] },
      { name: 'functionValues', kinds: ['object'] },
    ],
    pure: false,
    evaluate: (args, rt) => unresolvable(name, args, rt),
  };
}

function runtimeOnly(name: string, doc: string, minArgs: number, maxArgs: number, params: FunctionSpec['params']): FunctionSpec {
  return { name, doc, phases: TEMPLATE, minArgs, maxArgs, params, pure: false, evaluate: (args, rt) => unresolvable(name, args, rt) };
}

const NAMES_PARAM = [{ name: 'resourceTypeOrName', kinds: ['string'] }] as const;

export const DEPLOYMENT_FUNCTIONS: readonly FunctionSpec[] = Object.freeze([
  {
    name: 'resourceId',
    doc: 'resourceId([subscriptionId], [resourceGroupName], resourceType, name1, …): the id of a resource; sub/RG default to the deployment’s.',
    phases: TEMPLATE,
    minArgs: 2,
    maxArgs: Infinity,
    params: NAMES_PARAM,
    pure: false,
    evaluate: resourceId,
  },
  {
    name: 'subscriptionResourceId',
    doc: 'subscriptionResourceId([subscriptionId], resourceType, name1, …): the id of a subscription-level resource.',
    phases: TEMPLATE,
    minArgs: 2,
    maxArgs: Infinity,
    params: NAMES_PARAM,
    pure: false,
    evaluate: subscriptionResourceId,
  },
  {
    name: 'tenantResourceId',
    doc: 'tenantResourceId(resourceType, name1, …): the id of a tenant-level resource (/providers/…).',
    phases: TEMPLATE,
    minArgs: 2,
    maxArgs: Infinity,
    params: NAMES_PARAM,
    pure: true,
    evaluate: (args) => tenantResourceId(args),
  },
  {
    // Not in the digest §6.1 exclusion list, so policy rules may call it too.
    name: 'managementGroupResourceId',
    doc: 'managementGroupResourceId([managementGroupName], resourceType, name1, …): the id of a management-group-level resource.',
    phases: BOTH,
    minArgs: 2,
    maxArgs: Infinity,
    params: NAMES_PARAM,
    pure: false,
    evaluate: managementGroupResourceId,
  },
  {
    name: 'extensionResourceId',
    doc: 'extensionResourceId(baseResourceId, resourceType, name1, …): the id of an extension resource on baseResourceId.',
    phases: TEMPLATE,
    minArgs: 3,
    maxArgs: Infinity,
    params: [
      { name: 'baseResourceId', kinds: ['string'] },
      { name: 'resourceTypeOrName', kinds: ['string'] },
    ],
    pure: true,
    evaluate: (args) => extensionResourceId(args),
  },
  {
    name: 'uniqueString',
    doc: "uniqueString(baseString, …): 13-character deterministic hash of the '-'-joined arguments (bit-exact with Azure).",
    phases: BOTH,
    minArgs: 1,
    maxArgs: Infinity,
    params: [{ name: 'baseString', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => armUniqueString(stringArgs('uniqueString', args, 0, 'baseString')),
  },
  {
    name: 'guid',
    doc: "guid(baseString, …): deterministic RFC 4122 v5 GUID of the '-'-joined arguments (bit-exact with Azure).",
    phases: BOTH,
    minArgs: 1,
    maxArgs: Infinity,
    params: [{ name: 'baseString', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => armGuid(stringArgs('guid', args, 0, 'baseString')),
  },
  {
    name: 'deployment',
    doc: 'deployment(): the current deployment {name, location?, properties: {template, templateLink?, parameters, mode, …}}.',
    phases: TEMPLATE,
    minArgs: 0,
    maxArgs: 0,
    pure: false,
    evaluate: (_args, rt) => requireHook('deployment', rt, 'deployment').call(rt),
  },
  {
    name: 'environment',
    doc: 'environment(): the Azure cloud the deployment targets (AzureCloud unless the caller says otherwise).',
    phases: TEMPLATE,
    minArgs: 0,
    maxArgs: 0,
    pure: false,
    evaluate: (_args, rt) => (typeof rt.environment === 'function' ? rt.environment() : AZURE_CLOUD_ENVIRONMENT),
  },
  {
    name: 'managementGroup',
    doc: 'managementGroup(): the target management group {id, name, type, properties} (management-group deployments).',
    phases: TEMPLATE,
    minArgs: 0,
    maxArgs: 0,
    pure: false,
    evaluate: (_args, rt) => requireHook('managementGroup', rt, 'managementGroup').call(rt),
  },
  {
    name: 'tenant',
    doc: 'tenant(): the tenant of the deployment {countryCode, displayName, id, tenantId}.',
    phases: TEMPLATE,
    minArgs: 0,
    maxArgs: 0,
    pure: false,
    evaluate: (_args, rt) => requireHook('tenant', rt, 'tenant').call(rt),
  },
  {
    name: 'copyIndex',
    doc: 'copyIndex([loopName], [offset]): the current iteration of a copy loop, plus offset.',
    phases: TEMPLATE,
    minArgs: 0,
    maxArgs: 2,
    params: [
      { name: 'loopNameOrOffset', kinds: ['string', 'integer'] },
      { name: 'offset', kinds: ['integer'] },
    ],
    pure: false,
    evaluate: copyIndex,
  },
  {
    name: 'variables',
    doc: 'variables(variableName): the value of a template variable (names case-insensitive).',
    phases: TEMPLATE,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'variableName', kinds: ['string'] }],
    pure: false,
    compile: compileVariables,
    evaluate: (args, rt) => readVariable(stringArg('variables', args, 0, 'variableName'), rt),
  },
  runtimeOnly('reference', "reference(resourceNameOrId, [apiVersion], ['Full']): a resource's runtime state; symbolic offline.", 1, 3, [
    { name: 'resourceNameOrId', kinds: ['string'] },
    { name: 'apiVersion', kinds: ['string'] },
    { name: 'full', kinds: ['string'] },
  ]),
  runtimeOnly('references', "references(collectionName, ['Full']): runtime states of a resource collection; symbolic offline.", 1, 2, [
    { name: 'collectionName', kinds: ['string'] },
    { name: 'full', kinds: ['string'] },
  ]),
  ...LIST_FUNCTIONS.map(listSpec),
  runtimeOnly('pickZones', 'pickZones(providerNamespace, resourceType, location, [numberOfZones], [offset]): availability zones; symbolic offline.', 3, 5, [
    { name: 'providerNamespace', kinds: ['string'] },
    { name: 'resourceType', kinds: ['string'] },
    { name: 'location', kinds: ['string'] },
    { name: 'numberOfZones', kinds: ['integer'] },
    { name: 'offset', kinds: ['integer'] },
  ]),
  runtimeOnly('newGuid', 'newGuid(): a new random GUID (parameter default values only); symbolic offline.', 0, 0, []),
  runtimeOnly('providers', 'providers(providerNamespace, [resourceType]): resource provider information (deprecated); symbolic offline.', 1, 2, [
    { name: 'providerNamespace', kinds: ['string'] },
    { name: 'resourceType', kinds: ['string'] },
  ]),
  {
    name: 'dateTimeAdd',
    doc: 'dateTimeAdd(base, duration, [format]): adds an ISO 8601 duration (P1Y = 365 days, P1M = 30 days) to a date-time.',
    phases: TEMPLATE,
    minArgs: 2,
    maxArgs: 3,
    params: [
      { name: 'base', kinds: ['string'] },
      { name: 'duration', kinds: ['string'] },
      { name: 'format', kinds: ['string'] },
    ],
    pure: true,
    evaluate: (args) => dateTimeAdd(args),
  },
  {
    name: 'dateTimeFromEpoch',
    doc: 'dateTimeFromEpoch(epochTime): the ISO 8601 UTC date-time of a Unix time in seconds.',
    phases: TEMPLATE,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'epochTime', kinds: ['integer'] }],
    pure: true,
    evaluate: (args) => dateTimeFromEpoch(args),
  },
  {
    name: 'dateTimeToEpoch',
    doc: 'dateTimeToEpoch(dateTime): the Unix time in whole seconds of an ISO 8601 date-time.',
    phases: TEMPLATE,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'dateTime', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => dateTimeToEpoch(args),
  },
] satisfies FunctionSpec[]);

const BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(DEPLOYMENT_FUNCTIONS.map((f) => [f.name.toLowerCase(), f]));

/**
 * The spec for any list* operation ("The operation name must start with list", template-functions-resource.md):
 * a table entry for the documented names, otherwise a spec built for `name` (Azure's spelling as written).
 * Returns undefined for names that do not start with "list".
 */
export function listFunction(name: string): FunctionSpec | undefined {
  if (!/^list/i.test(name)) return undefined;
  return BY_NAME.get(name.toLowerCase()) ?? listSpec(name);
}

/**
 * environment() for global Azure, as template-functions-deployment.md documents it. Returned when the caller's
 * runtime has no environment() hook (an offline run targets the public cloud unless configured otherwise).
 */
export const AZURE_CLOUD_ENVIRONMENT = Object.freeze({
  name: 'AzureCloud',
  gallery: 'https://gallery.azure.com/',
  graph: 'https://graph.windows.net/',
  portal: 'https://portal.azure.com',
  graphAudience: 'https://graph.windows.net/',
  activeDirectoryDataLake: 'https://datalake.azure.net/',
  batch: 'https://batch.core.windows.net/',
  media: 'https://rest.media.azure.net',
  sqlManagement: 'https://management.core.windows.net:8443/',
  vmImageAliasDoc: 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
  resourceManager: 'https://management.azure.com/',
  authentication: Object.freeze({
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: Object.freeze(['https://management.core.windows.net/', 'https://management.azure.com/']),
    tenant: 'common',
    identityProvider: 'AAD',
  }),
  suffixes: Object.freeze({
    acrLoginServer: '.azurecr.io',
    azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
    keyvaultDns: '.vault.azure.net',
    sqlServerHostname: '.database.windows.net',
    storage: 'core.windows.net',
  }),
});
