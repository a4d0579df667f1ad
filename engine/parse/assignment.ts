// Policy assignments (assignment-structure.md).
import type { Diagnostic } from '../diagnostics/index.js';
import { assignDefined, hasErrors, prepareDocument, record, scopeFromId, str } from './document.js';
import { readParameterValues } from './parameters.js';
import { readOverrides, readResourceSelectors } from './selectors.js';
import type { AssignmentDoc, AssignmentIdentity, NonComplianceMessage } from './types.js';
import type { ParseOptions } from './definition.js';

/**
 * The scope is properties.scope (ARM returns it on read), else derived from the id — the assignment
 * request body in assignment-structure.md carries no scope, the URL does. A document with neither gives
 * 'parse.missing-scope'. Written without the envelope, `location`/`identity` are read at the same level.
 */
export function parseAssignment(value: unknown, options: ParseOptions = {}): { assignment?: AssignmentDoc; diagnostics: Diagnostic[] } {
  const prep = prepareDocument(value, 'policyAssignment', options);
  if (!('doc' in prep)) return { diagnostics: prep.diagnostics };
  const { top, props, diagnostics } = prep;
  const id = str(top['id']) ?? str(props['id']);
  const scope = str(props['scope']) ?? scopeFromId(id, 'policyAssignments');
  if (scope === undefined && !hasErrors(diagnostics)) {
    prep.report('parse.missing-scope', { kind: 'assignment', reason: 'it has no properties.scope and no assignment id to derive it from' }, '/properties');
  }
  const resourceSelectors = readResourceSelectors(prep, props['resourceSelectors'], '/properties/resourceSelectors');
  const overrides = readOverrides(prep, props['overrides'], '/properties/overrides');
  if (hasErrors(diagnostics)) return { diagnostics };

  const rawIdentity = record(top['identity']) ?? record(props['identity']);
  const identity = rawIdentity && typeof rawIdentity['type'] === 'string'
    ? assignDefined({ type: rawIdentity['type'] } as AssignmentIdentity, {
        userAssignedIdentities: record(rawIdentity['userAssignedIdentities']),
        principalId: str(rawIdentity['principalId']),
        tenantId: str(rawIdentity['tenantId']),
      })
    : undefined;
  const messages: NonComplianceMessage[] = Array.isArray(props['nonComplianceMessages'])
    ? (props['nonComplianceMessages'] as Record<string, unknown>[]).map((m) =>
        assignDefined({ message: m['message'] as string } as NonComplianceMessage, { policyDefinitionReferenceId: str(m['policyDefinitionReferenceId']) }),
      )
    : [];
  const assignment: AssignmentDoc = assignDefined(
    {
      kind: 'policyAssignment',
      scope: scope!,
      policyDefinitionId: props['policyDefinitionId'] as string,
      notScopes: Array.isArray(props['notScopes']) ? (props['notScopes'] as string[]) : [],
      parameters: readParameterValues(props['parameters']),
      enforcementMode: (str(props['enforcementMode']) ?? 'Default') as AssignmentDoc['enforcementMode'],
      nonComplianceMessages: messages,
      overrides,
      resourceSelectors,
      pointers: {
        properties: prep.pointer('/properties'),
        parameters: prep.pointer('/properties/parameters'),
        policyDefinitionId: prep.pointer('/properties/policyDefinitionId'),
        scope: prep.pointer('/properties/scope'),
        overrides: prep.pointer('/properties/overrides'),
        resourceSelectors: prep.pointer('/properties/resourceSelectors'),
      },
    } as AssignmentDoc,
    {
      id,
      name: str(top['name']) ?? str(props['name']),
      location: str(top['location']) ?? str(props['location']),
      identity,
      displayName: str(props['displayName']),
      description: str(props['description']),
      metadata: record(props['metadata']),
      definitionVersion: str(props['definitionVersion']),
    },
  );
  return { assignment, diagnostics };
}
