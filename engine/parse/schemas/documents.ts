// The four document formats, each as the ARM envelope { id, name, type, properties } (a document written without
// the envelope is validated as if wrapped, see parse/keywords.ts normalizeDocument). Sources:
// definition-structure-basics.md, initiative-definition-structure.md, assignment-structure.md,
// exemption-structure.md. Members Azure adds on read (policyType, versions, systemData …) are accepted; unknown
// members of `properties` are accepted (newer API versions add some), unknown members of nested objects are not.
import { ASSIGNMENT_SCOPE_VALIDATIONS, ENFORCEMENT_MODES, EXEMPTION_CATEGORIES, IDENTITY_TYPES, POLICY_TYPES } from '../keywords.js';
import { codes, OPTIONAL_OBJECT, OPTIONAL_STRING, reasons, STRING, STRING_ARRAY, type JsonSchema } from './annotations.js';

const NON_EMPTY_STRING = { type: 'string', minLength: 1 };

function envelope(id: string, properties: string, extra: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    $id: id,
    type: 'object',
    ...codes({ type: 'parse.not-an-object' }),
    ...reasons({ type: '' }),
    required: ['properties'],
    properties: { id: STRING, name: STRING, type: STRING, ...extra, properties: { $ref: properties } },
  };
}

const COMMON = {
  displayName: OPTIONAL_STRING,
  description: OPTIONAL_STRING,
  metadata: OPTIONAL_OBJECT,
  policyType: { enum: [...POLICY_TYPES] },
  version: STRING,
  versions: STRING_ARRAY,
};

export const DEFINITION_PROPERTIES_SCHEMA: JsonSchema = {
  $id: 'definitionProperties',
  type: 'object',
  ...codes({ type: 'parse.not-an-object', 'required:policyRule': 'parse.missing-policy-rule' }),
  ...reasons({ type: ' (the definition properties)' }),
  required: ['policyRule'],
  properties: {
    ...COMMON,
    mode: OPTIONAL_STRING,
    parameters: { $ref: 'parameterDefinitions' },
    policyRule: {
      type: 'object',
      required: ['if', 'then'],
      ...codes({ 'required:if': 'parse.missing-if', 'required:then': 'parse.missing-then', type: 'parse.not-an-object' }),
      ...reasons({ type: ' (policyRule)' }),
      properties: {
        if: { $ref: 'condition' },
        then: {
          type: 'object',
          required: ['effect'],
          ...codes({ 'required:effect': 'parse.missing-effect', type: 'parse.not-an-object' }),
          ...reasons({ type: ' ("then")' }),
          properties: {
            effect: STRING,
            // details are effect-specific and checked by the effect compilers; only existenceCondition is a condition
            details: { properties: { existenceCondition: { $ref: 'condition' } } },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
};

export const POLICY_SET_PROPERTIES_SCHEMA: JsonSchema = {
  $id: 'policySetProperties',
  type: 'object',
  ...codes({ type: 'parse.not-an-object' }),
  ...reasons({ type: ' (the initiative properties)' }),
  required: ['policyDefinitions'],
  properties: {
    ...COMMON,
    parameters: { $ref: 'parameterDefinitions' },
    policyDefinitions: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['policyDefinitionId'],
        properties: {
          policyDefinitionId: NON_EMPTY_STRING,
          policyDefinitionReferenceId: STRING,
          parameters: { $ref: 'parameterValues' },
          groupNames: STRING_ARRAY,
          definitionVersion: STRING,
        },
        additionalProperties: false,
      },
    },
    policyDefinitionGroups: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: NON_EMPTY_STRING, category: OPTIONAL_STRING, displayName: OPTIONAL_STRING, description: OPTIONAL_STRING, additionalMetadataId: OPTIONAL_STRING },
        additionalProperties: false,
      },
    },
  },
};

export const ASSIGNMENT_PROPERTIES_SCHEMA: JsonSchema = {
  $id: 'assignmentProperties',
  type: 'object',
  ...codes({ type: 'parse.not-an-object' }),
  ...reasons({ type: ' (the assignment properties)' }),
  required: ['policyDefinitionId'],
  properties: {
    scope: NON_EMPTY_STRING,
    policyDefinitionId: NON_EMPTY_STRING,
    definitionVersion: OPTIONAL_STRING,
    displayName: OPTIONAL_STRING,
    description: OPTIONAL_STRING,
    metadata: OPTIONAL_OBJECT,
    enforcementMode: { enum: [...ENFORCEMENT_MODES, null] },
    notScopes: { type: ['array', 'null'], items: NON_EMPTY_STRING },
    parameters: { $ref: 'parameterValues' },
    nonComplianceMessages: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['message'],
        properties: { message: STRING, policyDefinitionReferenceId: OPTIONAL_STRING },
        additionalProperties: false,
      },
    },
    resourceSelectors: { $ref: 'resourceSelectors' },
    overrides: { $ref: 'overrides' },
  },
};

/** ISO 8601 date-time as Azure writes it (2020-12-31T23:59:00.0000000Z); an offset or no zone is accepted. */
export const DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$';

export const EXEMPTION_PROPERTIES_SCHEMA: JsonSchema = {
  $id: 'exemptionProperties',
  type: 'object',
  ...codes({ type: 'parse.not-an-object' }),
  ...reasons({ type: ' (the exemption properties)' }),
  required: ['policyAssignmentId', 'exemptionCategory'],
  properties: {
    policyAssignmentId: NON_EMPTY_STRING,
    policyDefinitionReferenceIds: { type: ['array', 'null'], items: STRING },
    exemptionCategory: { enum: [...EXEMPTION_CATEGORIES] },
    expiresOn: { type: ['string', 'null'], pattern: DATE_TIME_PATTERN, ...reasons({ pattern: 'expiresOn must be an ISO 8601 date-time (2020-12-31T23:59:00.0000000Z)' }) },
    displayName: OPTIONAL_STRING,
    description: OPTIONAL_STRING,
    metadata: OPTIONAL_OBJECT,
    resourceSelectors: { $ref: 'resourceSelectors' },
    assignmentScopeValidation: { enum: [...ASSIGNMENT_SCOPE_VALIDATIONS, null] },
  },
};

export const DEFINITION_SCHEMA = envelope('policyDefinition', 'definitionProperties');
export const POLICY_SET_SCHEMA = envelope('policySetDefinition', 'policySetProperties');
export const ASSIGNMENT_SCHEMA = envelope('policyAssignment', 'assignmentProperties', {
  location: STRING,
  identity: {
    type: ['object', 'null'],
    properties: { type: { enum: [...IDENTITY_TYPES] }, userAssignedIdentities: OPTIONAL_OBJECT, principalId: OPTIONAL_STRING, tenantId: OPTIONAL_STRING },
    additionalProperties: false,
  },
});
export const EXEMPTION_SCHEMA = envelope('policyExemption', 'exemptionProperties');
