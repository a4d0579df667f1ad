// evaluateExpression: parse, compile and run one template string against a plain context — the public
// helper for tools, tests and the REPL-like CLI command. Compile faults throw PolicyError, run faults
// EvaluationError, both with codes.
import { PolicyError, type Diagnostic } from '../diagnostics/index.js';
import { constantEvaluator } from '../functions/constant.js';
import { findKey, isObject } from '../functions/values.js';
import { compileTemplateValue } from './compile.js';
import type { Evaluator, ExpressionPhase, ExpressionRuntime, ExpressionScope } from './types.js';

export interface EvaluateExpressionContext {
  /** Parameter values by name (looked up case-insensitively). */
  parameters?: Record<string, unknown>;
  /** Variable values by name (templates; case-insensitive). */
  variables?: Record<string, unknown>;
  /** Field values by field name (policy rules; exact, then case-insensitive) — a stand-in for a resource. */
  fields?: Record<string, unknown>;
  /** The evaluation instant for utcNow()/addDays(), ISO 8601. Without it utcNow() fails. */
  now?: string;
  resourceGroup?: unknown;
  subscription?: unknown;
  requestContext?: unknown;
  policy?: unknown;
  /** Template phase: what managementGroup(), tenant(), deployment() and environment() return. */
  managementGroup?: unknown;
  tenant?: unknown;
  deployment?: unknown;
  environment?: unknown;
  /** Template phase: the current index of each copy loop by name ('' = the innermost loop). */
  copyIndex?: Record<string, number>;
  /** Keep runtime-only functions (reference, list*, newGuid …) symbolic instead of failing. */
  symbolic?: boolean;
  /** Default 'policyRule'. */
  phase?: ExpressionPhase;
}

/** The value a runtime-only function gives when `symbolic` is set: its name and arguments. */
export interface SymbolicValue {
  $symbolic: string;
  arguments: unknown[];
}

function lookup(table: Record<string, unknown> | undefined, name: string): { value: unknown } | undefined {
  if (table === undefined || !isObject(table)) return undefined;
  const k = findKey(table, name);
  return k === undefined ? undefined : { value: table[k] };
}

/**
 * Evaluates `expression` ("[concat('a', 'b')]"; a string that is not an expression is returned as the
 * literal it denotes, "[[" unescaped).
 */
export function evaluateExpression(expression: string, context: EvaluateExpressionContext = {}): unknown {
  const diagnostics: Diagnostic[] = [];
  const scope: ExpressionScope = {
    phase: context.phase ?? 'policyRule',
    pointer: '',
    diagnostics,
    parameter: (name) => lookup(context.parameters, name),
    field: (name): Evaluator | undefined => {
      const hit = lookup(context.fields, name);
      return constantEvaluator(hit === undefined ? null : hit.value);
    },
  };
  const compiled = compileTemplateValue(expression, scope);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new PolicyError(errors);
  const rt: ExpressionRuntime = {
    now: context.now ?? '',
    parameter: (name) => lookup(context.parameters, name)?.value,
    variable: (name) => lookup(context.variables, name)?.value,
    field: (name) => lookup(context.fields, name)?.value ?? null,
  };
  const hooks = rt as { -readonly [K in keyof ExpressionRuntime]: ExpressionRuntime[K] };
  if (context.resourceGroup !== undefined) hooks.resourceGroup = () => context.resourceGroup;
  if (context.subscription !== undefined) hooks.subscription = () => context.subscription;
  if (context.requestContext !== undefined) hooks.requestContext = () => context.requestContext;
  if (context.policy !== undefined) hooks.policy = () => context.policy;
  if (context.managementGroup !== undefined) hooks.managementGroup = () => context.managementGroup;
  if (context.tenant !== undefined) hooks.tenant = () => context.tenant;
  if (context.deployment !== undefined) hooks.deployment = () => context.deployment;
  if (context.environment !== undefined) hooks.environment = () => context.environment;
  const loops = context.copyIndex;
  if (loops !== undefined) hooks.copyIndex = (loop) => (Object.hasOwn(loops, loop ?? '') ? loops[loop ?? ''] : undefined) as number;
  if (context.symbolic === true) hooks.unresolvable = (name, args): SymbolicValue => ({ $symbolic: name, arguments: args });
  return compiled.evaluate(rt);
}
