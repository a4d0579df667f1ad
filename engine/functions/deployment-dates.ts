// Date arithmetic for the template date functions (dateTimeAdd, dateTimeFromEpoch, dateTimeToEpoch).
// Instants are whole 100-ns ticks since 1970-01-01T00:00:00Z (bigint), as .NET DateTime keeps them, so that
// parsing, adding and formatting are exact; values outside years 0001-9999 fail like .NET's DateTime does.
// Source: MicrosoftDocs/azure-docs articles/azure-resource-manager/templates/template-functions-date.md.
import { functionFailed } from './deployment-args.js';

export const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_DAY = 86_400n * TICKS_PER_SECOND;
/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z relative to the epoch. */
const MIN_TICKS = BigInt(daysFromCivil(1, 1, 1)) * TICKS_PER_DAY;
const MAX_TICKS = BigInt(daysFromCivil(10000, 1, 1)) * TICKS_PER_DAY - 1n;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(y: number, m: number): number {
  return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);
}

export interface ParsedDateTime {
  ticks: bigint;
  /** True for the compact ISO form yyyyMMddTHHmmssZ (utcNow()'s default), kept for dateTimeAdd's output. */
  basic: boolean;
}

// yyyy-MM-dd[(T| )HH:mm[:ss[.fffffff]]][Z|±hh:mm|±hhmm]
const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7})\d*)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
// yyyyMMddTHHmmss[Z|±hhmm]
const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,7})\d*)?(Z|z|[+-]\d{2}(?:\d{2})?)?$/;

/**
 * Parses an ISO 8601 date-time as ARM does (.NET DateTime parsing with AdjustToUniversal | AssumeUniversal):
 * a value without an offset is taken as UTC; a value with an offset is converted to UTC.
 */
export function parseDateTime(name: string, text: string): ParsedDateTime {
  const trimmed = text.trim();
  const basic = BASIC.exec(trimmed);
  const m = basic ?? EXTENDED.exec(trimmed);
  if (!m) return functionFailed(name, `"${text}" is not an ISO 8601 date-time`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    functionFailed(name, `"${text}" is not a valid date-time`);
  }
  const fraction = BigInt((m[7] ?? '').padEnd(7, '0') || '0');
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 14 || om > 59) functionFailed(name, `"${text}" has an invalid UTC offset`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const seconds = BigInt(daysFromCivil(year, month, day)) * 86_400n + BigInt(hour * 3600 + minute * 60 + second - offsetMinutes * 60);
  const ticks = seconds * TICKS_PER_SECOND + fraction;
  return { ticks: checkRange(name, ticks), basic: basic !== null };
}

export function checkRange(name: string, ticks: bigint): bigint {
  if (ticks < MIN_TICKS || ticks > MAX_TICKS) functionFailed(name, 'the date-time is outside the range 0001-01-01 … 9999-12-31');
  return ticks;
}

/**
 * An ISO 8601 duration as .NET XmlConvert.ToTimeSpan reads it: [-]P[nY][nM][nW][nD][T[nH][nM][n[.f]S]], where a year
 * is 365 days and a month 30 days (the docs: "P1Y should be interpreted as P365D, while P1M … as P30D").
 */
export function parseDuration(name: string, text: string): bigint {
  const m = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,7})\d*)?S)?)?$/.exec(text.trim());
  if (!m || /^-?P$/.test(text.trim()) || /T$/.test(text.trim())) return functionFailed(name, `"${text}" is not an ISO 8601 duration`);
  const n = (i: number): bigint => BigInt(m[i] ?? '0');
  const days = n(2) * 365n + n(3) * 30n + n(4) * 7n + n(5);
  const seconds = days * 86_400n + n(6) * 3600n + n(7) * 60n + n(8);
  const ticks = seconds * TICKS_PER_SECOND + BigInt((m[9] ?? '').padEnd(7, '0') || '0');
  return m[1] === '-' ? -ticks : ticks;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 100-ns ticks within the second, 0 … 9 999 999. */
  fraction: number;
  dayOfWeek: number; // 0 = Sunday
}

function partsOf(ticks: bigint): Parts {
  let days = ticks / TICKS_PER_DAY;
  let rest = ticks % TICKS_PER_DAY;
  if (rest < 0n) {
    rest += TICKS_PER_DAY;
    days -= 1n;
  }
  const { year, month, day } = civilFromDays(Number(days));
  const secs = Number(rest / TICKS_PER_SECOND);
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    fraction: Number(rest % TICKS_PER_SECOND),
    dayOfWeek: (((Number(days) + 4) % 7) + 7) % 7,
  };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** .NET standard format letters (invariant culture) as custom patterns. */
const STANDARD: Record<string, string> = {
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  m: 'MMMM dd',
  M: 'MMMM dd',
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  U: 'dddd, dd MMMM yyyy HH:mm:ss',
  y: 'yyyy MMMM',
  Y: 'yyyy MMMM',
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Formats a UTC instant with a .NET date-time format string (standard letters or custom patterns, invariant
 * culture). All instants here are UTC, so K and z* render as Z / +00:00.
 */
export function formatDateTime(name: string, ticks: bigint, format: string): string {
  const pattern = format.length === 1 ? STANDARD[format] : format;
  if (pattern === undefined) return functionFailed(name, `"${format}" is not a supported date-time format`);
  const p = partsOf(ticks);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    let run = 1;
    while (pattern[i + run] === c && 'yMdHhmsfFtzK'.includes(c)) run++;
    switch (c) {
      case 'y':
        out += run === 1 ? String(p.year % 100) : run === 2 ? pad(p.year % 100, 2) : pad(p.year, run);
        break;
      case 'M':
        out += run === 1 ? String(p.month) : run === 2 ? pad(p.month, 2) : run === 3 ? (MONTHS[p.month - 1] as string).slice(0, 3) : (MONTHS[p.month - 1] as string);
        break;
      case 'd':
        out += run === 1 ? String(p.day) : run === 2 ? pad(p.day, 2) : run === 3 ? (DAYS[p.dayOfWeek] as string).slice(0, 3) : (DAYS[p.dayOfWeek] as string);
        break;
      case 'H':
        out += run === 1 ? String(p.hour) : pad(p.hour, 2);
        break;
      case 'h': {
        const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
        out += run === 1 ? String(h12) : pad(h12, 2);
        break;
      }
      case 'm':
        out += run === 1 ? String(p.minute) : pad(p.minute, 2);
        break;
      case 's':
        out += run === 1 ? String(p.second) : pad(p.second, 2);
        break;
      case 'f':
      case 'F': {
        if (run > 7) return functionFailed(name, `"${format}" has more than 7 fraction digits`);
        let digits = pad(p.fraction, 7).slice(0, run);
        if (c === 'F') {
          digits = digits.replace(/0+$/, '');
          if (digits === '' && out.endsWith('.')) out = out.slice(0, -1);
        }
        out += digits;
        break;
      }
      case 't':
        out += run === 1 ? (p.hour < 12 ? 'A' : 'P') : p.hour < 12 ? 'AM' : 'PM';
        break;
      case 'z':
        out += run === 1 ? '+0' : run === 2 ? '+00' : '+00:00';
        break;
      case 'K':
        out += 'Z';
        break;
      case "'":
      case '"': {
        const end = pattern.indexOf(c, i + 1);
        if (end < 0) return functionFailed(name, `"${format}" has an unterminated quoted literal`);
        out += pattern.slice(i + 1, end);
        run = end - i + 1;
        break;
      }
      case '\\':
        out += pattern[i + 1] ?? '';
        run = 2;
        break;
      case '%':
        break;
      default:
        out += c;
    }
    i += run;
  }
  return out;
}

/** The output when dateTimeAdd has no format: the base's ISO layout, in UTC, fraction only when non-zero. */
export function formatIso(ticks: bigint, basic: boolean): string {
  const p = partsOf(ticks);
  const fraction = p.fraction === 0 ? '' : '.' + pad(p.fraction, 7).replace(/0+$/, '');
  if (basic) return `${pad(p.year, 4)}${pad(p.month, 2)}${pad(p.day, 2)}T${pad(p.hour, 2)}${pad(p.minute, 2)}${pad(p.second, 2)}${fraction}Z`;
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${fraction}Z`;
}

/** Floor division of ticks to whole epoch seconds. */
export function epochSeconds(ticks: bigint): bigint {
  const q = ticks / TICKS_PER_SECOND;
  return ticks < 0n && ticks % TICKS_PER_SECOND !== 0n ? q - 1n : q;
}
