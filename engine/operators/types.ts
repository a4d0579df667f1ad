// The shape of one condition operator in the OPERATORS table (digest §2.2–§2.5).

/**
 * What the operator accepts as its target value, so the compiler can reject a wrong literal at compile time:
 * - 'array'   in / notIn: a JSON array.
 * - 'boolean' exists: true / false or the strings "true" / "false" (ci); anything else makes the condition false.
 * - 'scalar'  every other operator: a string, number, boolean or null. Azure types these targets as strings
 *             ("Evaluation result … is type 'Array', expected type is 'String'", author-policies-for-arrays.md),
 *             so an array/object target makes the prepared test throw EvaluationError('eval.operator-target').
 * - 'any'     not used by a built-in operator; kept for callers that add their own.
 */
export type TargetKind = 'any' | 'scalar' | 'array' | 'boolean';

export interface OperatorOptions {
  /**
   * How `?` inside a like/notLike pattern is read (digest §15 A-6). Default 'literal' (docs and linter: only `*` is
   * special); 'wildcard' makes `?` match exactly one character (regorus).
   */
  likeQuestionMark?: 'literal' | 'wildcard';
  /**
   * Ordering operators on missing/null or mismatched types (§15 A-3). Default false: the condition is false.
   * true: EvaluationError('eval.type-mismatch') — the docs' "if the property type doesn't match … an error is thrown".
   */
  strictOrdering?: boolean;
  /**
   * Set by the compiler for the `location` field: both sides (and every element of an `in` target) are compared with
   * spaces removed and lower-cased, so `East US 2` ≡ `eastus2` (definition-structure-policy-rule.md, Fields).
   */
  normalizeLocation?: boolean;
}

/** The per-resource test returned by `prepare`. `left` may be MISSING (absent path), null or any JSON value. */
export type OperatorTest = (left: unknown) => boolean;

export interface OperatorSpec {
  /** Azure's spelling ('notContainsKey'). Lookup is case-insensitive (lookupOperator). */
  readonly name: string;
  /** As Azure's evaluatedExpressions show it ('NotContainsKey'). */
  readonly pascalName: string;
  /** One line for `dine list operators` and the docs. */
  readonly doc: string;
  /**
   * The operator whose reason sentence applies under `not` (less ↔ greaterOrEquals, equals ↔ notEquals …).
   * For present, comparable values its result is the negation of this one. `exists` is its own opposite
   * (with the inverted target).
   */
  readonly opposite: string;
  /** True for the not… operators. */
  readonly negative: boolean;
  /** Azure's reason sentence when this condition decides (determine-non-compliance.md; digest §2.5). */
  readonly reason: string;
  /** The sentence when the condition sits under `not` (= the opposite's sentence). */
  readonly negatedReason: string;
  readonly targetKind: TargetKind;
  /**
   * Compile-once hook: everything that depends only on the target (pattern, folded string, `in` set, parsed date)
   * is computed here; the returned test runs per resource and builds no RegExp. `prepare` itself never throws for
   * bad data: a target of the wrong kind (an array for equals, a string for in) gives a test that throws
   * EvaluationError('eval.operator-target') for every resource; the compiler may report it earlier from targetKind.
   * The test throws EvaluationError('eval.type-mismatch') for incomparable ordering operands under strictOrdering.
   */
  prepare(target: unknown, options?: OperatorOptions): OperatorTest;
}
