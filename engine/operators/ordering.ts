// less / lessOrEquals / greater / greaterOrEquals (digest §2.2, §15 ).
//
// Comparable pairs:
// - number vs number: numerically;
// - number vs numeric string (either side): numerically ("8080" > 1024);
// - string vs string: as instants when both are ISO-8601 date-times, else case-insensitive ordinal on the
//   lower-cased strings (lower-casing, not upper-casing, so "_" sorts before letters as InvariantCulture does).
//   Two numeric strings are strings: "10" < "9".
// Everything else (missing, null, booleans, arrays, objects, number vs non-numeric string) is a type mismatch:
// false by default, EvaluationError('eval.type-mismatch') with strictOrdering (the docs: "an error is thrown").
// A target that is an array or object is always an error ('eval.operator-target').
import { EvaluationError } from '../diagnostics/index.js';
import { isAbsent, describeValue, foldCase, isScalar, targetError } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

export type OrderingName = 'less' | 'lessOrEquals' | 'greater' | 'greaterOrEquals';

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a numeric string stands for (surrounding white space allowed, as .NET double.Parse), else undefined. */
export function parseNumericString(s: string): number | undefined {
  const t = s.trim();
  if (!NUMERIC.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** An instant: whole seconds since 1970-01-01T00:00:00Z and the fraction digits with trailing zeros removed. */
export interface Instant {
  readonly seconds: number;
  readonly fraction: string;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,12}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's days_from_civil: proleptic Gregorian, exact for every year.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Parses an ISO-8601 date or date-time: `YYYY-MM-DD`, optionally `T`/space `hh:mm[:ss[.fraction]]` and a zone
 * (`Z`, `±hh`, `±hh:mm`, `±hhmm`). Without a zone the time is read as UTC (deterministic; no local time zone).
 */
export function parseIsoInstant(s: string): Instant | undefined {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  const fraction = (m[7] ?? '').replace(/0+$/, '');
  return { seconds, fraction };
}

export function compareInstants(a: Instant, b: Instant): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  const n = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(n, '0');
  const fb = b.fraction.padEnd(n, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** What prepare learns about the target. */
type Target =
  | { kind: 'number'; n: number }
  | { kind: 'string'; folded: string; n: number | undefined; instant: Instant | undefined }
  | { kind: 'none' };

function classifyTarget(v: unknown): Target {
  if (typeof v === 'number') return { kind: 'number', n: v };
  if (typeof v === 'string') return { kind: 'string', folded: foldCase(v), n: parseNumericString(v), instant: parseIsoInstant(v) };
  return { kind: 'none' };
}

function cmp(a: number | string, b: number | string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** -1/0/1, or undefined when the two cannot be ordered. Parses the current value only as far as the target needs. */
function compareToTarget(left: unknown, r: Target): number | undefined {
  if (r.kind === 'none') return undefined;
  if (typeof left === 'number') {
    if (r.kind === 'number') return cmp(left, r.n);
    return r.n !== undefined ? cmp(left, r.n) : undefined;
  }
  if (typeof left !== 'string') return undefined;
  if (r.kind === 'number') {
    const n = parseNumericString(left);
    return n !== undefined ? cmp(n, r.n) : undefined;
  }
  if (r.instant !== undefined) {
    const li = parseIsoInstant(left);
    if (li !== undefined) return compareInstants(li, r.instant);
  }
  return cmp(foldCase(left), r.folded);
}

const HOLDS: Record<OrderingName, (c: number) => boolean> = {
  less: (c) => c < 0,
  lessOrEquals: (c) => c <= 0,
  greater: (c) => c > 0,
  greaterOrEquals: (c) => c >= 0,
};

export function prepareOrdering(name: OrderingName, target: unknown, options: OperatorOptions | undefined): OperatorTest {
  if (!isAbsent(target) && !isScalar(target)) throw targetError(name, 'a number or a string', target);
  const right = classifyTarget(target);
  const holds = HOLDS[name];
  const strict = options?.strictOrdering === true;
  return (left) => {
    const c = compareToTarget(left, right);
    if (c === undefined) {
      if (strict) throw new EvaluationError('eval.type-mismatch', { left: describeValue(left), right: describeValue(target), operator: name });
      return false;
    }
    return holds(c);
  };
}
