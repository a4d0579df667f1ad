// The authoring commands as processes (`node dist/engine/cli/bin.js …`): exit codes, machine output on stdout only,
// --help with examples, YAML → JSON conversion.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'engine', 'cli', 'bin.js');

function dine(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('cli: every authoring command has --help with examples', () => {
  for (const cmd of ['validate', 'test', 'explain', 'convert']) {
    const r = dine(cmd, '--help');
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, /Examples:\n/, cmd);
    assert.match(r.stdout, new RegExp(`dine ${cmd} `), cmd);
  }
});

test('cli validate: errors exit 2, warnings only exit 0, clean exit 0', () => {
  const bad = dine('validate', 'fixtures/validate/details-name.bad.json');
  assert.equal(bad.code, 2);
  assert.match(bad.stdout, /^fixtures\/validate\/details-name\.bad\.json:14:11: error validate\.details-name-required: /);
  const warn = dine('validate', 'fixtures/validate/like-without-wildcard.bad.json');
  assert.equal(warn.code, 0);
  assert.match(warn.stdout, /0 errors, 1 warning/);
  const pack = dine('validate', 'policies');
  assert.equal(pack.code, 0, pack.stdout + pack.stderr);
  assert.match(pack.stdout, /0 errors, 0 warnings, 0 notes in 7 documents \(7 files\)/);
});

test('cli validate: --format json and sarif on stdout; a missing file is a usage fault (exit 2)', () => {
  const j = dine('validate', 'fixtures/validate/modify-operation.bad.json', '--format', 'json');
  assert.equal(j.code, 2);
  const parsed = JSON.parse(j.stdout) as { findings: { code: string }[] };
  assert.equal(parsed.findings.map((f) => f.code), ['validate.modify-operation', 'compile.alias-type-mismatch']);
  assert.equal(j.stderr, '');
  const s = dine('validate', 'fixtures/validate/schema-fault.bad.yaml', '--format', 'sarif');
  const sarif = JSON.parse(s.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0]!.results[0]!.ruleId, 'parse.unknown-operator');
  const missing = dine('validate', 'no/such/file.json');
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /load\.file-not-found/);
  const fmt = dine('validate', 'policies', '--format', 'xml');
  assert.equal(fmt.code, 2);
});

test('cli test: passing suites exit 0, a failing one exits 1, JUnit on stdout, coverage threshold', () => {
  const ok = dine('test', 'fixtures/policy-tests/example');
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /✓ an untagged storage account is non-compliant\n/);
  assert.match(ok.stdout, /4 passed, 0 failed \(4 cases in 1 files\)/);
  const failing = dine('test', 'fixtures/policy-tests/failing');
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /✗ expects the wrong state/);
  const junit = dine('test', 'fixtures/policy-tests/example', 'fixtures/policy-tests/failing', '--format', 'junit');
  assert.equal(junit.code, 1);
  assert.match(junit.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="dine test" tests="6" failures="1" errors="0">/);
  const pack = dine('test', 'policies', '--coverage-threshold', '99');
  assert.equal(pack.code, 1);
  assert.match(pack.stderr, /test\.coverage-below-threshold/);
  assert.equal(dine('test', 'policies', '--coverage-threshold', '10').code, 0);
  assert.equal(dine('test', 'fixtures/validate').code, 2);
});

test('cli explain: text and json; a missing option is a usage fault', () => {
  const args = ['explain', '--policy', 'policies/builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json', '--resource', 'fixtures/policy-tests/explain/vm1.json', '--snapshot', 'fixtures/policy-tests/explain/related.json'];
  const t = dine(...args);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /✗ does not satisfy the existence condition/);
  assert.match(t.stdout, /result {4}NonCompliant/);
  const j = dine(...args, '--parameters', 'vaType=mdeTvm', '--format', 'json');
  assert.equal(j.code, 0, j.stderr);
  assert.equal((JSON.parse(j.stdout) as { complianceState: string }).complianceState, 'Compliant');
  const missing = dine('explain', '--policy', 'policies/builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json');
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
});

test('cli convert: YAML → the same document as stable 2-space JSON, to stdout or --output', () => {
  const src = 'fixtures/policy-tests/example/tag-policy.yaml';
  const r = dine('convert', src);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), parseYaml(readFileSync(join(ROOT, src), 'utf8')));
  assert.equal(r.stdout, JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n');
  assert.match(r.stdout, /^\{\n {2}"properties": \{\n {4}"displayName": /);
  const dir = mkdtempSync(join(tmpdir(), 'dine-convert-'));
  try {
    const out = join(dir, 'policy.json');
    const w = dine('convert', src, '--output', out);
    assert.equal(w.code, 0);
    assert.equal(w.stdout, '');
    assert.equal(readFileSync(out, 'utf8'), r.stdout);
    // The converted JSON validates like the YAML it came from.
    assert.equal(dine('validate', out).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = dine('convert', 'fixtures/parse/malformed-indentation.yaml');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /load\.invalid-yaml/);
});

test.run();
