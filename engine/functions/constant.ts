// Marks an Evaluator returned by a compile hook (parameters(), variables() …) as a compile-time constant,
// so the expression compiler can fold the calls around it. The marker is a symbol-keyed property.
import type { Evaluator } from '../expressions/types.js';

const CONSTANT = Symbol.for('dine.constant-evaluator');

interface Marked {
  [CONSTANT]?: { value: unknown };
}

/** An evaluator that always returns `value` and says so to the compiler. */
export function constantEvaluator(value: unknown): Evaluator {
  const f: Evaluator & Marked = () => value;
  f[CONSTANT] = { value };
  return f;
}

/** The folded value of an evaluator built by constantEvaluator, or undefined. */
export function constantOf(evaluator: Evaluator): { value: unknown } | undefined {
  return (evaluator as Evaluator & Marked)[CONSTANT];
}

const FAILURE = Symbol.for('dine.failed-evaluator');

interface Failed {
  [FAILURE]?: { code: string };
}

/**
 * An evaluator a compile hook returns after pushing a diagnostic (unknown parameter, current() outside a
 * count …): the compiler treats the call as failed, and the evaluator throws if it is ever run.
 */
export function failedEvaluator(error: Error & { code: string }): Evaluator {
  const f: Evaluator & Failed = () => {
    throw error;
  };
  f[FAILURE] = { code: error.code };
  return f;
}

export function failureOf(evaluator: Evaluator): { code: string } | undefined {
  return (evaluator as Evaluator & Failed)[FAILURE];
}
