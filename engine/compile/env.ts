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

/**
 * What a compiled rule reads from resources (engine/scale projects streamed resources to it): every FieldRef
 * resolved for a `field` key, a count's field, a field() / current() call with a constant name. `wholeResource`
 * is set when the rule may read a field whose name is known only at run time (field() with a computed name).
 */
export interface FieldReads {
  readonly refs: Set<FieldRef>;
  wholeResource: boolean;
}

export function newReads(): FieldReads {
  return { refs: new Set(), wholeResource: false };
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
  /** Collects the fields the rule reads (optional: compile paths that do not project leave it out). */
  readonly reads?: FieldReads;
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
