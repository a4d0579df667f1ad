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
 * values that differ per resource (names, ids) simply stop being cached past the bound. The cache is a tree of maps
 * keyed by each part in turn (Map keys keep 1 and "1" apart, and strings carry their hash): no key string is built
 * per reason, which cost more than the rest of rendering.
 */
type Level = Map<unknown, Level | Reason>;
const SHARED: Level = new Map();
const MAX_SHARED = 8192;
let sharedCount = 0;
const MISSING_VALUE = Symbol('missing');
const KEY_PARTS = 10;
const keyParts: unknown[] = new Array(KEY_PARTS);

function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function sharedReason(entry: TraceEntry, polarity: Polarity): Reason {
  if (!isScalar(entry.target) || (!entry.missing && !isScalar(entry.value)) || (typeof entry.value === 'string' && entry.value.length > 256)) return renderReason(entry, polarity);
  // The pointer places the condition in its rule (the expression and operator with it).
  keyParts[0] = polarity;
  keyParts[1] = entry.pointer;
  keyParts[2] = entry.expressionKind;
  keyParts[3] = entry.expression;
  keyParts[4] = entry.operator;
  keyParts[5] = entry.negated;
  keyParts[6] = entry.result;
  keyParts[7] = entry.path;
  keyParts[8] = entry.missing ? MISSING_VALUE : entry.value;
  keyParts[9] = entry.target;
  let level = SHARED;
  for (let i = 0; i < KEY_PARTS - 1; i++) {
    let next = level.get(keyParts[i]) as Level | undefined;
    if (next === undefined) {
      if (sharedCount >= MAX_SHARED) return Object.freeze(renderReason(entry, polarity));
      level.set(keyParts[i], (next = new Map()));
    }
    level = next;
  }
  const hit = level.get(keyParts[KEY_PARTS - 1]) as Reason | undefined;
  if (hit !== undefined) return hit;
  const reason = Object.freeze(renderReason(entry, polarity));
  if (sharedCount < MAX_SHARED) {
    level.set(keyParts[KEY_PARTS - 1], reason);
    sharedCount++;
  }
  return reason;
}

export function renderReasons(entries: readonly TraceEntry[], polarity: Polarity): Reason[] {
  return entries.map((e) => sharedReason(e, polarity));
}
