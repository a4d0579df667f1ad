// compilePolicy: a definition (with or without the `properties` envelope) and its parameter values
// compiled once into a CompiledPolicy: the if-condition, the applicability condition, the effect and
// the effect's details, all as closures (digest §1, §7).
import { PolicyError, diagnostic, joinPointer, type Diagnostic, type SourceLocation } from '../diagnostics/index.js';
import { parseDefinition } from '../parse/index.js';
import { compileTemplateValue } from '../expressions/compile.js';
import type { CompiledValue } from '../expressions/types.js';
import { defaultAliasCatalogue, createAliasCatalogue, type AliasCatalogue, type ProviderAliases } from '../aliases/index.js';
import type { OperatorOptions } from '../operators/index.js';
import { lookupEffect, type EffectSpec } from '../effects/registry.js';
import { compileCondition, expressionScope, type Condition, type LeafClass } from './condition.js';
import { newReads, newStats, type CompileEnv, type ConditionOptions, type FieldReads, type LeafStats, LIMITS } from './env.js';
import { bindParameters, type ParameterDefinition } from './parameters.js';
import { isObject, keyOf, memberValue as get } from './keys.js';

export type ModeKind = 'all' | 'indexed' | 'resourceProvider';

export interface CompileOptions {
  /** Parameter values by name (plain values, not `{ value }`). */
  parameters?: Record<string, unknown>;
  /** Extra aliases in ARM's provider alias format. */
  aliases?: ProviderAliases;
  /** A pre-built catalogue (estates compile many policies against one). */
  catalogue?: AliasCatalogue;
  /** Unknown aliases are compile errors (default true). */
  strict?: boolean;
  /** Plain property paths may stand in for aliases (default false). */
  lenient?: boolean;
  operatorOptions?: OperatorOptions;
  /** digest §15 A-1: a `[*]` condition over a missing array is false instead of true. */
  missingArrayIsFalse?: boolean;
  /** Pointer of the definition inside its document, for diagnostics. */
  pointer?: string;
  /** Maps a pointer to its line:column in the source file (parseSourceText's locate). */
  locate?: (pointer: string) => SourceLocation | undefined;
  /** An assignment override's effect (digest §8.7), used instead of then.effect. */
  effectOverride?: string;
}

export interface CompiledDetails {
  type: CompiledValue;
  name?: CompiledValue;
  resourceGroupName?: CompiledValue;
  existenceScope: 'resourceGroup' | 'subscription';
  existenceCondition?: Condition;
  deploymentScope: 'resourceGroup' | 'subscription';
  /** details.deployment as written (the template is passed through verbatim). */
  deployment?: Record<string, unknown>;
  /** details.deployment.properties.parameters.<name>.value, compiled with the policy evaluator. */
  deploymentParameters: ReadonlyArray<{ name: string; value: CompiledValue }>;
  roleDefinitionIds: string[];
  /** manual: the state before attestation. */
  defaultState?: 'Compliant' | 'NonCompliant' | 'Unknown';
  raw: Record<string, unknown>;
}

export interface CompiledPolicy {
  readonly id: string | undefined;
  readonly name: string | undefined;
  readonly displayName: string | undefined;
  readonly description: string | undefined;
  readonly mode: string;
  readonly modeKind: ModeKind;
  readonly effect: EffectSpec;
  /** Bound parameter values by declared name. */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly condition: Condition;
  /** For conditional effects: the type/name/kind-only condition of §7.2. */
  readonly applicability: Condition | undefined;
  /** The rule reads `location` somewhere: never applicable to subscriptions (§7.2). */
  readonly readsLocation: boolean;
  readonly details: CompiledDetails | undefined;
  readonly stats: Readonly<LeafStats>;
  /** Warnings found while compiling. */
  readonly diagnostics: readonly Diagnostic[];
  /** The policy rule as written. */
  readonly policyRule: Record<string, unknown>;
  readonly catalogue: AliasCatalogue;
  readonly conditionOptions: ConditionOptions;
  readonly boundParameters: ReadonlyMap<string, unknown>;
  /** The fields the rule reads anywhere (if, details, existenceCondition, deployment parameters). */
  readonly reads: FieldReads;
}

const RP_MODE = /^microsoft\.[a-z0-9]+(\.[a-z0-9]+)*\.data$/i;

/** Definitions come with or without the `properties` envelope. */
export function definitionBody(definition: unknown): { body: Record<string, unknown>; pointer: string; envelope: Record<string, unknown> } | undefined {
  if (!isObject(definition)) return undefined;
  const props = get(definition, 'properties');
  if (isObject(props) && (get(props, 'policyrule') !== undefined || get(definition, 'policyrule') === undefined)) {
    return { body: props, pointer: '/' + (keyOf(definition, 'properties') ?? 'properties'), envelope: definition };
  }
  return { body: definition, pointer: '', envelope: definition };
}

export function modeKindOf(mode: string): ModeKind | undefined {
  const m = mode.toLowerCase();
  if (m === 'all') return 'all';
  if (m === 'indexed') return 'indexed';
  if (RP_MODE.test(mode)) return 'resourceProvider';
  return undefined;
}

export function compilePolicy(definition: unknown, options: CompileOptions = {}): CompiledPolicy {
  const base = options.pointer ?? '';
  // Structure first (ajv, every fault at once); then meaning, even when the structure has faults, so a
  // user sees an unknown alias and an unknown function together with a misspelt operator.
  const parsed = parseDefinition(definition, { pointerBase: base, ...(options.locate ? { locate: options.locate } : {}) });
  const structural = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (structural.length === 0) return compileParsed(definition, options, parsed.diagnostics);
  let semantic: Diagnostic[] = [];
  try {
    compileParsed(definition, options, []);
  } catch (e) {
    // A structurally broken rule may not compile far; keep what the compiler could say.
    if (e instanceof PolicyError) semantic = e.diagnostics;
  }
  const seen = new Set(structural.map((d) => `${d.code}|${d.pointer ?? ''}`));
  const extra = semantic.filter((d) => d.severity === 'error' && !seen.has(`${d.code}|${d.pointer ?? ''}`) && !structural.some((x) => x.pointer !== undefined && d.pointer !== undefined && d.pointer.startsWith(x.pointer)));
  throw new PolicyError([...structural, ...extra]);
}

function compileParsed(definition: unknown, options: CompileOptions, parseDiagnostics: Diagnostic[]): CompiledPolicy {
  const base = options.pointer ?? '';
  const diagnostics: Diagnostic[] = [...parseDiagnostics];
  const unwrapped = definitionBody(definition);
  if (unwrapped === undefined) throw new PolicyError([diagnostic('parse.not-an-object', { context: ' (a policy definition)' }, { pointer: base })]);
  const { body, envelope } = unwrapped;
  const bodyPointer = base + unwrapped.pointer;

  const policyRuleKey = keyOf(body, 'policyrule');
  const policyRule = policyRuleKey === undefined ? undefined : body[policyRuleKey];
  if (!isObject(policyRule)) throw new PolicyError([diagnostic('parse.missing-policy-rule', {}, { pointer: bodyPointer })]);
  const rulePointer = joinPointer(bodyPointer, policyRuleKey!);

  // Mode: missing or null is Indexed (definition-structure-basics.md).
  const modeRaw = get(body, 'mode');
  const mode = typeof modeRaw === 'string' ? modeRaw : 'Indexed';
  let modeKind = modeKindOf(mode);
  if (modeKind === undefined) {
    diagnostics.push(diagnostic('parse.invalid-mode', { mode }, { pointer: joinPointer(bodyPointer, keyOf(body, 'mode') ?? 'mode') }));
    modeKind = 'indexed';
  }

  const paramsKey = keyOf(body, 'parameters');
  const declared = (paramsKey === undefined ? undefined : body[paramsKey]) as Record<string, ParameterDefinition> | undefined;
  const bound = bindParameters(isObject(declared) ? declared : undefined, options.parameters, joinPointer(bodyPointer, paramsKey ?? 'parameters'), diagnostics);

  const catalogue = options.catalogue ?? (options.aliases ? createAliasCatalogue(options.aliases) : defaultAliasCatalogue());
  // Resource-provider modes use data-plane aliases (Microsoft.KeyVault.Data/…) that the ARM catalogue
  // does not hold; their rules are checked for structure only, never evaluated from snapshots.
  const rpMode = modeKind === 'resourceProvider';
  const conditionOptions: ConditionOptions = {
    catalogue,
    strict: rpMode ? false : options.strict ?? true,
    lenient: rpMode ? true : options.lenient ?? false,
    operatorOptions: options.operatorOptions ?? {},
    missingArrayIsFalse: options.missingArrayIsFalse ?? false,
  };
  // Declared parameters without a value map to undefined: the expression compiler reports them
  // ('expr.missing-parameter-value') where they are used.
  const parameterValues = new Map(bound.values);
  for (const u of bound.unbound) parameterValues.set(u, undefined);
  const env: CompileEnv = {
    options: conditionOptions,
    diagnostics,
    parameters: parameterValues,
    bindings: [],
    target: 'primary',
    stats: newStats(),
    counters: { conditions: 0, valueCounts: 0 },
    reads: newReads(),
  };
  // field() with a computed name reads a field known only at run time (functions/policy.ts falls back to the
  // runtime hook): the rule may read anything.
  if (/\bfield\s*\(\s*(?!')/i.test(JSON.stringify(policyRule))) env.reads!.wholeResource = true;

  const ifKey = keyOf(policyRule, 'if');
  const thenKey = keyOf(policyRule, 'then');
  if (ifKey === undefined) diagnostics.push(diagnostic('parse.missing-if', {}, { pointer: rulePointer }));
  if (thenKey === undefined) diagnostics.push(diagnostic('parse.missing-then', {}, { pointer: rulePointer }));
  const ifPointer = joinPointer(rulePointer, ifKey ?? 'if');
  const condition = ifKey === undefined ? () => false : compileCondition(policyRule[ifKey], ifPointer, env);

  // Effect: a literal or an expression over parameters, resolved now.
  const then = thenKey === undefined ? undefined : policyRule[thenKey];
  const thenPointer = joinPointer(rulePointer, thenKey ?? 'then');
  let effect: EffectSpec | undefined;
  let details: CompiledDetails | undefined;
  if (isObject(then)) {
    const effectKey = keyOf(then, 'effect');
    if (effectKey === undefined) diagnostics.push(diagnostic('parse.missing-effect', {}, { pointer: thenPointer }));
    else effect = resolveEffect(options.effectOverride ?? then[effectKey], joinPointer(thenPointer, effectKey), env);
    if (effect !== undefined) details = compileDetails(effect, then, thenPointer, env);
  } else if (thenKey !== undefined) {
    diagnostics.push(diagnostic('parse.not-an-object', { context: ' ("then")' }, { pointer: thenPointer }));
  }

  // Applicability (§7.2) for effects other than the IfNotExists family.
  let applicability: Condition | undefined;
  if (effect !== undefined && effect.family !== 'ifNotExists' && ifKey !== undefined) {
    const deciding = decidingClasses(env.stats);
    if (deciding !== undefined) {
      const scratch: CompileEnv = { ...env, diagnostics: [], stats: newStats(), counters: { conditions: 0, valueCounts: 0 } };
      applicability = compileCondition(policyRule[ifKey], ifPointer, scratch, false, 0, { deciding });
    }
  }

  if (options.locate) for (const d of diagnostics) if (d.source === undefined && d.pointer !== undefined) {
    const at = options.locate(d.pointer);
    if (at) d.source = at;
  }
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || effect === undefined) throw new PolicyError(errors.length > 0 ? errors : diagnostics);

  const readsLocation = env.stats.location > 0 || JSON.stringify(details?.deployment ?? null).toLowerCase().includes("field('location')");
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const parameters: Record<string, unknown> = Object.create(null);
  for (const [lower, value] of bound.values) parameters[bound.declared.get(lower) ?? lower] = value;
  return Object.freeze({
    id: str(get(envelope, 'id')),
    name: str(get(envelope, 'name')),
    displayName: str(get(body, 'displayname')),
    description: str(get(body, 'description')),
    mode,
    modeKind,
    effect,
    parameters,
    condition,
    applicability,
    readsLocation,
    details,
    stats: env.stats,
    diagnostics,
    policyRule,
    catalogue,
    conditionOptions,
    boundParameters: bound.values,
    reads: env.reads!,
  });
}

/** §7.2: which leaf classes decide applicability, or undefined when the rule applies to everything. */
function decidingClasses(stats: LeafStats): Set<LeafClass> | undefined {
  const hasOther = stats.other + stats.location > 0;
  if (stats.type === 0 && !hasOther) return undefined; // only name and/or kind conditions: all resources
  const deciding = new Set<LeafClass>();
  if (stats.type > 0) deciding.add('type');
  if (hasOther) {
    if (stats.kind > 0) deciding.add('kind');
    if (stats.name > 0) deciding.add('name');
  }
  return deciding.size === 0 ? undefined : deciding;
}

function resolveEffect(raw: unknown, pointer: string, env: CompileEnv): EffectSpec | undefined {
  const compiled = compileTemplateValue(raw, expressionScope(env, pointer));
  if (!compiled.constant) {
    env.diagnostics.push(diagnostic('compile.effect-not-resolved', { reason: 'it depends on the resource' }, { pointer }));
    return undefined;
  }
  if (typeof compiled.value !== 'string') {
    env.diagnostics.push(diagnostic('compile.effect-not-resolved', { reason: `got ${JSON.stringify(compiled.value) ?? 'nothing'}` }, { pointer }));
    return undefined;
  }
  const spec = lookupEffect(compiled.value);
  if (spec === undefined) env.diagnostics.push(diagnostic('compile.unknown-effect', { effect: compiled.value }, { pointer }));
  return spec;
}

function compileDetails(effect: EffectSpec, then: Record<string, unknown>, thenPointer: string, env: CompileEnv): CompiledDetails | undefined {
  const detailsKey = keyOf(then, 'details');
  const raw = detailsKey === undefined ? undefined : then[detailsKey];
  const pointer = joinPointer(thenPointer, detailsKey ?? 'details');
  if (effect.family === 'manual') {
    const state = isObject(raw) ? get(raw, 'defaultstate') : undefined;
    const s = typeof state === 'string' ? state.toLowerCase().replace('-', '') : 'unknown';
    const defaultState = s === 'compliant' ? 'Compliant' : s === 'noncompliant' ? 'NonCompliant' : 'Unknown';
    return { type: constant(''), existenceScope: 'resourceGroup', deploymentScope: 'resourceGroup', deploymentParameters: [], roleDefinitionIds: [], defaultState, raw: isObject(raw) ? raw : {} };
  }
  if (effect.family !== 'ifNotExists') return undefined;
  if (!isObject(raw)) {
    env.diagnostics.push(diagnostic('compile.missing-details', { effect: effect.name, property: '' }, { pointer }));
    return undefined;
  }
  const scope = (lower: string) => {
    const k = keyOf(raw, lower);
    return k === undefined ? undefined : compileTemplateValue(raw[k], expressionScope(env, joinPointer(pointer, k)));
  };
  const type = scope('type');
  if (type === undefined) {
    env.diagnostics.push(diagnostic('compile.missing-details', { effect: effect.name, property: 'type' }, { pointer }));
    return undefined;
  }
  const existenceScope = scopeName(get(raw, 'existencescope'), joinPointer(pointer, keyOf(raw, 'existencescope') ?? 'existenceScope'), env);
  const deploymentScope = scopeName(get(raw, 'deploymentscope'), joinPointer(pointer, keyOf(raw, 'deploymentscope') ?? 'deploymentScope'), env);

  let existenceCondition: Condition | undefined;
  const ecKey = keyOf(raw, 'existencecondition');
  if (ecKey !== undefined) {
    const ecEnv: CompileEnv = { ...env, target: 'related', stats: newStats(), counters: { conditions: 0, valueCounts: env.counters.valueCounts } };
    existenceCondition = compileCondition(raw[ecKey], joinPointer(pointer, ecKey), ecEnv);
    if (ecEnv.counters.conditions > LIMITS.existenceConditions) {
      env.diagnostics.push(diagnostic('parse.too-many-conditions', { limit: LIMITS.existenceConditions }, { pointer: joinPointer(pointer, ecKey) }));
    }
  }

  const deploymentKey = keyOf(raw, 'deployment');
  const deployment = deploymentKey === undefined ? undefined : raw[deploymentKey];
  const deploymentParameters: { name: string; value: CompiledValue }[] = [];
  if (effect.name === 'deployIfNotExists') {
    if (!isObject(deployment)) env.diagnostics.push(diagnostic('compile.missing-details', { effect: effect.name, property: 'deployment' }, { pointer }));
    else {
      const propsKey = keyOf(deployment, 'properties');
      const props = propsKey === undefined ? undefined : deployment[propsKey];
      const paramsKey = isObject(props) ? keyOf(props, 'parameters') : undefined;
      const params = isObject(props) && paramsKey !== undefined ? props[paramsKey] : undefined;
      if (isObject(params)) {
        for (const [name, p] of Object.entries(params)) {
          const vk = isObject(p) ? keyOf(p, 'value') : undefined;
          if (!isObject(p) || vk === undefined) continue; // references (Key Vault) pass through untouched
          const ptr = joinPointer(pointer, deploymentKey!, propsKey!, paramsKey!, name, vk);
          deploymentParameters.push({ name, value: compileTemplateValue(p[vk], expressionScope(env, ptr)) });
        }
      }
    }
  }
  const roles = get(raw, 'roledefinitionids');
  const roleDefinitionIds = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  const details: CompiledDetails = {
    type,
    existenceScope,
    deploymentScope,
    deploymentParameters,
    roleDefinitionIds,
    raw,
  };
  const name = scope('name');
  if (name !== undefined) details.name = name;
  const rg = scope('resourcegroupname');
  if (rg !== undefined) details.resourceGroupName = rg;
  if (existenceCondition !== undefined) details.existenceCondition = existenceCondition;
  if (isObject(deployment)) details.deployment = deployment;
  return details;
}

function constant(value: unknown): CompiledValue {
  return { evaluate: () => value, constant: true, value };
}

function scopeName(raw: unknown, pointer: string, env: CompileEnv): 'resourceGroup' | 'subscription' {
  if (raw === undefined) return 'resourceGroup';
  const v = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (v === 'subscription') return 'subscription';
  if (v === 'resourcegroup') return 'resourceGroup';
  env.diagnostics.push(diagnostic('compile.invalid-details', { effect: 'ifNotExists', reason: `scope must be ResourceGroup or Subscription, got ${JSON.stringify(raw)}` }, { pointer }));
  return 'resourceGroup';
}
