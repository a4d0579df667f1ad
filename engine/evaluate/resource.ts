// Evaluating one compiled policy on one resource: mode, applicability, the if-condition and the
// effect's compliance rule (digest §1.2, §7.2, §7.3, §7.5), with Azure-shaped reasons.
import { EvaluationError, diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { ComplianceState, Reason, ResourceView, RuleEvaluation, RelatedResourceReason } from '../model/index.js';
import { NO_RELATED_REASON } from '../operators/index.js';
import type { CompiledPolicy } from '../compile/policy.js';
import type { RelatedLookup, RelatedQuery } from '../effects/existence.js';
import { fieldArray, resolveField } from '../aliases/index.js';
import { RuleRuntime, type EvaluationContext, type DynamicLookups } from './runtime.js';
import { renderReasons } from './reasons.js';
import type { TraceEntry } from '../model/index.js';

export interface EvaluateOptions {
  /** The related resources for IfNotExists effects; undefined means "not provided" (→ Unknown). */
  related?: RelatedLookup;
  context?: EvaluationContext;
  /** Collect reasons for every outcome (explain); otherwise only for NonCompliant and Error. */
  explain?: boolean;
}

const SUBSCRIPTION = 'microsoft.resources/subscriptions';
const RESOURCE_GROUP = 'microsoft.resources/subscriptions/resourcegroups';

/** Resource-manager mode applicability (§1.2): which resources a mode evaluates at all. */
export function modeAccepts(policy: CompiledPolicy, r: ResourceView): boolean {
  const t = r.typeLower;
  if (t.startsWith('microsoft.resources/') && t !== SUBSCRIPTION && t !== RESOURCE_GROUP) return false;
  if (policy.modeKind === 'all') return true;
  if (policy.modeKind === 'indexed') {
    // Indexed: types that support tags and location. A snapshot tells us through a location.
    if (t === SUBSCRIPTION || t === RESOURCE_GROUP) return false;
    return typeof r.location === 'string' && r.location !== '';
  }
  return false;
}

function lookupsFor(policy: CompiledPolicy): DynamicLookups {
  const refs = new Map<string, ReturnType<typeof resolveField>>();
  return {
    parameter(name) {
      const lower = name.toLowerCase();
      if (!policy.boundParameters.has(lower)) throw new EvaluationError('expr.unknown-parameter', { name });
      return policy.boundParameters.get(lower);
    },
    field(rt, name) {
      let res = refs.get(name);
      if (res === undefined) {
        const o = policy.conditionOptions;
        res = resolveField(name, { catalogue: o.catalogue, strict: o.strict, lenient: o.lenient });
        refs.set(name, res);
      }
      if ('diagnostic' in res) throw new EvaluationError('compile.unknown-alias', { alias: name });
      return fieldArray(res.ref, rt.primary);
    },
  };
}

const LOOKUPS = new WeakMap<CompiledPolicy, DynamicLookups>();

function lookups(policy: CompiledPolicy): DynamicLookups {
  let l = LOOKUPS.get(policy);
  if (l === undefined) LOOKUPS.set(policy, (l = lookupsFor(policy)));
  return l;
}

/** A runtime for one evaluation of `policy` on `resource` (explain and remediation evaluate parts of a rule too). */
export function runtimeFor(policy: CompiledPolicy, resource: ResourceView, context: EvaluationContext = {}, trace?: TraceEntry[]): RuleRuntime {
  return new RuleRuntime(resource, context, lookups(policy), trace);
}

/**
 * The reasons of the commonest NotApplicable results, shared (frozen): most members do not apply to most resources,
 * and their records are not even made.
 */
const IF_DOES_NOT_HOLD: Reason[] = Object.freeze([Object.freeze({ kind: 'applicability', message: 'The if-condition does not hold, so the rule does not apply.' })]) as unknown as Reason[];
const RULE_DOES_NOT_MATCH: Reason[] = Object.freeze([Object.freeze({ kind: 'applicability', message: `The rule's type, name and kind conditions do not match this resource.` })]) as unknown as Reason[];

/** Most results carry no diagnostics: they share one frozen empty list. */
const NO_DIAGNOSTICS: Diagnostic[] = Object.freeze([]) as unknown as Diagnostic[];

function result(applies: boolean, policy: CompiledPolicy, state: ComplianceState, reasons: Reason[], diagnostics: Diagnostic[] = NO_DIAGNOSTICS): RuleEvaluation {
  return { applies, effect: policy.effect.name, complianceState: state, reasons, diagnostics };
}

function errorResult(policy: CompiledPolicy, e: unknown, applies: boolean): RuleEvaluation {
  if (!(e instanceof EvaluationError)) throw e;
  const d = e.toDiagnostic();
  return result(applies, policy, 'Error', [{ kind: 'error', message: e.message, code: e.code, ...(e.pointer !== undefined ? { pointer: e.pointer } : {}) }], [d]);
}

/** Evaluate with tracing on, returning the trace (used for reasons; the fast path runs without it). */
function traced(run: (rt: RuleRuntime) => unknown, rt: RuleRuntime): TraceEntry[] {
  const trace: TraceEntry[] = [];
  rt.trace = trace;
  try {
    run(rt);
  } catch {
    // The error itself is reported by the caller; the trace shows how far evaluation got.
  } finally {
    rt.trace = undefined;
  }
  return trace;
}

/** Runs only the if-condition (no mode, applicability or effect): for evaluateCondition and explain. */
export function conditionHolds(policy: CompiledPolicy, resource: ResourceView, context: EvaluationContext): boolean {
  return policy.condition(new RuleRuntime(resource, context, lookups(policy)));
}

export function evaluateResource(policy: CompiledPolicy, resource: ResourceView, options: EvaluateOptions = {}): RuleEvaluation {
  const family = policy.effect.family;
  if (family === 'disabled') return result(false, policy, 'NotApplicable', [{ kind: 'effect', message: 'The effect is Disabled: the rule is not evaluated.' }]);
  if (policy.modeKind === 'resourceProvider' || family === 'resourceProvider') {
    return result(false, policy, 'NotApplicable', [{ kind: 'applicability', message: `Mode "${policy.mode}" with effect ${policy.effect.name} is evaluated by its resource provider, not from ARM snapshots.` }], [
      diagnostic('eval.unsupported-mode', { mode: policy.mode }),
    ]);
  }
  if (!modeAccepts(policy, resource)) {
    return result(false, policy, 'NotApplicable', [{ kind: 'applicability', message: `Mode ${policy.mode} does not evaluate resources of type ${resource.type}.` }]);
  }
  if (policy.readsLocation && resource.typeLower === SUBSCRIPTION) {
    return result(false, policy, 'NotApplicable', [{ kind: 'applicability', message: 'Rules that read location never apply to subscriptions.' }]);
  }
  const rt = new RuleRuntime(resource, options.context ?? {}, lookups(policy));
  const explain = options.explain === true;

  if (family === 'ifNotExists') {
    let holds: boolean;
    try {
      holds = policy.condition(rt);
    } catch (e) {
      return withTrace(errorResult(policy, e, false), policy, rt);
    }
    if (!holds) {
      if (!explain) return result(false, policy, 'NotApplicable', IF_DOES_NOT_HOLD);
      return result(false, policy, 'NotApplicable', [IF_DOES_NOT_HOLD[0]!, ...renderReasons(traced(policy.condition, rt), 'if')]);
    }
    return existence(policy, rt, options);
  }

  let applies = true;
  try {
    applies = policy.applicability === undefined ? true : policy.applicability(rt);
  } catch (e) {
    return errorResult(policy, e, false);
  }
  if (!applies) return result(false, policy, 'NotApplicable', RULE_DOES_NOT_MATCH);
  let holds: boolean;
  try {
    holds = policy.condition(rt);
  } catch (e) {
    return withTrace(errorResult(policy, e, true), policy, rt);
  }
  const reasons = holds || explain ? renderReasons(traced(policy.condition, rt), 'if') : [];
  if (family === 'conditional') return result(true, policy, holds ? 'NonCompliant' : 'Compliant', reasons);
  if (family === 'denyAction') return result(holds, policy, holds ? 'Protected' : 'NotApplicable', reasons);
  // manual: the default state until someone attests.
  if (!holds) return result(false, policy, 'NotApplicable', reasons);
  return result(true, policy, policy.details?.defaultState ?? 'Unknown', [
    { kind: 'effect', message: `Manual policy: the state is ${policy.details?.defaultState ?? 'Unknown'} until an attestation says otherwise.` },
    ...reasons,
  ]);
}

function withTrace(r: RuleEvaluation, policy: CompiledPolicy, rt: RuleRuntime): RuleEvaluation {
  r.reasons.push(...renderReasons(traced(policy.condition, rt), 'if'));
  return r;
}

function evalString(v: { evaluate: (rt: RuleRuntime) => unknown } | undefined, rt: RuleRuntime, what: string): string | undefined {
  if (v === undefined) return undefined;
  const s = v.evaluate(rt);
  if (typeof s !== 'string') throw new EvaluationError('compile.invalid-details', { effect: 'ifNotExists', reason: `${what} did not evaluate to a string` });
  return s;
}

/** The reason of a Compliant IfNotExists result; ifNotExistsDetails.resourceId names the related resource. */
export const SATISFIED_REASON = 'A related resource matches the effect details and satisfies the existence condition.';

/** §7.5: Compliant iff some related resource exists and satisfies the existence condition. */
function existence(policy: CompiledPolicy, rt: RuleRuntime, options: EvaluateOptions): RuleEvaluation {
  const d = policy.details!;
  let type: string;
  let candidates: readonly ResourceView[];
  try {
    type = evalString(d.type, rt, 'details.type')!;
    const name = evalString(d.name, rt, 'details.name');
    const resourceGroupName = evalString(d.resourceGroupName, rt, 'details.resourceGroupName');
    if (options.related === undefined || !options.related.knows(type)) {
      const message =
        options.related === undefined
          ? `No related resources were provided, so the existence of ${type} cannot be checked.`
          : `The snapshot holds no ${type} resource at all; it was probably not exported, so compliance is Unknown.`;
      return result(true, policy, 'Unknown', [{ kind: 'existence', message, ifNotExistsDetails: { totalResources: 0 } }], options.related === undefined ? [] : [diagnostic('eval.related-not-exported', { type })]);
    }
    const query: RelatedQuery = { type, primary: rt.primary, existenceScope: d.existenceScope };
    if (name !== undefined) query.name = name;
    if (resourceGroupName !== undefined) query.resourceGroupName = resourceGroupName;
    candidates = options.related.find(query);
  } catch (e) {
    return errorResult(policy, e, true);
  }
  const explain = options.explain === true;
  // Allocated when a candidate is recorded: most look-ups find one that satisfies the condition at once.
  let considered: RelatedResourceReason[] | undefined;
  let satisfied: ResourceView | undefined;
  let error: unknown;
  let last: ResourceView | undefined;
  for (const candidate of candidates) {
    last = candidate;
    rt.related = candidate;
    let ok = false;
    try {
      ok = d.existenceCondition === undefined ? true : d.existenceCondition(rt);
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      error ??= e;
    }
    if (ok) satisfied = candidate;
    if (!ok || explain) {
      const reasons = d.existenceCondition === undefined ? [] : renderReasons(traced(d.existenceCondition, rt), 'existence');
      (considered ??= []).push({ resourceId: candidate.id, satisfied: ok, reasons });
    }
    rt.related = undefined;
    if (ok && !explain) break;
  }
  const details = last !== undefined ? { resourceId: (satisfied ?? last).id, totalResources: candidates.length } : { totalResources: candidates.length };
  if (satisfied !== undefined) {
    return result(true, policy, 'Compliant', [
      // One constant sentence (no per-record string): the related resource's id is ifNotExistsDetails.resourceId.
      considered !== undefined
        ? { kind: 'existence', message: SATISFIED_REASON, ifNotExistsDetails: details, relatedResources: considered }
        : { kind: 'existence', message: SATISFIED_REASON, ifNotExistsDetails: details },
    ]);
  }
  if (error !== undefined) return errorResult(policy, error, true);
  // Azure gives this one sentence whether no candidate exists or none satisfies the condition;
  // ifNotExistsDetails.totalResources and relatedResources tell the two apart.
  return result(true, policy, 'NonCompliant', [{ kind: 'existence', message: NO_RELATED_REASON, ifNotExistsDetails: details, relatedResources: considered ?? [] }]);
}

export interface DeploymentParameters {
  /** `{ name: { value } }`, as the deployment's properties.parameters. */
  parameters: Record<string, { value: unknown }>;
}

/**
 * details.deployment.properties.parameters evaluated with the policy evaluator on one resource
 * (digest §7.5 step 1): `[field('name')]`, `[parameters('vaType')]` … Throws EvaluationError.
 */
export function evaluateDeploymentParameters(policy: CompiledPolicy, resource: ResourceView, context: EvaluationContext = {}): DeploymentParameters {
  const rt = new RuleRuntime(resource, context, lookups(policy));
  const parameters: Record<string, { value: unknown }> = Object.create(null);
  for (const p of policy.details?.deploymentParameters ?? []) parameters[p.name] = { value: p.value.evaluate(rt) };
  return { parameters };
}
