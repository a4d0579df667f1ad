// Turns trace entries into Azure-shaped reasons (policyEvaluationDetails.evaluatedExpressions plus
// the sentence of determine-non-compliance.md). The sentence states what would have to hold for the
// resource to be compliant, so it depends on which way the condition counts (digest §2.5).
import { lookupOperator, operatorReason } from '../operators/index.js';
import type { Reason } from '../model/index.js';
import type { TraceEntry } from '../model/index.js';

/**
 * 'if': the condition being true makes the resource non-compliant (the policy rule's `if`).
 * 'existence': the condition being true makes it compliant (existenceCondition).
 */
export type Polarity = 'if' | 'existence';

function isFalseTarget(v: unknown): boolean {
  return v === false || (typeof v === 'string' && v.toLowerCase() === 'false');
}

export function renderReason(entry: TraceEntry, polarity: Polarity): Reason {
  const spec = lookupOperator(entry.operator)!;
  // `exists: false` reads as "not exists".
  let negated = entry.negated;
  if (spec.name === 'exists' && isFalseTarget(entry.target)) negated = !negated;
  // The required relation: for `if`, the opposite of the leaf as it stands; for existence, the leaf itself.
  const required = polarity === 'if' ? !negated : negated;
  const reason: Reason = {
    kind: 'condition',
    message: operatorReason(spec, required),
    expressionKind: entry.expressionKind,
    expression: entry.expression,
    operator: spec.pascalName,
    result: entry.result,
    pointer: entry.pointer,
  };
  if (entry.path !== undefined) reason.path = entry.path;
  if (!entry.missing) reason.expressionValue = entry.value;
  reason.targetValue = spec.name === 'exists' ? (isFalseTarget(entry.target) ? 'False' : 'True') : entry.target;
  return reason;
}

/**
 * Reasons whose every part is a string, number, boolean or null recur across resources (the same condition failing
 * on the same value: "status.code is Unhealthy"), so one frozen object serves them all; the cache is bounded,
 * values that differ per resource (names, ids) simply stop being cached past the bound.
 */
const SHARED = new Map<string, Reason>();
const MAX_SHARED = 8192;

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function sharedReason(entry: TraceEntry, polarity: Polarity): Reason {
  if (!isScalar(entry.target) || (!entry.missing && !isScalar(entry.value)) || (typeof entry.value === 'string' && entry.value.length > 256)) return renderReason(entry, polarity);
  // typeof keeps 1 and "1" apart; the pointer places the condition in its rule (the expression and operator with it).
  const key = `${polarity}\u0000${entry.pointer}\u0000${entry.expressionKind}\u0000${entry.expression}\u0000${entry.operator}\u0000${entry.negated}\u0000${entry.result}\u0000${entry.path ?? ''}\u0000${entry.missing ? 'missing' : `${typeof entry.value}:${String(entry.value)}`}\u0000${typeof entry.target}:${String(entry.target)}`;
  const hit = SHARED.get(key);
  if (hit !== undefined) return hit;
  const reason = Object.freeze(renderReason(entry, polarity));
  if (SHARED.size < MAX_SHARED) SHARED.set(key, reason);
  return reason;
}

export function renderReasons(entries: readonly TraceEntry[], polarity: Polarity): Reason[] {
  return entries.map((e) => sharedReason(e, polarity));
}
