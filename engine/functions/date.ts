// Date functions for policy rules: utcNow and addDays (definition-structure-policy-rule.md "Policy
// functions"). The template-only dateTimeAdd, dateTimeFromEpoch and dateTimeToEpoch are in deployment.ts.
// Instants keep .NET's 100 ns tick precision: epoch milliseconds plus a 0–9999 tick remainder.
// utcNow() never reads the clock: it formats rt.now, which the caller fixes for determinism.
import { define, p, POLICY_ONLY } from './define.js';
import type { Expr, ExpressionRuntime, ExpressionScope } from '../expressions/types.js';
import type { FunctionSpec } from './types.js';
import { fail } from './values.js';

export interface Instant {
  /** Milliseconds since 1970-01-01T00:00:00Z. */
  ms: number;
  /** Ticks (100 ns) beyond the millisecond, 0–9999. */
  sub: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses an ISO 8601 date-time (date only, 'T' or space separator, optional fraction and offset; no offset = UTC). */
export function parseIsoDate(s: string): Instant | undefined {
  const m = ISO.exec(s.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(se);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return undefined;
  const ticks = Number((frac + '0000000').slice(0, 7));
  let ms = date.getTime() + Math.floor(ticks / 10000);
  const sub = ticks % 10000;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    ms -= sign * offset * 60000;
  }
  return { ms, sub };
}

function requireDate(name: string, s: string): Instant {
  const d = parseIsoDate(s);
  if (d === undefined) throw fail(name, `'${s}' is not an ISO 8601 date-time`);
  return d;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const STANDARD: Record<string, string> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  m: 'MMMM dd',
  M: 'MMMM dd',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  U: 'dddd, dd MMMM yyyy HH:mm:ss',
  y: 'yyyy MMMM',
  Y: 'yyyy MMMM',
};

/** Formats an instant (UTC) with a .NET standard or custom date-time format string (invariant culture). */
export function formatDate(at: Instant, format: string): string {
  const pattern = format.length === 1 ? STANDARD[format] : format.startsWith('%') && format.length === 2 ? format.slice(1) : format;
  if (pattern === undefined) throw fail('format', `'${format}' is not a standard date-time format`);
  const d = new Date(at.ms);
  const ticks = (((at.ms % 1000) + 1000) % 1000) * 10000 + at.sub;
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'" || c === '"') {
      const end = pattern.indexOf(c, i + 1);
      if (end < 0) throw fail('format', `unterminated quoted text in format '${format}'`);
      out += pattern.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '\\') {
      out += pattern[i + 1] ?? '';
      i += 2;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    const year = d.getUTCFullYear();
    switch (c) {
      case 'y':
        out += n <= 2 ? pad(year % 100, n) : pad(year, n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[d.getUTCMonth()] : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, n);
        break;
      case 'd':
        out += n >= 4 ? DAYS[d.getUTCDay()] : n === 3 ? DAYS[d.getUTCDay()]!.slice(0, 3) : pad(d.getUTCDate(), n);
        break;
      case 'H':
        out += pad(d.getUTCHours(), Math.min(n, 2));
        break;
      case 'h':
        out += pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, Math.min(n, 2));
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), Math.min(n, 2));
        break;
      case 's':
        out += pad(d.getUTCSeconds(), Math.min(n, 2));
        break;
      case 'f':
      case 'F': {
        if (n > 7) throw fail('format', `too many '${c}' in format '${format}'`);
        let digits = pad(ticks, 7).slice(0, n);
        if (c === 'F') digits = digits.replace(/0+$/, '');
        if (c === 'F' && digits === '' && out.endsWith('.')) out = out.slice(0, -1);
        out += digits;
        break;
      }
      case 't':
        out += (d.getUTCHours() < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
        break;
      case 'K':
        out += 'Z';
        break;
      case 'z':
        out += n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
        break;
      case 'g':
        out += 'A.D.';
        break;
      default:
        out += c.repeat(n);
    }
  }
  return out;
}

/** 'yyyy-MM-ddTHH:mm:ss.fffffffZ', the format utcNow() and addDays() return in policy rules. */
export function formatRoundTrip(at: Instant): string {
  return formatDate(at, 'o');
}

function addTicks(at: Instant, ms: number, sub = 0): Instant {
  let total = at.sub + sub;
  const carry = Math.floor(total / 10000);
  total -= carry * 10000;
  const out = { ms: at.ms + ms + carry, sub: total };
  checkRange(out);
  return out;
}

const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const MIN_MS_YEAR1 = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();

function checkRange(at: Instant): void {
  if (!(at.ms >= MIN_MS_YEAR1 && at.ms <= MAX_MS)) throw fail('date', 'the result is outside the years 1 to 9999');
}

function nowInstant(name: string, rt: ExpressionRuntime): Instant {
  if (rt.now === '') throw fail(name, 'no evaluation time was given (pass `now`)');
  return requireDate(name, rt.now);
}

const utcNowSpec: FunctionSpec = define({
  name: 'utcNow',
  doc: "The evaluation time (rt.now): 'yyyy-MM-ddTHH:mm:ss.fffffffZ' in policy rules, 'yyyyMMddTHHmmssZ' in templates, or a .NET format.",
  params: [p('format', 'string')],
  minArgs: 0,
  pure: false,
  compile(args: readonly Expr[], scope: ExpressionScope) {
    // The default format depends on the phase; the compiler handles the argument itself otherwise.
    if (args.length > 0) return undefined;
    const fmt = scope.phase === 'template' ? "yyyyMMdd'T'HHmmss'Z'" : 'o';
    return (rt: ExpressionRuntime) => formatDate(nowInstant('utcNow', rt), fmt);
  },
  evaluate: (args, rt) => formatDate(nowInstant('utcNow', rt), (args[0] as string | undefined) ?? 'o'),
});

export const DATE_FUNCTIONS: readonly FunctionSpec[] = [
  utcNowSpec,
  define({
    name: 'addDays',
    doc: "Adds numberOfDaysToAdd (may be negative) to an ISO 8601 date-time; returns 'yyyy-MM-ddTHH:mm:ss.fffffffZ'.",
    phases: POLICY_ONLY,
    params: [p('dateTime', 'string'), p('numberOfDaysToAdd', 'integer')],
    evaluate([s, n]) {
      const at = requireDate('addDays', s as string);
      return formatRoundTrip(addTicks(at, (n as number) * 86400000));
    },
  }),
];
