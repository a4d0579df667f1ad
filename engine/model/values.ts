// The one value the JSON data model lacks: "this path does not exist" (as opposed to JSON null).
// Azure Policy treats missing and null differently (digest §2.3), so every reader returns MISSING
// for an absent path and operators decide what it means.

export const MISSING: unique symbol = Symbol.for('dine.missing');
export type Missing = typeof MISSING;

export function isMissing(v: unknown): v is Missing {
  return v === MISSING;
}
