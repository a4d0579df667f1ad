// Initiatives (initiative-definition-structure.md).
import { joinPointer, type Diagnostic } from '../diagnostics/index.js';
import { assignDefined, hasErrors, prepareDocument, record, str } from './document.js';
import { readParameterDefinitions, readParameterValues } from './parameters.js';
import type { PolicyDefinitionGroup, PolicySetDoc, PolicySetMember } from './types.js';
import type { ParseOptions } from './definition.js';

/**
 * Besides the schema: policyDefinitionReferenceIds must be unique (case-insensitively) and every groupName must be
 * declared in policyDefinitionGroups — the service refuses both at authoring.
 */
export function parsePolicySet(value: unknown, options: ParseOptions = {}): { policySet?: PolicySetDoc; diagnostics: Diagnostic[] } {
  const prep = prepareDocument(value, 'policySetDefinition', options);
  if (!('doc' in prep)) return { diagnostics: prep.diagnostics };
  const { top, props, diagnostics } = prep;
  const parameters = readParameterDefinitions(prep);
  if (hasErrors(diagnostics)) return { diagnostics };

  const groups: PolicyDefinitionGroup[] | undefined = Array.isArray(props['policyDefinitionGroups'])
    ? (props['policyDefinitionGroups'] as Record<string, unknown>[]).map((g) =>
        assignDefined({ name: g['name'] as string } as PolicyDefinitionGroup, {
          category: str(g['category']),
          displayName: str(g['displayName']),
          description: str(g['description']),
          additionalMetadataId: str(g['additionalMetadataId']),
        }),
      )
    : undefined;
  const groupNames = new Set((groups ?? []).map((g) => g.name.toLowerCase()));
  const referenceIds = new Set<string>();
  const members: PolicySetMember[] = (props['policyDefinitions'] as Record<string, unknown>[]).map((m, i) => {
    const at = joinPointer('/properties/policyDefinitions', i);
    const member: PolicySetMember = assignDefined({ policyDefinitionId: m['policyDefinitionId'] as string, pointer: prep.pointer(at) } as PolicySetMember, {
      policyDefinitionReferenceId: str(m['policyDefinitionReferenceId']),
      definitionVersion: str(m['definitionVersion']),
    });
    if (m['parameters'] !== undefined && m['parameters'] !== null) member.parameters = readParameterValues(m['parameters']);
    if (Array.isArray(m['groupNames'])) {
      member.groupNames = m['groupNames'] as string[];
      member.groupNames.forEach((g, j) => {
        if (!groupNames.has(g.toLowerCase())) prep.report('parse.unknown-group', { group: g }, joinPointer(at, 'groupNames', j));
      });
    }
    const ref = member.policyDefinitionReferenceId?.toLowerCase();
    if (ref !== undefined) {
      if (referenceIds.has(ref)) prep.report('parse.duplicate-reference-id', { id: member.policyDefinitionReferenceId }, joinPointer(at, 'policyDefinitionReferenceId'));
      referenceIds.add(ref);
    }
    return member;
  });
  if (hasErrors(diagnostics)) return { diagnostics };

  const policySet: PolicySetDoc = assignDefined(
    {
      kind: 'policySetDefinition',
      parameters,
      policyDefinitions: members,
      pointers: { properties: prep.pointer('/properties'), parameters: prep.pointer('/properties/parameters'), policyDefinitions: prep.pointer('/properties/policyDefinitions') },
    } as PolicySetDoc,
    {
      id: str(top['id']),
      name: str(top['name']),
      displayName: str(props['displayName']),
      description: str(props['description']),
      policyType: str(props['policyType']),
      metadata: record(props['metadata']),
      version: str(props['version']),
      policyDefinitionGroups: groups,
    },
  );
  return { policySet, diagnostics };
}
