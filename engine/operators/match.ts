// match / notMatch (case-sensitive) and matchInsensitively / notMatchInsensitively (digest §2.2):
// `#` = one ASCII digit, `?` = one ASCII letter, `.` = any one character, every other character is literal
// (so `*` is a literal asterisk). Text and pattern must have the same length (UTF-16 code units, as .NET counts).
// A fixed-length character-class check: O(n), no RegExp.
import { isAbsent, scalarTarget, stringForm, normalizeLocationString } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

const enum Slot {
  Literal = 0,
  Digit = 1,
  Letter = 2,
  Any = 3,
}

/** Folds one UTF-16 code unit (ASCII fast path). */
function foldUnit(c: number): string {
  if (c >= 65 && c <= 90) return String.fromCharCode(c + 32);
  if (c < 128) return String.fromCharCode(c);
  return String.fromCharCode(c).toLowerCase();
}

export type ShapeMatcher = (text: string) => boolean;

/** Compiles a match pattern once; `insensitive` compares literal characters case-insensitively. */
export function compileMatchPattern(pattern: string, insensitive: boolean): ShapeMatcher {
  const n = pattern.length;
  const slots = new Uint8Array(n);
  const literals: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 35) slots[i] = Slot.Digit; // '#'
    else if (c === 63) slots[i] = Slot.Letter; // '?'
    else if (c === 46) slots[i] = Slot.Any; // '.'
    else {
      slots[i] = Slot.Literal;
      literals[i] = insensitive ? foldUnit(c) : pattern.charAt(i);
    }
  }
  return (text) => {
    if (text.length !== n) return false;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      switch (slots[i]) {
        case Slot.Digit:
          if (c < 48 || c > 57) return false;
          break;
        case Slot.Letter:
          if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
          break;
        case Slot.Any:
          break;
        default:
          if ((insensitive ? foldUnit(c) : text.charAt(i)) !== literals[i]) return false;
      }
    }
    return true;
  };
}

/**
 * Missing → false; null reads as ""; numbers/booleans stringified (a count of 12 matches "##"); arrays/objects →
 * false. With normalizeLocation both sides lose their spaces and are lower-cased before matching.
 */
export function prepareMatch(
  target: unknown,
  options: OperatorOptions | undefined,
  insensitive: boolean,
  operator = insensitive ? 'matchInsensitively' : 'match',
): OperatorTest {
  const norm = options?.normalizeLocation === true;
  const raw = scalarTarget(operator, target);
  const matcher = compileMatchPattern(norm ? normalizeLocationString(raw) : raw, insensitive);
  return (left) => {
    if (isAbsent(left)) return false;
    const s = stringForm(left);
    return s !== undefined && matcher(norm ? normalizeLocationString(s) : s);
  };
}

export function prepareNotMatch(target: unknown, options: OperatorOptions | undefined, insensitive: boolean): OperatorTest {
  const m = prepareMatch(target, options, insensitive, insensitive ? 'notMatchInsensitively' : 'notMatch');
  return (left) => !m(left);
}
