// String functions (template-functions-string.md): toLower, toUpper, trim, replace, substring, split,
// startsWith, endsWith, join. (format and padLeft are in encoding.ts.) indexOf/lastIndexOf/first/last/… that also take arrays live
// in array.ts; base64*, uri*, dataUri*, guid and uniqueString in encoding.ts.
import { define, p } from './define.js';
import type { FunctionSpec } from './types.js';
import { fail, kindOf, toArmString } from './values.js';

/**
 * Ordinal case folding that keeps every UTF-16 unit in place (so indexes stay valid): each unit is
 * upper-cased on its own and kept as is when that would change the length (ß → SS).
 */
export function foldCase(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const u = c.toUpperCase();
    out += u.length === 1 ? u : c;
  }
  return out;
}

/** .NET String.Split(string[], None): at each position the first delimiter (in array order) that matches splits. */
export function splitBy(s: string, delimiters: readonly string[]): string[] {
  const ds = delimiters.filter((d) => d.length > 0);
  if (ds.length === 0) return [s];
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    let matched = 0;
    for (const d of ds) {
      if (s.startsWith(d, i)) {
        matched = d.length;
        break;
      }
    }
    if (matched > 0) {
      out.push(s.slice(start, i));
      i += matched;
      start = i;
    } else i++;
  }
  out.push(s.slice(start));
  return out;
}

export const STRING_FUNCTIONS: readonly FunctionSpec[] = [
  define({
    name: 'toLower',
    doc: 'The string in lower case (invariant culture).',
    params: [p('stringToChange', 'string')],
    evaluate: ([s]) => (s as string).toLowerCase(),
  }),
  define({
    name: 'toUpper',
    doc: 'The string in upper case (invariant culture).',
    params: [p('stringToChange', 'string')],
    evaluate: ([s]) => (s as string).toUpperCase(),
  }),
  define({
    name: 'trim',
    doc: 'The string without leading and trailing white space.',
    params: [p('stringToTrim', 'string')],
    evaluate: ([s]) => (s as string).trim(),
  }),
  define({
    name: 'replace',
    doc: 'Replaces every occurrence of oldString (ordinal, case-sensitive) with newString.',
    params: [p('originalString', 'string'), p('oldString', 'string'), p('newString', 'string')],
    evaluate([s, o, n]) {
      if ((o as string).length === 0) throw fail('replace', 'oldString cannot be empty');
      return (s as string).split(o as string).join(n as string);
    },
  }),
  define({
    name: 'substring',
    doc: 'length characters from startIndex (default: to the end); fails when the range leaves the string.',
    params: [p('stringToParse', 'string'), p('startIndex', 'integer'), p('length', 'integer')],
    minArgs: 1,
    evaluate(args) {
      const s = args[0] as string;
      const start = args.length > 1 ? (args[1] as number) : 0;
      const len = args.length > 2 ? (args[2] as number) : s.length - start;
      if (start < 0 || start > s.length || len < 0 || start + len > s.length) {
        throw fail(
          'substring',
          `The index and length parameters must refer to a location within the string. The index parameter: '${start}', the length parameter: '${len}', the length of the string parameter: '${s.length}'.`,
        );
      }
      return s.substring(start, start + len);
    },
  }),
  define({
    name: 'split',
    doc: 'Splits a string at a delimiter or at any of an array of delimiters; empty pieces are kept.',
    params: [p('inputString', 'string'), p('delimiter', 'string', 'array')],
    evaluate([s, d]) {
      const ds = typeof d === 'string' ? [d] : (d as unknown[]);
      ds.forEach((x) => {
        if (typeof x !== 'string') throw fail('split', `delimiters must be strings, got ${kindOf(x)}`);
      });
      return splitBy(s as string, ds as string[]);
    },
  }),
  define({
    name: 'startsWith',
    doc: 'True when the string starts with the value (case-insensitive).',
    params: [p('stringToSearch', 'string'), p('stringToFind', 'string')],
    evaluate: ([s, f]) => foldCase(s as string).startsWith(foldCase(f as string)),
  }),
  define({
    name: 'endsWith',
    doc: 'True when the string ends with the value (case-insensitive).',
    params: [p('stringToSearch', 'string'), p('stringToFind', 'string')],
    evaluate: ([s, f]) => foldCase(s as string).endsWith(foldCase(f as string)),
  }),
  define({
    name: 'join',
    doc: 'Joins the elements of an array of strings (numbers and booleans as text) with a delimiter.',
    params: [p('inputArray', 'array'), p('delimiter', 'string')],
    evaluate([a, d]) {
      const parts = (a as unknown[]).map((x, i) => {
        if (x !== null && typeof x === 'object') throw fail('join', `element ${i} is ${kindOf(x)}; only strings, numbers and booleans can be joined`);
        return toArmString(x);
      });
      return parts.join(d as string);
    },
  }),
];
