// Object functions (template-functions-object.md): createObject, items, json, null, objectKeys,
// shallowMerge, tryGet. contains, empty, intersection, length and union live in array.ts.
import { define, p } from './define.js';
import type { FunctionSpec } from './types.js';
import { cloneJson, fail, findKey, isObject, kindOf, newObject, setKey, type JsonObject } from './values.js';

/** Keys in ordinal order (ARM returns items()/objectKeys() alphabetically; see the docs' item001/item002 example). */
function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export const OBJECT_FUNCTIONS: readonly FunctionSpec[] = [
  define({
    name: 'createObject',
    doc: 'An object from alternating keys and values (an even number of arguments; keys are strings).',
    params: [p('key', 'string'), p('value')],
    minArgs: 0,
    maxArgs: Infinity,
    evaluate(args) {
      if (args.length % 2 !== 0) throw fail('createObject', `needs an even number of arguments (key, value pairs), got ${args.length}`);
      const o = newObject();
      for (let i = 0; i < args.length; i += 2) {
        const k = args[i];
        if (typeof k !== 'string') throw fail('createObject', `key argument ${i + 1} must be a string, got ${kindOf(k)}`);
        if (findKey(o, k) !== undefined) throw fail('createObject', `key '${k}' appears more than once (keys are case-insensitive)`);
        setKey(o, k, args[i + 1]);
      }
      return o;
    },
  }),
  define({
    name: 'items',
    doc: 'The object as an array of {key, value} objects, sorted by key.',
    params: [p('object', 'object')],
    evaluate([v]) {
      const o = v as JsonObject;
      return sortedKeys(o).map((k) => {
        const item = newObject();
        setKey(item, 'key', k);
        setKey(item, 'value', o[k]);
        return item;
      });
    },
  }),
  define({
    name: 'objectKeys',
    doc: 'The keys of an object, sorted.',
    params: [p('object', 'object')],
    evaluate: ([v]) => sortedKeys(v as JsonObject),
  }),
  define({
    name: 'json',
    doc: "Parses a JSON string into a value; json('null') is null.",
    params: [p('arg1', 'string')],
    evaluate([s]) {
      try {
        return cloneJson(JSON.parse(s as string));
      } catch (e) {
        if (e instanceof SyntaxError) throw fail('json', `the string is not valid JSON: ${e.message}`);
        throw e;
      }
    },
  }),
  define({ name: 'null', doc: 'Returns null.', evaluate: () => null }),
  define({
    name: 'shallowMerge',
    doc: 'Merges an array of objects top-level only; later properties replace earlier ones.',
    params: [p('inputArray', 'array')],
    evaluate([a]) {
      const out = newObject();
      (a as unknown[]).forEach((o, i) => {
        if (!isObject(o)) throw fail('shallowMerge', `element ${i} is ${kindOf(o)}; the array must hold objects`);
        for (const k of Object.keys(o)) setKey(out, findKey(out, k) ?? k, o[k]);
      });
      return out;
    },
  }),
  define({
    name: 'tryGet',
    doc: 'Reads a key (objects, case-insensitive) or index (arrays) — several for a path — or null when absent.',
    params: [p('itemToTest', 'object', 'array', 'null'), p('keyOrIndex', 'string', 'integer')],
    minArgs: 2,
    maxArgs: Infinity,
    evaluate(args) {
      let cur: unknown = args[0];
      for (let i = 1; i < args.length; i++) {
        const key = args[i];
        if (isObject(cur) && typeof key === 'string') {
          const k = findKey(cur, key);
          cur = k === undefined ? null : cur[k];
        } else if (Array.isArray(cur) && typeof key === 'number') {
          cur = key >= 0 && key < cur.length ? cur[key] : null;
        } else return null;
        if (cur === undefined) return null;
      }
      return cur;
    },
  }),
];
