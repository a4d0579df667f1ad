// Azure's policy vocabulary, and the case-insensitive key handling built on it.
//
// Azure matches every keyword of these formats case-insensitively (`anyof`, `Like`, `notequals`, `Version`,
// parameter types `String`, modes `indexed`). The schemas are written in Azure's own spelling; before ajv runs,
// `normalizeKeys` makes a *copy* of the document in which each keyword key (and the few keyword values: parameter
// types, enums) is spelled canonically. The caller's value is never changed: ajv's error paths are translated
// back, key by key, to what the user wrote (`translatePointer`), so every pointer names the user's own key.
import { joinPointer, parsePointer } from '../diagnostics/index.js';

/** The 19 condition operators, in Azure's spelling (definition-structure-policy-rule.md, Conditions). */
export const CONDITION_OPERATORS = Object.freeze([
  'equals', 'notEquals', 'like', 'notLike', 'match', 'matchInsensitively', 'notMatch', 'notMatchInsensitively',
  'contains', 'notContains', 'in', 'notIn', 'containsKey', 'notContainsKey', 'less', 'lessOrEquals', 'greater',
  'greaterOrEquals', 'exists',
] as const);

export const LOGICAL_OPERATORS = Object.freeze(['allOf', 'anyOf', 'not'] as const);
export const CONDITION_OPERANDS = Object.freeze(['field', 'value', 'count'] as const);

/** Parameter types (definition-structure-parameters.md); the docs spell them lower camel case. */
export const PARAMETER_TYPES = Object.freeze(['string', 'array', 'object', 'boolean', 'integer', 'float', 'dateTime'] as const);

/** Resource Manager modes; anything matching RP_MODE is a Resource Provider mode (`Microsoft.Kubernetes.Data` …). */
export const RESOURCE_MANAGER_MODES = Object.freeze(['All', 'Indexed'] as const);
export const RP_MODE = /^Microsoft\.[A-Za-z0-9]+(\.[A-Za-z0-9]+)*\.Data$/i;

export const POLICY_TYPES = Object.freeze(['BuiltIn', 'Custom', 'Static', 'NotSpecified'] as const);
export const ENFORCEMENT_MODES = Object.freeze(['Default', 'DoNotEnforce', 'Enroll'] as const);
export const IDENTITY_TYPES = Object.freeze(['SystemAssigned', 'UserAssigned', 'None'] as const);
export const EXEMPTION_CATEGORIES = Object.freeze(['Waiver', 'Mitigated'] as const);
export const ASSIGNMENT_SCOPE_VALIDATIONS = Object.freeze(['Default', 'DoNotValidate'] as const);
export const SELECTOR_KINDS = Object.freeze(['resourceLocation', 'resourceType', 'resourceWithoutLocation'] as const);
export const OVERRIDE_KINDS = Object.freeze(['policyEffect', 'policyVersion'] as const);
export const OVERRIDE_SELECTOR_KINDS = Object.freeze(['policyDefinitionReferenceId', 'resourceLocation', 'resourceType', 'resourceWithoutLocation'] as const);

/** Case-insensitive lookup of `name` in a keyword list; the canonical spelling, or undefined. */
export function canonicalKeyword(name: string, list: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  for (const k of list) if (k.toLowerCase() === lower) return k;
  return undefined;
}

/** Own member of `obj` whose key equals `name` case-insensitively (first in key order), with the key as written. */
export function getMember(obj: unknown, name: string): { key: string; value: unknown } | undefined {
  if (!isObject(obj)) return undefined;
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return { key, value: obj[key] };
  return undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ── shapes: which keys are keywords where ────────────────────────────────────────────────────

/**
 * Where keywords are. `keys`: canonical keyword → shape of its value. `values`: shape of every other member
 * (data keys such as parameter names, kept as written). `caseInsensitiveNames`: data keys that Azure matches
 * case-insensitively (parameter names), so two differing only by case are a duplicate.
 */
export type Shape =
  | { t: 'object'; keys: Readonly<Record<string, Shape>>; values?: Shape; caseInsensitiveNames?: boolean }
  | { t: 'array'; items: Shape }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'any' }
  | { t: 'lazy'; get: () => Shape };

const ANY: Shape = { t: 'any' };
const obj = (keys: Record<string, Shape>, extra: Partial<{ values: Shape; caseInsensitiveNames: boolean }> = {}): Shape => ({ t: 'object', keys, ...extra });
const arr = (items: Shape): Shape => ({ t: 'array', items });
const enm = (values: readonly string[]): Shape => ({ t: 'enum', values });

const CONDITION: Shape = { t: 'lazy', get: () => CONDITION_SHAPE };
const COUNT_SHAPE = obj({ field: ANY, value: ANY, name: ANY, where: CONDITION });
const CONDITION_SHAPE: Shape = obj({
  allOf: arr(CONDITION),
  anyOf: arr(CONDITION),
  not: CONDITION,
  field: ANY,
  value: ANY,
  count: COUNT_SHAPE,
  ...Object.fromEntries(CONDITION_OPERATORS.map((o) => [o, ANY])),
});

const PARAMETER_DEFINITION = obj({ type: enm(PARAMETER_TYPES), defaultValue: ANY, allowedValues: ANY, metadata: ANY, schema: ANY });
const PARAMETER_DEFINITIONS = obj({}, { values: PARAMETER_DEFINITION, caseInsensitiveNames: true });
const PARAMETER_VALUES = obj({}, { values: obj({ value: ANY }), caseInsensitiveNames: true });
const SELECTOR = obj({ kind: enm([...SELECTOR_KINDS, ...OVERRIDE_SELECTOR_KINDS]), in: ANY, notIn: ANY });
const RESOURCE_SELECTORS = arr(obj({ name: ANY, selectors: arr(SELECTOR) }));

const DEFINITION_PROPERTIES = obj({
  displayName: ANY, description: ANY, policyType: enm(POLICY_TYPES), mode: ANY, metadata: ANY, version: ANY, versions: ANY,
  parameters: PARAMETER_DEFINITIONS,
  policyRule: obj({
    if: CONDITION,
    then: obj({ effect: ANY, details: obj({ existenceCondition: CONDITION }, { values: ANY }) }),
  }),
});

const POLICY_SET_PROPERTIES = obj({
  displayName: ANY, description: ANY, policyType: enm(POLICY_TYPES), metadata: ANY, version: ANY, versions: ANY,
  parameters: PARAMETER_DEFINITIONS,
  policyDefinitions: arr(obj({ policyDefinitionId: ANY, policyDefinitionReferenceId: ANY, parameters: PARAMETER_VALUES, groupNames: ANY, definitionVersion: ANY })),
  policyDefinitionGroups: arr(obj({ name: ANY, category: ANY, displayName: ANY, description: ANY, additionalMetadataId: ANY })),
});

const ASSIGNMENT_PROPERTIES = obj({
  scope: ANY, policyDefinitionId: ANY, definitionVersion: ANY, displayName: ANY, description: ANY, metadata: ANY,
  enforcementMode: enm(ENFORCEMENT_MODES), notScopes: ANY, parameters: PARAMETER_VALUES,
  nonComplianceMessages: arr(obj({ message: ANY, policyDefinitionReferenceId: ANY })),
  resourceSelectors: RESOURCE_SELECTORS,
  overrides: arr(obj({ kind: enm(OVERRIDE_KINDS), value: ANY, selectors: arr(SELECTOR) })),
  assignmentType: ANY, instanceId: ANY, effectiveDefinitionVersion: ANY, latestDefinitionVersion: ANY,
});

const EXEMPTION_PROPERTIES = obj({
  policyAssignmentId: ANY, policyDefinitionReferenceIds: ANY, exemptionCategory: enm(EXEMPTION_CATEGORIES), expiresOn: ANY,
  displayName: ANY, description: ANY, metadata: ANY, resourceSelectors: RESOURCE_SELECTORS,
  assignmentScopeValidation: enm(ASSIGNMENT_SCOPE_VALIDATIONS),
});

const ENVELOPE = { id: ANY, name: ANY, type: ANY };
const IDENTITY = obj({ type: enm(IDENTITY_TYPES), userAssignedIdentities: ANY, principalId: ANY, tenantId: ANY });

/** Per kind: the shape of the ARM envelope and of its `properties` (a document may be written either way). */
export const DOCUMENT_SHAPES = Object.freeze({
  policyDefinition: { envelope: obj({ ...ENVELOPE, properties: DEFINITION_PROPERTIES }), properties: DEFINITION_PROPERTIES },
  policySetDefinition: { envelope: obj({ ...ENVELOPE, properties: POLICY_SET_PROPERTIES }), properties: POLICY_SET_PROPERTIES },
  policyAssignment: {
    envelope: obj({ ...ENVELOPE, location: ANY, identity: IDENTITY, properties: ASSIGNMENT_PROPERTIES }),
    properties: ASSIGNMENT_PROPERTIES,
  },
  policyExemption: { envelope: obj({ ...ENVELOPE, properties: EXEMPTION_PROPERTIES }), properties: EXEMPTION_PROPERTIES },
});

// ── normalizing copy and pointer translation ───────────────────────────────────────────────

/** Marks the virtual `properties` wrapper added around a document written without the envelope. */
export const VIRTUAL = '\u0000virtual';

export interface NormalizedDocument {
  /** The copy ajv validates: keyword keys canonical, data keys as written, null-prototype objects. */
  value: unknown;
  /** canonical key → key as written, per copied object. */
  keyMaps: WeakMap<object, Map<string, string>>;
  /** Keys repeated up to case (pointer of the later one, as written). */
  duplicates: { pointer: string; key: string }[];
}

/**
 * Copies `value` with keyword keys spelled canonically. Recursion depth is bounded by the caller's depth
 * check (parse/limits.ts) that runs first.
 */
export function normalizeKeys(value: unknown, shape: Shape): NormalizedDocument {
  const keyMaps = new WeakMap<object, Map<string, string>>();
  const duplicates: { pointer: string; key: string }[] = [];
  // the path is kept as tokens and joined only for a duplicate (most documents have none)
  const path: (string | number)[] = [];
  const walk = (v: unknown, s: Shape): unknown => {
    if (s.t === 'lazy') s = s.get();
    if (s.t === 'enum') return typeof v === 'string' ? (canonicalKeyword(v, s.values) ?? v) : v;
    if (s.t === 'array') {
      if (!Array.isArray(v)) return v;
      const items = s.items;
      return v.map((item, i) => {
        path.push(i);
        const r = walk(item, items);
        path.pop();
        return r;
      });
    }
    if (s.t === 'object' && isObject(v)) {
      const out: Record<string, unknown> = Object.create(null);
      const map = new Map<string, string>();
      const seenLower = s.caseInsensitiveNames ? new Set<string>() : undefined;
      const keywordList = Object.keys(s.keys);
      for (const key of Object.keys(v)) {
        const canon = canonicalKeyword(key, keywordList);
        const name = canon ?? key;
        if (map.has(name) || (seenLower && canon === undefined && seenLower.has(key.toLowerCase()))) {
          duplicates.push({ pointer: joinPointer('', ...path, key), key });
          continue;
        }
        seenLower?.add(key.toLowerCase());
        map.set(name, key);
        path.push(key);
        out[name] = walk(v[key], canon !== undefined ? s.keys[canon]! : (s.values ?? ANY));
        path.pop();
      }
      keyMaps.set(out, map);
      return out;
    }
    return v;
  };
  return { value: walk(value, shape), keyMaps, duplicates };
}

/**
 * Normalizes a document for its kind's schema. A document without the ARM envelope is validated as if it were
 * wrapped in `{ "properties": … }`; the wrapper's key translates to nothing, so pointers stay the user's.
 */
export function normalizeDocument(value: unknown, kind: keyof typeof DOCUMENT_SHAPES, enveloped: boolean): NormalizedDocument {
  const shapes = DOCUMENT_SHAPES[kind];
  if (enveloped) return normalizeKeys(value, shapes.envelope);
  const inner = normalizeKeys(value, shapes.properties);
  const wrapper: Record<string, unknown> = Object.create(null);
  wrapper['properties'] = inner.value;
  inner.keyMaps.set(wrapper, new Map([['properties', VIRTUAL]]));
  return { value: wrapper, keyMaps: inner.keyMaps, duplicates: inner.duplicates };
}

/** Translates a pointer into the normalized copy back to the keys the user wrote. */
export function translatePointer(doc: NormalizedDocument, pointer: string): string {
  const out: string[] = [];
  let node: unknown = doc.value;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(node)) {
      out.push(token);
      node = node[Number(token)];
    } else if (isObject(node)) {
      const written = doc.keyMaps.get(node)?.get(token) ?? token;
      if (written !== VIRTUAL) out.push(written);
      node = node[token];
    } else {
      out.push(token);
      node = undefined;
    }
  }
  return joinPointer('', ...out);
}
