// Conversion functions: string (template-functions-string.md), int and float (template-functions-numeric.md).
// bool is in logical.ts, array in array.ts, json in object.ts.
import { define, p } from './define.js';
import type { FunctionSpec } from './types.js';
import { fail, toArmString } from './values.js';

/** Round half to even, as .NET Convert.ToInt64(double) does. */
function roundHalfEven(n: number): number {
  const r = Math.round(n);
  return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const CONVERSION_FUNCTIONS: readonly FunctionSpec[] = [
  define({
    name: 'string',
    doc: 'Converts a value to text: objects and arrays as compact JSON, booleans as True/False, null as "".',
    params: [p('valueToConvert')],
    evaluate: ([v]) => toArmString(v),
  }),
  define({
    name: 'int',
    doc: 'Converts an integer string (or a number, rounded half to even) to an integer.',
    params: [p('valueToConvert', 'string', 'number')],
    evaluate([v]) {
      if (typeof v === 'number') return roundHalfEven(v);
      const s = (v as string).trim();
      if (!/^[+-]?\d+$/.test(s)) throw fail('int', `'${v as string}' is not an integer`);
      const n = Number(s);
      if (!Number.isSafeInteger(n)) throw fail('int', `'${v as string}' is outside the 64-bit integer range this engine supports exactly`);
      return n === 0 ? 0 : n;
    },
  }),
  define({
    name: 'float',
    doc: 'Converts a decimal string or number to a floating-point number.',
    params: [p('arg1', 'string', 'number')],
    evaluate([v]) {
      if (typeof v === 'number') return v;
      const s = (v as string).trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw fail('float', `'${v as string}' is not a number`);
      return Number(s);
    },
  }),
];
