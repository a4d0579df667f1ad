// Encoding and formatting template functions: base64*, dataUri*, uri*, format, padLeft.
// Sources: MicrosoftDocs/azure-docs articles/azure-resource-manager/templates/template-functions-string.md; digest §6.3.
// None of them is in the digest's §6.1 exclusion list, so all are allowed in policy rules and templates.
import { EvaluationError } from '../diagnostics/index.js';
import type { ExpressionPhase } from '../expressions/types.js';
import type { FunctionSpec } from './types.js';
import { MAX_RESULT_CHARS, functionFailed, integerArg, jsonKind, stringArg } from './deployment-args.js';

const BOTH: readonly ExpressionPhase[] = Object.freeze(['policyRule', 'template'] as const);

// ── base64 ─────────────────────────────────────────────────────────────────────────────────

const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** .NET Convert.FromBase64String: white space is ignored, anything else must be canonical base64. */
function decodeBase64(name: string, text: string): Uint8Array {
  const compact = text.replace(/[ \t\r\n]/g, '');
  if (!BASE64_TEXT.test(compact)) functionFailed(name, 'the input is not a valid Base-64 string');
  return Uint8Array.from(Buffer.from(compact, 'base64'));
}

function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}

function encodeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

// ── lenient JSON (base64ToJson) ────────────────────────────────────────────────────────────
// ARM parses JSON with Newtonsoft, which also accepts single-quoted strings; the docs' own base64ToJson example
// decodes "{'one': 'a', 'two': 'b'}". Strict JSON is tried first; the lenient reader only runs when it fails.

const MAX_JSON_DEPTH = 256;

function parseLenientJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the lenient reader
  }
  let i = 0;
  const fail = (reason: string): never => functionFailed(name, `invalid JSON at offset ${i}: ${reason}`);
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const str = (): string => {
    const quote = text[i];
    i++;
    let out = '';
    while (i < text.length && text[i] !== quote) {
      const c = text[i] as string;
      if (c === '\\') {
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          case undefined: fail('unterminated escape'); break;
          default: out += e;
        }
      } else {
        out += c;
        i++;
      }
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return out;
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) fail(`nested more than ${MAX_JSON_DEPTH} levels`);
    ws();
    const c = text[i];
    if (c === '"' || c === "'") return str();
    if (c === '{') {
      i++;
      // defineProperty keeps "__proto__" and "constructor" ordinary data keys
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        let key: string;
        if (text[i] === '"' || text[i] === "'") key = str();
        else {
          const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i));
          if (!m) return fail('expected a property name');
          key = m[0];
          i += key.length;
        }
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        Object.defineProperty(obj, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') { i++; ws(); if (text[i] === '}') { i++; break; } continue; }
        if (text[i] === '}') { i++; break; }
        fail("expected ',' or '}'");
      }
      return obj;
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') { i++; ws(); if (text[i] === ']') { i++; break; } continue; }
        if (text[i] === ']') { i++; break; }
        fail("expected ',' or ']'");
      }
      return arr;
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
  };
  const result = value(0);
  ws();
  if (i < text.length) fail('unexpected trailing characters');
  return result;
}

// ── data URIs ──────────────────────────────────────────────────────────────────────────────

/** The prefix ARM writes (docs: dataUri('Hello') → data:text/plain;charset=utf8;base64,SGVsbG8=). */
const DATA_URI_PREFIX = 'data:text/plain;charset=utf8;base64,';

function decodeDataUri(name: string, uri: string): string {
  if (!/^data:/i.test(uri)) functionFailed(name, 'the value is not a data URI (it must start with "data:")');
  const comma = uri.indexOf(',');
  if (comma < 0) functionFailed(name, 'the data URI has no "," before its data');
  const meta = uri.slice(5, comma).split(';').map((p) => p.trim().toLowerCase());
  const data = uri.slice(comma + 1);
  if (meta.includes('base64')) return decodeUtf8(decodeBase64(name, data));
  return unescapeDataString(data);
}

// ── URIs ───────────────────────────────────────────────────────────────────────────────────

/** .NET Uri.EscapeDataString: everything but the RFC 3986 unreserved characters is percent-encoded. */
function escapeDataString(name: string, text: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    return functionFailed(name, 'the string contains an unpaired surrogate and cannot be URI-encoded');
  }
  return encoded.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** .NET Uri.UnescapeDataString: decodes %XX runs that form valid UTF-8 and leaves any other text as it is. */
function unescapeDataString(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // decode byte by byte, keeping the sequences that are not valid UTF-8
      let out = '';
      let i = 0;
      while (i < run.length) {
        let decoded: string | undefined;
        for (let len = Math.min(12, run.length - i); len >= 3; len -= 3) {
          try {
            decoded = decodeURIComponent(run.slice(i, i + len));
            i += len;
            break;
          } catch {
            decoded = undefined;
          }
        }
        if (decoded === undefined) {
          out += run.slice(i, i + 3);
          i += 3;
        } else out += decoded;
      }
      return out;
    }
  });
}

/** RFC 3986 §5 resolution of `relative` against `base` (docs: uri()). */
function resolveUri(name: string, base: string, relative: string): string {
  let baseUrl: URL;
  try {
    baseUrl = new URL(base);
  } catch {
    return functionFailed(name, `"${base}" is not an absolute URI`);
  }
  try {
    return new URL(relative, baseUrl).href;
  } catch {
    return functionFailed(name, `"${relative}" cannot be resolved against "${base}"`);
  }
}

// ── format (.NET composite formatting) ─────────────────────────────────────────────────────

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fixed(value: number, decimals: number): string {
  if (decimals > 99) decimals = 99;
  if (Math.abs(value) >= 1e21) return value.toLocaleString('en-US', { useGrouping: false, minimumFractionDigits: Math.min(decimals, 20), maximumFractionDigits: Math.min(decimals, 20) });
  return value.toFixed(Math.min(decimals, 100));
}

/** A .NET standard or simple custom numeric format ("N2", "D5", "X", "F1", "P0", "E3", "0000", "#,##0.00"). */
function formatNumber(name: string, value: number, spec: string): string {
  const std = /^([A-Za-z])(\d{1,2})?$/.exec(spec);
  if (std) {
    const letter = std[1] as string;
    const precision = std[2] === undefined ? undefined : Number(std[2]);
    const neg = value < 0 || Object.is(value, -0);
    const abs = Math.abs(value);
    switch (letter.toUpperCase()) {
      case 'D': {
        if (!Number.isInteger(value)) functionFailed(name, `format "${spec}" is only supported for integral values`);
        const digits = abs.toFixed(0).padStart(precision ?? 0, '0');
        return (value < 0 ? '-' : '') + digits;
      }
      case 'N': {
        const [int = '0', frac] = fixed(abs, precision ?? 2).split('.');
        const body = groupThousands(int) + (frac !== undefined ? '.' + frac : '');
        return (neg && Number(fixed(abs, precision ?? 2)) !== 0 ? '-' : '') + body;
      }
      case 'F': {
        const body = fixed(abs, precision ?? 2);
        return (neg && Number(body) !== 0 ? '-' : '') + body;
      }
      case 'P': {
        const [int = '0', frac] = fixed(abs * 100, precision ?? 2).split('.');
        const body = groupThousands(int) + (frac !== undefined ? '.' + frac : '');
        return (neg && Number(body.replace(/,/g, '')) !== 0 ? '-' : '') + body + ' %';
      }
      case 'X': {
        if (!Number.isInteger(value)) functionFailed(name, `format "${spec}" is only supported for integral values`);
        const big = value < 0 ? (1n << 64n) + BigInt(value) : BigInt(value);
        const hex = big.toString(16).padStart(precision ?? 0, '0');
        return letter === 'X' ? hex.toUpperCase() : hex;
      }
      case 'E': {
        const s = abs.toExponential(precision ?? 6);
        const [mant = '0', exp = '0'] = s.split('e');
        const expNum = Number(exp);
        const e = (expNum < 0 ? '-' : '+') + String(Math.abs(expNum)).padStart(3, '0');
        return (neg && abs !== 0 ? '-' : '') + mant + (letter === 'E' ? 'E' : 'e') + e;
      }
      case 'G':
      case 'R':
        return String(value).replace('e+', 'E+').replace('e-', 'E-');
      default:
        return functionFailed(name, `format specifier "${spec}" is not supported`);
    }
  }
  if (/^[0#,.]+$/.test(spec)) {
    const dot = spec.indexOf('.');
    const intPart = dot < 0 ? spec : spec.slice(0, dot);
    const fracPart = dot < 0 ? '' : spec.slice(dot + 1);
    const minInt = (intPart.match(/0/g) ?? []).length;
    const minFrac = (fracPart.match(/0/g) ?? []).length;
    const maxFrac = fracPart.replace(/,/g, '').length;
    const grouping = /0,0|#,#|#,0/.test(intPart);
    let [int = '0', frac = ''] = fixed(Math.abs(value), maxFrac).split('.');
    while (frac.length > minFrac && frac.endsWith('0')) frac = frac.slice(0, -1);
    if (int === '0' && minInt === 0) int = '';
    int = int.padStart(minInt, '0');
    if (grouping) int = groupThousands(int);
    const body = int + (frac ? '.' + frac : '');
    return (value < 0 && /[1-9]/.test(body) ? '-' : '') + body;
  }
  return functionFailed(name, `format specifier "${spec}" is not supported`);
}

/** How .NET renders one argument: strings as is, booleans True/False, null as "", others as compact JSON. */
function formatArgument(name: string, value: unknown, spec: string | undefined): string {
  if (typeof value === 'number') return spec === undefined ? String(value).replace('e+', 'E+').replace('e-', 'E-') : formatNumber(name, value, spec);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

/** .NET String.Format: `{index[,alignment][:format]}`, `{{` and `}}` escapes. */
export function formatComposite(name: string, format: string, values: readonly unknown[]): string {
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c === '}') {
      if (format[i + 1] === '}') { out += '}'; i += 2; continue; }
      functionFailed(name, `input string was not in a correct format: unescaped "}" at ${i}`);
    }
    if (c !== '{') { out += c; i++; continue; }
    if (format[i + 1] === '{') { out += '{'; i += 2; continue; }
    const close = format.indexOf('}', i);
    if (close < 0) functionFailed(name, `input string was not in a correct format: unclosed "{" at ${i}`);
    const item = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/s.exec(format.slice(i + 1, close));
    if (!item) functionFailed(name, `input string was not in a correct format: "${format.slice(i, close + 1)}"`);
    const index = Number(item[1]);
    if (index >= values.length) functionFailed(name, `index ${index} is out of range; there are ${values.length} value(s) to format`);
    let text = formatArgument(name, values[index], item[3] === undefined || item[3] === '' ? undefined : item[3]);
    if (item[2] !== undefined) {
      const width = Number(item[2]);
      if (Math.abs(width) > MAX_RESULT_CHARS) throw new EvaluationError('expr.result-too-large', { limit: MAX_RESULT_CHARS });
      text = width < 0 ? text.padEnd(-width, ' ') : text.padStart(width, ' ');
    }
    out += text;
    if (out.length > MAX_RESULT_CHARS) throw new EvaluationError('expr.result-too-large', { limit: MAX_RESULT_CHARS });
    i = close + 1;
  }
  return out;
}

// ── the table ──────────────────────────────────────────────────────────────────────────────

export const ENCODING_FUNCTIONS: readonly FunctionSpec[] = Object.freeze([
  {
    name: 'base64',
    doc: 'base64(inputString): the Base-64 text of the UTF-8 bytes of a string.',
    phases: BOTH,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'inputString', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => encodeBase64(stringArg('base64', args, 0, 'inputString')),
  },
  {
    name: 'base64ToString',
    doc: 'base64ToString(base64Value): decodes Base-64 text to a UTF-8 string.',
    phases: BOTH,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'base64Value', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => decodeUtf8(decodeBase64('base64ToString', stringArg('base64ToString', args, 0, 'base64Value'))),
  },
  {
    name: 'base64ToJson',
    doc: 'base64ToJson(base64Value): decodes Base-64 text and parses it as JSON.',
    phases: BOTH,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'base64Value', kinds: ['string'] }],
    pure: true,
    evaluate: (args) =>
      parseLenientJson('base64ToJson', decodeUtf8(decodeBase64('base64ToJson', stringArg('base64ToJson', args, 0, 'base64Value')))),
  },
  {
    name: 'dataUri',
    doc: 'dataUri(stringToConvert): a text/plain UTF-8 Base-64 data URI of a string.',
    phases: BOTH,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'stringToConvert', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => DATA_URI_PREFIX + encodeBase64(stringArg('dataUri', args, 0, 'stringToConvert')),
  },
  {
    name: 'dataUriToString',
    doc: 'dataUriToString(dataUriToConvert): the text a data URI holds (Base-64 or percent-encoded).',
    phases: BOTH,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'dataUriToConvert', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => decodeDataUri('dataUriToString', stringArg('dataUriToString', args, 0, 'dataUriToConvert')),
  },
  {
    name: 'uri',
    doc: 'uri(baseUri, relativeUri): resolves relativeUri against baseUri (RFC 3986 §5).',
    phases: BOTH,
    minArgs: 2,
    maxArgs: 2,
    params: [
      { name: 'baseUri', kinds: ['string'] },
      { name: 'relativeUri', kinds: ['string'] },
    ],
    pure: true,
    evaluate: (args) => resolveUri('uri', stringArg('uri', args, 0, 'baseUri'), stringArg('uri', args, 1, 'relativeUri')),
  },
  {
    name: 'uriComponent',
    doc: 'uriComponent(stringToEncode): percent-encodes all but the RFC 3986 unreserved characters.',
    phases: BOTH,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'stringToEncode', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => escapeDataString('uriComponent', stringArg('uriComponent', args, 0, 'stringToEncode')),
  },
  {
    name: 'uriComponentToString',
    doc: 'uriComponentToString(uriEncodedString): decodes percent-encoded text.',
    phases: BOTH,
    minArgs: 1,
    maxArgs: 1,
    params: [{ name: 'uriEncodedString', kinds: ['string'] }],
    pure: true,
    evaluate: (args) => unescapeDataString(stringArg('uriComponentToString', args, 0, 'uriEncodedString')),
  },
  {
    name: 'format',
    doc: "format(formatString, arg1, …): .NET composite formatting ('{0}', '{1:N2}', '{0,5}', '{{' and '}}').",
    phases: BOTH,
    minArgs: 1,
    maxArgs: Infinity,
    params: [
      { name: 'formatString', kinds: ['string'] },
      { name: 'arg', kinds: ['any'] },
    ],
    pure: true,
    evaluate: (args) => formatComposite('format', stringArg('format', args, 0, 'formatString'), args.slice(1)),
  },
  {
    name: 'padLeft',
    doc: 'padLeft(valueToPad, totalLength, [paddingCharacter]): right-aligns a string or integer to totalLength.',
    phases: BOTH,
    minArgs: 2,
    maxArgs: 3,
    params: [
      { name: 'valueToPad', kinds: ['string', 'integer'] },
      { name: 'totalLength', kinds: ['integer'] },
      { name: 'paddingCharacter', kinds: ['string'] },
    ],
    pure: true,
    evaluate: (args) => {
      const raw = args[0];
      if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isSafeInteger(raw))) {
        throw new EvaluationError('expr.argument-type', { name: 'padLeft', index: 1, argument: 'valueToPad', expected: 'a string or an integer', actual: jsonKind(raw) });
      }
      const value = String(raw);
      const total = integerArg('padLeft', args, 1, 'totalLength');
      const pad = args.length > 2 ? stringArg('padLeft', args, 2, 'paddingCharacter') : ' ';
      if ([...pad].length !== 1) functionFailed('padLeft', 'paddingCharacter must be a single character');
      if (total < 0) functionFailed('padLeft', 'totalLength must not be negative');
      if (total > MAX_RESULT_CHARS) throw new EvaluationError('expr.result-too-large', { limit: MAX_RESULT_CHARS });
      return value.length >= total ? value : pad.repeat(total - value.length) + value;
    },
  },
] satisfies FunctionSpec[]);

/** Exposed for tests and for callers that format outside a template (e.g. reason texts). */
export const ENCODING_INTERNALS = Object.freeze({ parseLenientJson, escapeDataString, unescapeDataString });
