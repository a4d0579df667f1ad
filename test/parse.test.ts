// engine/parse and engine/load/source: the `kind: document` cases of fixtures/cases/parse/*.yaml, the bad-input
// sample files of fixtures/parse/ (code, pointer and line:column), source positions, limits, and every built-in
// of ../shared/corpora/azure-policy-builtins.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSourceText } from '../engine/load/source.js';
import {
  classifyDocument, listDocuments, parseAssignment, parseDefinition, parseDocument, parseExemption, parsePolicySet,
  type ParseOptions, type PolicyDocument,
} from '../engine/parse/index.js';
import { parsePointer, type Diagnostic } from '../engine/diagnostics/index.js';
import { FIXTURES, SHARED, requireShared } from './support/paths.js';

type Parsed = { document?: PolicyDocument; diagnostics: Diagnostic[] };

const PARSERS: Record<string, (v: unknown, o: ParseOptions) => Parsed> = {
  auto: (v, o) => parseDocument(v, o),
  policyDefinition: (v, o) => {
    const r = parseDefinition(v, o);
    return r.definition ? { document: r.definition, diagnostics: r.diagnostics } : r;
  },
  policySetDefinition: (v, o) => {
    const r = parsePolicySet(v, o);
    return r.policySet ? { document: r.policySet, diagnostics: r.diagnostics } : r;
  },
  policyAssignment: (v, o) => {
    const r = parseAssignment(v, o);
    return r.assignment ? { document: r.assignment, diagnostics: r.diagnostics } : r;
  },
  policyExemption: (v, o) => {
    const r = parseExemption(v, o);
    return r.exemption ? { document: r.exemption, diagnostics: r.diagnostics } : r;
  },
};

interface ExpectedDiagnostic {
  code: string;
  pointer?: string;
  severity?: string;
  line?: number;
  column?: number;
  message?: string; // substring
}

function describe(ds: Diagnostic[]): string {
  return ds.map((d) => `${d.code}@${d.pointer ?? ''}${d.source ? `(${d.source.line}:${d.source.column})` : ''} ${d.message}`).join('\n  ');
}

/** Every expected diagnostic is present; no other error unless `allowOther`. */
function checkDiagnostics(actual: Diagnostic[], expected: ExpectedDiagnostic[], allowOther: boolean, where: string): void {
  const used = new Set<Diagnostic>();
  for (const e of expected) {
    const hit = actual.find(
      (d) =>
        !used.has(d) &&
        d.code === e.code &&
        (e.pointer === undefined || d.pointer === e.pointer) &&
        (e.severity === undefined || d.severity === e.severity) &&
        (e.line === undefined || d.source?.line === e.line) &&
        (e.column === undefined || d.source?.column === e.column) &&
        (e.message === undefined || d.message.includes(e.message)),
    );
    assert.ok(hit, `${where}: expected ${JSON.stringify(e)}; got:\n  ${describe(actual)}`);
    used.add(hit!);
  }
  if (!allowOther) {
    const extra = actual.filter((d) => !used.has(d) && d.severity === 'error');
    assert.equal(extra.length, 0, `${where}: unexpected errors:\n  ${describe(extra)}`);
  }
}

function subset(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: expected ${expected.length} items, got ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => subset((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) subset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else if (expected === null) assert.ok(actual === null || actual === undefined, `${path}: expected absent, got ${JSON.stringify(actual)}`);
  else assert.equal(actual, expected, path);
}

// ── table cases ──────────────────────────────────────────────────────────────────────────────

const cases = suite('parse cases (fixtures/cases/parse)');
const CASE_DIR = join(FIXTURES, 'cases', 'parse');
let caseCount = 0;
for (const file of readdirSync(CASE_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
  const spec = parseYaml(readFileSync(join(CASE_DIR, file), 'utf8')) as { source: string; cases: Record<string, any>[] };
  const ids = new Set<string>();
  cases(`${file}: has a source and unique ids`, () => {
    assert.type(spec.source, 'string');
    for (const c of spec.cases) {
      assert.not.ok(ids.has(c.id), `duplicate id ${c.id}`);
      ids.add(c.id);
    }
  });
  for (const c of spec.cases) {
    if (c.kind !== 'document') continue;
    caseCount++;
    cases(`${file} ${c.id}`, () => {
      // `text` cases go through parseSourceText (positions); `document` cases are values
      let value: unknown = c.document;
      let locate: ParseOptions['locate'];
      if (typeof c.text === 'string') {
        const src = parseSourceText(c.text, `${c.id}.${c.format ?? 'json'}`, c.format);
        checkDiagnostics(src.diagnostics, (c.expectSourceDiagnostics ?? []) as ExpectedDiagnostic[], false, c.id);
        value = src.value;
        locate = src.locate;
        // a document inside the file (an ARM list item): select it; pointers stay file-relative via pointerBase
        if (typeof c.pointerBase === 'string') for (const t of parsePointer(c.pointerBase)) value = (value as any)?.[t];
      }
      if (c.expectClass !== undefined) assert.is(classifyDocument(value) ?? null, c.expectClass);
      if (c.expectDocuments !== undefined) {
        assert.equal(listDocuments(value).map((d) => ({ pointer: d.pointer, kind: d.kind ?? null })), c.expectDocuments);
      }
      if (c.expect === undefined && c.expectDiagnostics === undefined) {
        assert.ok(c.expectClass !== undefined || c.expectDocuments !== undefined, 'case has no expectation');
        return;
      }
      const parser = PARSERS[c.parseAs ?? 'auto'];
      assert.ok(parser, `unknown parseAs ${c.parseAs}`);
      const r = parser!(value, { locate, pointerBase: c.pointerBase });
      if (c.expectDiagnostics !== undefined) {
        checkDiagnostics(r.diagnostics, c.expectDiagnostics, c.allowOther === true, c.id);
        if (c.expect === undefined) assert.ok(r.document === undefined || !r.diagnostics.some((d) => d.severity === 'error'));
      }
      if (c.expect !== undefined) {
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        if (c.expect.ok === true) {
          assert.equal(errors.length, 0, `${c.id}: unexpected errors:\n  ${describe(errors)}`);
          assert.ok(r.document, `${c.id}: no document`);
          if (c.expectDiagnostics === undefined) {
            const warnings = r.diagnostics.filter((d) => d.severity !== 'error');
            assert.equal(warnings.length, 0, `${c.id}: unexpected warnings:\n  ${describe(warnings)}`);
          }
        } else {
          assert.ok(errors.length > 0 && r.document === undefined, `${c.id}: expected a failure`);
        }
        if (c.expect.kind !== undefined) assert.is(r.document?.kind, c.expect.kind);
        if (c.expect.fields !== undefined) subset(r.document, c.expect.fields, c.id);
      }
    });
  }
}
cases('at least 80 document cases', () => {
  console.log(`  parse cases: ${caseCount}`);
  assert.ok(caseCount >= 80, `only ${caseCount} cases`);
});
cases.run();

// ── bad-input sample files ───────────────────────────────────────────────────────────────────

const samples = suite('bad-input files (fixtures/parse)');
const SAMPLE_DIR = join(FIXTURES, 'parse');
const expectations = parseYaml(readFileSync(join(SAMPLE_DIR, 'expectations.yaml'), 'utf8')) as {
  files: Record<string, { parseAs?: string; ok?: boolean; diagnostics: ExpectedDiagnostic[] }>;
};
samples('every sample file has expectations and vice versa', () => {
  const files = readdirSync(SAMPLE_DIR).filter((f) => f !== 'expectations.yaml').sort();
  assert.equal(files, Object.keys(expectations.files).sort());
});
for (const [file, exp] of Object.entries(expectations.files)) {
  samples(file, () => {
    const text = readFileSync(join(SAMPLE_DIR, file), 'utf8');
    const src = parseSourceText(text, file);
    const all = [...src.diagnostics];
    if (src.value !== undefined) all.push(...PARSERS[exp.parseAs ?? 'auto']!(src.value, { locate: src.locate }).diagnostics);
    for (const e of exp.diagnostics) assert.ok(e.line !== undefined && e.column !== undefined && (e.pointer !== undefined || e.code.startsWith('load.')), `${file}: expectations need line, column and pointer`);
    for (const d of all) assert.is(d.source?.file, file, `${file}: every diagnostic is located: ${describe([d])}`);
    checkDiagnostics(all, exp.diagnostics, false, file);
  });
}
samples.run();

// ── source positions ─────────────────────────────────────────────────────────────────────────

const source = suite('parseSourceText');

source('locate: keys, array elements, root, escaped tokens, nearest ancestor', () => {
  const text = '{\n  "a": [10, {"b/c": 1, "d~e": 2}],\n  "x": {"y": null}\n}';
  const s = parseSourceText(text, 'f.json');
  assert.equal(s.diagnostics, []);
  assert.equal(s.locate(''), { file: 'f.json', line: 1, column: 1 });
  assert.equal(s.locate('/a'), { file: 'f.json', line: 2, column: 3 });
  assert.equal(s.locate('/a/0'), { file: 'f.json', line: 2, column: 9 });
  assert.equal(s.locate('/a/1'), { file: 'f.json', line: 2, column: 13 });
  assert.equal(s.locate('/a/1/b~1c'), { file: 'f.json', line: 2, column: 14 });
  assert.equal(s.locate('/a/1/d~0e'), { file: 'f.json', line: 2, column: 24 });
  assert.equal(s.locate('/x/y/missing/deeper'), { file: 'f.json', line: 3, column: 9 });
});

source('BOM is skipped and counted in columns of line 1 only', () => {
  const s = parseSourceText('\uFEFF{"a": 1,\n"b": 2}', 'f.json');
  assert.equal(s.value, { a: 1, b: 2 });
  assert.equal(s.locate('/b'), { file: 'f.json', line: 2, column: 1 });
});

source('duplicate keys: JSON and YAML, at the repeated key', () => {
  const j = parseSourceText('{"a": {"k": 1,\n "k": 2}}', 'f.json');
  assert.equal(j.diagnostics.map((d) => [d.code, d.pointer, d.source?.line, d.source?.column]), [['parse.duplicate-key', '/a/k', 2, 2]]);
  assert.equal(j.value, { a: { k: 2 } });
  const y = parseSourceText('a:\n  k: 1\n  k: 2\n', 'f.yaml');
  assert.equal(y.diagnostics.map((d) => [d.code, d.pointer, d.source?.line, d.source?.column]), [['parse.duplicate-key', '/a/k', 3, 3]]);
});

source('syntax errors carry line:column', () => {
  const j = parseSourceText('{\n  "a": 1,\n}', 'bad.json');
  assert.equal(j.value, undefined);
  assert.equal(j.diagnostics.map((d) => [d.code, d.source?.line, d.source?.column]), [['load.invalid-json', 3, 1]]);
  const e = parseSourceText('', 'empty.json');
  assert.is(e.diagnostics[0]?.code, 'load.invalid-json');
  const y = parseSourceText('a: [1,\nb: 2', 'bad.yaml');
  assert.is(y.diagnostics[0]?.code, 'load.invalid-yaml');
  assert.is(y.diagnostics[0]?.source?.line, 2);
});

source('format detection and multi-document YAML', () => {
  assert.equal(parseSourceText('{"a": 1}', 'stdin').value, { a: 1 });
  assert.equal(parseSourceText('a: 1', 'stdin').value, { a: 1 });
  const m = parseSourceText('a: 1\n---\nb: 2\n', 'two.yml');
  assert.equal(m.value, [{ a: 1 }, { b: 2 }]);
  assert.equal(m.locate('/1/b'), { file: 'two.yml', line: 3, column: 1 });
});

source('YAML alias bombs are refused', () => {
  const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
  const r = parseSourceText(bomb, 'bomb.yaml');
  assert.is(r.diagnostics[0]?.code, 'load.invalid-yaml');
});

source('__proto__ and constructor keys are data', () => {
  const s = parseSourceText('{"__proto__": {"x": 1}, "constructor": 2}', 'p.json');
  const v = s.value as Record<string, unknown>;
  assert.ok(Object.hasOwn(v, '__proto__'));
  assert.is(Object.getPrototypeOf(v), Object.prototype);
  assert.equal(s.locate('/constructor'), { file: 'p.json', line: 1, column: 25 });
});

source('100k-deep JSON: parsed without stack overflow; parse reports parse.too-deep / parse.document-too-deep', () => {
  const n = 100_000;
  const deepArray = parseSourceText('['.repeat(n) + ']'.repeat(n), 'deep.json');
  assert.equal(deepArray.diagnostics, []);
  const meta = '{"properties":{"policyRule":{"if":{"field":"type","equals":"x"},"then":{"effect":"audit"}},"metadata":' + '['.repeat(n) + ']'.repeat(n) + '}}';
  const m = parseSourceText(meta, 'deepmeta.json');
  const r = parseDefinition(m.value, { locate: m.locate });
  assert.equal(r.diagnostics.map((d) => d.code), ['parse.document-too-deep']);
  assert.is(r.diagnostics[0]!.source?.line, 1);
  const cond = '{"properties":{"policyRule":{"if":' + '{"not":'.repeat(n) + '{"field":"type","equals":"x"}' + '}'.repeat(n) + ',"then":{"effect":"audit"}}}}';
  const c = parseSourceText(cond, 'deepcond.json');
  const rc = parseDefinition(c.value, { locate: c.locate });
  assert.equal(rc.diagnostics.map((d) => d.code), ['parse.too-deep']);
  assert.ok(rc.diagnostics[0]!.pointer!.startsWith('/properties/policyRule/if/not/not'));
  assert.is(rc.diagnostics[0]!.pointer!.split('/not').length - 1, 64);
});

source('condition nesting: 64 levels accepted, 65 refused; more than 4096 leaves refused', () => {
  const nest = (levels: number): unknown => {
    let c: unknown = { field: 'type', equals: 'x' };
    for (let i = 1; i < levels; i++) c = { not: c };
    return { properties: { policyRule: { if: c, then: { effect: 'audit' } } } };
  };
  assert.equal(parseDefinition(nest(64)).diagnostics, []);
  assert.equal(parseDefinition(nest(65)).diagnostics.map((d) => d.code), ['parse.too-deep']);
  const leaves = Array.from({ length: 4097 }, () => ({ field: 'type', equals: 'x' }));
  const many = parseDefinition({ properties: { policyRule: { if: { anyOf: leaves }, then: { effect: 'audit' } } } });
  assert.equal(many.diagnostics.map((d) => [d.code, d.pointer]), [['parse.too-many-conditions', '/properties/policyRule/if']]);
  const ok = parseDefinition({ properties: { policyRule: { if: { anyOf: leaves.slice(1) }, then: { effect: 'audit' } } } });
  assert.equal(ok.diagnostics, []);
});

source('the caller\'s value is never modified', () => {
  const doc = { properties: { mode: 'indexed', parameters: { e: { type: 'String' } }, policyRule: { if: { anyof: [{ Field: 'type', Equals: 'x' }] }, then: { effect: 'audit' } } } };
  const before = JSON.stringify(doc);
  const r = parseDefinition(doc);
  assert.equal(r.diagnostics, []);
  assert.is(JSON.stringify(doc), before);
  assert.is(r.definition!.policyRule.if, doc.properties.policyRule.if);
});

source.run();

// ── the built-in corpus ──────────────────────────────────────────────────────────────────────

const corpus = suite('built-in corpus');

function readKnownFailures(): Map<string, string> {
  const file = join(FIXTURES, 'known-failures', 'parse.txt');
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [path, ...reason] = line.split('\t');
    out.set(path!, reason.join('\t'));
  }
  return out;
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  const work = [dir];
  while (work.length > 0) {
    const d = work.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) work.push(join(d, e.name));
      else if (e.name.endsWith('.json')) out.push(join(d, e.name));
    }
  }
  return out.sort();
}

corpus('every built-in definition and initiative parses without errors (or is a listed known failure)', () => {
  if (!requireShared('parse corpus test')) return;
  const root = join(SHARED, 'corpora', 'azure-policy-builtins');
  const known = readKnownFailures();
  const counts: Record<string, number> = {};
  const failures: string[] = [];
  let warnings = 0;
  for (const file of listJson(root)) {
    const rel = relative(root, file);
    const src = parseSourceText(readFileSync(file, 'utf8'), rel);
    const r = src.value === undefined ? { diagnostics: [] as Diagnostic[] } : parseDocument(src.value, { locate: src.locate });
    const errors = [...src.diagnostics, ...r.diagnostics].filter((d) => d.severity === 'error');
    warnings += r.diagnostics.length - r.diagnostics.filter((d) => d.severity === 'error').length;
    if (errors.length === 0 && r.document) counts[r.document.kind] = (counts[r.document.kind] ?? 0) + 1;
    else if (!known.has(rel)) failures.push(`${rel}: ${describe(errors)}`);
  }
  console.log(`  parse corpus: ${JSON.stringify(counts)}, ${known.size} known failures, ${warnings} warnings`);
  assert.equal(failures, []);
  assert.is(counts['policyDefinition'], 5009);
  assert.is(counts['policySetDefinition'], 257);
});

corpus.run();
