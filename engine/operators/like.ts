// like / notLike (digest §2.2): whole-string wildcard match, case-insensitive. `*` = any run of characters
// (including none); without `*` like is equals. `?` is literal by default (§15 A-6) or one character.
//
// Matching never builds a RegExp: the pattern is split at `*` once (prepare), and a text matches when it starts
// with the first segment, ends with the last, and holds the middle segments in order between them. Taking each
// middle segment at its leftmost position is optimal, so there is no backtracking: literal segments cost one
// indexOf each, `?` segments a scan that is O(text × segment) in the worst case — O(n·m) overall.
import { isAbsent, comparisonKey, scalarTarget, stringForm } from './coerce.js';
import type { OperatorOptions, OperatorTest } from './types.js';

const QUESTION = 63; // '?'

/** A compiled wildcard pattern: test(text) on text that is already case-folded like the pattern. */
export type WildcardMatcher = (text: string) => boolean;

function segmentAt(text: string, at: number, seg: string, qWild: boolean): boolean {
  if (!qWild) return text.startsWith(seg, at);
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c !== QUESTION && c !== text.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Leftmost index ≥ from where seg occurs and ends at or before `end`, or -1. */
function findSegment(text: string, seg: string, from: number, end: number, qWild: boolean): number {
  if (!qWild || seg.indexOf('?') < 0) {
    const i = text.indexOf(seg, from);
    return i >= 0 && i + seg.length <= end ? i : -1;
  }
  for (let i = from; i + seg.length <= end; i++) if (segmentAt(text, i, seg, true)) return i;
  return -1;
}

/**
 * Compiles `pattern` (already folded the same way as the texts it will see). `questionMark` 'wildcard' makes `?`
 * match exactly one UTF-16 code unit.
 */
export function compileWildcard(pattern: string, questionMark: 'literal' | 'wildcard' = 'literal'): WildcardMatcher {
  const qWild = questionMark === 'wildcard' && pattern.includes('?');
  const parts = pattern.split('*');
  if (parts.length === 1) {
    if (!qWild) return (text) => text === pattern;
    return (text) => text.length === pattern.length && segmentAt(text, 0, pattern, true);
  }
  const prefix = parts[0]!;
  const suffix = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  let minLength = prefix.length + suffix.length;
  for (const m of middle) minLength += m.length;
  return (text) => {
    if (text.length < minLength) return false;
    if (!segmentAt(text, 0, prefix, qWild)) return false;
    const end = text.length - suffix.length;
    if (!segmentAt(text, end, suffix, qWild)) return false;
    let pos = prefix.length;
    for (const seg of middle) {
      const i = findSegment(text, seg, pos, end, qWild);
      if (i < 0) return false;
      pos = i + seg.length;
    }
    return true;
  };
}

/** Missing → false; null reads as ""; numbers/booleans stringified; arrays/objects → false. */
export function prepareLike(target: unknown, options: OperatorOptions | undefined, operator = 'like'): OperatorTest {
  const matcher = compileWildcard(comparisonKey(scalarTarget(operator, target), options), options?.likeQuestionMark);
  return (left) => {
    if (isAbsent(left)) return false;
    const s = stringForm(left);
    return s !== undefined && matcher(comparisonKey(s, options));
  };
}

export function prepareNotLike(target: unknown, options: OperatorOptions | undefined): OperatorTest {
  const like = prepareLike(target, options, 'notLike');
  return (left) => !like(left);
}
