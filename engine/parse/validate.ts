// Runs the ajv schemas (each compiled once, allErrors) on a normalized document and turns every ajv error into
// one coded Diagnostic whose pointer names the user's own key and whose source comes from locate().
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { diagnostic, joinPointer, parsePointer, type Code, type Diagnostic, type DiagnosticArgs, type SourceLocation } from '../diagnostics/index.js';
import { CONDITION_OPERATORS, isObject, translatePointer, type NormalizedDocument } from './keywords.js';
import {
  ASSIGNMENT_PROPERTIES_SCHEMA, ASSIGNMENT_SCHEMA, CONDITION_SCHEMA, COUNT_SCHEMA, DEFINITION_PROPERTIES_SCHEMA, DEFINITION_SCHEMA,
  EXEMPTION_PROPERTIES_SCHEMA, EXEMPTION_SCHEMA, IN_TARGET_SCHEMA, LEAF_CONDITION_SCHEMA, LOGICAL_CONDITION_SCHEMA, OVERRIDES_SCHEMA,
  PARAMETER_DEFINITIONS_SCHEMA, PARAMETER_VALUES_SCHEMA, POLICY_SET_PROPERTIES_SCHEMA, POLICY_SET_SCHEMA, RESOURCE_SELECTORS_SCHEMA,
  type CodeMap,
} from './schemas/index.js';

export type DocumentKind = 'policyDefinition' | 'policySetDefinition' | 'policyAssignment' | 'policyExemption';

export interface PositionOptions {
  /** Pointer of this document inside its input (e.g. '/value/3' in an ARM list); '' by default. */
  pointerBase?: string;
  /** Maps a full pointer to its source position (parseSourceText's locate). */
  locate?: (pointer: string) => SourceLocation | undefined;
}

let validators: Record<DocumentKind, ValidateFunction> | undefined;

function getValidators(): Record<DocumentKind, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv({ allErrors: true, verbose: true, ownProperties: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  ajv.addKeyword('x-dine');
  ajv.addKeyword('x-reason');
  for (const s of [
    CONDITION_SCHEMA, LOGICAL_CONDITION_SCHEMA, LEAF_CONDITION_SCHEMA, IN_TARGET_SCHEMA, COUNT_SCHEMA,
    PARAMETER_DEFINITIONS_SCHEMA, PARAMETER_VALUES_SCHEMA, RESOURCE_SELECTORS_SCHEMA, OVERRIDES_SCHEMA,
    DEFINITION_PROPERTIES_SCHEMA, POLICY_SET_PROPERTIES_SCHEMA, ASSIGNMENT_PROPERTIES_SCHEMA, EXEMPTION_PROPERTIES_SCHEMA,
    DEFINITION_SCHEMA, POLICY_SET_SCHEMA, ASSIGNMENT_SCHEMA, EXEMPTION_SCHEMA,
  ]) ajv.addSchema(s);
  validators = {
    policyDefinition: ajv.getSchema('policyDefinition')!,
    policySetDefinition: ajv.getSchema('policySetDefinition')!,
    policyAssignment: ajv.getSchema('policyAssignment')!,
    policyExemption: ajv.getSchema('policyExemption')!,
  };
  return validators;
}

interface Mapped {
  error: ErrorObject;
  code: Code | undefined;
  reason: string | undefined;
}

function lookup(error: ErrorObject): { code: Code | undefined; reason: string | undefined } {
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const codeMap = (parent?.['x-dine'] ?? {}) as CodeMap;
  const reasonMap = (parent?.['x-reason'] ?? {}) as Record<string, string>;
  const param = (error.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
    (error.params as { additionalProperty?: string }).additionalProperty;
  const keys = [param !== undefined ? `${error.keyword}:${param}` : undefined, error.keyword, '*'].filter((k): k is string => k !== undefined);
  let code: Code | undefined;
  let reason: string | undefined;
  for (const k of keys) if (code === undefined && codeMap[k] !== undefined) code = codeMap[k];
  for (const k of keys) if (reason === undefined && reasonMap[k] !== undefined) reason = reasonMap[k]!.replace('{property}', param ?? '');
  return { code, reason };
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

/** Validates `doc` (normalized for `kind`) and returns one diagnostic per fault, all of them. */
export function validateDocument(kind: DocumentKind, doc: NormalizedDocument, options: PositionOptions = {}): Diagnostic[] {
  const validate = getValidators()[kind];
  if (validate(doc.value)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  const mapped: Mapped[] = errors.map((error) => ({ error, ...lookup(error) }));

  // A coded composite (anyOf / oneOf / not) stands for its branches: drop the branch errors at the same place.
  const dropped = new Set<Mapped>();
  for (const m of mapped) {
    if (m.code === undefined || !['anyOf', 'oneOf', 'not'].includes(m.error.keyword)) continue;
    const prefix = m.error.schemaPath + '/';
    for (const o of mapped) if (o !== m && o.error.instancePath === m.error.instancePath && o.error.schemaPath.startsWith(prefix)) dropped.add(o);
  }
  // One type error per value (a `$ref` target repeats the referencing schema's type check): keep the first.
  const typed = new Set<string>();
  for (const m of mapped) {
    if (dropped.has(m) || m.error.keyword !== 'type') continue;
    if (typed.has(m.error.instancePath)) dropped.add(m);
    typed.add(m.error.instancePath);
  }
  // Shape checks (anyOf / oneOf / not of `required`) pass or fail vacuously on a value of the wrong type: the
  // type error at the same place is the whole story.
  for (const m of mapped) {
    if (!dropped.has(m) && ['anyOf', 'oneOf', 'not'].includes(m.error.keyword) && typed.has(m.error.instancePath)) dropped.add(m);
  }
  // An unknown operator already explains why a condition has no operator.
  const unknownOperatorAt = new Set(mapped.filter((m) => m.code === 'parse.unknown-operator').map((m) => m.error.instancePath));
  for (const m of mapped) if (m.code === 'parse.no-operator' && unknownOperatorAt.has(m.error.instancePath)) dropped.add(m);

  const base = options.pointerBase ?? '';
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const m of mapped) {
    if (dropped.has(m)) continue;
    const d = toDiagnostic(m, doc, base, options.locate);
    if (d === undefined) continue;
    const key = `${d.code}\u0000${d.pointer}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function toDiagnostic(m: Mapped, doc: NormalizedDocument, base: string, locate: PositionOptions['locate']): Diagnostic | undefined {
  const { error } = m;
  const params = error.params as Record<string, unknown>;
  let pointer = translatePointer(doc, error.instancePath);
  const tokens = parsePointer(pointer);
  const last = tokens[tokens.length - 1] ?? '';
  let code: Code = m.code ?? 'parse.schema';
  let args: DiagnosticArgs = {};
  const property = (params['missingProperty'] ?? params['additionalProperty']) as string | undefined;
  if (error.keyword === 'additionalProperties' && property !== undefined) pointer = joinPointer(pointer, property);

  if (m.code === undefined) {
    switch (error.keyword) {
      case 'required':
        code = 'parse.missing-property';
        args = { property };
        break;
      case 'additionalProperties':
        code = 'parse.unknown-property';
        args = { property };
        break;
      case 'type':
        code = 'parse.wrong-type';
        args = { expected: ([] as unknown[]).concat(params['type']).join(' or '), actual: typeName(error.data) };
        break;
      case 'enum':
        code = 'parse.invalid-value';
        args = { value: JSON.stringify(error.data), allowed: (params['allowedValues'] as unknown[]).filter((v) => v !== null).join(', ') };
        break;
      default:
        args = { reason: m.reason ?? error.message ?? error.keyword };
    }
  } else {
    switch (code) {
      case 'parse.unknown-operator':
        if (property !== undefined && ['where', 'name'].includes(property.toLowerCase())) {
          code = 'parse.unknown-condition-key';
          args = { key: property };
        } else args = { name: property };
        break;
      case 'parse.unknown-condition-key':
        args = { key: property };
        break;
      case 'parse.multiple-operators': {
        const names = isObject(error.data) ? Object.keys(error.data).filter((k) => (CONDITION_OPERATORS as readonly string[]).includes(k)) : [];
        if (names.length < 2) return undefined; // the extra member is an unknown key, reported as such
        const written = names.map((n) => parsePointer(translatePointer(doc, joinPointer(error.instancePath, n))).pop());
        args = { names: written.join(', ') };
        break;
      }
      case 'parse.logical-not-array':
        args = { name: last };
        break;
      case 'parse.in-not-array':
        args = { operator: last };
        break;
      case 'parse.parameter-type':
        args = { name: tokens[tokens.length - 2] ?? '', type: typeof error.data === 'string' ? error.data : JSON.stringify(error.data) };
        break;
      case 'parse.not-an-object':
        args = { context: m.reason ?? '' };
        break;
      default:
        args = { reason: m.reason ?? error.message ?? error.keyword };
    }
  }
  const full = base + pointer;
  const source = locate?.(full);
  return diagnostic(code, args, source ? { pointer: full, source } : { pointer: full });
}
