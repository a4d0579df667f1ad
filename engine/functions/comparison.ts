// Comparison functions (template-functions-comparison.md): equals, less, lessOrEquals, greater,
// greaterOrEquals, coalesce.
// equals is ARM deep equality with case-sensitive strings (digest §15 A-7 default; object keys compare
// case-insensitively as ARM property names do). Ordering compares two numbers, or two strings with .NET's
// culture-aware order (the docs: greater('A', 'a') is true, so it is neither ordinal nor case-insensitive);
// ties the collator cannot break fall back to ordinal order so results stay deterministic.
import { define, p } from './define.js';
import type { FunctionSpec, Thunk } from './types.js';
import { deepEquals, fail, kindOf } from './values.js';

const COLLATOR = new Intl.Collator('en-US', { sensitivity: 'variant', usage: 'sort' });

/** -1/0/1 for two numbers or two strings; throws for anything else. */
export function compareOrdered(name: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    const c = COLLATOR.compare(a, b);
    if (c !== 0) return c < 0 ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  throw fail(name, `cannot compare ${kindOf(a)} with ${kindOf(b)}; both arguments must be numbers or both strings`);
}

function ordering(name: string, doc: string, test: (c: number) => boolean): FunctionSpec {
  return define({
    name,
    doc,
    params: [p('arg1', 'number', 'string'), p('arg2', 'number', 'string')],
    evaluate: ([a, b]) => test(compareOrdered(name, a, b)),
  });
}

export const COMPARISON_FUNCTIONS: readonly FunctionSpec[] = [
  define({
    name: 'equals',
    doc: 'Deep equality of two values (strings case-sensitive, numbers by value).',
    params: [p('arg1'), p('arg2')],
    evaluate: ([a, b]) => deepEquals(a, b),
  }),
  ordering('less', 'True when arg1 < arg2 (two numbers, or two strings in culture order).', (c) => c < 0),
  ordering('lessOrEquals', 'True when arg1 <= arg2 (two numbers, or two strings in culture order).', (c) => c <= 0),
  ordering('greater', 'True when arg1 > arg2 (two numbers, or two strings in culture order).', (c) => c > 0),
  ordering('greaterOrEquals', 'True when arg1 >= arg2 (two numbers, or two strings in culture order).', (c) => c >= 0),
  define({
    name: 'coalesce',
    doc: 'The first argument that is not null (empty strings, arrays and objects count); null when all are.',
    params: [p('arg')],
    minArgs: 1,
    maxArgs: Infinity,
    lazy: true,
    evaluate(args) {
      for (const t of args) {
        const v = (t as Thunk)();
        if (v !== null && v !== undefined) return v;
      }
      return null;
    },
  }),
];
