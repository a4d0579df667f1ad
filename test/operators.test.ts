// The OPERATORS table: every fixtures/cases/operators/*.yaml case (kind: operator), plus the table's own contract —
// names, reasons (digest §2.5, verbatim), opposites, and linear-time pattern matching on hostile input.
// Until the shared runner (test/cases.test.ts) exists this file runs the operator cases itself.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { EvaluationError } from '../engine/diagnostics/index.js';
import { MISSING } from '../engine/model/index.js';
import {
  NO_RELATED_REASON,
  OPERATORS,
  OPERATOR_NAMES,
  lookupOperator,
  operatorReason,
  compileWildcard,
  compileMatchPattern,
  type OperatorOptions,
} from '../engine/operators/index.js';

// dist/test/operators.test.js → repo root is two levels up.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CASE_DIR = join(ROOT, 'fixtures', 'cases', 'operators');

interface OperatorCase {
  id: string;
  kind: string;
  left: { missing?: boolean; value?: unknown };
  operator: string;
  right: unknown;
  options?: OperatorOptions;
  expect?: boolean;
  expectError?: string;
}

function run(c: OperatorCase): { result?: boolean; error?: unknown } {
  const spec = lookupOperator(c.operator);
  if (!spec) throw new Error(`unknown operator ${c.operator}`);
  const left = c.left.missing === true ? MISSING : c.left.value;
  try {
    return { result: spec.prepare(c.right, c.options ?? {})(left) };
  } catch (error) {
    return { error };
  }
}

const files = readdirSync(CASE_DIR).filter((f) => f.endsWith('.yaml')).sort();
let caseCount = 0;
for (const file of files) {
  const doc = parse(readFileSync(join(CASE_DIR, file), 'utf8')) as { source?: unknown; cases?: OperatorCase[] };
  test(`${file}: has a source line and cases`, () => {
    assert.type(doc.source, 'string');
    assert.ok(Array.isArray(doc.cases) && doc.cases.length > 0);
    const ids = new Set<string>();
    for (const c of doc.cases!) {
      assert.not.ok(ids.has(c.id), `duplicate id ${c.id}`);
      ids.add(c.id);
      assert.is(c.kind, 'operator', c.id);
      assert.ok(('expect' in c) !== ('expectError' in c), `${c.id}: exactly one of expect / expectError`);
      assert.ok(c.left && (c.left.missing === true || 'value' in c.left), `${c.id}: left is { missing: true } or { value }`);
    }
  });
  for (const c of doc.cases ?? []) {
    caseCount++;
    test(`${file} ${c.id}`, () => {
      const { result, error } = run(c);
      if (c.expectError !== undefined) {
        assert.ok(error instanceof EvaluationError, `${c.id}: expected EvaluationError ${c.expectError}, got ${String(error ?? result)}`);
        assert.is((error as EvaluationError).code, c.expectError);
      } else {
        if (error !== undefined) throw error;
        assert.is(result, c.expect, `${c.operator}(${JSON.stringify(c.left)}, ${JSON.stringify(c.right)})`);
      }
    });
  }
}

test('the case files hold 300+ cases', () => {
  assert.ok(caseCount >= 300, `only ${caseCount} cases`);
});

// ── the table's contract ─────────────────────────────────────────────────────────────────────────

const AZURE_OPERATORS = [
  'equals', 'notEquals', 'like', 'notLike', 'match', 'matchInsensitively', 'notMatch', 'notMatchInsensitively',
  'contains', 'notContains', 'in', 'notIn', 'containsKey', 'notContainsKey', 'less', 'lessOrEquals', 'greater',
  'greaterOrEquals', 'exists',
];

// determine-non-compliance.md, "Compliance reasons" (digest §2.5): sentence → [operator, negated].
const REASON_TABLE: [string, [string, boolean][]][] = [
  ['Current value must contain the target value as a key.', [['containsKey', false], ['notContainsKey', true]]],
  ['Current value must contain the target value.', [['contains', false], ['notContains', true]]],
  ['Current value must be equal to the target value.', [['equals', false], ['notEquals', true]]],
  ['Current value must be less than the target value.', [['less', false], ['greaterOrEquals', true]]],
  ['Current value must be greater than or equal to the target value.', [['greaterOrEquals', false], ['less', true]]],
  ['Current value must be greater than the target value.', [['greater', false], ['lessOrEquals', true]]],
  ['Current value must be less than or equal to the target value.', [['lessOrEquals', false], ['greater', true]]],
  ['Current value must exist.', [['exists', false]]],
  ['Current value must be in the target value.', [['in', false], ['notIn', true]]],
  ['Current value must be like the target value.', [['like', false], ['notLike', true]]],
  ['Current value must case-sensitive match the target value.', [['match', false], ['notMatch', true]]],
  ['Current value must case-insensitive match the target value.', [['matchInsensitively', false], ['notMatchInsensitively', true]]],
  ['Current value must not contain the target value as a key.', [['notContainsKey', false], ['containsKey', true]]],
  ['Current value must not contain the target value.', [['notContains', false], ['contains', true]]],
  ['Current value must not be equal to the target value.', [['notEquals', false], ['equals', true]]],
  ['Current value must not exist.', [['exists', true]]],
  ['Current value must not be in the target value.', [['notIn', false], ['in', true]]],
  ['Current value must not be like the target value.', [['notLike', false], ['like', true]]],
  ['Current value must not case-sensitive match the target value.', [['notMatch', false], ['match', true]]],
  ['Current value must not case-insensitive match the target value.', [['notMatchInsensitively', false], ['matchInsensitively', true]]],
];

test('OPERATORS holds exactly Azure\'s 19 operators, frozen, in Azure\'s spelling', () => {
  assert.equal([...OPERATOR_NAMES].sort(), [...AZURE_OPERATORS].sort());
  assert.ok(Object.isFrozen(OPERATORS));
  for (const [key, spec] of Object.entries(OPERATORS)) {
    assert.is(spec.name, key);
    assert.ok(Object.isFrozen(spec));
  }
});

test('lookupOperator is case-insensitive and rejects unknown names', () => {
  assert.is(lookupOperator('Like')?.name, 'like');
  assert.is(lookupOperator('notequals')?.name, 'notEquals');
  assert.is(lookupOperator('notin')?.name, 'notIn');
  assert.is(lookupOperator('NOTCONTAINSKEY')?.name, 'notContainsKey');
  assert.is(lookupOperator('greaterorequals')?.name, 'greaterOrEquals');
  assert.is(lookupOperator('notExists'), undefined);
  assert.is(lookupOperator('__proto__'), undefined);
  assert.is(lookupOperator('constructor'), undefined);
  assert.is(lookupOperator(''), undefined);
});

test('every operator has a doc line, a PascalCase name and a target kind', () => {
  for (const spec of Object.values(OPERATORS)) {
    assert.ok(spec.doc.length > 10 && !spec.doc.includes('\n'), spec.name);
    assert.is(spec.pascalName, spec.name[0]!.toUpperCase() + spec.name.slice(1));
    assert.is(spec.negative, spec.name.startsWith('not'), spec.name);
  }
  assert.is(OPERATORS.notContainsKey.pascalName, 'NotContainsKey');
  assert.is(OPERATORS.matchInsensitively.pascalName, 'MatchInsensitively');
  assert.is(OPERATORS.in.targetKind, 'array');
  assert.is(OPERATORS.notIn.targetKind, 'array');
  assert.is(OPERATORS.exists.targetKind, 'boolean');
  assert.is(OPERATORS.equals.targetKind, 'scalar');
});

test('reasons match determine-non-compliance.md verbatim', () => {
  for (const [sentence, rows] of REASON_TABLE) {
    for (const [name, negated] of rows) {
      const spec = lookupOperator(name)!;
      assert.is(operatorReason(spec, negated), sentence, `${negated ? 'not ' : ''}${name}`);
      assert.is(negated ? spec.negatedReason : spec.reason, sentence);
    }
  }
  assert.is(NO_RELATED_REASON, 'No related resources match the effect details in the policy definition.');
});

test('exists reasons follow the target: exists:false reads as not exists:true', () => {
  const ex = OPERATORS.exists;
  assert.is(operatorReason(ex, false, true), 'Current value must exist.');
  assert.is(operatorReason(ex, false, 'TRUE'), 'Current value must exist.');
  assert.is(operatorReason(ex, false, false), 'Current value must not exist.');
  assert.is(operatorReason(ex, true, 'false'), 'Current value must exist.');
  assert.is(operatorReason(OPERATORS.equals, false, false), 'Current value must be equal to the target value.');
});

test('every opposite is in the table, pairs up, and carries the negated reason', () => {
  for (const spec of Object.values(OPERATORS)) {
    const opp = lookupOperator(spec.opposite);
    assert.ok(opp, `${spec.name}.opposite ${spec.opposite}`);
    assert.is(opp!.opposite, spec.name);
    assert.is(spec.negatedReason, spec.name === 'exists' ? 'Current value must not exist.' : opp!.reason);
  }
});

// Present values (and targets) on which each operator and its opposite must disagree.
const PRESENT_LEFTS: unknown[] = [
  'abc', 'ABC', '', 'a*c', 'vm1', 'East US 2', '2024-01-01T00:00:00Z', '10', 0, 7, 10, -1.5, true, false, null,
  [], ['abc', 1], {}, { abc: 1 }, { Env: 'prod' },
];
const TARGETS: Record<string, unknown[]> = {
  equals: ['abc', '', 'true', 10, true, null],
  like: ['a*', '*', '', 'ABC', 'vm?', '*c*'],
  match: ['...', 'vm#', '???', '', '##'],
  matchInsensitively: ['...', 'VM#', 'ABC', ''],
  contains: ['b', 'ABC', '', '1', 'env'],
  in: [['abc', 'x'], [], [null], ['', 10], [true]],
  containsKey: ['abc', 'env', ''],
  exists: [true, false, 'true', 'False'],
};
const ORDERED_PAIRS: [unknown, unknown][] = [
  [1, 2], [2, 2], [3, 2], ['8080', 1024], [10, '9'], ['apple', 'BANANA'], ['b', 'a'], ['x', 'X'],
  ['2024-01-01T01:00:00+01:00', '2024-01-01T00:00:00Z'], ['2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z'],
];

test('each operator and its opposite give opposite results on present values', () => {
  for (const spec of Object.values(OPERATORS)) {
    if (spec.negative) continue;
    const opp = lookupOperator(spec.opposite)!;
    if (['less', 'lessOrEquals', 'greater', 'greaterOrEquals'].includes(spec.name)) {
      for (const [l, r] of ORDERED_PAIRS) {
        assert.is(opp.prepare(r)(l), !spec.prepare(r)(l), `${spec.name}(${JSON.stringify(l)}, ${JSON.stringify(r)})`);
      }
      continue;
    }
    for (const target of TARGETS[spec.name]!) {
      // exists is its own opposite: the opposite condition is exists with the inverted target.
      const oppTarget = spec.name === 'exists' ? !(target === true || target === 'true') : target;
      const a = spec.prepare(target);
      const b = opp.prepare(oppTarget);
      for (const l of PRESENT_LEFTS) {
        assert.is(b(l), !a(l), `${spec.name}(${JSON.stringify(l)}, ${JSON.stringify(target)})`);
      }
      if (spec.name !== 'exists') assert.is(b(MISSING), !a(MISSING), `${spec.name}(missing, ${JSON.stringify(target)})`);
    }
  }
});

test('a prepared test is reusable and independent of the options object after prepare', () => {
  const options: OperatorOptions = { normalizeLocation: true };
  const t = OPERATORS.equals.prepare('eastus2', options);
  options.normalizeLocation = false;
  assert.ok(t('East US 2'));
  assert.ok(t('EASTUS2'));
  assert.not.ok(t('westus'));
});

test('EvaluationError for a mismatched ordering names the operator and both sides', () => {
  try {
    OPERATORS.less.prepare(5, { strictOrdering: true })(MISSING);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, EvaluationError);
    assert.is((e as EvaluationError).code, 'eval.type-mismatch');
    assert.match((e as EvaluationError).message, 'a missing value');
    assert.match((e as EvaluationError).message, 'the number 5');
    assert.match((e as EvaluationError).message, 'less');
  }
});

test('a target of the wrong kind: prepare returns, every evaluation throws eval.operator-target', () => {
  for (const [name, target] of [['in', 'eastus'], ['notIn', { a: 1 }], ['equals', ['a']], ['like', { a: '*' }], ['less', [1]], ['containsKey', ['k']]] as const) {
    const t = lookupOperator(name)!.prepare(target);
    for (const left of ['a', MISSING, null]) {
      try {
        t(left);
        assert.unreachable(`${name} should throw`);
      } catch (e) {
        assert.instance(e, EvaluationError, name);
        assert.is((e as EvaluationError).code, 'eval.operator-target');
        assert.match((e as EvaluationError).message, `"${name}"`);
      }
    }
  }
});

// ── hostile patterns: results asserted, never time ────────────────────────────────────────────────

const N = 100_000;

test('like: 100k-character hostile patterns give the right answer', () => {
  const manyStars = '*a'.repeat(N / 2); // 50k stars
  const text = 'a'.repeat(N);
  assert.ok(OPERATORS.like.prepare(manyStars)(text));
  assert.not.ok(OPERATORS.like.prepare(manyStars + 'b')(text));
  assert.not.ok(OPERATORS.like.prepare(manyStars + '*b')(text + 'c'));
  assert.ok(OPERATORS.like.prepare(manyStars + '*b')(text + 'b'));
  assert.not.ok(OPERATORS.like.prepare('a*'.repeat(N / 2) + 'b')(text));
  assert.not.ok(OPERATORS.like.prepare('*' + 'a'.repeat(N) + '*')('a'.repeat(N - 1)));
  assert.ok(OPERATORS.like.prepare('*' + 'a'.repeat(N - 1) + 'b*')('a'.repeat(N) + 'b'));
  assert.not.ok(OPERATORS.like.prepare('*' + 'a'.repeat(N - 1) + 'b*')('a'.repeat(N) + 'c'));
  const q = { likeQuestionMark: 'wildcard' as const };
  assert.ok(OPERATORS.like.prepare('*?'.repeat(N / 2), q)(text));
  assert.not.ok(OPERATORS.like.prepare('*?'.repeat(N / 2), q)('short'));
  assert.not.ok(OPERATORS.like.prepare('a?'.repeat(N / 2) + '*b', q)(text));
  assert.ok(OPERATORS.like.prepare('*' + '?a'.repeat(50) + '*', q)('x'.repeat(N) + 'ba'.repeat(50)));
  assert.not.ok(OPERATORS.notLike.prepare(manyStars)(text));
});

test('match: 100k-character patterns are a single pass', () => {
  const text = 'a1'.repeat(N / 2);
  assert.ok(OPERATORS.match.prepare('?#'.repeat(N / 2))(text));
  assert.not.ok(OPERATORS.match.prepare('?#'.repeat(N / 2) + '.')(text));
  assert.not.ok(OPERATORS.match.prepare('#?'.repeat(N / 2))(text));
  assert.ok(OPERATORS.matchInsensitively.prepare('A#'.repeat(N / 2))(text));
  assert.not.ok(OPERATORS.match.prepare('A#'.repeat(N / 2))(text));
  assert.ok(OPERATORS.match.prepare('.'.repeat(N))(text));
  assert.not.ok(OPERATORS.match.prepare('*'.repeat(N))(text));
});

test('compileWildcard agrees with a reference matcher on exhaustive small cases', () => {
  // Reference: plain recursive definition over a tiny alphabet (safe here: lengths ≤ 5).
  const ref = (p: string, t: string, qWild: boolean): boolean => {
    if (p.length === 0) return t.length === 0;
    if (p[0] === '*') return ref(p.slice(1), t, qWild) || (t.length > 0 && ref(p, t.slice(1), qWild));
    if (t.length === 0) return false;
    return (p[0] === t[0] || (qWild && p[0] === '?')) && ref(p.slice(1), t.slice(1), qWild);
  };
  const words = (alphabet: string, max: number): string[] => {
    const out = [''];
    for (let len = 1; len <= max; len++) {
      const prev = out.filter((w) => w.length === len - 1);
      for (const w of prev) for (const ch of alphabet) out.push(w + ch);
    }
    return out;
  };
  const patterns = words('ab*?', 4);
  const texts = words('ab?', 4);
  for (const qMode of ['literal', 'wildcard'] as const) {
    for (const p of patterns) {
      const m = compileWildcard(p, qMode);
      for (const t of texts) assert.is(m(t), ref(p, t, qMode === 'wildcard'), `${qMode} ${JSON.stringify(p)} ~ ${JSON.stringify(t)}`);
    }
  }
});

test('compileMatchPattern: classes per position', () => {
  const m = compileMatchPattern('#?.*', false);
  assert.ok(m('0z!*'));
  assert.ok(m('9A *'));
  assert.not.ok(m('aA!*'));
  assert.not.ok(m('0z!x'));
  assert.not.ok(m('0z!'));
  assert.not.ok(m('0_!*'));
});

test.run();
