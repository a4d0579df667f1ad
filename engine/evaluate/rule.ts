// evaluatePolicyRule: the one-resource API. Compiles the rule (callers that evaluate many resources
// should call compilePolicy once and evaluateResource per resource) and evaluates it.
import { PolicyError, type Diagnostic } from '../diagnostics/index.js';
import type { RawResource, ResourceView, RuleEvaluation } from '../model/index.js';
import { toResourceView } from '../scope/view.js';
import { compilePolicy, type CompileOptions } from '../compile/policy.js';
import type { ParameterDefinition } from '../compile/parameters.js';
import { RelatedIndex } from '../effects/existence.js';
import type { ProviderAliases } from '../aliases/index.js';
import type { EvaluationContext } from './runtime.js';
import { evaluateResource, conditionHolds } from './resource.js';

export interface EvaluatePolicyRuleInput {
  policyRule: unknown;
  parameterDefinitions?: Record<string, ParameterDefinition>;
  /** Plain values by parameter name. */
  parameters?: Record<string, unknown>;
  /** Default Indexed, as Azure treats a missing mode. */
  mode?: string;
  resource: RawResource;
  /** Related resources for auditIfNotExists / deployIfNotExists; omit when unknown (→ Unknown). */
  related?: RawResource[];
  aliases?: ProviderAliases;
  strict?: boolean;
  lenient?: boolean;
  context?: EvaluationContext;
  /** Reasons for every outcome, not only NonCompliant and Error. */
  explain?: boolean;
  operatorOptions?: CompileOptions['operatorOptions'];
  missingArrayIsFalse?: boolean;
}

/**
 * A resource without an id (hand-written examples) is still evaluated: id is '' and the root fields
 * come from the object itself.
 */
export function viewOf(raw: RawResource): ResourceView | Diagnostic {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !Object.hasOwn(raw, 'id')) {
    const str = (k: string) => (Object.hasOwn(raw, k) && typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
    const type = str('type') ?? '';
    const name = str('name') ?? '';
    return {
      raw,
      id: '',
      type,
      typeLower: type.toLowerCase(),
      name: name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name,
      fullName: name,
      location: str('location'),
      subscriptionId: str('subscriptionId'),
      resourceGroup: str('resourceGroup'),
      apiVersion: str('apiVersion'),
    };
  }
  return toResourceView(raw);
}

type CompileInputs = Pick<EvaluatePolicyRuleInput, 'parameters' | 'aliases' | 'strict' | 'lenient' | 'operatorOptions' | 'missingArrayIsFalse'>;

function compileOptionsOf(input: CompileInputs): CompileOptions {
  const options: CompileOptions = {};
  if (input.parameters !== undefined) options.parameters = input.parameters;
  if (input.aliases !== undefined) options.aliases = input.aliases;
  if (input.strict !== undefined) options.strict = input.strict;
  if (input.lenient !== undefined) options.lenient = input.lenient;
  if (input.operatorOptions !== undefined) options.operatorOptions = input.operatorOptions;
  if (input.missingArrayIsFalse !== undefined) options.missingArrayIsFalse = input.missingArrayIsFalse;
  return options;
}

export function evaluatePolicyRule(input: EvaluatePolicyRuleInput): RuleEvaluation {
  const definition = {
    properties: {
      mode: input.mode ?? 'Indexed',
      parameters: input.parameterDefinitions ?? {},
      policyRule: input.policyRule,
    },
  };
  const policy = compilePolicy(definition, compileOptionsOf(input));
  const view = viewOf(input.resource);
  if ('code' in view && !('raw' in view)) throw new PolicyError([{ ...view, pointer: '/resource' }]);
  const related = input.related === undefined ? undefined : new RelatedIndex(relatedViews(input.related));
  return evaluateResource(policy, view as ResourceView, {
    ...(related !== undefined ? { related } : {}),
    ...(input.context !== undefined ? { context: input.context } : {}),
    ...(input.explain !== undefined ? { explain: input.explain } : {}),
  });
}

/** Related resources as views, each id once (a later copy wins, as in snapshots). */
function relatedViews(raws: RawResource[]): ResourceView[] {
  const byId = new Map<string, ResourceView>();
  raws.forEach((raw, i) => {
    const v = toResourceView(raw);
    if (!('raw' in v)) throw new PolicyError([{ ...v, pointer: `/related/${i}` }]);
    byId.delete(v.id.toLowerCase());
    byId.set(v.id.toLowerCase(), v);
  });
  return [...byId.values()];
}

export interface EvaluateConditionInput {
  /** One policy-language condition (the shape of a rule's `if`). */
  condition: unknown;
  resource: RawResource;
  parameterDefinitions?: Record<string, ParameterDefinition>;
  parameters?: Record<string, unknown>;
  aliases?: ProviderAliases;
  strict?: boolean;
  lenient?: boolean;
  context?: EvaluationContext;
  operatorOptions?: CompileOptions['operatorOptions'];
  missingArrayIsFalse?: boolean;
}

/**
 * Does a condition hold on a resource? Throws PolicyError when it does not compile and
 * EvaluationError when it cannot be evaluated (Azure's Error state).
 */
export function evaluateCondition(input: EvaluateConditionInput): boolean {
  const policy = compilePolicy(
    { properties: { mode: 'All', parameters: input.parameterDefinitions ?? {}, policyRule: { if: input.condition, then: { effect: 'audit' } } } },
    compileOptionsOf(input),
  );
  const view = viewOf(input.resource);
  if ('code' in view && !('raw' in view)) throw new PolicyError([{ ...view, pointer: '/resource' }]);
  return conditionHolds(policy, view as ResourceView, input.context ?? {});
}
