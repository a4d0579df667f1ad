// Parameter declarations (definition-structure-parameters.md) and parameter values ({ name: { value } }) of
// initiative members and assignments.
import { PARAMETER_TYPES } from '../keywords.js';
import { codes, type JsonSchema } from './annotations.js';

export const PARAMETER_DEFINITIONS_SCHEMA: JsonSchema = {
  $id: 'parameterDefinitions',
  type: ['object', 'null'],
  additionalProperties: {
    type: 'object',
    required: ['type'],
    properties: {
      type: { enum: [...PARAMETER_TYPES], ...codes({ enum: 'parse.parameter-type' }) },
      defaultValue: {},
      allowedValues: { type: ['array', 'null'] },
      metadata: { type: ['object', 'null'] },
      schema: { type: ['object', 'null'] },
    },
    additionalProperties: false,
  },
};

export const PARAMETER_VALUES_SCHEMA: JsonSchema = {
  $id: 'parameterValues',
  type: ['object', 'null'],
  additionalProperties: { type: 'object', required: ['value'], properties: { value: {} }, additionalProperties: false },
};
