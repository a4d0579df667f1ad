// Inputs are data: hostile patterns, deep nesting and prototype keys give coded results, never a
// hang, a crash or a changed process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PolicyError, compilePolicy, evaluateCondition, evaluateExpression, evaluatePolicyRule } from '../engine/index.js';

function nest(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { field: 'name', equals: 'x' };
  for (let i = 0; i < depth; i++) node = { not: node };
  return node;
}

function codesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e.diagnostics.map((d) => d.code);
    throw e;
  }
  return [];
}

test('a condition nested 100,000 deep is a coded compile error, not a stack overflow', () => {
  const codes = codesOf(() => compilePolicy({ properties: { mode: 'All', policyRule: { if: nest(100_000), then: { effect: 'audit' } } } }));
  assert.ok(codes.some((c) => c === 'parse.too-deep' || c === 'parse.document-too-deep'), codes.join(','));
});

test('nesting at the documented limit (64) still compiles; one more does not', () => {
  assert.equal(codesOf(() => compilePolicy({ properties: { mode: 'All', policyRule: { if: nest(63), then: { effect: 'audit' } } } })), []);
  assert.ok(codesOf(() => compilePolicy({ properties: { mode: 'All', policyRule: { if: nest(70), then: { effect: 'audit' } } } })).length > 0);
});

test('an expression nested 10,000 deep is a coded error', () => {
  const expr = '[' + 'concat('.repeat(10_000) + "'a'" + ')'.repeat(10_000) + ']';
  try {
    evaluateExpression(expr);
    assert.unreachable('expected an error');
  } catch (e) {
    assert.instance(e, PolicyError);
    assert.ok(['expr.too-deep', 'expr.too-long'].includes((e as PolicyError).code!), (e as PolicyError).code);
  }
});

test('hostile like and match patterns finish with the right answer', () => {
  const name = 'a'.repeat(50_000);
  const like = '*a'.repeat(20_000) + 'b';
  assert.is(evaluateCondition({ condition: { field: 'name', like }, resource: { name, type: 't' } }), false);
  assert.is(evaluateCondition({ condition: { field: 'name', match: '.'.repeat(49_999) + '#' }, resource: { name, type: 't' } }), false);
});

test('__proto__ and constructor keys are ordinary data everywhere', () => {
  const resource = JSON.parse('{"name":"x","type":"t","tags":{"__proto__":{"polluted":true},"constructor":"c"},"properties":{"__proto__":{"a":1}}}');
  const parameters = JSON.parse('{"__proto__":"p"}');
  const result = evaluatePolicyRule({
    mode: 'All',
    policyRule: { if: { field: "tags['constructor']", equals: 'c' }, then: { effect: 'audit' } },
    parameterDefinitions: JSON.parse('{"__proto__":{"type":"String","defaultValue":"d"}}'),
    parameters,
    resource,
  });
  assert.is(result.complianceState, 'NonCompliant');
  assert.is(({} as Record<string, unknown>)['polluted'], undefined);
  assert.is(evaluateExpression("[parameters('__proto__')]", { parameters }), 'p');
});

test.run();
