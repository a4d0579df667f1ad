// The assignment layer prepared once per evaluation: every assignment's definition resolved (a
// policy or an initiative), compiled with its parameters, with its overrides, notScopes, selectors
// and exemptions compiled into matchers (digest §8, §9).
import { PolicyError, diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { parseAssignment, parseExemption, type AssignmentDoc, type ExemptionDoc } from '../parse/index.js';
import { compilePolicy, type CompiledPolicy, type CompileOptions } from '../compile/policy.js';
import { compilePolicySet } from '../compile/policy-set.js';
import { requiredTypes } from '../compile/type-filter.js';
import type { Hierarchy } from '../scope/hierarchy.js';
import { compileScope, type ScopeMatcher } from './scope-match.js';
import { overrideMayApply } from './selectors.js';
import { definitionId, toEntry, type DocumentEntry, type DocumentInput } from './documents.js';

export interface PreparedMember {
  referenceId: string | undefined;
  definitionId: string;
  definitionName: string | undefined;
  displayName: string | undefined;
  groupNames: string[];
  /** The member compiled with its parameters, and one variant per override effect. */
  policy: CompiledPolicy;
  variants: Map<string, CompiledPolicy>;
  /** Types the member can match, or undefined for any. */
  types: Set<string> | undefined;
  /** The raw `if`, for the type filter and explain. */
}

export interface PreparedAssignment {
  doc: AssignmentDoc;
  id: string;
  name: string | undefined;
  setDefinitionId: string | undefined;
  members: PreparedMember[];
  inScope: ScopeMatcher;
  notScopes: ScopeMatcher[];
  exemptions: PreparedExemption[];
}

export interface PreparedExemption {
  doc: ExemptionDoc;
  covers: ScopeMatcher;
  /** Lower-cased reference ids; empty = every member. */
  referenceIds: Set<string>;
  active: boolean;
}

interface Resolved {
  kind: 'definition' | 'set';
  id: string;
  entry: DocumentEntry;
}

export interface PrepareInput {
  definitions: readonly DocumentInput[];
  setDefinitions: readonly DocumentInput[];
  assignments: readonly DocumentInput[] | undefined;
  exemptions: readonly DocumentInput[];
  hierarchy: Hierarchy;
  now: string;
  compileOptions: Omit<CompileOptions, 'parameters' | 'pointer' | 'locate' | 'effectOverride'>;
}

const ASSIGNMENT_SEGMENT = '/providers/microsoft.authorization/policyassignments/';

function located(d: Diagnostic, entry: DocumentEntry): Diagnostic {
  if (d.source === undefined && d.pointer !== undefined && entry.locate) {
    const at = entry.locate(d.pointer);
    if (at) d.source = at;
  }
  if (d.source === undefined && entry.file !== undefined) d.source = { file: entry.file, line: 0, column: 0 };
  return d;
}

export function prepareAssignments(input: PrepareInput, diagnostics: Diagnostic[]): PreparedAssignment[] {
  const byId = new Map<string, Resolved>();
  const memberIds = new Set<string>();
  input.definitions.forEach((d, i) => {
    const entry = toEntry(d);
    const id = definitionId(entry.document, `definition-${i}`, 'policyDefinitions');
    byId.set(id.toLowerCase(), { kind: 'definition', id, entry });
  });
  input.setDefinitions.forEach((d, i) => {
    const entry = toEntry(d);
    const id = definitionId(entry.document, `initiative-${i}`, 'policySetDefinitions');
    byId.set(id.toLowerCase(), { kind: 'set', id, entry });
    const props = (entry.document as { properties?: { policyDefinitions?: { policyDefinitionId?: string }[] } })?.properties;
    for (const m of props?.policyDefinitions ?? []) if (typeof m.policyDefinitionId === 'string') memberIds.add(m.policyDefinitionId.toLowerCase());
  });

  // With no assignment given, every initiative and every definition that is not a member of one is
  // assigned at the root of the snapshot with its default parameters (for authors).
  let assignmentEntries: DocumentEntry[];
  if (input.assignments === undefined || input.assignments.length === 0) {
    assignmentEntries = [...byId.values()]
      .filter((r) => r.kind === 'set' || !memberIds.has(r.id.toLowerCase()))
      .map((r) => {
        const name = r.id.slice(r.id.lastIndexOf('/') + 1);
        return { document: { id: `/providers/Microsoft.Authorization/policyAssignments/${name}`, name, properties: { scope: '/', policyDefinitionId: r.id } } };
      });
  } else assignmentEntries = input.assignments.map(toEntry);

  const exemptions: PreparedExemption[] = [];
  for (const e of input.exemptions.map(toEntry)) {
    const parsed = parseExemption(e.document, { pointerBase: e.pointer ?? '', ...(e.locate ? { locate: e.locate } : {}) });
    diagnostics.push(...parsed.diagnostics.map((d) => located(d, e)));
    if (parsed.exemption === undefined) continue;
    const x = parsed.exemption;
    // expiresOn: at or after that instant the exemption no longer applies (exemption-structure.md).
    const active = x.expiresOn === undefined || Date.parse(input.now) < Date.parse(x.expiresOn);
    exemptions.push({ doc: x, covers: compileScope(x.scope, input.hierarchy), referenceIds: new Set(x.policyDefinitionReferenceIds.map((r) => r.toLowerCase())), active });
  }

  const compiled = new Map<string, CompiledPolicy | PolicyError>();
  const compileCached = (r: Resolved, parameters: Record<string, unknown>, effectOverride?: string): CompiledPolicy | PolicyError => {
    const key = `${r.id.toLowerCase()}|${JSON.stringify(parameters)}|${effectOverride ?? ''}`;
    let hit = compiled.get(key);
    if (hit === undefined) {
      try {
        hit = compilePolicy(r.entry.document, {
          ...input.compileOptions,
          parameters,
          pointer: r.entry.pointer ?? '',
          ...(r.entry.locate ? { locate: r.entry.locate } : {}),
          ...(effectOverride !== undefined ? { effectOverride } : {}),
        });
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        hit = e;
      }
      compiled.set(key, hit);
    }
    return hit;
  };

  const out: PreparedAssignment[] = [];
  for (const entry of assignmentEntries) {
    const parsed = parseAssignment(entry.document, { pointerBase: entry.pointer ?? '', ...(entry.locate ? { locate: entry.locate } : {}) });
    diagnostics.push(...parsed.diagnostics.map((d) => located(d, entry)));
    const a = parsed.assignment;
    if (a === undefined) continue;
    const id = a.id ?? `${a.scope.replace(/\/$/, '')}/providers/Microsoft.Authorization/policyAssignments/${a.name ?? 'assignment'}`;
    const resolved = byId.get(a.policyDefinitionId.toLowerCase());
    if (resolved === undefined) {
      diagnostics.push(located(diagnostic('assign.unresolved-definition', { id: a.policyDefinitionId }, { pointer: a.pointers['policyDefinitionId'] ?? entry.pointer ?? '' }), entry));
      continue;
    }
    // A definition stored at a management group or subscription can only be assigned at or below it.
    const home = definitionHome(resolved.id);
    if (home !== undefined && !input.hierarchy.contains(home, a.scope)) {
      diagnostics.push(located(diagnostic('assign.definition-out-of-scope', { definition: resolved.id, location: home, scope: a.scope }, { pointer: a.pointers['scope'] ?? entry.pointer ?? '' }), entry));
      continue;
    }
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a.parameters)) values[k] = v.value;
    const members: PreparedMember[] = [];
    const addMember = (r: Resolved, parameters: Record<string, unknown>, referenceId: string | undefined, groupNames: string[], precompiled?: CompiledPolicy) => {
      const base = precompiled ?? compileCached(r, parameters);
      if (base instanceof PolicyError) {
        for (const d of base.diagnostics) diagnostics.push(located({ ...d, message: `${d.message} (assignment ${id}${referenceId ? `, member ${referenceId}` : ''})` }, r.entry));
        return;
      }
      if (base.modeKind === 'resourceProvider') {
        // Reported, never silently skipped: data-plane modes are evaluated by their resource provider.
        diagnostics.push(located(diagnostic('eval.unsupported-mode', { mode: base.mode }, { severity: 'warning', pointer: r.entry.pointer ?? '' }), r.entry));
        return;
      }
      const variants = new Map<string, CompiledPolicy>();
      for (const o of a.overrides) {
        if (!overrideMayApply(o, referenceId) || variants.has(o.value.toLowerCase())) continue;
        const v = compileCached(r, parameters, o.value);
        if (v instanceof PolicyError) diagnostics.push(...v.diagnostics.map((d) => located(d, entry)));
        else variants.set(o.value.toLowerCase(), v);
      }
      const ifNode = (base.policyRule as Record<string, unknown>)[Object.keys(base.policyRule).find((k) => k.toLowerCase() === 'if') ?? 'if'];
      members.push({ referenceId, definitionId: r.id, definitionName: base.name, displayName: base.displayName, groupNames, policy: base, variants, types: requiredTypes(ifNode) });
      if (base.effect.name === 'deployIfNotExists' || base.effect.name === 'modify') {
        if (a.identity === undefined || a.identity.type === 'None') diagnostics.push(located(diagnostic('assign.missing-identity', { id, effect: base.effect.name }, { pointer: entry.pointer ?? '' }), entry));
      }
    };
    if (resolved.kind === 'definition') addMember(resolved, values, undefined, []);
    else {
      let set;
      try {
        set = compilePolicySet(resolved.entry.document, {
          ...input.compileOptions,
          parameters: values,
          resolveDefinition: (mid) => {
            const r = byId.get(mid.toLowerCase());
            return r?.kind === 'definition' ? r.entry.document : undefined;
          },
          pointer: resolved.entry.pointer ?? '',
          ...(resolved.entry.locate ? { locate: resolved.entry.locate } : {}),
        });
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        diagnostics.push(...e.diagnostics.map((d) => located(d, resolved.entry)));
        continue;
      }
      diagnostics.push(...set.diagnostics.map((d) => located(d, resolved.entry)));
      for (const m of set.members) {
        if (m.policy === undefined) {
          diagnostics.push(...m.diagnostics.filter((d) => d.severity === 'error').map((d) => located(d, resolved.entry)));
          continue;
        }
        const r = byId.get(m.policyDefinitionId.toLowerCase());
        if (r !== undefined) addMember(r, m.parameters, m.referenceId, m.groupNames, m.policy);
      }
    }
    const idLower = id.toLowerCase();
    out.push({
      doc: a,
      id,
      name: a.name ?? (idLower.includes(ASSIGNMENT_SEGMENT) ? id.slice(idLower.lastIndexOf(ASSIGNMENT_SEGMENT) + ASSIGNMENT_SEGMENT.length) : undefined),
      setDefinitionId: resolved.kind === 'set' ? resolved.id : undefined,
      members,
      inScope: compileScope(a.scope, input.hierarchy),
      notScopes: a.notScopes.map((s) => compileScope(s, input.hierarchy)),
      exemptions: exemptions.filter((x) => x.doc.policyAssignmentId.toLowerCase() === idLower),
    });
  }
  return out.sort((x, y) => (x.id.toLowerCase() < y.id.toLowerCase() ? -1 : x.id.toLowerCase() > y.id.toLowerCase() ? 1 : 0));
}

/** Where a custom definition is stored (its management group or subscription), or undefined for built-ins. */
function definitionHome(id: string): string | undefined {
  const at = id.toLowerCase().indexOf('/providers/microsoft.authorization/');
  return at > 0 ? id.slice(0, at) : undefined;
}
