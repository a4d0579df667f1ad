// Unit tests for engine/expressions (parser offsets, escapes, limits; compile-time lookup, phase, arity,
// folding, hooks) and the FUNCTIONS table (no duplicates, docs, the built-in corpus's functions present).
// The table-driven expression cases under fixtures/cases/{functions,expressions} run in test/cases.test.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EvaluationError, PolicyError, type Diagnostic } from '../engine/diagnostics/index.js';
import { classifyTemplateString, compileExpression, compileTemplateValue, evaluateExpression, parseExpression } from '../engine/expressions/index.js';
import type { Expr, ExpressionRuntime, ExpressionScope } from '../engine/expressions/types.js';
import { FUNCTIONS, lookupFunction } from '../engine/functions/index.js';
import { requireShared, SHARED } from './support/paths.js';

const RT: ExpressionRuntime = { now: '2024-01-01T00:00:00Z' };

function scopeOf(extra: Partial<ExpressionScope> = {}): ExpressionScope {
  return { phase: 'policyRule', pointer: '/policyRule/if/value', diagnostics: [], ...extra };
}

function parsed(text: string): Expr {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(r.diagnostic.message);
  return r.expr;
}

// ── parser ───────────────────────────────────────────────────────────────────────────────────────────
const parse = suite('expressions/parse');

parse('classifies literals, escapes and expressions', () => {
  assert.equal(classifyTemplateString('plain'), { kind: 'literal', value: 'plain' });
  assert.equal(classifyTemplateString('[[test value]'), { kind: 'literal', value: '[test value]' });
  assert.equal(classifyTemplateString('[test] value'), { kind: 'literal', value: '[test] value' });
  assert.equal(classifyTemplateString('[[x'), { kind: 'literal', value: '[x' });
  const e = classifyTemplateString("[concat('a')]");
  assert.is(e.kind, 'expression');
  if (e.kind === 'expression') {
    assert.is(e.text, "concat('a')");
    assert.equal(e.expr, { kind: 'call', name: 'concat', args: [{ kind: 'string', value: 'a', offset: 8 }], offset: 1 });
  }
});

parse('keeps the function name as written and records offsets', () => {
  const e = parsed("toLower( 'A' ).x['y'][0]");
  assert.is(e.kind, 'index');
  if (e.kind !== 'index') return;
  assert.is(e.offset, 21);
  assert.equal(e.index, { kind: 'number', value: 0, offset: 22 });
  const prop = e.object;
  assert.is(prop.kind, 'index');
  if (prop.kind !== 'index') return;
  const dot = prop.object;
  assert.equal(dot.kind === 'property' && dot.property, 'x');
  assert.equal(dot.kind === 'property' && dot.object, { kind: 'call', name: 'toLower', args: [{ kind: 'string', value: 'A', offset: 9 }], offset: 0 });
});

parse('string escapes and numbers', () => {
  assert.equal(parsed("'it''s'"), { kind: 'string', value: "it's", offset: 0 });
  assert.equal(parsed("''"), { kind: 'string', value: '', offset: 0 });
  assert.equal(parsed('-12'), { kind: 'number', value: -12, offset: 0 });
  assert.equal(parsed('3.25'), { kind: 'number', value: 3.25, offset: 0 });
});

parse('syntax errors carry a code and the offset', () => {
  const cases: [string, string, number][] = [
    ["concat('a'", 'expr.syntax', 11],
    ["concat('a)", 'expr.unterminated-string', 8],
    ['', 'expr.syntax', 1],
    ['concat(1,)', 'expr.syntax', 10],
    ['a + b', 'expr.syntax', 3],
    ['1a', 'expr.syntax', 2],
    ['f().', 'expr.syntax', 5],
  ];
  for (const [text, code, offset] of cases) {
    const r = parseExpression(text, 1);
    assert.not.ok(r.ok, text);
    if (r.ok) continue;
    assert.is(r.diagnostic.code, code, text);
    assert.is(r.offset, offset, text);
    assert.ok(r.diagnostic.message.length > 0);
  }
});

parse('classifyTemplateString throws a coded PolicyError on bad syntax', () => {
  try {
    classifyTemplateString("[concat('a']");
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, PolicyError);
    assert.is((e as PolicyError).code, 'expr.syntax');
  }
});

parse('nesting deeper than 64 is expr.too-deep, not a stack overflow', () => {
  const deep = 'not('.repeat(65) + 'true()' + ')'.repeat(65);
  const r = parseExpression(deep);
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.diagnostic.code, 'expr.too-deep');
  const ok = 'not('.repeat(60) + 'true()' + ')'.repeat(60);
  assert.ok(parseExpression(ok).ok);
  const hostile = 'a('.repeat(100000);
  const h = parseExpression(hostile);
  assert.not.ok(h.ok);
  const chain = "json('{}')" + '.a'.repeat(70);
  const c = parseExpression(chain);
  assert.not.ok(c.ok);
  if (!c.ok) assert.is(c.diagnostic.code, 'expr.too-deep');
});

parse('expressions longer than 81920 characters are expr.too-long', () => {
  const long = "concat('" + 'x'.repeat(81920) + "')";
  const r = parseExpression(long);
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.diagnostic.code, 'expr.too-long');
});

parse.run();

// ── compile ──────────────────────────────────────────────────────────────────────────────────────────
const compile = suite('expressions/compile');

compile('pure calls on constants fold at compile time', () => {
  const c = compileExpression(parsed("toUpper(concat('a', 'b'))"), scopeOf());
  assert.ok(c.constant);
  assert.is(c.value, 'AB');
  assert.is(c.evaluate(RT), 'AB');
});

compile('parameters() with a bound value folds; the call around it folds too', () => {
  const s = scopeOf({ parameter: (n) => (n.toLowerCase() === 'p' ? { value: 'X' } : undefined) });
  const c = compileExpression(parsed("toLower(parameters('P'))"), s);
  assert.ok(c.constant);
  assert.is(c.value, 'x');
  assert.is(s.diagnostics.length, 0);
});

compile('a fold that throws becomes a run-time EvaluationError, not a compile diagnostic', () => {
  const s = scopeOf();
  const c = compileExpression(parsed("substring('vm1', 0, 5)"), s);
  assert.is(s.diagnostics.length, 0);
  assert.not.ok(c.constant);
  assert.throws(() => c.evaluate(RT), (e: unknown) => e instanceof EvaluationError && e.code === 'expr.function-failed');
});

compile('unknown function, arity and phase faults are compile diagnostics with the pointer', () => {
  const cases: [string, string, ExpressionScope['phase']][] = [
    ['nope()', 'expr.unknown-function', 'policyRule'],
    ['concat()', 'expr.arity', 'policyRule'],
    ["substring('a', 1, 2, 3)", 'expr.arity', 'policyRule'],
    ["variables('x')", 'expr.function-not-allowed', 'policyRule'],
    ["field('name')", 'expr.function-not-allowed', 'template'],
  ];
  for (const [text, code, phase] of cases) {
    const s = scopeOf({ phase });
    const c = compileExpression(parsed(text), s);
    assert.is(s.diagnostics[0]?.code, code, text);
    assert.is(s.diagnostics[0]?.pointer, '/policyRule/if/value', text);
    assert.throws(() => c.evaluate(RT), (e: unknown) => e instanceof EvaluationError && e.code === code);
  }
  const s = scopeOf();
  compileExpression(parsed("substring('a', 1, 2, 3)"), s);
  assert.match(s.diagnostics[0]!.message, /1 to 3/);
  assert.match(s.diagnostics[0]!.message, /got 4/);
});

compile('more than 128 arguments is expr.arity', () => {
  const s = scopeOf();
  compileExpression(parsed('createArray(' + Array.from({ length: 129 }, (_, i) => String(i)).join(',') + ')'), s);
  assert.is(s.diagnostics[0]?.code, 'expr.arity');
});

compile("field('<constant>') uses the scope hook once; a computed name uses rt.field", () => {
  const asked: string[] = [];
  const s = scopeOf({
    field: (name) => {
      asked.push(name);
      return (rt) => (rt as ExpressionRuntime & { res: Record<string, unknown> }).res[name];
    },
  });
  const c = compileExpression(parsed("concat(field('name'), '-', field(concat('lo', 'cation')))"), s);
  assert.not.ok(c.constant);
  assert.equal(asked, ['name']);
  const rt = { now: '', res: { name: 'vm1' }, field: (n: string) => `rt:${n}` };
  assert.is(c.evaluate(rt), 'vm1-rt:location');
  // A name only known at run time reaches rt.field.
  const s2 = scopeOf({ field: () => undefined });
  const c2 = compileExpression(parsed("field(parameters('f'))"), s2);
  assert.is(c2.evaluate({ now: '', field: (n: string) => `rt:${n}`, parameter: () => 'tags' }), 'rt:tags');
});

compile('current() outside a count and an unknown count name are coded', () => {
  const s1 = scopeOf();
  compileExpression(parsed('current()'), s1);
  assert.is(s1.diagnostics[0]?.code, 'expr.current-outside-count');
  const s2 = scopeOf({ current: (name) => (name === 'c' ? () => 1 : undefined) });
  const ok = compileExpression(parsed("add(current('c'), 1)"), s2);
  assert.is(ok.evaluate(RT), 2);
  compileExpression(parsed("current('zz')"), s2);
  assert.is(s2.diagnostics[0]?.code, 'expr.unknown-count-name');
});

compile('unknown parameters are compile diagnostics', () => {
  const s = scopeOf({ parameter: () => undefined });
  compileExpression(parsed("parameters('missing')"), s);
  assert.is(s.diagnostics[0]?.code, 'expr.unknown-parameter');
  const s2 = scopeOf({ parameter: () => ({ value: undefined }) });
  compileExpression(parsed("parameters('noValue')"), s2);
  assert.is(s2.diagnostics[0]?.code, 'expr.missing-parameter-value');
});

compile('compileTemplateValue: constant structures, expressions inside, "__proto__" stays data', () => {
  const s = scopeOf({ pointer: '/then/details' });
  const constant = compileTemplateValue(JSON.parse('{"a": [1, "[[x]"], "__proto__": {"b": 1}}'), s);
  assert.ok(constant.constant);
  const v = constant.value as Record<string, unknown>;
  assert.equal(v.a, [1, '[x]']);
  assert.ok(Object.hasOwn(v, '__proto__'));
  assert.is(Object.getPrototypeOf(v), Object.prototype);
  const json = JSON.parse('{"__proto__": {"polluted": "[toUpper(\'x\')]"}}');
  const c = compileTemplateValue(json, s);
  const out = c.evaluate(RT) as Record<string, Record<string, unknown>>;
  assert.ok(Object.hasOwn(out, '__proto__'));
  assert.equal(out['__proto__'], { polluted: 'X' });
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  const dynamic = compileTemplateValue({ n: "[field('name')]" }, scopeOf({ field: () => (rt) => (rt as ExpressionRuntime & { n: string }).n }));
  assert.not.ok(dynamic.constant);
  assert.equal(dynamic.evaluate({ now: '', n: 'vm' } as ExpressionRuntime), { n: 'vm' });
});

compile('compileTemplateValue reports syntax faults with the nested pointer and never throws', () => {
  const s = scopeOf({ pointer: '/p' });
  const c = compileTemplateValue({ a: { b: ["[concat('x']"] } }, s);
  assert.is(s.diagnostics[0]?.code, 'expr.syntax');
  assert.is(s.diagnostics[0]?.pointer, '/p/a/b/0');
  assert.throws(() => c.evaluate(RT), (e: unknown) => e instanceof EvaluationError && e.code === 'expr.syntax');
});

compile('hostile JSON depth is a coded diagnostic', () => {
  let v: unknown = 'x';
  for (let i = 0; i < 300; i++) v = [v];
  const s = scopeOf();
  compileTemplateValue(v, s);
  assert.is(s.diagnostics[0]?.code, 'expr.value-too-deep');
});

compile('evaluateExpression throws PolicyError for compile faults and EvaluationError for run faults', () => {
  assert.throws(() => evaluateExpression('[nope()]'), (e: unknown) => e instanceof PolicyError && e.code === 'expr.unknown-function');
  assert.throws(() => evaluateExpression("[substring('a', 0, 2)]"), (e: unknown) => e instanceof EvaluationError);
  assert.is(evaluateExpression("[parameters('A')]", { parameters: { a: 1 } }), 1);
  assert.is(evaluateExpression('[utcNow()]', { now: '2024-05-06T07:08:09Z' }), '2024-05-06T07:08:09.0000000Z');
});

compile('string results over 131072 characters fail at run time', () => {
  const big = 'x'.repeat(70000);
  assert.throws(
    () => evaluateExpression("[concat(parameters('a'), parameters('a'))]", { parameters: { a: big } }),
    (e: unknown) => e instanceof EvaluationError && e.code === 'expr.result-too-large',
  );
});

compile.run();

// ── the FUNCTIONS table ──────────────────────────────────────────────────────────────────────────────
const table = suite('functions/table');

table('names are unique (case-insensitive) and every spec is documented and well-formed', () => {
  const seen = new Map<string, number>();
  for (const f of FUNCTIONS) seen.set(f.name.toLowerCase(), (seen.get(f.name.toLowerCase()) ?? 0) + 1);
  const dupes = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  assert.equal(dupes, [], `duplicate function names: ${dupes.join(', ')}`);
  for (const f of FUNCTIONS) {
    assert.ok(f.doc.length > 0 && !f.doc.includes('\n'), `${f.name}: one-line doc`);
    assert.ok(f.phases.length > 0, `${f.name}: phases`);
    assert.ok(f.minArgs <= f.maxArgs, `${f.name}: arity`);
    assert.ok(Object.isFrozen(f), `${f.name}: frozen`);
  }
  assert.ok(Object.isFrozen(FUNCTIONS));
});

table('lookupFunction is case-insensitive', () => {
  assert.is(lookupFunction('TOLOWER')?.name, 'toLower');
  assert.is(lookupFunction('ipRANGEcontains')?.name, 'ipRangeContains');
  assert.is(lookupFunction('nope'), undefined);
});

table('functions the docs exclude from policy rules are template-only', () => {
  for (const name of ['copyIndex', 'dateTimeAdd', 'dateTimeFromEpoch', 'dateTimeToEpoch', 'deployment', 'environment', 'extensionResourceId', 'listKeys', 'managementGroup', 'newGuid', 'pickZones', 'providers', 'reference', 'resourceId', 'subscriptionResourceId', 'tenantResourceId', 'tenant', 'variables']) {
    const f = lookupFunction(name);
    assert.ok(f, `${name} is in the table`);
    assert.not.ok(f!.phases.includes('policyRule'), `${name} must not be allowed in policy rules`);
  }
});

/** Function names called in "[...]" strings of policy rules, outside details.deployment.properties.template. */
function corpusFunctionNames(root: string): Map<string, string> {
  const names = new Map<string, string>();
  const visit = (v: unknown, ptr: string, file: string): void => {
    if (typeof v === 'string') {
      if (v.startsWith('[') && !v.startsWith('[[') && v.endsWith(']')) {
        const r = parseExpression(v.slice(1, -1), 1);
        if (!r.ok) return;
        const stack: Expr[] = [r.expr];
        while (stack.length > 0) {
          const e = stack.pop()!;
          if (e.kind === 'call') {
            if (!names.has(e.name.toLowerCase())) names.set(e.name.toLowerCase(), `${file}${ptr}`);
            stack.push(...e.args);
          } else if (e.kind === 'property') stack.push(e.object);
          else if (e.kind === 'index') stack.push(e.object, e.index);
        }
      }
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${ptr}/${i}`, file));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = `${ptr}/${k}`;
        if (/\/details\/deployment\/properties\/template$/i.test(p)) continue;
        visit(x, p, file);
      }
    }
  };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.json')) {
        let doc: { properties?: { policyRule?: unknown }; policyRule?: unknown };
        try {
          doc = JSON.parse(readFileSync(full, 'utf8').replace(/^\uFEFF/, ''));
        } catch {
          continue;
        }
        const rule = doc?.properties?.policyRule ?? doc?.policyRule;
        if (rule !== undefined) visit(rule, '/policyRule', full);
      }
    }
  };
  walk(root);
  return names;
}

table('every function the built-in corpus calls in policy rules is in the table for policy rules', () => {
  if (!requireShared('built-in corpus function scan')) return;
  const root = join(SHARED, 'corpora', 'azure-policy-builtins');
  const names = corpusFunctionNames(root);
  assert.ok(names.size > 20, `found only ${names.size} function names`);
  const missing: string[] = [];
  for (const [name, where] of names) {
    const f = lookupFunction(name);
    if (f === undefined || !f.phases.includes('policyRule')) missing.push(`${name} (${where})`);
  }
  assert.equal(missing, [], `functions missing for policy rules: ${missing.join('; ')}`);
});

table.run();

void ({} as Diagnostic);
