// Policy definitions (definition-structure-basics.md, -parameters.md, -policy-rule.md).
import type { Diagnostic } from '../diagnostics/index.js';
import { assignDefined, hasErrors, prepareDocument, record, str } from './document.js';
import { canonicalKeyword, getMember, isObject, RESOURCE_MANAGER_MODES, RP_MODE } from './keywords.js';
import { readParameterDefinitions } from './parameters.js';
import type { PolicyDefinitionDoc } from './types.js';
import type { PositionOptions } from './validate.js';

export interface ParseOptions extends PositionOptions {}

export function parseDefinition(value: unknown, options: ParseOptions = {}): { definition?: PolicyDefinitionDoc; diagnostics: Diagnostic[] } {
  const prep = prepareDocument(value, 'policyDefinition', options);
  if (!('doc' in prep)) return { diagnostics: prep.diagnostics };
  const { top, props, diagnostics } = prep;

  let mode: string | undefined;
  const rawMode = props['mode'];
  if (typeof rawMode === 'string') {
    mode = canonicalKeyword(rawMode, RESOURCE_MANAGER_MODES);
    if (mode === undefined) {
      mode = rawMode;
      if (RP_MODE.test(rawMode)) prep.report('parse.unknown-mode', { mode: rawMode }, '/properties/mode');
      else prep.report('parse.invalid-mode', { mode: rawMode }, '/properties/mode');
    }
  }
  const parameters = readParameterDefinitions(prep);
  if (hasErrors(diagnostics)) return { diagnostics };

  // policyRule / if / then are the user's own objects (keys as written); the normalized copy only located them.
  const userProps = (isObject(value) && getMember(value, 'properties') && isObject(getMember(value, 'properties')!.value)
    ? getMember(value, 'properties')!.value
    : value) as Record<string, unknown>;
  const rule = getMember(userProps, 'policyRule')!.value;
  const policyRule = { if: getMember(rule, 'if')!.value as Record<string, unknown>, then: getMember(rule, 'then')!.value as Record<string, unknown> };

  const pointers: Record<string, string> = {
    properties: prep.pointer('/properties'),
    policyRule: prep.pointer('/properties/policyRule'),
    if: prep.pointer('/properties/policyRule/if'),
    then: prep.pointer('/properties/policyRule/then'),
    effect: prep.pointer('/properties/policyRule/then/effect'),
    parameters: prep.pointer('/properties/parameters'),
    mode: prep.pointer('/properties/mode'),
  };
  for (const name of Object.keys(parameters)) pointers[`parameters/${name}`] = prep.pointer(`/properties/parameters/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  const definition: PolicyDefinitionDoc = assignDefined(
    { kind: 'policyDefinition', parameters, policyRule, pointers } as PolicyDefinitionDoc,
    {
      id: str(top['id']),
      name: str(top['name']),
      displayName: str(props['displayName']),
      description: str(props['description']),
      policyType: str(props['policyType']),
      mode,
      metadata: record(props['metadata']),
      version: str(props['version']),
    },
  );
  return { definition, diagnostics };
}
