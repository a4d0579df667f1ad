// Field readers: a `field` key or field() call compiled once into a closure that reads the right
// resource (primary or related), relative to the count member that binds it when inside a `where`.
import { EvaluationError } from '../diagnostics/index.js';
import {
  resolveField,
  readField,
  selectField,
  fieldArray,
  readPath,
  selectPath,
  stripPrefix,
  type FieldRef,
  type PathSegment,
} from '../aliases/index.js';
import { MISSING, type ResourceView } from '../model/index.js';
import type { ConditionRuntime as RuleRuntime } from './runtime.js';
import type { CompileEnv, CountBinding, FieldTarget } from './env.js';

export interface FieldReader {
  readonly ref: FieldRef;
  /** True when the reader yields a collection (a `[*]` not bound by a count). */
  readonly collection: boolean;
  /** Scalar readers return the value or MISSING; collection readers return the selected values. */
  read(rt: RuleRuntime): unknown;
  /** The JSON path actually read, for reasons. */
  pathOf(rt: RuleRuntime): string;
}

const WILDCARD = '[*]';

function wildcardCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf(WILDCARD); i !== -1; i = text.indexOf(WILDCARD, i + 1)) n++;
  return n;
}

export function targetView(rt: RuleRuntime, target: FieldTarget): ResourceView {
  if (target === 'related') {
    if (rt.related === undefined) throw new EvaluationError('eval.limit-exceeded', { reason: 'no related resource in scope' });
    return rt.related;
  }
  return rt.primary;
}

/** Resolves `field` text (an alias, a root field or a tag) at compile time; pushes a diagnostic when unknown. */
export function resolveFieldOrReport(text: string, pointer: string, env: CompileEnv): FieldRef | undefined {
  const o = env.options;
  const res = resolveField(text, { catalogue: o.catalogue, strict: o.strict, lenient: o.lenient });
  if ('diagnostic' in res) {
    env.diagnostics.push({ ...res.diagnostic, pointer });
    return undefined;
  }
  env.reads?.refs.add(res.ref);
  return res.ref;
}

/** The innermost field count whose counted alias is a prefix of `ref` (docs: "…and any alias with the counted alias as prefix"). */
export function bindingFor(ref: FieldRef, env: CompileEnv): CountBinding | undefined {
  const text = ref.text.toLowerCase();
  for (let i = env.bindings.length - 1; i >= 0; i--) {
    const b = env.bindings[i]!;
    if (b.kind !== 'field' || b.ref === undefined) continue;
    const counted = b.ref.text.toLowerCase();
    if (text === counted || text.startsWith(counted + '.') || text.startsWith(counted + '[')) return b;
  }
  return undefined;
}

/** Per-resource-type cache of the path left after stripping the counted alias's path. */
function remainderCache(ref: FieldRef, counted: FieldRef): (view: ResourceView) => PathSegment[] | undefined {
  const cache = new Map<string, PathSegment[] | null>();
  return (view) => {
    const key = view.apiVersion === undefined ? view.typeLower : `${view.typeLower}@${view.apiVersion}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      const full = ref.pathFor(view);
      const prefix = counted.pathFor(view);
      hit = full && prefix ? (stripPrefix(full, prefix) ?? null) : null;
      cache.set(key, hit);
    }
    return hit ?? undefined;
  };
}

/**
 * The last view a field was read on, and the value: the conditions of a rule (and of an initiative's members, which
 * share FieldRefs) read the same field of the same resource again and again (a support matrix reads the image
 * publisher in every branch). A read is a function of the view alone (views do not change).
 */
interface ReadMemo {
  view: ResourceView | undefined;
  value: unknown;
}

const MEMOS = new WeakMap<FieldRef, ReadMemo>();

function memoOf(ref: FieldRef): ReadMemo {
  let memo = MEMOS.get(ref);
  if (memo === undefined) MEMOS.set(ref, (memo = { view: undefined, value: undefined }));
  return memo;
}

export function compileFieldReader(ref: FieldRef, env: CompileEnv, target: FieldTarget = env.target): FieldReader {
  const binding = bindingFor(ref, env);
  if (binding === undefined || binding.ref === undefined || binding.target !== target) {
    const collection = ref.wildcard;
    const memo = memoOf(ref);
    return {
      ref,
      collection,
      read: collection
        ? (rt) => selectField(ref, targetView(rt, target))
        : (rt) => {
            const view = targetView(rt, target);
            if (memo.view === view) return memo.value;
            const value = readField(ref, view);
            memo.view = view;
            memo.value = value;
            return value;
          },
      pathOf: (rt) => ref.displayPath(targetView(rt, target)) ?? ref.text,
    };
  }
  const counted = binding.ref;
  const remainder = remainderCache(ref, counted);
  const collection = wildcardCount(ref.text) > wildcardCount(counted.text);
  return {
    ref,
    collection,
    read(rt) {
      const frame = rt.frameOf(binding);
      if (frame === undefined) throw new EvaluationError('expr.unknown-count-name', { name: counted.text });
      const segs = remainder(targetView(rt, target));
      if (segs === undefined) return collection ? [] : MISSING;
      return collection ? selectPath(frame.value, segs) : readPath(frame.value, segs);
    },
    pathOf: (rt) => ref.displayPath(targetView(rt, target)) ?? ref.text,
  };
}

/**
 * field('<name>') in an expression: always the evaluated resource (even inside existenceCondition);
 * a `[*]` alias gives an array, a missing value null; inside a `where` over the same alias, a
 * one-element array holding the member's value (docs, "count" section).
 */
export function compileFieldFunction(text: string, pointer: string, env: CompileEnv): ((rt: RuleRuntime) => unknown) | undefined {
  const ref = resolveFieldOrReport(text, pointer, env);
  if (ref === undefined) return undefined;
  const binding = bindingFor(ref, env);
  if (binding !== undefined && binding.target === 'primary') {
    const reader = compileFieldReader(ref, env, 'primary');
    return (rt) => {
      const v = reader.read(rt);
      if (reader.collection) return v;
      return v === MISSING ? [] : [v];
    };
  }
  return (rt) => fieldArray(ref, rt.primary);
}

/** current('<alias or name>') / current() inside a count's where. */
export function compileCurrent(name: string | undefined, pointer: string, env: CompileEnv): ((rt: RuleRuntime) => unknown) | undefined {
  if (env.bindings.length === 0) return undefined;
  if (name === undefined) {
    const b = env.bindings[env.bindings.length - 1]!;
    return (rt) => rt.frameOf(b)?.value;
  }
  const lower = name.toLowerCase();
  for (let i = env.bindings.length - 1; i >= 0; i--) {
    const b = env.bindings[i]!;
    if (b.kind === 'value' && b.name !== undefined && b.name.toLowerCase() === lower) return (rt) => rt.frameOf(b)?.value;
  }
  // A field-count alias (or an alias below it): read relative to the member.
  const ref = resolveFieldOrReport(name, pointer, env);
  if (ref === undefined) return undefined;
  const binding = bindingFor(ref, env);
  if (binding === undefined) return undefined;
  const reader = compileFieldReader(ref, env, binding.target);
  return (rt) => {
    const v = reader.read(rt);
    return v === MISSING ? null : v;
  };
}
