// Compile-time state threaded through the condition compiler: options, diagnostics, count
// bindings in scope, and statistics the applicability logic needs (digest §7.2).
import type { Diagnostic } from '../diagnostics/index.js';
import type { AliasCatalogue, FieldRef } from '../aliases/index.js';
import type { OperatorOptions } from '../operators/index.js';

/** Which resource `field` keys read: the evaluated resource, or the related one inside existenceCondition. */
export type FieldTarget = 'primary' | 'related';

/** A count in scope: field counts bind their alias, value counts bind a name. */
export interface CountBinding {
  readonly kind: 'field' | 'value';
  /** Field counts: the counted `[*]` alias. */
  readonly ref?: FieldRef;
  /** Value counts: the iteration name (optional for a count that is not nested). */
  readonly name?: string;
  readonly target: FieldTarget;
}

/** Which leaf kinds appear in an `if`: decides applicability for non-IfNotExists effects. */
export interface LeafStats {
  type: number;
  name: number;
  kind: number;
  location: number;
  other: number;
}

export interface ConditionOptions {
  catalogue: AliasCatalogue;
  /** Unknown aliases are compile errors (default true). */
  strict: boolean;
  /** Plain property paths (properties.x.y) may stand in for aliases. */
  lenient: boolean;
  operatorOptions: OperatorOptions;
  /**
   * A `[*]` field condition over a missing array: true (the docs: an empty collection) by default,
   * false when set (digest §15 A-1).
   */
  missingArrayIsFalse: boolean;
}

export interface CompileEnv {
  readonly options: ConditionOptions;
  readonly diagnostics: Diagnostic[];
  /** Bound parameter values, by lower-cased name. */
  readonly parameters: ReadonlyMap<string, unknown>;
  readonly bindings: readonly CountBinding[];
  readonly target: FieldTarget;
  readonly stats: LeafStats;
  readonly counters: { conditions: number; valueCounts: number };
}

export const LIMITS = Object.freeze({
  /** Nesting depth of conditions and expressions (definition-structure-policy-rule.md, Limits). */
  depth: 64,
  conditions: 4096,
  existenceConditions: 128,
  valueCounts: 10,
  valueCountIterations: 100,
  fieldCountsPerArray: 5,
});

export function newStats(): LeafStats {
  return { type: 0, name: 0, kind: 0, location: 0, other: 0 };
}
