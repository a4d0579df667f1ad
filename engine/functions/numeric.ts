// Numeric functions (template-functions-numeric.md): add, sub, mul, div, mod, min, max.
// ARM integers are 64-bit; this engine computes exactly within ±2^53 and fails beyond rather than round.
// div truncates toward zero and mod takes the dividend's sign (.NET semantics); both fail on zero.
import { define, p } from './define.js';
import type { FunctionSpec } from './types.js';
import { fail, kindOf } from './values.js';

function exact(name: string, a: number, b: number, r: number): number {
  if (Number.isInteger(a) && Number.isInteger(b) && !Number.isSafeInteger(r)) throw fail(name, 'integer overflow');
  return r === 0 ? 0 : r;
}

function arithmetic(name: string, doc: string, op: (a: number, b: number) => number): FunctionSpec {
  return define({
    name,
    doc,
    params: [p('operand1', 'number'), p('operand2', 'number')],
    evaluate: ([a, b]) => exact(name, a as number, b as number, op(a as number, b as number)),
  });
}

function extreme(name: 'min' | 'max'): FunctionSpec {
  return define({
    name,
    doc: `The ${name === 'min' ? 'smallest' : 'largest'} of a list of numbers or of one array of numbers.`,
    params: [p('arg', 'number', 'array')],
    minArgs: 1,
    maxArgs: Infinity,
    evaluate(args) {
      let values: unknown[];
      if (args.length === 1 && Array.isArray(args[0])) values = args[0];
      else {
        args.forEach((a, i) => {
          if (Array.isArray(a)) throw fail(name, `argument ${i + 1} is an array; pass one array or a list of numbers`);
        });
        values = [...args];
      }
      if (values.length === 0) throw fail(name, 'the array is empty');
      let best = NaN;
      values.forEach((v, i) => {
        if (typeof v !== 'number') throw fail(name, `element ${i} is ${kindOf(v)}, not a number`);
        if (Number.isNaN(best) || (name === 'min' ? v < best : v > best)) best = v;
      });
      return best;
    },
  });
}

export const NUMERIC_FUNCTIONS: readonly FunctionSpec[] = [
  arithmetic('add', 'The sum of two numbers.', (a, b) => a + b),
  arithmetic('sub', 'operand1 minus operand2.', (a, b) => a - b),
  arithmetic('mul', 'The product of two numbers.', (a, b) => a * b),
  define({
    name: 'div',
    doc: 'Integer division truncated toward zero (fails on division by zero).',
    params: [p('operand1', 'number'), p('operand2', 'number')],
    evaluate([a, b]) {
      if (b === 0) throw fail('div', 'division by zero');
      const x = a as number;
      const y = b as number;
      const r = Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(x / y) : x / y;
      return r === 0 ? 0 : r;
    },
  }),
  define({
    name: 'mod',
    doc: 'The remainder of integer division, with the sign of the dividend (fails on zero).',
    params: [p('operand1', 'number'), p('operand2', 'number')],
    evaluate([a, b]) {
      if (b === 0) throw fail('mod', 'division by zero');
      const r = (a as number) % (b as number);
      return r === 0 ? 0 : r;
    },
  }),
  extreme('min'),
  extreme('max'),
];
