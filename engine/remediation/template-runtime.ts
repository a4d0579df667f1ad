// The runtime side of static template expansion: lazily bound parameters and variables (with cycle
// detection), copy-loop frames, the deployment()/resourceGroup()/subscription() objects, and symbolic values
// for functions that only Azure can answer (reference(), list*(), newGuid() …; digest §12.2 step 3).
// Template strings are compiled by the one expression compiler (phase 'template'), once per distinct text.
import { EvaluationError, PolicyError, diagnostic, joinPointer, type Diagnostic } from '../diagnostics/index.js';
import { classifyTemplateString, compileExpression } from '../expressions/index.js';
import type { CompiledValue, ExpressionRuntime, ExpressionScope } from '../expressions/types.js';
import { findKey, isObject, newObject, setKey, LIMITS } from '../functions/values.js';
import type { SymbolicValue, UnresolvedExpression } from './types.js';

export const SYMBOLIC_KEY = '$symbolic';

export function symbolic(expression: string): SymbolicValue {
  return { [SYMBOLIC_KEY]: expression } as SymbolicValue;
}

export function isSymbolic(v: unknown): v is SymbolicValue {
  return isObject(v) && Object.hasOwn(v, SYMBOLIC_KEY) && Object.keys(v).length === 1 && typeof v[SYMBOLIC_KEY] === 'string';
}

/** Does the value hold a symbolic marker anywhere (explicit stack: values may be deep)? */
export function containsSymbolic(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (isSymbolic(x)) return true;
    if (Array.isArray(x)) stack.push(...x);
    else if (isObject(x)) for (const k of Object.keys(x)) stack.push(x[k]);
  }
  return false;
}

/** ARM copy count limit (copy-resources.md, copy-variables.md, copy-properties.md): 0 ≤ count ≤ 800. */
export const MAX_COPY_COUNT = 800;

export interface LoopFrame {
  name: string;
  index: number;
  kind: 'resource' | 'property' | 'variable';
}

type Lazy =
  | { state: 'pending'; raw: unknown; pointer: string; kind: 'default' | 'variable' | 'variableCopy' }
  | { state: 'evaluating' }
  | { state: 'done'; value: unknown }
  | { state: 'failed'; error: EvaluationError };

/** The evaluation scope of one template: its parameters, variables, scope objects and deployment(). */
export interface TemplateFrame {
  pointer: string;
  parameters: Map<string, Lazy>;
  parameterNames: Map<string, string>;
  variables: Map<string, Lazy>;
  resourceGroup: Record<string, unknown> | undefined;
  subscription: Record<string, unknown> | undefined;
  managementGroup: Record<string, unknown> | undefined;
  deployment: Record<string, unknown>;
}

/** Shared state of one expansion: the compile cache, symbolic tracking and findings. */
export class Expansion {
  private readonly compiled = new Map<string, CompiledValue | EvaluationError>();
  /** Set while evaluating one leaf: a runtime-only function was called. */
  private unresolvedCall = false;
  /** Set while evaluating one leaf: a value holding a symbolic marker was read. */
  private touched = false;
  /** Collected for the resource being expanded. */
  unresolved: UnresolvedExpression[] = [];
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly now: string,
    readonly tenant: Record<string, unknown> | undefined,
  ) {}

  private compile(text: string, pointer: string): { literal: string } | { value: CompiledValue; text: string } {
    let ts;
    try {
      ts = classifyTemplateString(text);
    } catch (e) {
      if (e instanceof PolicyError) {
        const d = e.diagnostics[0];
        const err = new EvaluationError(d?.code ?? 'expr.syntax', {}, pointer);
        if (d) err.message = d.message;
        throw err;
      }
      throw e;
    }
    if (ts.kind === 'literal') return { literal: ts.value };
    let c = this.compiled.get(text);
    if (c === undefined) {
      const diagnostics: Diagnostic[] = [];
      const scope: ExpressionScope = { phase: 'template', pointer, diagnostics };
      const value = compileExpression(ts.expr, scope);
      const error = diagnostics.find((d) => d.severity === 'error');
      if (error !== undefined) {
        const err = new EvaluationError(error.code, {});
        err.message = error.message;
        c = err;
      } else c = value;
      this.compiled.set(text, c);
    }
    if (c instanceof EvaluationError) {
      const err = new EvaluationError(c.code, {}, pointer);
      err.message = c.message;
      throw err;
    }
    return { value: c, text: ts.text };
  }

  /** Evaluates a template JSON value: expressions, property/variable `copy` iterations, nested objects. */
  evaluate(json: unknown, frame: TemplateFrame, loops: readonly LoopFrame[], pointer: string, depth = 0): unknown {
    if (depth > LIMITS.valueDepth) throw new EvaluationError('expr.value-too-deep', { limit: LIMITS.valueDepth }, pointer);
    if (typeof json === 'string') return this.evaluateString(json, frame, loops, pointer);
    if (Array.isArray(json)) return json.map((v, i) => this.evaluate(v, frame, loops, joinPointer(pointer, i), depth + 1));
    if (isObject(json)) {
      const out = newObject();
      const copyKey = findKey(json, 'copy');
      for (const k of Object.keys(json)) {
        if (k === copyKey && Array.isArray(json[k])) continue;
        setKey(out, k, this.evaluate(json[k], frame, loops, joinPointer(pointer, k), depth + 1));
      }
      if (copyKey !== undefined && Array.isArray(json[copyKey])) {
        (json[copyKey] as unknown[]).forEach((loop, i) => {
          const at = joinPointer(pointer, copyKey, i);
          const { name, items } = this.iterate(loop, frame, loops, at, 'property', depth);
          setKey(out, name, items);
        });
      }
      return out;
    }
    return json === undefined ? null : json;
  }

  /** One `{ name, count, input }` iteration (properties and variables). */
  iterate(loop: unknown, frame: TemplateFrame, loops: readonly LoopFrame[], pointer: string, kind: 'property' | 'variable', depth: number): { name: string; items: unknown[] } {
    if (!isObject(loop)) throw new EvaluationError('deploy.template-invalid', { reason: 'a copy element must be an object { name, count, input }' }, pointer);
    const nameKey = findKey(loop, 'name');
    const name = nameKey === undefined ? undefined : this.evaluate(loop[nameKey], frame, loops, joinPointer(pointer, nameKey), depth + 1);
    if (typeof name !== 'string' || name === '') throw new EvaluationError('deploy.template-invalid', { reason: 'a copy element needs a name' }, pointer);
    const count = this.count(loop, frame, loops, pointer);
    const inputKey = findKey(loop, 'input');
    if (inputKey === undefined) throw new EvaluationError('deploy.template-invalid', { reason: `copy "${name}" has no input` }, pointer);
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) {
      items.push(this.evaluate(loop[inputKey], frame, [...loops, { name, index: i, kind }], joinPointer(pointer, inputKey), depth + 1));
    }
    return { name, items };
  }

  /** copy.count: an integer 0–800. */
  count(loop: Record<string, unknown>, frame: TemplateFrame, loops: readonly LoopFrame[], pointer: string): number {
    const countKey = findKey(loop, 'count');
    if (countKey === undefined) throw new EvaluationError('deploy.template-invalid', { reason: 'copy has no count' }, pointer);
    const count = this.evaluate(loop[countKey], frame, loops, joinPointer(pointer, countKey));
    if (isSymbolic(count)) throw new EvaluationError('deploy.symbolic', { reason: `copy count depends on runtime state (${count.$symbolic})` }, joinPointer(pointer, countKey));
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_COPY_COUNT) {
      throw new EvaluationError('deploy.template-invalid', { reason: `copy count must be an integer from 0 to ${MAX_COPY_COUNT}, got ${JSON.stringify(count)}` }, joinPointer(pointer, countKey));
    }
    return count;
  }

  /** Evaluates one string: a literal, or an expression run against the frame; runtime-only values stay symbolic. */
  evaluateString(s: string, frame: TemplateFrame, loops: readonly LoopFrame[], pointer: string): unknown {
    const c = this.compile(s, pointer);
    if ('literal' in c) return c.literal;
    const savedCall = this.unresolvedCall;
    const savedTouched = this.touched;
    this.unresolvedCall = false;
    this.touched = false;
    let value: unknown;
    let threw: unknown;
    try {
      value = c.value.evaluate(this.runtime(frame, loops));
    } catch (e) {
      threw = e;
    }
    const call = this.unresolvedCall;
    const touched = this.touched;
    this.unresolvedCall = savedCall || call;
    this.touched = savedTouched || touched;
    if (threw !== undefined) {
      if ((call || touched) && threw instanceof EvaluationError) return this.markSymbolic(c.text, pointer);
      if (threw instanceof EvaluationError && threw.pointer === undefined) {
        const e = new EvaluationError(threw.code, {}, pointer);
        e.message = threw.message;
        throw e;
      }
      throw threw;
    }
    // A runtime-only function decided (part of) the value: the whole expression stays symbolic.
    if (call) return this.markSymbolic(c.text, pointer);
    if (touched && typeof value === 'string' && value.includes(SYMBOLIC_KEY)) return this.markSymbolic(c.text, pointer);
    return value;
  }

  private markSymbolic(text: string, pointer: string): SymbolicValue {
    this.unresolved.push({ pointer, expression: text });
    return symbolic(text);
  }

  private read(table: Map<string, Lazy>, name: string, frame: TemplateFrame, what: 'parameter' | 'variable'): unknown {
    const key = name.toLowerCase();
    const entry = table.get(key);
    if (entry === undefined) return undefined;
    let value: unknown;
    switch (entry.state) {
      case 'done':
        value = entry.value;
        break;
      case 'failed':
        throw entry.error;
      case 'evaluating':
        throw new EvaluationError('expr.variable-cycle', { name: what === 'parameter' ? `parameters('${name}')` : name });
      case 'pending': {
        table.set(key, { state: 'evaluating' });
        try {
          if (entry.kind === 'variableCopy') value = this.iterate(entry.raw, frame, [], entry.pointer, 'variable', 0).items;
          else value = this.evaluate(entry.raw, frame, [], entry.pointer);
        } catch (e) {
          if (e instanceof EvaluationError) table.set(key, { state: 'failed', error: e });
          else table.delete(key);
          throw e;
        }
        table.set(key, { state: 'done', value });
      }
    }
    if (containsSymbolic(value)) this.touched = true;
    return value;
  }

  /** A runtime for one leaf: hooks are plain closures (functions may call them detached). */
  runtime(frame: TemplateFrame, loops: readonly LoopFrame[]): ExpressionRuntime {
    const rt: ExpressionRuntime = {
      now: this.now,
      parameter: (name) => this.read(frame.parameters, name, frame, 'parameter'),
      variable: (name) => this.read(frame.variables, name, frame, 'variable'),
      copyIndex: (loopName) => {
        if (loopName === undefined) {
          for (let i = loops.length - 1; i >= 0; i--) if (loops[i]!.kind === 'resource') return loops[i]!.index;
          return loops.length > 0 ? loops[loops.length - 1]!.index : (Number.NaN as number);
        }
        const lower = loopName.toLowerCase();
        for (let i = loops.length - 1; i >= 0; i--) if (loops[i]!.name.toLowerCase() === lower) return loops[i]!.index;
        return Number.NaN;
      },
      deployment: () => frame.deployment,
      unresolvable: (name, args) => {
        this.unresolvedCall = true;
        return symbolic(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
      },
    };
    const hooks = rt as { -readonly [K in keyof ExpressionRuntime]: ExpressionRuntime[K] };
    if (frame.resourceGroup !== undefined) hooks.resourceGroup = () => frame.resourceGroup;
    else hooks.resourceGroup = () => {
      throw new EvaluationError('expr.function-failed', { name: 'resourceGroup', reason: 'the deployment does not target a resource group' });
    };
    if (frame.subscription !== undefined) hooks.subscription = () => frame.subscription;
    if (frame.managementGroup !== undefined) hooks.managementGroup = () => frame.managementGroup;
    if (this.tenant !== undefined) hooks.tenant = () => this.tenant;
    return rt;
  }
}

export function parameterEntry(value: unknown): Lazy {
  return { state: 'done', value };
}

export function defaultEntry(raw: unknown, pointer: string): Lazy {
  return { state: 'pending', raw, pointer, kind: 'default' };
}

export function failedEntry(error: EvaluationError): Lazy {
  return { state: 'failed', error };
}

export function variableEntry(raw: unknown, pointer: string, copy: boolean): Lazy {
  return { state: 'pending', raw, pointer, kind: copy ? 'variableCopy' : 'variable' };
}

export { diagnostic };
