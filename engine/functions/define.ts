// Small builders for FunctionSpec entries, so each category file reads as a table.
import type { ExpressionPhase } from '../expressions/types.js';
import type { ArgKind, FunctionSpec } from './types.js';

export const BOTH: readonly ExpressionPhase[] = Object.freeze(['policyRule', 'template'] as const);
export const POLICY_ONLY: readonly ExpressionPhase[] = Object.freeze(['policyRule'] as const);
export const TEMPLATE_ONLY: readonly ExpressionPhase[] = Object.freeze(['template'] as const);

/** A parameter: its name (for messages) and accepted kinds. */
export function p(name: string, ...kinds: ArgKind[]): { name: string; kinds: readonly ArgKind[] } {
  return Object.freeze({ name, kinds: Object.freeze(kinds.length > 0 ? kinds : (['any'] as ArgKind[])) });
}

type Defaults = 'phases' | 'pure' | 'minArgs' | 'maxArgs';
export type SpecInput = Omit<FunctionSpec, Defaults> & Partial<Pick<FunctionSpec, Defaults>>;

/** Fills defaults (both phases, pure, arity from params) and freezes. */
export function define(spec: SpecInput): FunctionSpec {
  const n = spec.params?.length ?? 0;
  return Object.freeze({
    phases: BOTH,
    pure: true,
    minArgs: spec.minArgs ?? n,
    maxArgs: spec.maxArgs ?? Math.max(n, spec.minArgs ?? n),
    ...spec,
  }) as FunctionSpec;
}
