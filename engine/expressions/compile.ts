// Compiles template-expression ASTs and JSON template values into Evaluator closures. Everything that can
// be resolved without a resource is resolved here, once: function lookup, phase and arity checks, compile
// hooks (parameters, field, current …), constant folding of pure functions. Input faults become coded
// diagnostics in scope.diagnostics; the returned CompiledValue then evaluates by throwing.
import { diagnostic, EvaluationError, joinPointer, PolicyError, type Diagnostic } from '../diagnostics/index.js';
import { isMissing } from '../model/index.js';
import { lookupFunction } from '../functions/index.js';
import { checkArgument } from '../functions/check.js';
import { constantOf, failureOf } from '../functions/constant.js';
import { fail, findKey, isObject, kindOf, LIMITS, newObject, setKey } from '../functions/values.js';
import type { FunctionSpec, Thunk } from '../functions/types.js';
import { classifyTemplateString } from './parse.js';
import type { CompiledValue, Evaluator, Expr, ExpressionRuntime, ExpressionScope } from './types.js';

const PHASE_NAMES = { policyRule: 'policy rules', template: 'deployment templates' } as const;

/** Runtime used while folding pure functions at compile time: pure functions read nothing from it. */
const FOLD_RUNTIME: ExpressionRuntime = Object.freeze({ now: '' });

type Node = CompiledValue;
/** Marks a failed compile: the diagnostic is already in scope.diagnostics. */
const FAILED = null;

function constant(value: unknown): Node {
  return { evaluate: () => value, constant: true, value };
}

function failedValue(diagnostics: readonly Diagnostic[]): CompiledValue {
  const first = diagnostics[0];
  return {
    constant: false,
    evaluate: () => {
      throw compileFaultError(first);
    },
  };
}

function compileFaultError(d: Diagnostic | undefined): EvaluationError {
  const e = new EvaluationError(d?.code ?? 'expr.syntax', {}, d?.pointer);
  if (d !== undefined) e.message = d.message;
  return e;
}

/** An evaluator that rethrows a fault found while folding (the fault is a run-time fault, not a compile error). */
function deferredFault(e: unknown, name: string): Node {
  const err = asEvaluationError(e, name);
  return {
    constant: false,
    evaluate: () => {
      throw err;
    },
  };
}

function asEvaluationError(e: unknown, name: string): EvaluationError {
  if (e instanceof EvaluationError) return e;
  if (e instanceof PolicyError) return compileFaultError(e.diagnostics[0]);
  return fail(name, e instanceof Error ? e.message : String(e));
}

/** MISSING (an absent path) reaches functions as null. */
const norm = (v: unknown): unknown => (isMissing(v) || v === undefined ? null : v);

function checkResult(value: unknown): unknown {
  if (typeof value === 'string' && value.length > LIMITS.resultLength) {
    throw new EvaluationError('expr.result-too-large', { limit: LIMITS.resultLength });
  }
  return value;
}

function arityText(spec: FunctionSpec): string {
  if (spec.minArgs === spec.maxArgs) return String(spec.minArgs);
  if (spec.maxArgs === Infinity) return `at least ${spec.minArgs}`;
  return `${spec.minArgs} to ${spec.maxArgs}`;
}

/** Reads `.property` / `['property']` of an object (ARM: case-insensitive; missing is an error). */
export function readProperty(object: unknown, property: string): unknown {
  const o = norm(object);
  if (!isObject(o)) throw new EvaluationError('expr.property-access', { property, actual: kindOf(o) });
  const k = findKey(o, property);
  if (k === undefined) throw new EvaluationError('expr.property-access', { property, actual: 'an object without it' });
  return o[k];
}

/** Reads `[index]`: array element by integer, or object property by string. */
export function readIndex(object: unknown, index: unknown): unknown {
  const o = norm(object);
  const i = norm(index);
  if (Array.isArray(o)) {
    if (typeof i !== 'number' || !Number.isInteger(i)) {
      throw new EvaluationError('expr.property-access', { property: `[${String(i)}]`, actual: 'an array (the index must be an integer)' });
    }
    if (i < 0 || i >= o.length) throw new EvaluationError('expr.index-out-of-range', { index: i, length: o.length });
    return o[i];
  }
  if (typeof i === 'string') return readProperty(o, i);
  throw new EvaluationError('expr.property-access', { property: `[${String(i)}]`, actual: kindOf(o) });
}

class Compiler {
  constructor(private readonly scope: ExpressionScope) {}

  private report(d: Diagnostic): null {
    if (d.pointer === undefined) d.pointer = this.scope.pointer;
    this.scope.diagnostics.push(d);
    return FAILED;
  }

  compile(expr: Expr, depth: number): Node | null {
    if (depth > LIMITS.nestingDepth * 2) return this.report(diagnostic('expr.too-deep', { limit: LIMITS.nestingDepth }));
    switch (expr.kind) {
      case 'string':
      case 'number':
        return constant(expr.value);
      case 'property': {
        const obj = this.compile(expr.object, depth + 1);
        if (obj === FAILED) return FAILED;
        const prop = expr.property;
        if (obj.constant) {
          try {
            return constant(readProperty(obj.value, prop));
          } catch (e) {
            return deferredFault(e, 'property access');
          }
        }
        const ev = obj.evaluate;
        return { constant: false, evaluate: (rt) => readProperty(ev(rt), prop) };
      }
      case 'index': {
        const obj = this.compile(expr.object, depth + 1);
        const idx = this.compile(expr.index, depth + 1);
        if (obj === FAILED || idx === FAILED) return FAILED;
        if (obj.constant && idx.constant) {
          try {
            return constant(readIndex(obj.value, idx.value));
          } catch (e) {
            return deferredFault(e, 'index');
          }
        }
        const oe = obj.evaluate;
        const ie = idx.evaluate;
        return { constant: false, evaluate: (rt) => readIndex(oe(rt), ie(rt)) };
      }
      case 'call':
        return this.compileCall(expr, depth);
    }
  }

  private compileCall(expr: Extract<Expr, { kind: 'call' }>, depth: number): Node | null {
    const spec = lookupFunction(expr.name);
    if (spec === undefined) return this.report(diagnostic('expr.unknown-function', { name: expr.name }));
    if (!spec.phases.includes(this.scope.phase)) {
      return this.report(diagnostic('expr.function-not-allowed', { name: spec.name, context: PHASE_NAMES[this.scope.phase] }));
    }
    const n = expr.args.length;
    if (n > LIMITS.argumentsPerCall) {
      return this.report(diagnostic('expr.arity', { name: spec.name, expected: `at most ${LIMITS.argumentsPerCall}`, actual: n }));
    }
    if (n < spec.minArgs || n > spec.maxArgs) {
      return this.report(diagnostic('expr.arity', { name: spec.name, expected: arityText(spec), actual: n }));
    }

    if (spec.compile !== undefined) {
      const before = this.scope.diagnostics.length;
      const hooked = spec.compile(expr.args, this.scope);
      if (hooked !== undefined) {
        if (failureOf(hooked) !== undefined || this.scope.diagnostics.length > before) {
          for (let i = before; i < this.scope.diagnostics.length; i++) {
            const d = this.scope.diagnostics[i]!;
            if (d.pointer === undefined) d.pointer = this.scope.pointer;
          }
          return failureOf(hooked) !== undefined ? FAILED : { constant: false, evaluate: hooked };
        }
        const c = constantOf(hooked);
        return c !== undefined ? constant(c.value) : { constant: false, evaluate: hooked };
      }
    }

    const args: Node[] = [];
    let failed = false;
    for (const a of expr.args) {
      const c = this.compile(a, depth + 1);
      if (c === FAILED) failed = true;
      else args.push(c);
    }
    if (failed) return FAILED;

    const run = spec.lazy ? lazyRunner(spec, args) : eagerRunner(spec, args);
    if (spec.pure && args.every((a) => a.constant)) {
      try {
        return constant(run(FOLD_RUNTIME));
      } catch (e) {
        return deferredFault(e, spec.name);
      }
    }
    return { constant: false, evaluate: run };
  }
}

function eagerRunner(spec: FunctionSpec, args: readonly Node[]): Evaluator {
  const evals = args.map((a) => a.evaluate);
  const n = evals.length;
  return (rt) => {
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = norm(evals[i]!(rt));
      checkArgument(spec, i, v);
      values[i] = v;
    }
    try {
      return checkResult(spec.evaluate(values, rt));
    } catch (e) {
      throw asEvaluationError(e, spec.name);
    }
  };
}

function lazyRunner(spec: FunctionSpec, args: readonly Node[]): Evaluator {
  const evals = args.map((a) => a.evaluate);
  return (rt) => {
    const thunks: Thunk[] = evals.map((ev) => () => norm(ev(rt)));
    try {
      return checkResult(spec.evaluate(thunks, rt));
    } catch (e) {
      throw asEvaluationError(e, spec.name);
    }
  };
}

/** Compiles one parsed expression. Faults go to scope.diagnostics; the result then throws when evaluated. */
export function compileExpression(expr: Expr, scope: ExpressionScope): CompiledValue {
  const before = scope.diagnostics.length;
  const node = new Compiler(scope).compile(expr, 1);
  if (node === FAILED) return failedValue(scope.diagnostics.slice(before));
  return node;
}

function childScope(scope: ExpressionScope, pointer: string): ExpressionScope {
  const child = Object.create(scope) as ExpressionScope;
  child.pointer = pointer;
  return child;
}

/**
 * Compiles a JSON value whose strings may be template expressions (a policy rule value, deployment
 * parameters, a template section). Objects and arrays without expressions are constants; keys such as
 * "__proto__" stay ordinary data.
 */
export function compileTemplateValue(json: unknown, scope: ExpressionScope): CompiledValue {
  const before = scope.diagnostics.length;
  const node = compileValue(json, scope, 0);
  if (node === FAILED || scope.diagnostics.length > before) {
    const errors = scope.diagnostics.slice(before).filter((d) => d.severity === 'error');
    if (node === FAILED || errors.length > 0) return failedValue(errors.length > 0 ? errors : scope.diagnostics.slice(before));
  }
  return node;
}

function compileValue(json: unknown, scope: ExpressionScope, depth: number): Node | null {
  if (depth > LIMITS.valueDepth) {
    scope.diagnostics.push(diagnostic('expr.value-too-deep', { limit: LIMITS.valueDepth }, { pointer: scope.pointer }));
    return FAILED;
  }
  if (typeof json === 'string') {
    let ts;
    try {
      ts = classifyTemplateString(json);
    } catch (e) {
      if (e instanceof PolicyError) {
        for (const d of e.diagnostics) {
          d.pointer = scope.pointer;
          scope.diagnostics.push(d);
        }
        return FAILED;
      }
      throw e;
    }
    if (ts.kind === 'literal') return constant(ts.value);
    const c = compileExpression(ts.expr, scope);
    return c;
  }
  if (Array.isArray(json)) {
    const items: (Node | null)[] = json.map((v, i) => compileValue(v, childScope(scope, joinPointer(scope.pointer, i)), depth + 1));
    if (items.some((x) => x === FAILED)) return FAILED;
    const nodes = items as Node[];
    if (nodes.every((x) => x.constant)) return constant(nodes.map((x) => x.value));
    const evals = nodes.map((x) => x.evaluate);
    return { constant: false, evaluate: (rt) => evals.map((ev) => ev(rt)) };
  }
  if (isObject(json)) {
    const keys = Object.keys(json);
    const nodes: Node[] = [];
    let failed = false;
    for (const k of keys) {
      const c = compileValue(json[k], childScope(scope, joinPointer(scope.pointer, k)), depth + 1);
      if (c === FAILED) failed = true;
      else nodes.push(c);
    }
    if (failed) return FAILED;
    if (nodes.every((x) => x.constant)) {
      const o = newObject();
      keys.forEach((k, i) => setKey(o, k, nodes[i]!.value));
      return constant(o);
    }
    const evals = nodes.map((x) => x.evaluate);
    return {
      constant: false,
      evaluate: (rt) => {
        const o = newObject();
        for (let i = 0; i < keys.length; i++) setKey(o, keys[i]!, evals[i]!(rt));
        return o;
      },
    };
  }
  return constant(json === undefined ? null : json);
}
