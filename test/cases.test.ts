// The one runner for table-driven cases: every fixtures/cases/**/*.yaml file, every case in it,
// dispatched on `kind` to the public API. See docs/contributing.md for the format.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { parse } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MISSING } from '../engine/model/index.js';
import { EvaluationError, PolicyError, evaluateCondition, evaluateExpression, evaluatePolicyRule, lookupOperator } from '../engine/index.js';
import { FIXTURES } from './support/paths.js';

type Case = Record<string, any> & { id: string; kind: string };
type Handler = (c: Case) => void;

/** Kinds run by other suites (their modules' own runners), not by this one. */
const DELEGATED = new Set(['field', 'document', 'resource-id', 'template']);

function declare(parameters: Record<string, unknown> | undefined, given: Record<string, unknown> | undefined) {
  if (parameters !== undefined) return parameters;
  const out: Record<string, { type: string }> = {};
  for (const [k, v] of Object.entries(given ?? {})) {
    out[k] = { type: Array.isArray(v) ? 'Array' : v !== null && typeof v === 'object' ? 'Object' : typeof v === 'boolean' ? 'Boolean' : typeof v === 'number' ? 'Float' : 'String' };
  }
  return out;
}

/** Runs `fn` and checks it against expect / expectError / expectCompileError. */
function check(c: Case, fn: () => unknown, compare: (actual: unknown, expected: unknown) => void = (a, e) => assert.equal(a, e)): void {
  if (c.expectCompileError !== undefined) {
    try {
      fn();
    } catch (e) {
      assert.instance(e, PolicyError, `expected PolicyError, got ${String(e)}`);
      const codes = (e as PolicyError).diagnostics.map((d) => d.code);
      assert.ok(codes.includes(c.expectCompileError), `expected ${c.expectCompileError}, got ${codes.join(', ')}`);
      if (c.pointer !== undefined) {
        const pointers = (e as PolicyError).diagnostics.filter((d) => d.code === c.expectCompileError).map((d) => d.pointer);
        assert.ok(pointers.includes(c.pointer), `expected pointer ${c.pointer}, got ${pointers.join(', ')}`);
      }
      return;
    }
    assert.unreachable(`expected compile error ${c.expectCompileError}`);
  }
  if (c.expectError !== undefined) {
    try {
      const got = fn();
      assert.unreachable(`expected error ${c.expectError}, got ${JSON.stringify(got)}`);
    } catch (e) {
      if ((e as Error).name === 'Assertion') throw e;
      const code = e instanceof EvaluationError || e instanceof PolicyError ? e.code : String(e);
      assert.is(code, c.expectError);
    }
    return;
  }
  assert.ok(Object.hasOwn(c, 'expect') || Object.hasOwn(c, 'expectSymbolic'), 'case has no expectation');
  compare(fn(), c.expect);
}

function subsetMatch(actual: unknown, expected: unknown, path = ''): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object`);
    for (const [k, v] of Object.entries(expected)) subsetMatch((actual as Record<string, unknown>)[k], v, `${path}/${k}`);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.some((e) => e !== null && typeof e === 'object')) {
    assert.is(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => subsetMatch(actual[i], e, `${path}/${i}`));
    return;
  }
  assert.equal(actual, expected, path);
}

const HANDLERS: Record<string, Handler> = {
  condition: (c) =>
    check(c, () =>
      evaluateCondition({
        condition: c.condition,
        resource: c.resource ?? {},
        parameterDefinitions: declare(c.parameterDefinitions, c.parameters),
        ...(c.parameters ? { parameters: c.parameters } : {}),
        ...(c.options ?? {}),
        ...(c.context ? { context: c.context } : {}),
      }),
    ),
  expression: (c) =>
    check(
      c,
      () => evaluateExpression(c.expression, c.context ?? {}),
      c.expectSymbolic === undefined ? undefined : (actual) => assert.is((actual as { $symbolic?: string })?.$symbolic, c.expectSymbolic),
    ),
  operator: (c) =>
    check(c, () => {
      const spec = lookupOperator(c.operator);
      assert.ok(spec, `unknown operator ${c.operator}`);
      const left = c.left?.missing === true ? MISSING : c.left?.value;
      return spec!.prepare(c.right, c.options ?? {})(left);
    }),
  rule: (c) =>
    check(
      c,
      () =>
        evaluatePolicyRule({
          policyRule: c.policyRule,
          parameterDefinitions: declare(c.parameterDefinitions, c.parameters),
          ...(c.parameters ? { parameters: c.parameters } : {}),
          ...(c.mode ? { mode: c.mode } : {}),
          resource: c.resource,
          ...(c.related ? { related: c.related } : {}),
          ...(c.context ? { context: c.context } : {}),
          ...(c.options ?? {}),
        }),
      (actual, expected) => subsetMatch(actual, expected),
    ),
};

const files = fg.sync('cases/**/*.{yaml,yml}', { cwd: FIXTURES }).sort();
let total = 0;
for (const file of files) {
  const doc = parse(readFileSync(join(FIXTURES, file), 'utf8')) as { cases?: Case[] };
  const s = suite(`cases/${relative('cases', file)}`);
  const seen = new Set<string>();
  for (const c of doc.cases ?? []) {
    if (DELEGATED.has(c.kind)) continue;
    const handler = HANDLERS[c.kind];
    const id = String(c.id);
    s(id, () => {
      assert.ok(!seen.has(id), `duplicate case id ${id}`);
      seen.add(id);
      assert.ok(handler, `unknown case kind "${c.kind}"`);
      handler!(c);
    });
    total++;
  }
  s.run();
}
if (total === 0) throw new Error('no table-driven cases found under fixtures/cases');
