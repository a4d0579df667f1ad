// validateSources: every document of every given text (definitions, initiatives, assignments, exemptions)
// through parse/ (schema, located faults) and compile/ (aliases, expressions, effects), plus the authoring
// checks of checks.ts; initiatives and assignments are also checked against the definitions among the sources.
// No I/O: the caller passes the texts.
import { PolicyError, diagnostic, renderMessage, joinPointer, parsePointer, type Diagnostic, type SourceLocation } from '../diagnostics/index.js';
import { parseSourceText } from '../load/source.js';
import { listDocuments } from '../parse/classify.js';
import { parseAssignment, parseDefinition, parseExemption, parsePolicySet } from '../parse/index.js';
import { getMember, isObject } from '../parse/keywords.js';
import { compilePolicy, definitionBody } from '../compile/policy.js';
import { compilePolicySet } from '../compile/policy-set.js';
import { defaultAliasCatalogue, type AliasCatalogue } from '../aliases/index.js';
import { checkDefinition, checkParameterDeclarations, checkUnusedParameters } from './checks.js';

export interface ValidationSource {
  file: string;
  text: string;
}

export interface ValidateOptions {
  catalogue?: AliasCatalogue;
}

export type DocumentKindName = 'policyDefinition' | 'policySetDefinition' | 'policyAssignment' | 'policyExemption' | 'unknown';

export interface ValidatedDocument {
  file: string;
  pointer: string;
  kind: DocumentKindName;
  id?: string;
  errors: number;
  warnings: number;
}

export interface ValidationResult {
  /** Every finding, ordered by file (input order), line, column, code. */
  findings: Diagnostic[];
  documents: ValidatedDocument[];
  files: string[];
  summary: { files: number; documents: number; errors: number; warnings: number; infos: number };
}

interface Doc {
  value: unknown;
  file: string;
  pointer: string;
  kind: DocumentKindName;
  locate: (p: string) => SourceLocation | undefined;
  findings: Diagnostic[];
}

/** Placeholder values for parameters without a default, so a definition compiles on its own. */
function placeholders(params: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (!isObject(params)) return out;
  for (const name of Object.keys(params)) {
    const def = params[name];
    if (!isObject(def) || getMember(def, 'defaultValue') !== undefined) continue;
    const allowed = getMember(def, 'allowedValues')?.value;
    if (Array.isArray(allowed) && allowed.length > 0) {
      const type = getMember(def, 'type')?.value;
      out[name] = typeof type === 'string' && type.toLowerCase() === 'array' && !Array.isArray(allowed[0]) ? [allowed[0]] : allowed[0];
      continue;
    }
    const type = String(getMember(def, 'type')?.value ?? 'string').toLowerCase();
    out[name] = type === 'array' ? [] : type === 'object' ? {} : type === 'boolean' ? false : type === 'integer' || type === 'float' ? 0 : type === 'datetime' ? '2000-01-01T00:00:00Z' : 'placeholder';
  }
  return out;
}

function lowerId(v: unknown): string | undefined {
  return isObject(v) && typeof getMember(v, 'id')?.value === 'string' ? (getMember(v, 'id')!.value as string).toLowerCase() : undefined;
}

function paramValues(assignment: unknown): Record<string, unknown> {
  const body = isObject(assignment) ? (isObject(getMember(assignment, 'properties')?.value) ? (getMember(assignment, 'properties')!.value as Record<string, unknown>) : assignment) : {};
  const params = getMember(body, 'parameters')?.value;
  const out: Record<string, unknown> = Object.create(null);
  if (isObject(params)) for (const k of Object.keys(params)) {
    const v = params[k];
    if (isObject(v) && getMember(v, 'value') !== undefined) out[k] = getMember(v, 'value')!.value;
  }
  return out;
}

function errorsOf(e: unknown): Diagnostic[] {
  if (e instanceof PolicyError) return e.diagnostics;
  throw e;
}

export function validateSources(sources: readonly ValidationSource[], options: ValidateOptions = {}): ValidationResult {
  const catalogue = options.catalogue ?? defaultAliasCatalogue();
  const loose: Diagnostic[] = [];
  const docs: Doc[] = [];
  for (const src of sources) {
    const parsed = parseSourceText(src.text, src.file);
    loose.push(...parsed.diagnostics);
    if (parsed.value === undefined) continue;
    for (const entry of listDocuments(parsed.value)) {
      const kind = (entry.kind ?? 'unknown') as DocumentKindName;
      const doc: Doc = { value: entry.value, file: src.file, pointer: entry.pointer, kind, locate: parsed.locate, findings: [] };
      docs.push(doc);
      if (kind === 'unknown') {
        doc.findings.push(diagnostic('load.unknown-document', { reason: 'it has none of properties.policyRule, properties.policyDefinitions, properties.policyDefinitionId with a scope, properties.policyAssignmentId' }, { pointer: entry.pointer }));
      }
    }
  }
  // Definitions and initiatives by id, for initiatives and assignments.
  const byId = new Map<string, Doc>();
  for (const d of docs) {
    const id = lowerId(d.value);
    if (id !== undefined && (d.kind === 'policyDefinition' || d.kind === 'policySetDefinition')) byId.set(id, d);
  }
  const resolveDefinition = (id: string): unknown => {
    const d = byId.get(id.toLowerCase());
    return d?.kind === 'policyDefinition' ? d.value : undefined;
  };

  for (const d of docs) {
    const opts = { pointerBase: d.pointer, locate: d.locate };
    switch (d.kind) {
      case 'policyDefinition': {
        const parsed = parseDefinition(d.value, opts);
        d.findings.push(...parsed.diagnostics);
        if (parsed.diagnostics.some((x) => x.severity === 'error')) {
          // Structure is broken: still report what the compiler finds (unknown aliases, functions…), once each.
          try {
            compilePolicy(d.value, { catalogue, pointer: d.pointer, locate: d.locate });
          } catch (e) {
            const seen = new Set(d.findings.map((x) => `${x.code}|${x.pointer ?? ''}`));
            d.findings.push(...errorsOf(e).filter((x) => !seen.has(`${x.code}|${x.pointer ?? ''}`)));
          }
          break;
        }
        const unwrapped = definitionBody(d.value)!;
        const body = unwrapped.body;
        const params = getMember(body, 'parameters')?.value;
        try {
          const compiled = compilePolicy(d.value, { catalogue, pointer: d.pointer, locate: d.locate, parameters: placeholders(params) });
          d.findings.push(...compiled.diagnostics.filter((x) => !parsed.diagnostics.includes(x) && !parsed.diagnostics.some((p) => p.code === x.code && p.pointer === x.pointer)));
        } catch (e) {
          d.findings.push(...errorsOf(e));
        }
        checkDefinition({ body, bodyPointer: d.pointer + unwrapped.pointer }, catalogue, d.findings);
        break;
      }
      case 'policySetDefinition': {
        const parsed = parsePolicySet(d.value, opts);
        d.findings.push(...parsed.diagnostics);
        if (parsed.policySet === undefined || parsed.diagnostics.some((x) => x.severity === 'error')) break;
        const set = parsed.policySet;
        const paramsPointer = set.pointers['parameters'] ?? joinPointer(d.pointer, 'properties', 'parameters');
        const body = definitionBodyOfSet(d.value);
        checkParameterDeclarations(getMember(body, 'parameters')?.value, paramsPointer, d.findings);
        checkUnusedParameters(getMember(body, 'parameters')?.value, paramsPointer, getMember(body, 'policyDefinitions')?.value, d.findings);
        for (const m of set.policyDefinitions) {
          if (resolveDefinition(m.policyDefinitionId) === undefined) {
            d.findings.push(diagnostic('validate.unresolved-definition', { id: m.policyDefinitionId, what: "the member's parameters are" }, { pointer: m.pointer }));
          }
        }
        try {
          const compiled = compilePolicySet(d.value, { catalogue, pointer: d.pointer, locate: d.locate, parameters: placeholders(getMember(body, 'parameters')?.value), resolveDefinition });
          for (const m of compiled.members) {
            if (resolveDefinition(m.policyDefinitionId) === undefined) continue;
            // Member faults point into the member definition's own file; report them at the member.
            for (const x of m.diagnostics) {
              if (x.pointer !== undefined && x.pointer.startsWith(m.pointer)) d.findings.push(x);
              else {
                const { source: _ignored, ...rest } = x;
                d.findings.push({ ...rest, pointer: m.pointer, message: `${m.referenceId}: ${x.message}` });
              }
            }
          }
          d.findings.push(...compiled.diagnostics.filter((x) => !parsed.diagnostics.some((p) => p.code === x.code && p.pointer === x.pointer)));
        } catch (e) {
          d.findings.push(...errorsOf(e));
        }
        break;
      }
      case 'policyAssignment': {
        const parsed = parseAssignment(d.value, opts);
        d.findings.push(...parsed.diagnostics);
        if (parsed.assignment === undefined || parsed.diagnostics.some((x) => x.severity === 'error')) break;
        const a = parsed.assignment;
        const target = byId.get(a.policyDefinitionId.toLowerCase());
        const at = a.pointers['policyDefinitionId'] ?? d.pointer;
        if (target === undefined) {
          d.findings.push(diagnostic('validate.unresolved-definition', { id: a.policyDefinitionId, what: "the assignment's parameters are" }, { pointer: at }));
          break;
        }
        const paramsPointer = a.pointers['parameters'] ?? at;
        try {
          if (target.kind === 'policyDefinition') compilePolicy(target.value, { catalogue, parameters: paramValues(d.value), pointer: target.pointer, locate: target.locate });
          else compilePolicySet(target.value, { catalogue, parameters: paramValues(d.value), pointer: target.pointer, locate: target.locate, resolveDefinition });
        } catch (e) {
          // Faults of the parameter values belong to the assignment: its parameters block.
          const given = paramValues(d.value);
          for (const x of errorsOf(e)) {
            if (x.code.startsWith('compile.parameter') || x.code === 'expr.missing-parameter-value' || x.code === 'compile.unknown-parameter-value') {
              const { source: _s, ...rest } = x;
              // compile points at the definition's parameter; point at the assignment's value of it instead.
              const name = x.pointer === undefined ? undefined : parsePointer(x.pointer).pop();
              const key = name === undefined ? undefined : Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
              d.findings.push({ ...rest, pointer: key === undefined ? paramsPointer : joinPointer(paramsPointer, key, 'value') });
            }
          }
        }
        break;
      }
      case 'policyExemption': {
        const parsed = parseExemption(d.value, opts);
        d.findings.push(...parsed.diagnostics);
        break;
      }
      default:
        break;
    }
  }

  // Locate every finding, then order them.
  const findings: Diagnostic[] = [...loose];
  const documents: ValidatedDocument[] = [];
  for (const d of docs) {
    const unique = dedupe(d.findings);
    for (const f of unique) {
      if (f.source === undefined && f.pointer !== undefined) {
        const at = d.locate(f.pointer);
        if (at) f.source = at;
      }
      f.source ??= { file: d.file, line: 1, column: 1 };
    }
    findings.push(...unique);
    const id = isObject(d.value) && typeof getMember(d.value, 'id')?.value === 'string' ? (getMember(d.value, 'id')!.value as string) : undefined;
    documents.push({
      file: d.file,
      pointer: d.pointer,
      kind: d.kind,
      ...(id !== undefined ? { id } : {}),
      errors: unique.filter((f) => f.severity === 'error').length,
      warnings: unique.filter((f) => f.severity === 'warning').length,
    });
  }
  const order = new Map(sources.map((s, i) => [s.file, i]));
  findings.sort((a, b) => {
    const fa = order.get(a.source?.file ?? '') ?? 0;
    const fb = order.get(b.source?.file ?? '') ?? 0;
    return fa - fb || (a.source?.line ?? 0) - (b.source?.line ?? 0) || (a.source?.column ?? 0) - (b.source?.column ?? 0) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  });
  const count = (s: string): number => findings.filter((f) => f.severity === s).length;
  return {
    findings,
    documents,
    files: sources.map((s) => s.file),
    summary: { files: sources.length, documents: docs.length, errors: count('error'), warnings: count('warning'), infos: count('info') },
  };
}

function definitionBodyOfSet(value: unknown): Record<string, unknown> {
  if (!isObject(value)) return {};
  const p = getMember(value, 'properties');
  return p !== undefined && isObject(p.value) ? p.value : value;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  // parse/ warns about a defaultValue outside allowedValues (the built-in corpus must load); validate reports it as the error Azure gives.
  for (const d of list) if (d.code === 'validate.default-not-allowed') seen.add(`compile.parameter-not-allowed|${d.pointer ?? ''}|${renderMessage('compile.parameter-not-allowed', { name: parsePointer(d.pointer ?? '').at(-2) ?? '' })}`);
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.code}|${d.pointer ?? ''}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...d });
  }
  return out;
}
