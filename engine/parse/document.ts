// The steps every document goes through before its kind-specific checks: object check, limits (iterative),
// envelope detection, key normalizing (with case-insensitive duplicate keys), schema validation.
import { diagnostic, joinPointer, type Code, type Diagnostic, type DiagnosticArgs, type Severity } from '../diagnostics/index.js';
import { checkConditionLimits, checkDocumentDepth, MAX_IF_CONDITIONS, MAX_THEN_CONDITIONS } from './limits.js';
import { getMember, isObject, normalizeDocument, translatePointer, type NormalizedDocument } from './keywords.js';
import { validateDocument, type DocumentKind, type PositionOptions } from './validate.js';

export interface Prepared {
  /** Normalized copy (canonical keyword keys). */
  doc: NormalizedDocument;
  /** The normalized envelope and its properties. */
  top: Record<string, unknown>;
  props: Record<string, unknown>;
  diagnostics: Diagnostic[];
  /** Full pointer (base + keys as written) of a canonical path such as '/properties/policyRule'. */
  pointer(canonical: string): string;
  report(code: Code, args: DiagnosticArgs, canonicalPointer: string, severity?: Severity): void;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** A document is enveloped when it has a `properties` object (any key case). */
export function isEnveloped(value: Record<string, unknown>): boolean {
  const p = getMember(value, 'properties');
  return p !== undefined && isObject(p.value);
}

/** Returns the prepared document, or only diagnostics when it cannot be validated safely (not an object, too deep). */
export function prepareDocument(value: unknown, kind: DocumentKind, options: PositionOptions): Prepared | { diagnostics: Diagnostic[] } {
  const base = options.pointerBase ?? '';
  const at = (d: Diagnostic): Diagnostic => {
    const source = d.pointer !== undefined ? options.locate?.(d.pointer) : undefined;
    if (source) d.source = source;
    return d;
  };
  if (!isObject(value)) return { diagnostics: [at(diagnostic('parse.not-an-object', { context: '' }, { pointer: base }))] };
  const enveloped = isEnveloped(value);
  const rawProps = enveloped ? (getMember(value, 'properties')!.value as Record<string, unknown>) : value;
  const propsPointer = enveloped ? joinPointer(base, getMember(value, 'properties')!.key) : base;

  if (kind === 'policyDefinition') {
    const rule = getMember(rawProps, 'policyRule');
    if (rule && isObject(rule.value)) {
      const rulePointer = joinPointer(propsPointer, rule.key);
      const limits: Diagnostic[] = [];
      const cond = getMember(rule.value, 'if');
      if (cond) limits.push(...checkConditionLimits(cond.value, joinPointer(rulePointer, cond.key), MAX_IF_CONDITIONS, options));
      const then = getMember(rule.value, 'then');
      const details = then ? getMember(then.value, 'details') : undefined;
      const existence = details ? getMember(details.value, 'existenceCondition') : undefined;
      if (then && details && existence) {
        const p = joinPointer(rulePointer, then.key, details.key, existence.key);
        limits.push(...checkConditionLimits(existence.value, p, MAX_THEN_CONDITIONS, options));
      }
      if (limits.some((d) => d.code === 'parse.too-deep')) return { diagnostics: limits };
      if (limits.length > 0) {
        const deep = checkDocumentDepth(value, options);
        return { diagnostics: deep ? [...limits, deep] : limits };
      }
    }
  }
  const deep = checkDocumentDepth(value, options);
  if (deep) return { diagnostics: [deep] };

  const doc = normalizeDocument(value, kind, enveloped);
  const diagnostics: Diagnostic[] = doc.duplicates.map((d) => at(diagnostic('parse.duplicate-key', { key: d.key }, { pointer: base + d.pointer })));
  diagnostics.push(...validateDocument(kind, doc, options));
  const top = doc.value as Record<string, unknown>;
  const props = (isObject(top['properties']) ? top['properties'] : Object.create(null)) as Record<string, unknown>;
  const pointer = (canonical: string): string => base + translatePointer(doc, canonical);
  return {
    doc,
    top,
    props,
    diagnostics,
    pointer,
    report(code, args, canonicalPointer, severity) {
      const p = pointer(canonicalPointer);
      diagnostics.push(at(diagnostic(code, args, severity ? { pointer: p, severity } : { pointer: p })));
    },
  };
}

// ── small readers over the normalized copy (schema-checked, so types hold when there are no errors) ──

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function record(v: unknown): Record<string, unknown> | undefined {
  return isObject(v) ? v : undefined;
}

/** Copies own members into a null-prototype object (keys are data). */
export function dataMap<T>(v: unknown, map: (value: unknown, key: string) => T): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  if (isObject(v)) for (const k of Object.keys(v)) out[k] = map(v[k], k);
  return out;
}

/** Sets optional string members only when present, so results carry no `undefined` members. */
export function assignDefined<T extends object>(target: T, members: Partial<T>): T {
  for (const [k, v] of Object.entries(members)) if (v !== undefined) (target as Record<string, unknown>)[k] = v;
  return target;
}

/** Case-sensitive structural equality (Azure validates allowedValues case-sensitively). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The scope an extension resource (assignment, exemption) is attached to: the id before `/providers/<type>/`. */
export function scopeFromId(id: string | undefined, type: 'policyAssignments' | 'policyExemptions'): string | undefined {
  if (id === undefined) return undefined;
  const marker = `/providers/microsoft.authorization/${type.toLowerCase()}/`;
  const i = id.toLowerCase().lastIndexOf(marker);
  if (i < 0) return undefined;
  return i === 0 ? '/' : id.slice(0, i);
}
