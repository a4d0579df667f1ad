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

export function renderReasons(entries: readonly TraceEntry[], polarity: Polarity): Reason[] {
  return entries.map((e) => renderReason(e, polarity));
}
