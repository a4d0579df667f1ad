// functions/: the one FUNCTIONS table of template functions (policy-rule and deployment-template phases),
// assembled from the category files, and lookupFunction (case-insensitive, one Map built once).
import { ARRAY_FUNCTIONS } from './array.js';
import { COMPARISON_FUNCTIONS } from './comparison.js';
import { CONVERSION_FUNCTIONS } from './conversion.js';
import { DATE_FUNCTIONS } from './date.js';
import { DEPLOYMENT_FUNCTIONS, listFunction } from './deployment.js';
import { ENCODING_FUNCTIONS } from './encoding.js';
import { LOGICAL_FUNCTIONS } from './logical.js';
import { NUMERIC_FUNCTIONS } from './numeric.js';
import { OBJECT_FUNCTIONS } from './object.js';
import { POLICY_FUNCTIONS } from './policy.js';
import { STRING_FUNCTIONS } from './string.js';
import type { FunctionSpec } from './types.js';

export type { ArgKind, FunctionSpec, Thunk } from './types.js';
export { constantEvaluator, constantOf, failedEvaluator, failureOf } from './constant.js';
export { checkArgument } from './check.js';

export const FUNCTIONS: readonly FunctionSpec[] = Object.freeze(
  [
  ...POLICY_FUNCTIONS,
  ...LOGICAL_FUNCTIONS,
  ...COMPARISON_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...OBJECT_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...NUMERIC_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
  ...DEPLOYMENT_FUNCTIONS,
  ].map((f) => Object.freeze(f)),
);

const BY_NAME: ReadonlyMap<string, FunctionSpec> = (() => {
  const m = new Map<string, FunctionSpec>();
  // First entry wins; test/expressions.test.ts asserts the table has no duplicate names.
  for (const f of FUNCTIONS) if (!m.has(f.name.toLowerCase())) m.set(f.name.toLowerCase(), f);
  return m;
})();

/** The spec for a function name (case-insensitive), including any list* operation; undefined when unknown. */
export function lookupFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase()) ?? listFunction(name);
}
