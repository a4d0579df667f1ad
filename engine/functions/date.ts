// Date functions for policy rules: utcNow and addDays (definition-structure-policy-rule.md "Policy
// functions"). The template-only dateTimeAdd, dateTimeFromEpoch and dateTimeToEpoch are in deployment.ts.
// Instants keep .NET's 100 ns tick precision: epoch milliseconds plus a 0–9999 tick remainder.
// utcNow() never reads the clock: it formats rt.now, which the caller fixes for determinism.
import { define, p, POLICY_ONLY } from './define.js';
import type { Expr, ExpressionRuntime, ExpressionScope } from '../expressions/types.js';
import type { FunctionSpec } from './types.js';
import { fail } from './values.js';
import { formatDateTime } from './deployment-dates.js';

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

/**
 * Formats an instant (UTC) with a .NET standard or custom date-time format string (invariant culture): the one
 * formatter in deployment-dates.ts, on 100 ns ticks since the Unix epoch.
 */
export function formatDate(at: Instant, format: string): string {
  const pattern = format.startsWith('%') && format.length === 2 ? format.slice(1) : format;
  return formatDateTime('format', BigInt(at.ms) * 10000n + BigInt(at.sub), pattern);
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
