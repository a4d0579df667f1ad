// operators/: the one OPERATORS table (equals … exists): semantics, Azure names and reason sentences. Imports diagnostics and model only.
import { EvaluationError } from '../diagnostics/index.js';
import { prepareContains, prepareNotContains } from './contains.js';
import { prepareContainsKey, prepareNotContainsKey } from './containsKey.js';
import { prepareEquals, prepareNotEquals } from './equals.js';
import { existsTargetValue, prepareExists } from './exists.js';
import { prepareIn, prepareNotIn } from './in.js';
import { prepareLike, prepareNotLike } from './like.js';
import { prepareMatch, prepareNotMatch } from './match.js';
import { prepareOrdering } from './ordering.js';
import { REASONS } from './reasons.js';
import type { OperatorOptions, OperatorSpec, OperatorTest, TargetKind } from './types.js';

export type { OperatorOptions, OperatorSpec, OperatorTest, TargetKind } from './types.js';
export { NO_RELATED_REASON, REASONS } from './reasons.js';
export { compileWildcard, type WildcardMatcher } from './like.js';
export { compileMatchPattern, type ShapeMatcher } from './match.js';
export { parseIsoInstant, compareInstants, parseNumericString, type Instant } from './ordering.js';
export { existsTargetValue } from './exists.js';
export { stringForm, normalizeLocationString } from './coerce.js';

export type OperatorName =
  | 'equals'
  | 'notEquals'
  | 'like'
  | 'notLike'
  | 'match'
  | 'matchInsensitively'
  | 'notMatch'
  | 'notMatchInsensitively'
  | 'contains'
  | 'notContains'
  | 'in'
  | 'notIn'
  | 'containsKey'
  | 'notContainsKey'
  | 'less'
  | 'lessOrEquals'
  | 'greater'
  | 'greaterOrEquals'
  | 'exists';

function spec(
  name: OperatorName,
  opposite: OperatorName,
  reason: string,
  negatedReason: string,
  targetKind: TargetKind,
  doc: string,
  prepare: (target: unknown, options: OperatorOptions | undefined) => OperatorTest,
): OperatorSpec {
  return Object.freeze({
    name,
    pascalName: name.charAt(0).toUpperCase() + name.slice(1),
    doc,
    opposite,
    negative: name.startsWith('not'),
    reason,
    negatedReason,
    targetKind,
    prepare: (target: unknown, options?: OperatorOptions): OperatorTest => {
      try {
        // The options are copied so a prepared test never changes when the caller's object does.
        return prepare(target, options === undefined ? undefined : { ...options });
      } catch (error) {
        // A target of the wrong kind is a fault of every resource the condition sees (an Error result each),
        // not of the compile step that may call prepare with a constant target.
        if (error instanceof EvaluationError) {
          return () => {
            throw error;
          };
        }
        throw error;
      }
    },
  });
}

const R = REASONS;

/** Every condition operator Azure Policy has (definition-structure-policy-rule.md "Conditions"), keyed by Azure's spelling. */
export const OPERATORS: Readonly<Record<OperatorName, OperatorSpec>> = Object.freeze({
  equals: spec('equals', 'notEquals', R.equals, R.notEquals, 'scalar',
    'Equal after coercing scalars to strings, case-insensitive ("80" equals 80); missing equals only null.', prepareEquals),
  notEquals: spec('notEquals', 'equals', R.notEquals, R.equals, 'scalar',
    'Negation of equals: true for a missing value unless the target is null.', prepareNotEquals),
  like: spec('like', 'notLike', R.like, R.notLike, 'scalar',
    'Whole-string wildcard match, case-insensitive: * matches any run of characters; without * it is equals.', prepareLike),
  notLike: spec('notLike', 'like', R.notLike, R.like, 'scalar', 'Negation of like.', prepareNotLike),
  match: spec('match', 'notMatch', R.match, R.notMatch, 'scalar',
    'Same-length pattern, case-sensitive: # a digit, ? a letter, . any character, anything else literal.',
    (t, o) => prepareMatch(t, o, false)),
  matchInsensitively: spec('matchInsensitively', 'notMatchInsensitively', R.matchInsensitively, R.notMatchInsensitively, 'scalar',
    'As match, but literal characters compare case-insensitively.', (t, o) => prepareMatch(t, o, true)),
  notMatch: spec('notMatch', 'match', R.notMatch, R.match, 'scalar', 'Negation of match.', (t, o) => prepareNotMatch(t, o, false)),
  notMatchInsensitively: spec('notMatchInsensitively', 'matchInsensitively', R.notMatchInsensitively, R.matchInsensitively, 'scalar',
    'Negation of matchInsensitively.', (t, o) => prepareNotMatch(t, o, true)),
  contains: spec('contains', 'notContains', R.contains, R.notContains, 'scalar',
    'String: has the target as a substring (ci); array: has an element equal to it; object: has it as a key.', prepareContains),
  notContains: spec('notContains', 'contains', R.notContains, R.contains, 'scalar', 'Negation of contains.', prepareNotContains),
  in: spec('in', 'notIn', R.in, R.notIn, 'array',
    'Equals some element of the target array (ci, with coercion); a missing value is in only an array holding null.', prepareIn),
  notIn: spec('notIn', 'in', R.notIn, R.in, 'array', 'Negation of in.', prepareNotIn),
  containsKey: spec('containsKey', 'notContainsKey', R.containsKey, R.notContainsKey, 'scalar',
    'The value is an object with a key equal (ci) to the target, e.g. tags containsKey env.', prepareContainsKey),
  notContainsKey: spec('notContainsKey', 'containsKey', R.notContainsKey, R.containsKey, 'scalar',
    'Negation of containsKey.', prepareNotContainsKey),
  less: spec('less', 'greaterOrEquals', R.less, R.greaterOrEquals, 'scalar',
    'Less than: numbers numerically, ISO-8601 date-times as instants, other strings ci; other types never hold.',
    (t, o) => prepareOrdering('less', t, o)),
  lessOrEquals: spec('lessOrEquals', 'greater', R.lessOrEquals, R.greater, 'scalar',
    'Less than or equal (ordering rules as less).', (t, o) => prepareOrdering('lessOrEquals', t, o)),
  greater: spec('greater', 'lessOrEquals', R.greater, R.lessOrEquals, 'scalar',
    'Greater than (ordering rules as less).', (t, o) => prepareOrdering('greater', t, o)),
  greaterOrEquals: spec('greaterOrEquals', 'less', R.greaterOrEquals, R.less, 'scalar',
    'Greater than or equal (ordering rules as less).', (t, o) => prepareOrdering('greaterOrEquals', t, o)),
  exists: spec('exists', 'exists', R.exists, R.notExists, 'boolean',
    'true: the value is present and not null; false: it is missing or null.', prepareExists),
});

const BY_LOWER_NAME: ReadonlyMap<string, OperatorSpec> = new Map(
  Object.values(OPERATORS).map((s) => [s.name.toLowerCase(), s] as const),
);

/** The operator named `name`, case-insensitively ('Like', 'notequals', 'NOTIN'), or undefined. */
export function lookupOperator(name: string): OperatorSpec | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/**
 * Azure's reason sentence for a condition on this operator (digest §2.5). `negated` is true when the condition
 * sits under an odd number of `not`s. The sentences state what the condition requires, read the way Azure's table
 * reads ("equals, or not notEquals" → "must be equal"); whoever explains an `if` leaf that made a resource
 * non-compliant passes the parity that gives the requirement for compliance (digest §2.5 note).
 *
 * `exists` depends on its target: `exists: false` is `not exists: true`, so a false target flips `negated`
 * (the table's "exists" row is exists:true).
 */
export function operatorReason(spec: OperatorSpec, negated: boolean, target?: unknown): string {
  let neg = negated;
  if (spec.name === 'exists' && target !== undefined && existsTargetValue(target) === false) neg = !neg;
  return neg ? spec.negatedReason : spec.reason;
}

/** All operator names in Azure's spelling, in the docs' order. */
export const OPERATOR_NAMES: readonly OperatorName[] = Object.freeze(Object.keys(OPERATORS) as OperatorName[]);
