// compilePolicySet: an initiative compiled member by member (initiative-definition-structure.md;
// digest §1.5). Member parameter values are policy expressions over the initiative's parameters,
// evaluated once here; each member is then compiled exactly like an individually assigned definition.
import { PolicyError, diagnostic, joinPointer, type Diagnostic } from '../diagnostics/index.js';
import { compileTemplateValue } from '../expressions/compile.js';
import { parsePolicySet, type PolicySetDoc } from '../parse/index.js';
import { compilePolicy, type CompiledPolicy, type CompileOptions } from './policy.js';
import { bindParameters } from './parameters.js';

/** Finds a definition by its full id (case-insensitive); undefined when unknown. */
export type DefinitionResolver = (policyDefinitionId: string) => unknown;

export interface CompiledMember {
  /** policyDefinitionReferenceId as written, or generated from the index when absent (digest A-20). */
  referenceId: string;
  generatedReferenceId: boolean;
  policyDefinitionId: string;
  groupNames: string[];
  /** Plain parameter values passed to the member. */
  parameters: Record<string, unknown>;
  /** Undefined when the member could not be compiled; `diagnostics` say why. */
  policy?: CompiledPolicy;
  diagnostics: Diagnostic[];
  pointer: string;
}

export interface CompiledPolicySet {
  id: string | undefined;
  name: string | undefined;
  displayName: string | undefined;
  parameters: Readonly<Record<string, unknown>>;
  members: CompiledMember[];
  groups: PolicySetDoc['policyDefinitionGroups'];
  diagnostics: Diagnostic[];
}

export interface CompilePolicySetOptions extends Omit<CompileOptions, 'pointer'> {
  resolveDefinition: DefinitionResolver;
  pointer?: string;
}

export function compilePolicySet(setDefinition: unknown, options: CompilePolicySetOptions): CompiledPolicySet {
  const base = options.pointer ?? '';
  const parsed = parsePolicySet(setDefinition, { pointerBase: base, ...(options.locate ? { locate: options.locate } : {}) });
  const set = parsed.policySet;
  if (set === undefined || parsed.diagnostics.some((d) => d.severity === 'error')) {
    throw new PolicyError(parsed.diagnostics.filter((d) => d.severity === 'error'));
  }
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const bound = bindParameters(set.parameters, options.parameters, set.pointers['parameters'] ?? joinPointer(base, 'properties', 'parameters'), diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) throw new PolicyError(diagnostics.filter((d) => d.severity === 'error'));

  const members: CompiledMember[] = set.policyDefinitions.map((m, index) => {
    const memberDiagnostics: Diagnostic[] = [];
    const generated = m.policyDefinitionReferenceId === undefined;
    const referenceId = m.policyDefinitionReferenceId ?? `member-${index}`;
    if (generated) memberDiagnostics.push(diagnostic('assign.generated-reference-id', { index, id: referenceId }, { pointer: m.pointer }));
    const values: Record<string, unknown> = Object.create(null);
    for (const [name, pv] of Object.entries(m.parameters ?? {})) {
      const ptr = joinPointer(m.pointer, 'parameters', name, 'value');
      const compiled = compileTemplateValue(pv.value, {
        phase: 'policyRule',
        pointer: ptr,
        diagnostics: memberDiagnostics,
        parameter: (p) => {
          const lower = p.toLowerCase();
          if (bound.values.has(lower)) return { value: bound.values.get(lower) };
          if (bound.unbound.has(lower)) {
            memberDiagnostics.push(diagnostic('expr.missing-parameter-value', { name: p }, { pointer: ptr }));
            return { value: null };
          }
          return undefined;
        },
      });
      if (!compiled.constant) {
        memberDiagnostics.push(diagnostic('compile.parameter-value-type', { name, type: 'a value known before any resource is seen' }, { pointer: ptr }));
        continue;
      }
      values[name] = compiled.value;
    }
    const member: CompiledMember = {
      referenceId,
      generatedReferenceId: generated,
      policyDefinitionId: m.policyDefinitionId,
      groupNames: m.groupNames ?? [],
      parameters: values,
      diagnostics: memberDiagnostics,
      pointer: m.pointer,
    };
    if (memberDiagnostics.some((d) => d.severity === 'error')) return member;
    const definition = options.resolveDefinition(m.policyDefinitionId);
    if (definition === undefined) {
      memberDiagnostics.push(diagnostic('assign.unresolved-definition', { id: m.policyDefinitionId }, { pointer: joinPointer(m.pointer, 'policyDefinitionId') }));
      return member;
    }
    try {
      const { resolveDefinition: _r, pointer: _p, locate: _l, ...rest } = options;
      member.policy = compilePolicy(definition, { ...rest, parameters: values });
      memberDiagnostics.push(...member.policy.diagnostics.filter((d) => d.severity !== 'info'));
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      memberDiagnostics.push(...e.diagnostics);
    }
    return member;
  });
  const parameters: Record<string, unknown> = Object.create(null);
  for (const [lower, value] of bound.values) parameters[bound.declared.get(lower) ?? lower] = value;
  return { id: set.id, name: set.name, displayName: set.displayName, parameters, members, groups: set.policyDefinitionGroups, diagnostics };
}
