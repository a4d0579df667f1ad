// explainResource: the evaluation of one compiled policy on one resource, step by step — mode, the if-condition
// leaf by leaf (the value read, the path it came from, the operator, the target and the outcome), and for
// IfNotExists effects the related resources considered and why each did or did not satisfy the existence
// condition. Built on evaluateResource (the result and reasons are exactly what evaluation gives) plus one traced
// run of the if-condition, which evaluateResource does not report for applicable IfNotExists rules.
import { EvaluationError, type Diagnostic } from '../diagnostics/index.js';
import type { CompiledPolicy } from '../compile/policy.js';
import type { RelatedLookup } from '../effects/existence.js';
import type { ComplianceState, Reason, ResourceView, TraceEntry } from '../model/index.js';
import { evaluateDeploymentParameters, evaluateResource, modeAccepts, runtimeFor } from '../evaluate/resource.js';
import type { EvaluationContext, RuleRuntime } from '../evaluate/runtime.js';

export interface ConditionStep {
  /** JSON pointer of the leaf in the definition. */
  pointer: string;
  expressionKind: 'Field' | 'Value' | 'Count';
  expression: string;
  /** The JSON path read (field conditions). */
  path?: string;
  /** The value read; absent when missing. */
  value?: unknown;
  missing: boolean;
  operator: string;
  target: unknown;
  /** The leaf sits under an odd number of `not`s. */
  negated: boolean;
  result: boolean;
}

export interface RelatedCandidate {
  resourceId: string;
  satisfied: boolean;
  conditions: Reason[];
}

export interface ExistenceExplanation {
  type?: string;
  name?: string;
  existenceScope: 'resourceGroup' | 'subscription';
  message: string;
  totalResources: number;
  candidates: RelatedCandidate[];
}

export interface Explanation {
  resource: { id: string; type: string; name: string; location?: string };
  policy: { id?: string; name?: string; displayName?: string; mode: string; effect: string };
  parameters: Record<string, unknown>;
  modeAccepts: boolean;
  /** The if-condition's value, or 'error' when it threw. Undefined when it was not evaluated (mode). */
  ifResult?: boolean | 'error';
  conditions: ConditionStep[];
  complianceState: ComplianceState;
  applies: boolean;
  existence?: ExistenceExplanation;
  /** evaluateResource's reasons (Azure's shape). */
  reasons: Reason[];
  /** deployIfNotExists: the deployment parameters as the policy evaluator computes them. */
  deploymentParameters?: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

export interface ExplainInput {
  policy: CompiledPolicy;
  resource: ResourceView;
  related?: RelatedLookup;
  context?: EvaluationContext;
}


/** The if-condition run once with tracing: every evaluated leaf (short-circuited ones are absent). */
export function traceCondition(policy: CompiledPolicy, resource: ResourceView, context: EvaluationContext = {}): { result: boolean | 'error'; trace: TraceEntry[] } {
  const trace: TraceEntry[] = [];
  const rt = runtimeFor(policy, resource, context, trace);
  try {
    return { result: policy.condition(rt), trace };
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return { result: 'error', trace };
  }
}

function step(t: TraceEntry): ConditionStep {
  const s: ConditionStep = {
    pointer: t.pointer,
    expressionKind: t.expressionKind,
    expression: t.expression,
    missing: t.missing,
    operator: t.operator,
    target: t.target,
    negated: t.negated,
    result: t.result,
  };
  if (t.path !== undefined) s.path = t.path;
  if (!t.missing) s.value = t.value;
  return s;
}

export function explainResource(input: ExplainInput): Explanation {
  const { policy, resource } = input;
  const context = input.context ?? {};
  const evaluation = evaluateResource(policy, resource, { ...(input.related ? { related: input.related } : {}), context, explain: true });
  const accepts = modeAccepts(policy, resource);
  const out: Explanation = {
    resource: { id: resource.id, type: resource.type, name: resource.name, ...(resource.location !== undefined ? { location: resource.location } : {}) },
    policy: {
      ...(policy.id !== undefined ? { id: policy.id } : {}),
      ...(policy.name !== undefined ? { name: policy.name } : {}),
      ...(policy.displayName !== undefined ? { displayName: policy.displayName } : {}),
      mode: policy.mode,
      effect: policy.effect.name,
    },
    parameters: { ...policy.parameters },
    modeAccepts: accepts,
    conditions: [],
    complianceState: evaluation.complianceState,
    applies: evaluation.applies,
    reasons: evaluation.reasons,
    diagnostics: evaluation.diagnostics,
  };
  if (accepts && policy.effect.family !== 'disabled') {
    const t = traceCondition(policy, resource, context);
    out.ifResult = t.result;
    out.conditions = t.trace.map(step);
  }
  const existence = evaluation.reasons.find((r) => r.kind === 'existence');
  const d = policy.details;
  if (policy.effect.family === 'ifNotExists' && d !== undefined && existence !== undefined) {
    const rt = runtimeFor(policy, resource, context);
    const evalText = (v: { evaluate: (rt: RuleRuntime) => unknown } | undefined): string | undefined => {
      if (v === undefined) return undefined;
      try {
        const s = v.evaluate(rt);
        return typeof s === 'string' ? s : undefined;
      } catch {
        return undefined;
      }
    };
    const type = evalText(d.type);
    const name = evalText(d.name);
    out.existence = {
      ...(type !== undefined ? { type } : {}),
      ...(name !== undefined ? { name } : {}),
      existenceScope: d.existenceScope,
      message: existence.message,
      totalResources: existence.ifNotExistsDetails?.totalResources ?? 0,
      candidates: (existence.relatedResources ?? []).map((c) => ({ resourceId: c.resourceId, satisfied: c.satisfied, conditions: c.reasons })),
    };
  }
  if (policy.effect.name === 'deployIfNotExists' && (evaluation.complianceState === 'NonCompliant' || evaluation.complianceState === 'Compliant')) {
    try {
      const p = evaluateDeploymentParameters(policy, resource, context).parameters;
      out.deploymentParameters = Object.fromEntries(Object.keys(p).map((k) => [k, p[k]!.value]));
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      out.diagnostics = [...out.diagnostics, e.toDiagnostic()];
    }
  }
  return out;
}

// ── text ─────────────────────────────────────────────────────────────────────────────────────────

function show(v: unknown): string {
  if (v === undefined) return '<missing>';
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}

function conditionLine(c: { pointer?: string; expression?: string; path?: string; operator?: string; value?: unknown; missing?: boolean; target?: unknown; result?: boolean; negated?: boolean }): string {
  const mark = c.result ? 'true ' : 'false';
  const from = c.path !== undefined && c.path !== c.expression ? ` (read from ${c.path})` : '';
  const value = c.missing ? '<missing>' : show(c.value);
  const neg = c.negated ? ' [under not]' : '';
  return `  ${mark} ${c.expression} ${c.operator} ${show(c.target)}: value ${value}${from}${neg}  at ${c.pointer ?? ''}`;
}

export function formatExplanationText(e: Explanation): string {
  const lines: string[] = [];
  lines.push(`resource  ${e.resource.id || e.resource.name} (${e.resource.type}${e.resource.location !== undefined ? `, ${e.resource.location}` : ''})`);
  lines.push(`policy    ${e.policy.displayName ?? e.policy.name ?? e.policy.id ?? '(unnamed)'} — mode ${e.policy.mode}, effect ${e.policy.effect}`);
  const params = Object.keys(e.parameters).sort();
  if (params.length > 0) lines.push(`parameters ${params.map((k) => `${k}=${show(e.parameters[k])}`).join(', ')}`);
  lines.push(`mode      ${e.modeAccepts ? `${e.policy.mode} evaluates this resource` : `${e.policy.mode} does not evaluate ${e.resource.type}`}`);
  if (e.ifResult !== undefined) {
    lines.push(`if        ${e.ifResult === 'error' ? 'evaluation error' : e.ifResult} (${e.conditions.length} condition${e.conditions.length === 1 ? '' : 's'} evaluated; short-circuited ones are not listed)`);
    for (const c of e.conditions) lines.push(conditionLine(c));
  }
  if (e.existence !== undefined) {
    const x = e.existence;
    lines.push(`related   ${x.type ?? '?'}${x.name !== undefined ? ` named ${x.name}` : ''} (existence scope ${x.existenceScope}): ${x.totalResources} candidate${x.totalResources === 1 ? '' : 's'}`);
    if (x.candidates.length === 0) lines.push(`  ${x.message}`);
    for (const c of x.candidates) {
      lines.push(`  ${c.satisfied ? '✓ satisfies' : '✗ does not satisfy'} the existence condition: ${c.resourceId}`);
      for (const r of c.conditions) {
        lines.push(`  ${conditionLine({ ...r, value: r.expressionValue, missing: !Object.hasOwn(r, 'expressionValue'), target: r.targetValue })}`);
      }
    }
    if (x.candidates.length > 0 && x.candidates.length < x.totalResources) lines.push(`  (${x.totalResources - x.candidates.length} more not listed)`);
  }
  lines.push(`result    ${e.complianceState}${e.applies ? '' : ' (the rule does not apply)'}`);
  for (const r of e.reasons) if (r.kind !== 'condition') lines.push(`  ${r.kind}: ${r.message}`);
  if (e.deploymentParameters !== undefined) {
    lines.push('deployment parameters');
    for (const k of Object.keys(e.deploymentParameters)) lines.push(`  ${k} = ${show(e.deploymentParameters[k])}`);
  }
  for (const d of e.diagnostics) lines.push(`${d.severity} ${d.code}: ${d.message}`);
  return lines.join('\n') + '\n';
}

export function formatExplanationJson(e: Explanation): string {
  return JSON.stringify(e, null, 2) + '\n';
}
