// resourceSelectors (assignments, exemptions) and overrides (assignments): assignment-structure.md.
import { OVERRIDE_KINDS, OVERRIDE_SELECTOR_KINDS, SELECTOR_KINDS } from '../keywords.js';
import { codes, oneRequired, reasons, STRING, type JsonSchema } from './annotations.js';

const VALUES = { type: 'array', maxItems: 50, items: STRING };

function selector(kinds: readonly string[]): JsonSchema {
  return {
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: [...kinds] }, in: VALUES, notIn: VALUES },
    additionalProperties: false,
    allOf: [{ oneOf: oneRequired(['in', 'notIn']), ...codes({ '*': 'parse.schema' }), ...reasons({ '*': 'a selector takes exactly one of "in" and "notIn"' }) }],
  };
}

export const RESOURCE_SELECTORS_SCHEMA: JsonSchema = {
  $id: 'resourceSelectors',
  type: ['array', 'null'],
  maxItems: 10,
  items: {
    type: 'object',
    required: ['name'],
    properties: { name: STRING, selectors: { type: 'array', items: selector(SELECTOR_KINDS) } },
    additionalProperties: false,
  },
};

export const OVERRIDES_SCHEMA: JsonSchema = {
  $id: 'overrides',
  type: ['array', 'null'],
  maxItems: 10,
  items: {
    type: 'object',
    required: ['kind', 'value'],
    properties: { kind: { enum: [...OVERRIDE_KINDS] }, value: STRING, selectors: { type: 'array', items: selector(OVERRIDE_SELECTOR_KINDS) } },
    additionalProperties: false,
  },
};
