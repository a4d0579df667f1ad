// Condition compiler: a policy-language constraint (allOf / anyOf / not / leaf / count) compiled
// once into a closure over the runtime. Keys are case-insensitive as in Azure (the built-ins write
// `anyof`, `Like`, `notequals`). Faults are pushed to env.diagnostics, never thrown.
import { EvaluationError, diagnostic, joinPointer } from '../diagnostics/index.js';
import { compileTemplateValue } from '../expressions/compile.js';
import type { ExpressionScope, CompiledValue } from '../expressions/types.js';
import { lookupOperator, type OperatorSpec, type OperatorOptions } from '../operators/index.js';
import { MISSING } from '../model/index.js';
import type { ConditionRuntime as RuleRuntime } from './runtime.js';
import { LIMITS, type CompileEnv, type CountBinding } from './env.js';
import { compileCurrent, compileFieldFunction, compileFieldReader, resolveFieldOrReport, type FieldReader } from './fields.js';
import { isObject, keyOf } from './keys.js';

export type Condition = (rt: RuleRuntime) => boolean;

/** Leaf classes that decide applicability for non-IfNotExists effects (digest §7.2). */
export type LeafClass = 'type' | 'name' | 'kind';

export interface ApplicabilityPlan {
  /** Classes whose leaves are evaluated; every other leaf is neutral. */
  deciding: ReadonlySet<LeafClass>;
}

const failing: Condition = () => {
  throw new EvaluationError('eval.limit-exceeded', { reason: 'the condition did not compile' });
};

export function expressionScope(env: CompileEnv, pointer: string): ExpressionScope {
  const scope: ExpressionScope = {
    phase: 'policyRule',
    pointer,
    diagnostics: env.diagnostics,
    parameter: (name) => (env.parameters.has(name.toLowerCase()) ? { value: env.parameters.get(name.toLowerCase()) } : undefined),
    field: (name, ptr) => compileFieldFunction(name, ptr, env) as ((rt: unknown) => unknown) | undefined,
  };
  // current() exists only inside a count's where.
  if (env.bindings.length > 0) scope.current = (name, ptr) => compileCurrent(name, ptr, env) as ((rt: unknown) => unknown) | undefined;
  return scope;
}

export function compileCondition(
  node: unknown,
  pointer: string,
  env: CompileEnv,
  negated = false,
  depth = 0,
  plan?: ApplicabilityPlan,
): Condition {
  if (depth > LIMITS.depth) {
    env.diagnostics.push(diagnostic('parse.too-deep', { limit: LIMITS.depth }, { pointer }));
    return failing;
  }
  if (!isObject(node)) {
    env.diagnostics.push(diagnostic('parse.not-an-object', { context: ' (a condition)' }, { pointer }));
    return failing;
  }
  const allOfKey = keyOf(node, 'allof');
  const anyOfKey = keyOf(node, 'anyof');
  const notKey = keyOf(node, 'not');
  const logicalKey = allOfKey ?? anyOfKey ?? notKey;
  if (logicalKey !== undefined) {
    const extra = Object.keys(node).filter((k) => k !== logicalKey);
    for (const k of extra) env.diagnostics.push(diagnostic('parse.unknown-condition-key', { key: k }, { pointer: joinPointer(pointer, k) }));
    const childPointer = joinPointer(pointer, logicalKey);
    if (logicalKey === notKey) {
      const inner = node[logicalKey];
      if (!isObject(inner)) {
        env.diagnostics.push(diagnostic('parse.not-not-object', {}, { pointer: childPointer }));
        return failing;
      }
      const c = compileCondition(inner, childPointer, env, !negated, depth + 1, plan);
      return (rt) => !c(rt);
    }
    const list = node[logicalKey];
    if (!Array.isArray(list)) {
      env.diagnostics.push(diagnostic('parse.logical-not-array', { name: logicalKey }, { pointer: childPointer }));
      return failing;
    }
    const children = list.map((c, i) => compileCondition(c, joinPointer(childPointer, i), env, negated, depth + 1, plan));
    return logicalKey === allOfKey ? allOf(children) : anyOf(children);
  }
  return compileLeaf(node, pointer, env, negated, depth, plan);
}

/**
 * allOf / anyOf short-circuit left to right; a child that throws is remembered and only decides the
 * result when no other child does (digest §15 A-2).
 */
function allOf(children: Condition[]): Condition {
  if (children.length === 0) return () => true;
  return (rt) => {
    let error: unknown;
    for (const c of children) {
      try {
        if (!c(rt)) return false;
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
        error ??= e;
      }
    }
    if (error !== undefined) throw error;
    return true;
  };
}

function anyOf(children: Condition[]): Condition {
  if (children.length === 0) return () => false;
  return (rt) => {
    let error: unknown;
    for (const c of children) {
      try {
        if (c(rt)) return true;
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
        error ??= e;
      }
    }
    if (error !== undefined) throw error;
    return false;
  };
}

interface LeafParts {
  operandKey: string;
  operatorKey: string;
  spec: OperatorSpec;
}

function splitLeaf(node: Record<string, unknown>, pointer: string, env: CompileEnv): LeafParts | undefined {
  let operandKey: string | undefined;
  let operatorKey: string | undefined;
  let spec: OperatorSpec | undefined;
  let ok = true;
  for (const key of Object.keys(node)) {
    const lower = key.toLowerCase();
    if (lower === 'field' || lower === 'value' || lower === 'count') {
      if (operandKey !== undefined) {
        env.diagnostics.push(diagnostic('parse.multiple-operands', {}, { pointer: joinPointer(pointer, key) }));
        ok = false;
      }
      operandKey = key;
      continue;
    }
    const op = lookupOperator(key);
    if (op === undefined) {
      env.diagnostics.push(diagnostic('parse.unknown-operator', { name: key }, { pointer: joinPointer(pointer, key) }));
      ok = false;
      continue;
    }
    if (operatorKey !== undefined) {
      env.diagnostics.push(diagnostic('parse.multiple-operators', { names: `${operatorKey}, ${key}` }, { pointer: joinPointer(pointer, key) }));
      ok = false;
    }
    operatorKey = key;
    spec = op;
  }
  if (operandKey === undefined) {
    env.diagnostics.push(diagnostic('parse.no-operand', {}, { pointer }));
    ok = false;
  }
  if (operatorKey === undefined && ok) {
    env.diagnostics.push(diagnostic('parse.no-operator', {}, { pointer }));
    ok = false;
  }
  if (!ok || operandKey === undefined || operatorKey === undefined || spec === undefined) return undefined;
  return { operandKey, operatorKey, spec };
}

/** A `field` value may itself be an expression ("[concat('tags[', parameters('t'), ']')]"); it must fold to a string. */
function fieldText(raw: unknown, pointer: string, env: CompileEnv): string | undefined {
  if (typeof raw !== 'string') {
    env.diagnostics.push(diagnostic('parse.field-not-string', {}, { pointer }));
    return undefined;
  }
  if (!raw.startsWith('[') || raw.startsWith('[[')) return raw.startsWith('[[') ? raw.slice(1) : raw;
  const compiled = compileTemplateValue(raw, expressionScope(env, pointer));
  if (!compiled.constant || typeof compiled.value !== 'string') {
    env.diagnostics.push(diagnostic('compile.invalid-field', { field: raw, reason: 'a field expression must evaluate to a string before any resource is seen' }, { pointer }));
    return undefined;
  }
  return compiled.value;
}

function classify(text: string): LeafClass | 'location' | 'other' {
  const t = text.trim().toLowerCase();
  if (t === 'type' || t === 'name' || t === 'kind' || t === 'location') return t;
  return 'other';
}

function compileLeaf(
  node: Record<string, unknown>,
  pointer: string,
  env: CompileEnv,
  negated: boolean,
  depth: number,
  plan: ApplicabilityPlan | undefined,
): Condition {
  env.counters.conditions++;
  if (env.counters.conditions === LIMITS.conditions + 1) {
    env.diagnostics.push(diagnostic('parse.too-many-conditions', { limit: LIMITS.conditions }, { pointer }));
  }
  const parts = splitLeaf(node, pointer, env);
  if (parts === undefined) return failing;
  const { operandKey, operatorKey, spec } = parts;
  const operandPointer = joinPointer(pointer, operandKey);
  const operand = operandKey.toLowerCase();

  // Field leaves: classify for applicability before anything else.
  let reader: FieldReader | undefined;
  let leafClass: LeafClass | 'location' | 'other' = 'other';
  let expressionText = '';
  if (operand === 'field') {
    const text = fieldText(node[operandKey], operandPointer, env);
    if (text === undefined) return failing;
    expressionText = text;
    leafClass = classify(text);
    if (plan === undefined) {
      if (leafClass === 'other') env.stats.other++;
      else env.stats[leafClass]++;
    }
    const ref = resolveFieldOrReport(text, operandPointer, env);
    if (ref === undefined) return failing;
    reader = compileFieldReader(ref, env);
  } else if (plan === undefined) {
    env.stats.other++;
  }
  if (plan !== undefined && (leafClass === 'other' || leafClass === 'location' || !plan.deciding.has(leafClass))) {
    // Neutral: reads true once the enclosing `not`s are applied (digest §7.2).
    const neutral = !negated;
    return () => neutral;
  }

  const operatorOptions: OperatorOptions =
    leafClass === 'location' ? { ...env.options.operatorOptions, normalizeLocation: true } : env.options.operatorOptions;
  const targetPointer = joinPointer(pointer, operatorKey);
  const target = compileTemplateValue(node[operatorKey], expressionScope(env, targetPointer));
  if (spec.targetKind === 'array' && target.constant && !Array.isArray(target.value)) {
    env.diagnostics.push(diagnostic('parse.in-not-array', { operator: spec.name }, { pointer: targetPointer }));
    return failing;
  }
  const test = prepareTest(spec, target, operatorOptions);

  if (reader !== undefined) return fieldLeaf(reader, test, target, spec, pointer, expressionText, negated, env.options.missingArrayIsFalse);
  if (operand === 'value') {
    const value = compileTemplateValue(node[operandKey], expressionScope(env, operandPointer));
    const raw = node[operandKey];
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    return valueLeaf(value, test, target, spec, pointer, text, negated);
  }
  const count = compileCount(node[operandKey], operandPointer, env, depth);
  if (count === undefined) return failing;
  return valueLeaf(count.value, test, target, spec, pointer, count.text, negated, 'Count');
}

type Test = (rt: RuleRuntime) => (left: unknown) => boolean;

/** Constant targets are prepared once (patterns, sets); dynamic ones per evaluation. */
function prepareTest(spec: OperatorSpec, target: CompiledValue, options: OperatorOptions): Test {
  if (target.constant) {
    const prepared = spec.prepare(target.value, options);
    return () => prepared;
  }
  return (rt) => spec.prepare(target.evaluate(rt), options);
}

function fieldLeaf(
  reader: FieldReader,
  test: Test,
  target: CompiledValue,
  spec: OperatorSpec,
  pointer: string,
  expression: string,
  negated: boolean,
  missingArrayIsFalse: boolean,
): Condition {
  if (reader.collection) {
    // `[*]` outside a binding count: every selected value must satisfy the operator (docs).
    return (rt) => {
      const values = reader.read(rt) as unknown[];
      const t = test(rt);
      let result = true;
      if (values.length === 0 && missingArrayIsFalse) result = false;
      else for (const v of values) if (!t(v)) { result = false; break; }
      if (rt.trace) trace(rt, pointer, 'Field', expression, values, false, target, spec, negated, result, reader.pathOf(rt));
      return result;
    };
  }
  return (rt) => {
    const value = reader.read(rt);
    const result = test(rt)(value);
    if (rt.trace) trace(rt, pointer, 'Field', expression, value, value === MISSING, target, spec, negated, result, reader.pathOf(rt));
    return result;
  };
}

function valueLeaf(
  value: CompiledValue,
  test: Test,
  target: CompiledValue,
  spec: OperatorSpec,
  pointer: string,
  expression: string,
  negated: boolean,
  kind: 'Value' | 'Count' = 'Value',
): Condition {
  return (rt) => {
    const v = value.evaluate(rt);
    const result = test(rt)(v);
    if (rt.trace) trace(rt, pointer, kind, expression, v, false, target, spec, negated, result);
    return result;
  };
}

function trace(
  rt: RuleRuntime,
  pointer: string,
  expressionKind: 'Field' | 'Value' | 'Count',
  expression: string,
  value: unknown,
  missing: boolean,
  target: CompiledValue,
  spec: OperatorSpec,
  negated: boolean,
  result: boolean,
  path?: string,
): void {
  let targetValue: unknown;
  try {
    targetValue = target.evaluate(rt);
  } catch {
    targetValue = undefined;
  }
  rt.trace!.push({
    pointer,
    expressionKind,
    expression,
    ...(path !== undefined ? { path } : {}),
    value: missing ? undefined : value,
    missing,
    target: targetValue,
    operator: spec.name,
    negated,
    result,
  });
}

// ── count ────────────────────────────────────────────────────────────────────────────────

interface CompiledCount {
  value: CompiledValue;
  text: string;
}

function compileCount(raw: unknown, pointer: string, env: CompileEnv, depth: number): CompiledCount | undefined {
  if (!isObject(raw)) {
    env.diagnostics.push(diagnostic('parse.count-shape', { reason: 'count takes an object with "field" or "value"' }, { pointer }));
    return undefined;
  }
  const fieldKey = keyOf(raw, 'field');
  const valueKey = keyOf(raw, 'value');
  const whereKey = keyOf(raw, 'where');
  const nameKey = keyOf(raw, 'name');
  for (const k of Object.keys(raw)) {
    if (k !== fieldKey && k !== valueKey && k !== whereKey && k !== nameKey) {
      env.diagnostics.push(diagnostic('parse.count-shape', { reason: `unknown key "${k}"` }, { pointer: joinPointer(pointer, k) }));
      return undefined;
    }
  }
  if ((fieldKey === undefined) === (valueKey === undefined)) {
    env.diagnostics.push(diagnostic('parse.count-shape', { reason: 'count needs exactly one of "field" and "value"' }, { pointer }));
    return undefined;
  }
  if (fieldKey !== undefined) {
    if (nameKey !== undefined) {
      env.diagnostics.push(diagnostic('parse.count-shape', { reason: '"name" is only for value counts' }, { pointer: joinPointer(pointer, nameKey) }));
      return undefined;
    }
    return compileFieldCount(raw, fieldKey, whereKey, pointer, env, depth);
  }
  return compileValueCount(raw, valueKey!, whereKey, nameKey, pointer, env, depth);
}

function compileWhere(
  raw: Record<string, unknown>,
  whereKey: string | undefined,
  pointer: string,
  env: CompileEnv,
  binding: CountBinding,
  depth: number,
): Condition | undefined {
  if (whereKey === undefined) return undefined;
  const inner: CompileEnv = { ...env, bindings: [...env.bindings, binding] };
  // Leaves inside a where do not decide applicability on their own: count them as "other".
  return compileCondition(raw[whereKey], joinPointer(pointer, whereKey), inner, false, depth + 1);
}

function compileFieldCount(
  raw: Record<string, unknown>,
  fieldKey: string,
  whereKey: string | undefined,
  pointer: string,
  env: CompileEnv,
  depth: number,
): CompiledCount | undefined {
  const fieldPointer = joinPointer(pointer, fieldKey);
  const text = fieldText(raw[fieldKey], fieldPointer, env);
  if (text === undefined) return undefined;
  const ref = resolveFieldOrReport(text, fieldPointer, env);
  if (ref === undefined) return undefined;
  if (!ref.wildcard) {
    env.diagnostics.push(diagnostic('compile.count-field-not-array', { field: text }, { pointer: fieldPointer }));
    return undefined;
  }
  const members = compileFieldReader(ref, env);
  if (!members.collection) {
    env.diagnostics.push(diagnostic('compile.count-field-not-array', { field: text }, { pointer: fieldPointer }));
    return undefined;
  }
  const binding: CountBinding = { kind: 'field', ref, target: env.target };
  const where = compileWhere(raw, whereKey, pointer, env, binding, depth);
  const evaluate = (rt: RuleRuntime): number => {
    const list = members.read(rt) as unknown[];
    if (where === undefined) return list.length;
    return countWhere(rt, binding, undefined, list, where);
  };
  return { value: { evaluate: evaluate as CompiledValue['evaluate'], constant: false }, text };
}

function compileValueCount(
  raw: Record<string, unknown>,
  valueKey: string,
  whereKey: string | undefined,
  nameKey: string | undefined,
  pointer: string,
  env: CompileEnv,
  depth: number,
): CompiledCount | undefined {
  env.counters.valueCounts++;
  if (env.counters.valueCounts === LIMITS.valueCounts + 1) {
    env.diagnostics.push(diagnostic('compile.count-limit', { reason: `a rule may hold at most ${LIMITS.valueCounts} value counts` }, { pointer }));
  }
  let name: string | undefined;
  if (nameKey !== undefined) {
    const n = raw[nameKey];
    if (typeof n !== 'string' || !/^[A-Za-z0-9_]+$/.test(n)) {
      env.diagnostics.push(diagnostic('parse.count-shape', { reason: '"name" must be letters and digits' }, { pointer: joinPointer(pointer, nameKey) }));
      return undefined;
    }
    name = n;
  }
  const valuePointer = joinPointer(pointer, valueKey);
  const value = compileTemplateValue(raw[valueKey], expressionScope(env, valuePointer));
  if (value.constant && !Array.isArray(value.value)) {
    env.diagnostics.push(diagnostic('parse.count-shape', { reason: 'count.value must be an array' }, { pointer: valuePointer }));
    return undefined;
  }
  const binding: CountBinding = name === undefined ? { kind: 'value', target: env.target } : { kind: 'value', name, target: env.target };
  const where = compileWhere(raw, whereKey, pointer, env, binding, depth);
  const evaluate = (rt: RuleRuntime): number => {
    const list = value.evaluate(rt);
    if (!Array.isArray(list)) throw new EvaluationError('eval.count-value-not-array', {}, valuePointer);
    if (list.length > LIMITS.valueCountIterations) throw new EvaluationError('eval.count-limit', { limit: LIMITS.valueCountIterations }, valuePointer);
    if (where === undefined) return list.length;
    return countWhere(rt, binding, name, list, where);
  };
  const rawValue = raw[valueKey];
  return { value: { evaluate: evaluate as CompiledValue['evaluate'], constant: false }, text: typeof rawValue === 'string' ? rawValue : JSON.stringify(rawValue) };
}

/** Evaluates `where` once per member, each as if it were the only member (docs). Errors propagate. */
function countWhere(rt: RuleRuntime, binding: object, name: string | undefined, list: unknown[], where: Condition): number {
  let n = 0;
  const savedTrace = rt.trace;
  rt.trace = undefined; // members' inner leaves are summarised by the count itself
  try {
    for (const member of list) {
      rt.frames.push({ binding, name, value: member === MISSING ? null : member });
      try {
        if (where(rt)) n++;
      } finally {
        rt.frames.pop();
      }
    }
  } finally {
    rt.trace = savedTrace;
  }
  return n;
}
