// Policy exemptions (exemption-structure.md).
import type { Diagnostic } from '../diagnostics/index.js';
import { assignDefined, hasErrors, prepareDocument, record, scopeFromId, str } from './document.js';
import { readResourceSelectors } from './selectors.js';
import type { ExemptionDoc } from './types.js';
import { DATE_TIME_PATTERN } from './schemas/index.js';
import type { ParseOptions } from './definition.js';

/**
 * An exemption's scope is the resource it is attached to: the part of its id before
 * /providers/Microsoft.Authorization/policyExemptions/. Without such an id the scope is unknown
 * ('parse.missing-scope'). expiresOn must be an ISO 8601 date-time that parses.
 */
export function parseExemption(value: unknown, options: ParseOptions = {}): { exemption?: ExemptionDoc; diagnostics: Diagnostic[] } {
  const prep = prepareDocument(value, 'policyExemption', options);
  if (!('doc' in prep)) return { diagnostics: prep.diagnostics };
  const { top, props, diagnostics } = prep;
  const id = str(top['id']) ?? str(props['id']);
  const scope = scopeFromId(id, 'policyExemptions');
  if (scope === undefined) {
    prep.report('parse.missing-scope', { kind: 'exemption', reason: id === undefined ? 'it has no id' : `its id "${id}" is not of the form <scope>/providers/Microsoft.Authorization/policyExemptions/<name>` }, id === undefined ? '' : '/id');
  }
  const expiresOn = str(props['expiresOn']);
  if (expiresOn !== undefined && new RegExp(DATE_TIME_PATTERN).test(expiresOn) && !Number.isFinite(Date.parse(expiresOn))) {
    prep.report('parse.schema', { reason: `expiresOn "${expiresOn}" is not a valid date-time` }, '/properties/expiresOn');
  }
  const resourceSelectors = readResourceSelectors(prep, props['resourceSelectors'], '/properties/resourceSelectors');
  if (hasErrors(diagnostics)) return { diagnostics };

  const exemption: ExemptionDoc = assignDefined(
    {
      kind: 'policyExemption',
      scope: scope!,
      policyAssignmentId: props['policyAssignmentId'] as string,
      policyDefinitionReferenceIds: Array.isArray(props['policyDefinitionReferenceIds']) ? (props['policyDefinitionReferenceIds'] as string[]) : [],
      exemptionCategory: props['exemptionCategory'] as ExemptionDoc['exemptionCategory'],
      resourceSelectors,
      assignmentScopeValidation: (str(props['assignmentScopeValidation']) ?? 'Default') as ExemptionDoc['assignmentScopeValidation'],
      pointers: { properties: prep.pointer('/properties'), policyAssignmentId: prep.pointer('/properties/policyAssignmentId') },
    } as ExemptionDoc,
    {
      id,
      name: str(top['name']) ?? str(props['name']),
      displayName: str(props['displayName']),
      description: str(props['description']),
      metadata: record(props['metadata']),
      expiresOn,
    },
  );
  return { exemption, diagnostics };
}
