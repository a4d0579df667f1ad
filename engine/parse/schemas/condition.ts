// JSON Schemas of the policy-rule condition language (definition-structure-policy-rule.md): logical nodes
// (allOf / anyOf / not) and leaf conditions (one of field / value / count, exactly one operator). Keys are
// canonical here; parse/keywords.ts maps the user's spelling onto them first. Structure only: the condition
// compiler re-checks the semantics.
import { CONDITION_OPERANDS, CONDITION_OPERATORS, LOGICAL_OPERATORS } from '../keywords.js';
import { codes, oneRequired, pairs, reasons, type JsonSchema } from './annotations.js';

export const CONDITION_SCHEMA: JsonSchema = {
  $id: 'condition',
  type: 'object',
  ...codes({ type: 'parse.not-an-object' }),
  ...reasons({ type: ' (a condition)' }),
  if: { anyOf: oneRequired(LOGICAL_OPERATORS) },
  then: { $ref: 'logicalCondition' },
  else: { $ref: 'leafCondition' },
};

export const LOGICAL_CONDITION_SCHEMA: JsonSchema = {
  $id: 'logicalCondition',
  properties: {
    allOf: { type: 'array', ...codes({ type: 'parse.logical-not-array' }), items: { $ref: 'condition' } },
    anyOf: { type: 'array', ...codes({ type: 'parse.logical-not-array' }), items: { $ref: 'condition' } },
    not: { type: 'object', ...codes({ type: 'parse.not-not-object' }), $ref: 'condition' },
  },
  additionalProperties: false,
  ...codes({ additionalProperties: 'parse.unknown-condition-key' }),
  allOf: [{ ...codes({ '*': 'parse.multiple-logical-operators' }), not: { anyOf: pairs(LOGICAL_OPERATORS) } }],
};

/** An `in` / `notIn` target: an array, or an expression that may give one. */
export const IN_TARGET_SCHEMA: JsonSchema = {
  $id: 'inTarget',
  ...codes({ '*': 'parse.in-not-array' }),
  anyOf: [{ type: 'array' }, { type: 'string', pattern: '^\\[(?!\\[)[\\s\\S]*\\]$' }],
};

export const LEAF_CONDITION_SCHEMA: JsonSchema = {
  $id: 'leafCondition',
  properties: {
    field: { type: 'string', ...codes({ type: 'parse.field-not-string' }) },
    value: {},
    count: { $ref: 'count' },
    ...Object.fromEntries(CONDITION_OPERATORS.map((o) => [o, o === 'in' || o === 'notIn' ? { $ref: 'inTarget' } : {}])),
  },
  additionalProperties: false,
  ...codes({ additionalProperties: 'parse.unknown-operator' }),
  allOf: [
    { ...codes({ '*': 'parse.no-operand' }), anyOf: oneRequired(CONDITION_OPERANDS) },
    { ...codes({ '*': 'parse.multiple-operands' }), not: { anyOf: pairs(CONDITION_OPERANDS) } },
    { ...codes({ '*': 'parse.no-operator' }), anyOf: oneRequired(CONDITION_OPERATORS) },
    // With exactly one operand, more than two members means more than one operator (unknown keys are
    // reported on their own; validate.ts drops this error when fewer than two known operators are present).
    // Cheaper than `not: { anyOf: <171 pairs> }` on every leaf of every rule.
    { if: { oneOf: oneRequired(CONDITION_OPERANDS) }, then: { maxProperties: 2, ...codes({ '*': 'parse.multiple-operators' }) } },
  ],
};

export const COUNT_SCHEMA: JsonSchema = {
  $id: 'count',
  type: 'object',
  properties: {
    field: { type: 'string', ...codes({ type: 'parse.count-shape' }), ...reasons({ type: '"field" must be a string' }) },
    value: {},
    name: { type: 'string', ...codes({ type: 'parse.count-shape' }), ...reasons({ type: '"name" must be a string' }) },
    where: { $ref: 'condition' },
  },
  additionalProperties: false,
  ...codes({ '*': 'parse.count-shape' }),
  ...reasons({ type: 'count takes an object', additionalProperties: 'unknown key "{property}"' }),
  allOf: [
    {
      oneOf: oneRequired(['field', 'value']),
      ...codes({ '*': 'parse.count-shape' }),
      ...reasons({ '*': 'count takes exactly one of "field" and "value"' }),
    },
  ],
};
