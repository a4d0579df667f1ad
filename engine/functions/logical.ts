// Logical functions (template-functions-logical.md): and, or, not, bool, if, true, false.
// if, and, or are lazy: if evaluates only the chosen branch (the docs' guard for substring() and
// reference()), and/or stop at the first deciding argument.
import { checkArgument } from './check.js';
import { define, p } from './define.js';
import type { FunctionSpec, Thunk } from './types.js';
import { fail } from './values.js';

function logical(name: 'and' | 'or', stopAt: boolean): FunctionSpec {
  const spec: FunctionSpec = define({
    name,
    doc: name === 'and' ? 'True when every argument is true (stops at the first false).' : 'True when any argument is true (stops at the first true).',
    params: [p('arg', 'boolean')],
    minArgs: 2,
    maxArgs: Infinity,
    lazy: true,
    evaluate(args) {
      for (let i = 0; i < args.length; i++) {
        const v = (args[i] as Thunk)();
        checkArgument(spec, i, v);
        if (v === stopAt) return stopAt;
      }
      return !stopAt;
    },
  });
  return spec;
}

const ifSpec: FunctionSpec = define({
  name: 'if',
  doc: 'Returns trueValue when condition is true, else falseValue; only the chosen branch is evaluated.',
  params: [p('condition', 'boolean'), p('trueValue'), p('falseValue')],
  lazy: true,
  evaluate(args) {
    const c = (args[0] as Thunk)();
    checkArgument(ifSpec, 0, c);
    return (args[c === true ? 1 : 2] as Thunk)();
  },
});

export const LOGICAL_FUNCTIONS: readonly FunctionSpec[] = [
  logical('and', false),
  logical('or', true),
  ifSpec,
  define({
    name: 'not',
    doc: 'The boolean opposite of its argument.',
    params: [p('arg1', 'boolean')],
    evaluate: ([v]) => !(v as boolean),
  }),
  define({
    name: 'bool',
    doc: "Converts 'true'/'false' (any case), an integer (0 is false) or a boolean to a boolean.",
    params: [p('arg1', 'string', 'integer', 'boolean')],
    evaluate([v]) {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      const s = (v as string).trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw fail('bool', `the string '${v as string}' is not 'true' or 'false'`);
    },
  }),
  define({ name: 'true', doc: 'Returns true.', evaluate: () => true }),
  define({ name: 'false', doc: 'Returns false.', evaluate: () => false }),
];
