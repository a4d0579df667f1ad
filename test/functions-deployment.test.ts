// Deployment-time and encoding functions: the YAML cases under fixtures/cases/functions-deployment/ evaluated
// directly against the specs (a small call-only reader stands in for the expression compiler), then through
// evaluateExpression when engine/expressions/evaluate.js exists; plus hash vectors, phases and DINE coverage.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { EvaluationError } from '../engine/diagnostics/index.js';
import type { ExpressionRuntime } from '../engine/expressions/types.js';
import { armGuid, armMurmurHash64, armUniqueString } from '../engine/functions/arm-hash.js';
import { AZURE_CLOUD_ENVIRONMENT, DEPLOYMENT_FUNCTIONS, listFunction } from '../engine/functions/deployment.js';
import { ENCODING_FUNCTIONS } from '../engine/functions/encoding.js';
import type { FunctionSpec } from '../engine/functions/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CASES_DIR = join(ROOT, 'fixtures', 'cases', 'functions-deployment');

const TABLE = new Map<string, FunctionSpec>([...DEPLOYMENT_FUNCTIONS, ...ENCODING_FUNCTIONS].map((f) => [f.name.toLowerCase(), f]));

function lookup(name: string): FunctionSpec | undefined {
  return TABLE.get(name.toLowerCase()) ?? listFunction(name);
}

// ── a call-only reader for the case expressions ────────────────────────────────────────────
// Literals ('…' with '' escapes, numbers), calls, .property and ['x'] / [0] access. Enough to drive the specs
// without the real compiler, which another module owns.

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'prop'; obj: Node; key: Node };

function readExpression(text: string): Node {
  assert.ok(text.startsWith('[') && text.endsWith(']'), `not an expression: ${text}`);
  const src = text.slice(1, -1);
  let i = 0;
  const ws = (): void => {
    while (src[i] === ' ') i++;
  };
  const primary = (): Node => {
    ws();
    const c = src[i];
    let node: Node;
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${text}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      node = { k: 'lit', v: s };
    } else if (c !== undefined && /[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new Error(`bad number in ${text}`);
      i += m[0].length;
      node = { k: 'lit', v: Number(m[0]) };
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      if (!m) throw new Error(`unexpected "${c}" at ${i} in ${text}`);
      i += m[0].length;
      ws();
      if (src[i] !== '(') throw new Error(`expected ( after ${m[0]}`);
      i++;
      const args: Node[] = [];
      ws();
      if (src[i] === ')') i++;
      else {
        for (;;) {
          args.push(primary());
          ws();
          if (src[i] === ',') {
            i++;
            continue;
          }
          if (src[i] === ')') {
            i++;
            break;
          }
          throw new Error(`expected , or ) at ${i} in ${text}`);
        }
      }
      node = { k: 'call', name: m[0], args };
    }
    for (;;) {
      if (src[i] === '.') {
        i++;
        const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
        if (!m) throw new Error(`bad property at ${i} in ${text}`);
        i += m[0].length;
        node = { k: 'prop', obj: node, key: { k: 'lit', v: m[0] } };
      } else if (src[i] === '[') {
        i++;
        const key = primary();
        ws();
        if (src[i] !== ']') throw new Error(`expected ] at ${i} in ${text}`);
        i++;
        node = { k: 'prop', obj: node, key };
      } else return node;
    }
  };
  const node = primary();
  ws();
  if (i !== src.length) throw new Error(`trailing text at ${i} in ${text}`);
  return node;
}

function run(node: Node, rt: ExpressionRuntime): unknown {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'prop': {
      const obj = run(node.obj, rt);
      const key = run(node.key, rt);
      if (Array.isArray(obj) && typeof key === 'number') return obj[key];
      if (obj !== null && typeof obj === 'object' && typeof key === 'string') {
        const hit = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
        if (hit !== undefined) return (obj as Record<string, unknown>)[hit];
      }
      throw new EvaluationError('expr.property-access', { property: String(key), actual: typeof obj });
    }
    case 'call': {
      const spec = lookup(node.name);
      if (!spec) throw new Error(`test reader: ${node.name}() is not in the deployment/encoding tables`);
      const args = node.args.map((a) => run(a, rt));
      if (args.length < spec.minArgs || args.length > spec.maxArgs) {
        throw new EvaluationError('expr.arity', { name: spec.name, expected: `${spec.minArgs}..${spec.maxArgs}`, actual: args.length });
      }
      return spec.evaluate(args, rt);
    }
  }
}

// ── runtime from a case context ────────────────────────────────────────────────────────────

const SYMBOLIC = Symbol('symbolic');
type Context = Record<string, unknown>;

function ciGet(map: unknown, name: string): unknown {
  if (map === null || typeof map !== 'object') return undefined;
  const hit = Object.keys(map).find((k) => k.toLowerCase() === name.toLowerCase());
  return hit === undefined ? undefined : (map as Record<string, unknown>)[hit];
}

function runtimeFor(ctx: Context = {}): ExpressionRuntime {
  const rt: { -readonly [K in keyof ExpressionRuntime]: ExpressionRuntime[K] } = { now: '2024-01-01T00:00:00.0000000Z' };
  for (const hook of ['subscription', 'resourceGroup', 'managementGroup', 'tenant', 'deployment', 'environment'] as const) {
    if (ctx[hook] !== undefined) rt[hook] = () => ctx[hook];
  }
  if (ctx['variables'] !== undefined) rt.variable = (n: string) => ciGet(ctx['variables'], n);
  if (ctx['copyIndex'] !== undefined) {
    rt.copyIndex = (loop: string | undefined) => ciGet(ctx['copyIndex'], loop ?? '') as number;
  }
  if (ctx['symbolic'] === true) rt.unresolvable = (name: string, args: unknown[]) => ({ [SYMBOLIC]: name, args });
  return rt;
}

// ── the YAML cases ─────────────────────────────────────────────────────────────────────────

interface Case {
  id: string;
  kind: string;
  expression: string;
  context?: Context;
  expect?: unknown;
  expectError?: string;
  expectSymbolic?: string;
}

// *.yaml-pending: cases needing runtime hooks the shared runner's evaluateExpression context lacks (see the file).
const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const allCases: { file: string; c: Case }[] = [];
for (const file of files) {
  const doc = parseYaml(readFileSync(join(CASES_DIR, file), 'utf8')) as { source?: string; cases: Case[] };
  assert.type(doc.source, 'string', `${file} has no source`);
  const ids = new Set<string>();
  for (const c of doc.cases) {
    assert.not.ok(ids.has(c.id), `${file}: duplicate id ${c.id}`);
    ids.add(c.id);
    allCases.push({ file, c });
  }
}

function outcome(c: Case, evaluate: (rt: ExpressionRuntime) => unknown): void {
  const rt = runtimeFor(c.context);
  if (c.expectError !== undefined) {
    try {
      const v = evaluate(rt);
      assert.unreachable(`${c.id}: expected ${c.expectError}, got ${JSON.stringify(v)}`);
    } catch (e) {
      if (!(e instanceof EvaluationError)) throw e;
      assert.is(e.code, c.expectError, `${c.id}: ${e.message}`);
    }
    return;
  }
  const v = evaluate(rt);
  if (c.expectSymbolic !== undefined) {
    assert.ok(v !== null && typeof v === 'object', `${c.id}: not symbolic`);
    assert.is((v as Record<symbol, unknown>)[SYMBOLIC], c.expectSymbolic, c.id);
    return;
  }
  assert.equal(v, c.expect, c.id);
}

for (const { file, c } of allCases) {
  test(`${file} ${c.id} (specs)`, () => {
    assert.is(c.kind, 'expression');
    const node = readExpression(c.expression);
    outcome(c, (rt) => run(node, rt));
  });
}

// ── the same cases through evaluateExpression, once the compiler exists ────────────────────

test('YAML cases through evaluateExpression (when engine/expressions/evaluate.js exists)', async () => {
  const modulePath = join(ROOT, 'dist', 'engine', 'expressions', 'evaluate.js');
  if (!existsSync(modulePath)) {
    console.log('  notice: engine/expressions/evaluate.js is absent; the YAML cases ran against the specs only');
    return;
  }
  const mod = (await import(modulePath)) as Record<string, unknown>;
  const evaluateExpression = mod['evaluateExpression'];
  if (typeof evaluateExpression !== 'function') {
    console.log('  notice: engine/expressions/evaluate.js has no evaluateExpression export; skipped');
    return;
  }
  // evaluateExpression(text, context) supplies variables, subscription and resourceGroup hooks; cases that need
  // other runtime hooks (deployment, copyIndex, unresolvable …) ran against the specs above only.
  const SUPPORTED = new Set(['phase', 'variables', 'subscription', 'resourceGroup']);
  let ran = 0;
  for (const { c } of allCases) {
    const ctx = c.context ?? {};
    if (c.expectSymbolic !== undefined || Object.keys(ctx).some((k) => !SUPPORTED.has(k))) continue;
    const needsHook = /\b(deployment|copyIndex|managementGroup|tenant|environment|reference|list\w*|pickZones|newGuid|providers)\s*\(/i;
    if (needsHook.test(c.expression)) continue;
    ran++;
    const context = { ...ctx, now: '2024-01-01T00:00:00.0000000Z' };
    outcome(c, () => (evaluateExpression as (t: string, o: unknown) => unknown)(c.expression, context));
  }
  assert.ok(ran > 50, `only ${ran} cases ran through evaluateExpression`);
});

// ── hashes ─────────────────────────────────────────────────────────────────────────────────

test('uniqueString: published vectors, 13 chars of a-z2-7, case-sensitive, "-" joined', () => {
  assert.is(armUniqueString(['test']), 'rbgf3xv4ufgzg');
  assert.is(armUniqueString(['test', 'test2', 'test3']), 'bqgd334z2uj64');
  assert.is(armUniqueString(['hello', 'world']), armUniqueString(['hello-world']));
  assert.is.not(armUniqueString(['TEST']), armUniqueString(['test']));
  for (const s of ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh', 'abcdefghi', 'ünïcödé ☃']) {
    assert.match(armUniqueString([s]), /^[a-z2-7]{13}$/, s);
  }
});

test('Murmur variant: every tail length 0..7 contributes', () => {
  const seen = new Set<bigint>();
  for (let n = 0; n <= 16; n++) seen.add(armMurmurHash64(new Uint8Array(n).fill(0x61)));
  assert.is(seen.size, 17);
});

test('guid: published vector, version 5 / RFC 4122 variant, lower case', () => {
  assert.is(armGuid(['test']), 'd6a5baf1-8b9b-542a-8525-2982f1f98a0c');
  const g = armGuid(['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg', 'deployment1']);
  assert.match(g, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.is(armGuid(['a', 'b']), armGuid(['a-b']));
});

// ── table shape ────────────────────────────────────────────────────────────────────────────

/** Digest §6.1: ARM functions a policy rule may not call. */
const NOT_IN_POLICY_RULES = new Set(
  [
    'copyIndex', 'dateTimeAdd', 'dateTimeFromEpoch', 'dateTimeToEpoch', 'deployment', 'environment', 'extensionResourceId',
    'managementGroup', 'newGuid', 'pickZones', 'providers', 'reference', 'references', 'resourceId', 'subscriptionResourceId',
    'tenantResourceId', 'tenant', 'variables',
  ].map((n) => n.toLowerCase()),
);

test('phases follow digest §6.1; names unique; arities and docs present', () => {
  const names = new Set<string>();
  for (const f of [...DEPLOYMENT_FUNCTIONS, ...ENCODING_FUNCTIONS]) {
    const key = f.name.toLowerCase();
    assert.not.ok(names.has(key), `duplicate ${f.name}`);
    names.add(key);
    assert.ok(f.doc.length > 10, f.name);
    assert.ok(f.minArgs <= f.maxArgs, f.name);
    assert.ok(f.phases.includes('template'), f.name);
    const excluded = NOT_IN_POLICY_RULES.has(key) || key.startsWith('list');
    assert.is(f.phases.includes('policyRule'), !excluded, `${f.name} phases`);
  }
  assert.ok(TABLE.get('uniquestring')?.pure && TABLE.get('guid')?.pure);
  assert.not.ok(TABLE.get('deployment')?.pure);
});

test('list*: any name starting with "list" resolves, others do not', () => {
  assert.is(listFunction('LISTKEYS')?.name, 'listKeys');
  assert.is(listFunction('listSwagger')?.name, 'listSwagger');
  assert.is(listFunction('listSwagger')?.phases.join(), 'template');
  assert.is(listFunction('reference'), undefined);
});

test('environment() defaults to the documented AzureCloud object', () => {
  assert.equal(TABLE.get('environment')?.evaluate([], { now: '' }), AZURE_CLOUD_ENVIRONMENT);
});

test('format renders booleans and null the .NET way', () => {
  const format = TABLE.get('format') as FunctionSpec;
  assert.is(format.evaluate(['{0}|{1}|{2}', true, false, null], { now: '' }), 'True|False|');
});

test('variables() compiles a constant name through scope.variable', () => {
  const spec = TABLE.get('variables') as FunctionSpec;
  const seen: string[] = [];
  const evaluator = spec.compile?.([{ kind: 'string', value: 'v1', offset: 10 }], {
    phase: 'template',
    pointer: '/resources/0/name',
    diagnostics: [],
    variable: (name, pointer) => {
      seen.push(`${name}@${pointer}`);
      return () => 'value-of-v1';
    },
  });
  assert.ok(evaluator);
  assert.is(evaluator?.({ now: '' }), 'value-of-v1');
  assert.equal(seen, ['v1@/resources/0/name']);
  assert.is(spec.compile?.([{ kind: 'string', value: 'v1', offset: 10 }], { phase: 'template', pointer: '', diagnostics: [] }), undefined);
});

// ── coverage of the built-in DINE templates ────────────────────────────────────────────────

const CORPUS = join(ROOT, '..', 'shared', 'corpora', 'azure-policy-builtins', 'policyDefinitions');

function ciProp(o: unknown, key: string): unknown {
  return ciGet(o, key);
}

function templateFunctionNames(): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.startsWith('[') && !v.startsWith('[[') && v.endsWith(']')) {
        const body = v.slice(1, -1).replace(/'(?:[^']|'')*'/g, "''");
        for (const m of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
          const n = (m[1] as string).toLowerCase();
          counts.set(n, (counts.get(n) ?? 0) + 1);
        }
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) (visit(k), visit(x));
  };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) {
        let doc: unknown;
        try {
          doc = JSON.parse(readFileSync(p, 'utf8').replace(/^\uFEFF/, ''));
        } catch {
          continue;
        }
        const then = ciProp(ciProp(ciProp(doc, 'properties'), 'policyRule'), 'then');
        visit(ciProp(ciProp(ciProp(ciProp(then, 'details'), 'deployment'), 'properties'), 'template'));
      }
    }
  };
  walk(CORPUS);
  return counts;
}

test('every function the built-in DINE templates call is in a function table', async () => {
  if (!existsSync(CORPUS)) {
    console.log('  notice: ../shared corpora absent; DINE coverage not checked');
    return;
  }
  const used = templateFunctionNames();
  assert.ok(used.size > 20, 'the corpus scan found template functions');
  let others: Set<string> | undefined;
  const indexPath = join(ROOT, 'dist', 'engine', 'functions', 'index.js');
  if (existsSync(indexPath)) {
    const mod = (await import(indexPath)) as Record<string, unknown>;
    const table = mod['FUNCTIONS'];
    if (Array.isArray(table)) others = new Set(table.map((f: FunctionSpec) => f.name.toLowerCase()));
  }
  const missing = [...used.keys()].filter((n) => !lookup(n) && !others?.has(n)).sort();
  if (others === undefined) {
    console.log(`  notice: the FUNCTIONS table is absent; names left to the policy-function table: ${missing.join(', ')}`);
    return;
  }
  assert.equal(missing, [], `DINE template functions with no spec: ${missing.join(', ')}`);
});

test.run();
