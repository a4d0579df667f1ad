// Template-expression parsing: "[...]" recognition with the "[[" escape, and a recursive-descent parser
// for the expression grammar (digest §3.3, §12.1; template-expressions.md):
//   expr    := primary postfix*
//   primary := string | number | name '(' [expr (',' expr)*] ')'
//   postfix := '.' name | '[' expr ']'
// Recursion is bounded by the nesting limit (64), checked before each descent, so hostile input cannot
// exhaust the stack; the length limit (81920 characters) is checked before anything else.
import { diagnostic, PolicyError, type Diagnostic } from '../diagnostics/index.js';
import { LIMITS } from '../functions/values.js';
import type { Expr, TemplateString } from './types.js';

export type ParseResult = { ok: true; expr: Expr } | { ok: false; diagnostic: Diagnostic; offset: number };

/** Is this JSON string an expression? (Starts with "[" and ends with "]", and does not start with "[[".) */
export function isTemplateExpression(s: string): boolean {
  return s.length >= 2 && s.charCodeAt(0) === 0x5b && s.charCodeAt(s.length - 1) === 0x5d && s.charCodeAt(1) !== 0x5b;
}

/**
 * Classifies a JSON string: a literal (a leading "[[" loses its first "[") or a parsed expression.
 * Throws PolicyError carrying the coded diagnostic (expr.syntax …, offset within `s`) when the
 * expression does not parse; compileTemplateValue catches it into scope.diagnostics.
 */
export function classifyTemplateString(s: string): TemplateString {
  if (s.startsWith('[[')) return { kind: 'literal', value: s.slice(1) };
  if (!isTemplateExpression(s)) return { kind: 'literal', value: s };
  const text = s.slice(1, -1);
  const r = parseExpression(text, 1);
  if (!r.ok) throw new PolicyError([r.diagnostic]);
  return { kind: 'expression', expr: r.expr, text };
}

// .NET's char.IsWhiteSpace: ASCII blanks plus Unicode spaces (4 built-in templates put U+202F between arguments).
const isSpace = (c: number): boolean =>
  c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isNameStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
const isNamePart = (c: number): boolean => isNameStart(c) || isDigit(c);

class ParseFault {
  constructor(readonly diagnostic: Diagnostic, readonly offset: number) {}
}

/**
 * Parses the text between the outer brackets. Offsets in the AST and in diagnostics are
 * `offsetBase` + the position in `text` (pass 1 when `text` came from inside "[...]").
 */
export function parseExpression(text: string, offsetBase = 0): ParseResult {
  if (text.length > LIMITS.expressionLength) {
    const d = diagnostic('expr.too-long', { limit: LIMITS.expressionLength });
    return { ok: false, diagnostic: d, offset: offsetBase };
  }
  let pos = 0;
  const syntax = (at: number, reason: string): ParseFault =>
    new ParseFault(diagnostic('expr.syntax', { offset: at + offsetBase, reason }), at + offsetBase);
  const skip = (): void => {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  };
  const describe = (at: number): string => (at >= text.length ? 'end of expression' : `"${text[at]}"`);

  const readName = (): string => {
    const start = pos;
    while (pos < text.length && isNamePart(text.charCodeAt(pos))) pos++;
    return text.slice(start, pos);
  };

  const parseString = (): Expr => {
    const start = pos;
    pos++; // opening quote
    let value = '';
    for (;;) {
      const q = text.indexOf("'", pos);
      if (q < 0) {
        throw new ParseFault(diagnostic('expr.unterminated-string', { offset: start + offsetBase }), start + offsetBase);
      }
      value += text.slice(pos, q);
      if (text.charCodeAt(q + 1) === 0x27) {
        value += "'";
        pos = q + 2;
      } else {
        pos = q + 1;
        return { kind: 'string', value, offset: start + offsetBase };
      }
    }
  };

  const parseNumber = (): Expr => {
    const start = pos;
    if (text.charCodeAt(pos) === 0x2d) pos++;
    const digitsStart = pos;
    while (pos < text.length && isDigit(text.charCodeAt(pos))) pos++;
    if (pos === digitsStart) throw syntax(start, 'a number needs digits');
    if (text.charCodeAt(pos) === 0x2e) {
      pos++;
      const frac = pos;
      while (pos < text.length && isDigit(text.charCodeAt(pos))) pos++;
      if (pos === frac) throw syntax(pos, 'a decimal point needs digits after it');
    }
    if (pos < text.length && isNamePart(text.charCodeAt(pos))) throw syntax(pos, `unexpected ${describe(pos)} after a number`);
    const value = Number(text.slice(start, pos));
    if (!Number.isFinite(value)) throw syntax(start, 'number out of range');
    return { kind: 'number', value, offset: start + offsetBase };
  };

  const parseExpr = (depth: number): Expr => {
    if (depth > LIMITS.nestingDepth) {
      throw new ParseFault(diagnostic('expr.too-deep', { limit: LIMITS.nestingDepth }), pos + offsetBase);
    }
    skip();
    if (pos >= text.length) throw syntax(pos, 'expected a value, found end of expression');
    const c = text.charCodeAt(pos);
    let node: Expr;
    if (c === 0x27) node = parseString();
    else if (isDigit(c) || c === 0x2d) node = parseNumber();
    else if (isNameStart(c)) {
      const start = pos;
      const name = readName();
      skip();
      if (text.charCodeAt(pos) !== 0x28) {
        throw syntax(pos, `expected "(" after function name "${name}", found ${describe(pos)}`);
      }
      pos++;
      const args: Expr[] = [];
      skip();
      if (text.charCodeAt(pos) === 0x29) pos++;
      else {
        for (;;) {
          args.push(parseExpr(depth + 1));
          skip();
          const d = text.charCodeAt(pos);
          if (d === 0x2c) {
            pos++;
            continue;
          }
          if (d === 0x29) {
            pos++;
            break;
          }
          throw syntax(pos, `expected "," or ")" in the arguments of "${name}", found ${describe(pos)}`);
        }
      }
      node = { kind: 'call', name, args, offset: start + offsetBase };
    } else throw syntax(pos, `unexpected ${describe(pos)}`);

    // Postfix chain: .name and [expr]. Each step nests the AST one level deeper.
    let chain = depth;
    for (;;) {
      if (chain > LIMITS.nestingDepth) {
        throw new ParseFault(diagnostic('expr.too-deep', { limit: LIMITS.nestingDepth }), pos + offsetBase);
      }
      skip();
      const d = text.charCodeAt(pos);
      if (d === 0x2e) {
        const at = pos;
        pos++;
        skip();
        const name = readName();
        if (name === '') throw syntax(pos, `expected a property name after ".", found ${describe(pos)}`);
        node = { kind: 'property', object: node, property: name, offset: at + offsetBase };
        chain++;
      } else if (d === 0x5b) {
        const at = pos;
        pos++;
        const index = parseExpr(chain + 1);
        skip();
        if (text.charCodeAt(pos) !== 0x5d) throw syntax(pos, `expected "]", found ${describe(pos)}`);
        pos++;
        node = { kind: 'index', object: node, index, offset: at + offsetBase };
        chain++;
      } else break;
    }
    return node;
  };

  try {
    const expr = parseExpr(1);
    skip();
    if (pos < text.length) throw syntax(pos, `unexpected ${describe(pos)} after the expression`);
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof ParseFault) return { ok: false, diagnostic: e.diagnostic, offset: e.offset };
    throw e;
  }
}
