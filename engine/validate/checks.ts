// The authoring checks beyond what parse/ and compile/ already report: findings a definition passes Azure's
// schema with, yet is rejected at save or assignment time, or never does what its author meant (digest §1.3,
// §2.2, §4.4–4.5, §7.4–7.5; definition-structure-*.md, effect-*.md). Each check walks the rule as written and
// reports coded diagnostics with the pointer of the offending member (file-relative: the caller passes the
// document's pointer in its file as `base`).
import { diagnostic, joinPointer, type Diagnostic } from '../diagnostics/index.js';
import type { AliasCatalogue } from '../aliases/index.js';
import { resolveField } from '../aliases/index.js';
import { getMember, isObject } from '../parse/keywords.js';

const TYPE_FIELD = 'type';
const STRING_OPERATORS_SCALAR = new Set(['equals', 'notequals', 'like', 'notlike']);
const LIKE_OPERATORS = new Set(['like', 'notlike']);
const MATCH_OPERATORS = new Set(['match', 'notmatch', 'matchinsensitively', 'notmatchinsensitively']);
const OPERANDS = new Set(['field', 'value', 'count']);

/** A string that is a template expression ("[...]", not the "[[" escape). */
export function isExpression(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('[') && !v.startsWith('[[') && v.endsWith(']');
}

/** Names referenced by parameters('<name>') anywhere in `value`; `dynamic` when a name is computed. */
export function referencedParameters(value: unknown): { names: Set<string>; dynamic: boolean } {
  const names = new Set<string>();
  let dynamic = false;
  const work: unknown[] = [value];
  while (work.length > 0) {
    const v = work.pop();
    if (typeof v === 'string') {
      if (!isExpression(v)) continue;
      const re = /parameters\s*\(\s*('(?:[^']|'')*'|[^)]*)\s*\)/gi;
      for (let m = re.exec(v); m !== null; m = re.exec(v)) {
        const arg = m[1]!.trim();
        if (arg.startsWith("'") && arg.endsWith("'")) names.add(arg.slice(1, -1).replace(/''/g, "'").toLowerCase());
        else dynamic = true;
      }
    } else if (Array.isArray(v)) work.push(...v);
    else if (isObject(v)) for (const k of Object.keys(v)) work.push(v[k]);
  }
  return { names, dynamic };
}

interface ConditionVisit {
  node: Record<string, unknown>;
  pointer: string;
  /** Resource types the enclosing allOfs restrict to (lower-cased), or undefined when unrestricted. */
  types: ReadonlySet<string> | undefined;
  negated: boolean;
}

/** Literal type restrictions of one leaf: `type equals X` / `type in [..]` (not negated), else undefined. */
function typeRestriction(node: Record<string, unknown>): Set<string> | undefined {
  const field = getMember(node, 'field');
  if (field === undefined || typeof field.value !== 'string' || field.value.toLowerCase() !== TYPE_FIELD) return undefined;
  const eq = getMember(node, 'equals');
  if (eq !== undefined && typeof eq.value === 'string' && !isExpression(eq.value)) return new Set([eq.value.toLowerCase()]);
  const inn = getMember(node, 'in');
  if (inn !== undefined && Array.isArray(inn.value) && inn.value.every((t) => typeof t === 'string' && !isExpression(t))) {
    return new Set((inn.value as string[]).map((t) => t.toLowerCase()));
  }
  return undefined;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): Set<string> {
  if (a === undefined) return new Set(b);
  return new Set([...b].filter((t) => a.has(t)));
}

/**
 * Every leaf of a condition tree with the types that restrict it: an allOf's non-negated `type equals/in`
 * children restrict their siblings (and everything below them); anyOf and not pass the restriction on.
 */
export function visitLeaves(root: unknown, pointer: string, types: ReadonlySet<string> | undefined, visit: (v: ConditionVisit) => void): void {
  const work: { node: unknown; pointer: string; types: ReadonlySet<string> | undefined; negated: boolean; depth: number }[] = [
    { node: root, pointer, types, negated: false, depth: 0 },
  ];
  while (work.length > 0) {
    const { node, pointer: p, types: t, negated, depth } = work.pop()!;
    if (!isObject(node) || depth > 128) continue;
    const allOf = getMember(node, 'allOf');
    const anyOf = getMember(node, 'anyOf');
    const not = getMember(node, 'not');
    if (allOf !== undefined && Array.isArray(allOf.value)) {
      let restricted = t;
      if (!negated) {
        for (const child of allOf.value) {
          const r = isObject(child) ? typeRestriction(child) : undefined;
          if (r !== undefined) restricted = intersect(restricted, r);
        }
      }
      allOf.value.forEach((c, i) => work.push({ node: c, pointer: joinPointer(p, allOf.key, i), types: restricted, negated, depth: depth + 1 }));
      continue;
    }
    if (anyOf !== undefined && Array.isArray(anyOf.value)) {
      anyOf.value.forEach((c, i) => work.push({ node: c, pointer: joinPointer(p, anyOf.key, i), types: t, negated, depth: depth + 1 }));
      continue;
    }
    if (not !== undefined) {
      work.push({ node: not.value, pointer: joinPointer(p, not.key), types: t, negated: !negated, depth: depth + 1 });
      continue;
    }
    visit({ node, pointer: p, types: t, negated });
    const count = getMember(node, 'count');
    if (count !== undefined && isObject(count.value)) {
      const where = getMember(count.value, 'where');
      if (where !== undefined) work.push({ node: where.value, pointer: joinPointer(p, count.key, where.key), types: t, negated: false, depth: depth + 1 });
    }
  }
}

/** The types the whole `if` restricts to (what a top-level allOf or a lone type leaf says), lower-cased. */
export function ruleTypes(condition: unknown): Set<string> | undefined {
  if (!isObject(condition)) return undefined;
  const lone = typeRestriction(condition);
  if (lone !== undefined) return lone;
  const allOf = getMember(condition, 'allOf');
  if (allOf === undefined || !Array.isArray(allOf.value)) {
    // anyOf of type-restricted branches: the union.
    const anyOf = getMember(condition, 'anyOf');
    if (anyOf === undefined || !Array.isArray(anyOf.value)) return undefined;
    const union = new Set<string>();
    for (const branch of anyOf.value) {
      const r = ruleTypes(branch);
      if (r === undefined) return undefined;
      for (const x of r) union.add(x);
    }
    return union;
  }
  let restricted: Set<string> | undefined;
  for (const child of allOf.value) {
    const r = isObject(child) ? ruleTypes(child) : undefined;
    if (r !== undefined) restricted = intersect(restricted, r);
  }
  return restricted;
}

function leafParts(node: Record<string, unknown>): { operand?: { key: string; value: unknown }; operator?: { key: string; value: unknown } } {
  let operand: { key: string; value: unknown } | undefined;
  let operator: { key: string; value: unknown } | undefined;
  for (const k of Object.keys(node)) {
    if (OPERANDS.has(k.toLowerCase())) operand ??= { key: k, value: node[k] };
    else operator ??= { key: k, value: node[k] };
  }
  return { ...(operand ? { operand } : {}), ...(operator ? { operator } : {}) };
}

/** Checks of one condition tree (the `if`, or an existenceCondition with the related type as restriction). */
export function checkConditions(root: unknown, pointer: string, types: ReadonlySet<string> | undefined, catalogue: AliasCatalogue, out: Diagnostic[]): void {
  visitLeaves(root, pointer, types, ({ node, pointer: p, types: t }) => {
    const { operand, operator } = leafParts(node);
    if (operand === undefined || operator === undefined) return; // parse/ reports malformed leaves
    const op = operator.key.toLowerCase();
    const opPointer = joinPointer(p, operator.key);
    const target = operator.value;
    if (LIKE_OPERATORS.has(op) && typeof target === 'string' && !isExpression(target) && !target.includes('*')) {
      out.push(diagnostic('validate.like-without-wildcard', { operator: operator.key, pattern: target }, { pointer: opPointer }));
    }
    if (MATCH_OPERATORS.has(op) && typeof target === 'string' && !isExpression(target) && target.includes('*')) {
      out.push(diagnostic('validate.match-literal-asterisk', { operator: operator.key, pattern: target }, { pointer: opPointer }));
    }
    if (operand.key.toLowerCase() !== 'field' || typeof operand.value !== 'string' || isExpression(operand.value)) return;
    const field = operand.value;
    const fieldPointer = joinPointer(p, operand.key);
    if (!field.includes('/')) return; // root fields and tags exist on every type
    const defining = catalogue.typesDefining(field);
    if (defining.length === 0) return; // unknown aliases are compile.unknown-alias
    if (t !== undefined && t.size > 0 && !defining.some((d) => t.has(d.toLowerCase()))) {
      out.push(diagnostic('compile.alias-type-mismatch', { alias: field, types: [...t].sort().join(', ') }, { pointer: fieldPointer }));
    }
    // A non-[*] alias whose [*] form exists is an array (digest §4.5): compared as one value.
    if (!field.endsWith('[*]') && STRING_OPERATORS_SCALAR.has(op) && typeof target === 'string' && catalogue.typesDefining(field + '[*]').length > 0) {
      out.push(diagnostic('validate.array-alias-as-scalar', { alias: field, operator: operator.key }, { pointer: fieldPointer }));
    }
  });
}

/** The effects a rule can take: the literal, or the effect parameter's allowedValues (else its defaultValue). */
export function possibleEffects(effect: unknown, parameters: Record<string, unknown> | undefined, parametersPointer: string): { effect: string; pointer: string }[] {
  if (typeof effect !== 'string') return [];
  if (!isExpression(effect)) return [{ effect, pointer: '' }];
  const m = /^\[\s*parameters\s*\(\s*'([^']+)'\s*\)\s*\]$/i.exec(effect);
  if (m === null || parameters === undefined) return [];
  const p = getMember(parameters, m[1]!);
  if (p === undefined || !isObject(p.value)) return [];
  const ppointer = joinPointer(parametersPointer, p.key);
  const allowed = getMember(p.value, 'allowedValues');
  if (allowed !== undefined && Array.isArray(allowed.value) && allowed.value.length > 0) {
    return allowed.value.flatMap((v, i) => (typeof v === 'string' ? [{ effect: v, pointer: joinPointer(ppointer, allowed.key, i) }] : []));
  }
  const dv = getMember(p.value, 'defaultValue');
  return dv !== undefined && typeof dv.value === 'string' ? [{ effect: dv.value, pointer: joinPointer(ppointer, dv.key) }] : [];
}

function sameFieldName(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const s = v.replace(/\s+/g, '').toLowerCase();
  return s === "[field('name')]" || s === "[field('fullname')]";
}

export interface DefinitionParts {
  /** Pointer of the properties body (file-relative). */
  bodyPointer: string;
  body: Record<string, unknown>;
}

/** Parameter declarations: defaultValue within allowedValues (case-sensitive; a case-only difference warns). */
export function checkParameterDeclarations(params: unknown, pointer: string, out: Diagnostic[]): void {
  if (!isObject(params)) return;
  for (const name of Object.keys(params)) {
    const def = params[name];
    if (!isObject(def)) continue;
    const allowed = getMember(def, 'allowedValues');
    const dv = getMember(def, 'defaultValue');
    if (allowed === undefined || dv === undefined || !Array.isArray(allowed.value) || allowed.value.length === 0) continue;
    const type = getMember(def, 'type')?.value;
    const values = typeof type === 'string' && type.toLowerCase() === 'array' && Array.isArray(dv.value) && !allowed.value.some(Array.isArray) ? dv.value : [dv.value];
    const list = allowed.value as unknown[];
    const exact = values.every((v) => list.some((a) => JSON.stringify(a) === JSON.stringify(v)));
    if (exact) continue;
    const loose = values.every((v) =>
      (allowed.value as unknown[]).some((a) => (typeof a === 'string' && typeof v === 'string' ? a.toLowerCase() === v.toLowerCase() : JSON.stringify(a) === JSON.stringify(v))),
    );
    out.push(diagnostic('validate.default-not-allowed', { name }, { pointer: joinPointer(pointer, name, dv.key), ...(loose ? { severity: 'warning' as const } : {}) }));
  }
}

/** Declared parameters that nothing references (`used` is the referencing part of the document). */
export function checkUnusedParameters(params: unknown, pointer: string, used: unknown, out: Diagnostic[]): void {
  if (!isObject(params)) return;
  const refs = referencedParameters(used);
  if (refs.dynamic) return;
  for (const name of Object.keys(params)) {
    if (!refs.names.has(name.toLowerCase())) out.push(diagnostic('compile.unused-parameter', { name }, { pointer: joinPointer(pointer, name) }));
  }
}

const MODIFY_OPERATIONS = new Set(['addorreplace', 'add', 'remove']);

/**
 * The checks of one policy definition body. `catalogue` resolves aliases. Findings carry file-relative
 * pointers; the caller adds line:column.
 */
export function checkDefinition(parts: DefinitionParts, catalogue: AliasCatalogue, out: Diagnostic[]): void {
  const { body, bodyPointer } = parts;
  const paramsM = getMember(body, 'parameters');
  const paramsPointer = joinPointer(bodyPointer, paramsM?.key ?? 'parameters');
  const params = paramsM !== undefined && isObject(paramsM.value) ? paramsM.value : undefined;
  const ruleM = getMember(body, 'policyRule');
  if (ruleM === undefined || !isObject(ruleM.value)) return;
  const rule = ruleM.value;
  const rulePointer = joinPointer(bodyPointer, ruleM.key);

  checkParameterDeclarations(params, paramsPointer, out);
  checkUnusedParameters(params, paramsPointer, rule, out);

  const ifM = getMember(rule, 'if');
  const types = ifM === undefined ? undefined : ruleTypes(ifM.value);
  if (ifM !== undefined) checkConditions(ifM.value, joinPointer(rulePointer, ifM.key), undefined, catalogue, out);

  const thenM = getMember(rule, 'then');
  if (thenM === undefined || !isObject(thenM.value)) return;
  const then = thenM.value;
  const thenPointer = joinPointer(rulePointer, thenM.key);
  const effectM = getMember(then, 'effect');
  const detailsM = getMember(then, 'details');
  const details = detailsM?.value;
  const detailsPointer = joinPointer(thenPointer, detailsM?.key ?? 'details');
  const effects = possibleEffects(effectM?.value, params, paramsPointer);
  const effectPointer = joinPointer(thenPointer, effectM?.key ?? 'effect');
  const seen = new Set<string>();
  for (const { effect, pointer } of effects) {
    const lower = effect.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    const at = pointer === '' ? effectPointer : pointer;
    const need = (property: string): void => void out.push(diagnostic('validate.effect-needs-details', { effect, property }, { pointer: at }));
    if (lower === 'deployifnotexists' || lower === 'auditifnotexists') {
      if (!isObject(details)) need(lower === 'deployifnotexists' ? 'deployment' : 'type');
      else {
        if (getMember(details, 'type') === undefined) need('type');
        if (lower === 'deployifnotexists' && getMember(details, 'deployment') === undefined) need('deployment');
      }
    }
    if (lower === 'modify' && (!isObject(details) || getMember(details, 'operations') === undefined)) need('operations');
    if ((lower === 'deployifnotexists' || lower === 'modify') && isObject(details)) {
      const roles = getMember(details, 'roleDefinitionIds');
      if (roles === undefined || !Array.isArray(roles.value) || roles.value.length === 0) {
        out.push(diagnostic('validate.missing-role-definitions', { effect }, { pointer: roles === undefined ? detailsPointer : joinPointer(detailsPointer, roles.key) }));
      }
    }
  }
  if (!isObject(details)) return;
  const typeM = getMember(details, 'type');
  // details.name when the related type is the evaluated type (effect-audit-if-not-exists.md, digest §7.5).
  if (typeM !== undefined && typeof typeM.value === 'string' && !isExpression(typeM.value) && types !== undefined && types.has(typeM.value.toLowerCase())) {
    const nameM = getMember(details, 'name');
    if (nameM === undefined || !sameFieldName(nameM.value)) {
      out.push(diagnostic('validate.details-name-required', { type: typeM.value, name: nameM === undefined ? 'nothing' : JSON.stringify(nameM.value) }, {
        pointer: nameM === undefined ? detailsPointer : joinPointer(detailsPointer, nameM.key),
      }));
    }
  }
  const ecM = getMember(details, 'existenceCondition');
  if (ecM !== undefined) {
    const related = typeM !== undefined && typeof typeM.value === 'string' && !isExpression(typeM.value) ? new Set([typeM.value.toLowerCase()]) : undefined;
    checkConditions(ecM.value, joinPointer(detailsPointer, ecM.key), related, catalogue, out);
  }
  const opsM = getMember(details, 'operations');
  if (opsM !== undefined && Array.isArray(opsM.value)) checkModifyOperations(opsM.value, joinPointer(detailsPointer, opsM.key), types, catalogue, out);
}

/**
 * modify operations (effect-modify.md): a known operation, and a field that resolves to a tag, a root field or
 * an alias defined for the targeted types. Whether an alias is Modifiable cannot be checked: the shipped alias
 * catalogue does not carry the Modifiable attribute.
 */
function checkModifyOperations(ops: unknown[], pointer: string, types: ReadonlySet<string> | undefined, catalogue: AliasCatalogue, out: Diagnostic[]): void {
  ops.forEach((op, i) => {
    const p = joinPointer(pointer, i);
    if (!isObject(op)) {
      out.push(diagnostic('validate.modify-operation', { reason: 'an operation is an object { operation, field, value? }' }, { pointer: p }));
      return;
    }
    const kind = getMember(op, 'operation');
    if (kind === undefined || typeof kind.value !== 'string' || (!isExpression(kind.value) && !MODIFY_OPERATIONS.has(kind.value.toLowerCase()))) {
      out.push(diagnostic('validate.modify-operation', { reason: `operation must be addOrReplace, add or remove, got ${JSON.stringify(kind?.value ?? null)}` }, { pointer: kind === undefined ? p : joinPointer(p, kind.key) }));
    }
    const field = getMember(op, 'field');
    if (field === undefined || typeof field.value !== 'string') {
      out.push(diagnostic('validate.modify-operation', { reason: 'field is required' }, { pointer: p }));
      return;
    }
    if (isExpression(field.value)) return;
    const fp = joinPointer(p, field.key);
    const res = resolveField(field.value, { catalogue, strict: true });
    if ('diagnostic' in res) {
      out.push({ ...res.diagnostic, pointer: fp });
      return;
    }
    if (res.ref.kind === 'alias' && types !== undefined && types.size > 0 && res.ref.types !== undefined && !res.ref.types.some((t) => types.has(t.toLowerCase()))) {
      out.push(diagnostic('compile.alias-type-mismatch', { alias: field.value, types: [...types].sort().join(', ') }, { pointer: fp }));
    }
  });
}
