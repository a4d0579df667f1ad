// Binding parameter values to a definition's declared parameters (digest §1.3, §8.3): the given
// value, else defaultValue; names case-insensitive; types checked; allowedValues case-sensitive.
import { diagnostic, joinPointer, type Diagnostic } from '../diagnostics/index.js';

export interface ParameterDefinition {
  type?: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  metadata?: Record<string, unknown>;
  schema?: unknown;
}

export interface BoundParameters {
  /** Lower-cased name → value, for every parameter that has one. */
  values: Map<string, unknown>;
  /** Lower-cased names declared without a value (an error if the rule uses them). */
  unbound: Set<string>;
  /** Lower-cased name → name as declared. */
  declared: Map<string, string>;
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type.toLowerCase()) {
    case 'string':
    case 'datetime':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float':
      return typeof v === 'number';
    default:
      return true;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function bindParameters(
  declared: Record<string, ParameterDefinition> | undefined,
  given: Record<string, unknown> | undefined,
  pointer: string,
  diagnostics: Diagnostic[],
): BoundParameters {
  const out: BoundParameters = { values: new Map(), unbound: new Set(), declared: new Map() };
  const givenByLower = new Map<string, [string, unknown]>();
  for (const [k, v] of Object.entries(given ?? {})) givenByLower.set(k.toLowerCase(), [k, v]);
  for (const [name, def] of Object.entries(declared ?? {})) {
    const lower = name.toLowerCase();
    out.declared.set(lower, name);
    const p = joinPointer(pointer, name);
    const hit = givenByLower.get(lower);
    givenByLower.delete(lower);
    const hasValue = hit !== undefined || (def !== null && typeof def === 'object' && Object.hasOwn(def, 'defaultValue'));
    if (!hasValue) {
      out.unbound.add(lower);
      continue;
    }
    const value = hit !== undefined ? hit[1] : def.defaultValue;
    if (hit !== undefined && typeof def?.type === 'string' && !typeMatches(def.type, value)) {
      diagnostics.push(diagnostic('compile.parameter-value-type', { name, type: def.type }, { pointer: p }));
    }
    // An empty allowedValues list restricts nothing (16 built-ins declare `"allowedValues": []`).
    if (hit !== undefined && Array.isArray(def?.allowedValues) && def.allowedValues.length > 0 && !allowed(def.allowedValues, value, def.type, sameJson)) {
      // Azure validates allowedValues case-sensitively, yet its own initiatives pass 'audit' to members that
      // allow 'Audit' (CMMC_L3, NIST…): a match that differs only in case is accepted with a warning.
      const severity = allowed(def.allowedValues, value, def.type, sameIgnoringCase) ? 'warning' : 'error';
      diagnostics.push(diagnostic('compile.parameter-not-allowed', { name }, { pointer: p, severity }));
    }
    out.values.set(lower, value);
  }
  for (const [, [name]] of givenByLower) diagnostics.push(diagnostic('compile.unknown-parameter-value', { name }, { pointer }));
  return out;
}

/** allowedValues are validated case-sensitively; for array parameters every element must be allowed. */
function allowed(allowedValues: unknown[], value: unknown, type: string | undefined, same: (a: unknown, b: unknown) => boolean): boolean {
  if (type?.toLowerCase() === 'array' && Array.isArray(value) && !allowedValues.some((a) => Array.isArray(a))) {
    return value.every((v) => allowedValues.some((a) => same(a, v)));
  }
  return allowedValues.some((a) => same(a, value));
}

function sameIgnoringCase(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : sameJson(a, b);
}
