// engine/cli: `dine` run as a process (node dist/engine/cli/bin.js) — help, version, usage errors, bad input with
// file:line:column, exit codes, the Contoso estate end to end in every format — and in-process through main(argv, host)
// for what a process cannot show (colour, progress, nothing written on failure).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, EXIT, main, type Host } from '../engine/cli/index.js';
import { loadPolicyDocuments } from '../engine/load/policies.js';
import type { ComplianceReport } from '../engine/model/index.js';
import { REPO_ROOT } from './support/paths.js';
import { sarifErrors } from './support/sarif.js';

const BIN = join(REPO_ROOT, 'dist/engine/cli/bin.js');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const C = 'fixtures/estates/contoso';
const CONTOSO = [
  'evaluate',
  '--policies', 'policies', `${C}/assignments`,
  '--exemptions', `${C}/exemptions`,
  '--snapshot', `${C}/management-groups.json`, `${C}/subscriptions.json`, `${C}/resources`,
  '--now', '2025-01-01T00:00:00Z',
];
const SMALL_OK = ['evaluate', '--policies', 'fixtures/cli/allowed-locations.yaml', '--snapshot', 'fixtures/cli/resources-ok.json', '--now', '2025-01-01'];
const SMALL_BAD = ['evaluate', '--policies', 'fixtures/cli/allowed-locations.yaml', '--snapshot', 'fixtures/cli/resources-mixed.json', '--now', '2025-01-01'];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function dine(args: string[], input?: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DINE_DEBUG'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env, ...(input !== undefined ? { input } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let contosoRun: Run | undefined;
/** The Contoso estate as json, run once and shared by the end-to-end tests. */
function contosoJson(): Run {
  return (contosoRun ??= dine([...CONTOSO, '--format', 'json']));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

// ── help, version, usage ────────────────────────────────────────────────────────────────

const usage = suite('cli: help, version, usage');

usage('--version prints the package version', () => {
  const r = dine(['--version']);
  assert.is(r.status, 0);
  assert.is(r.stdout.trim(), VERSION);
  assert.is(r.stderr, '');
});

usage('--help lists every command in COMMANDS and the exit codes', () => {
  const r = dine(['--help']);
  assert.is(r.status, 0);
  for (const c of COMMANDS) assert.ok(r.stdout.includes(c.name), c.name);
  assert.ok(r.stdout.includes('Exit codes: 0 compliant, 1 findings, 2 bad input or usage, 3 internal error.'));
});

usage('dine help and dine help <command> exit 0', () => {
  const r = dine(['help']);
  assert.is(r.status, 0);
  assert.ok(r.stdout.includes('Usage: dine'));
  const e = dine(['help', 'evaluate']);
  assert.is(e.status, 0);
  assert.ok(e.stdout.includes('--policies'));
});

usage('evaluate --help: options, formats and examples', () => {
  const r = dine(['evaluate', '--help']);
  assert.is(r.status, 0);
  for (const flag of ['--policies', '--snapshot', '--assignments', '--exemptions', '--scope', '--now', '--format', '--output', '--fail-on', '--complete', '--lenient']) {
    assert.ok(r.stdout.includes(flag), flag);
  }
  for (const f of ['table', 'json', 'markdown', 'sarif', 'junit']) assert.ok(r.stdout.includes(`  ${f} `), f);
  assert.ok(r.stdout.includes('Examples:'));
  assert.ok(r.stdout.includes('dine evaluate --policies'));
});

usage('no arguments: help on stderr, exit 2', () => {
  const r = dine([]);
  assert.is(r.status, 2);
  assert.is(r.stdout, '');
  assert.ok(r.stderr.includes('Usage: dine'));
});

usage('usage mistakes: exit 2 and exactly one line naming the problem', () => {
  const cases: Array<[string[], RegExp]> = [
    [['frobnicate'], /^dine: cli\.usage unknown command 'frobnicate'/],
    [['evaluate', '--snapshot', 'x.json'], /^dine: cli\.usage required option '-p, --policies <paths\.\.\.>' not specified$/],
    [[...SMALL_OK, '--bogus'], /^dine: cli\.usage unknown option '--bogus'/],
    [[...SMALL_OK, '--format', 'xml'], /^dine: cli\.usage option '-f, --format <name>' argument 'xml' is invalid\. Allowed choices are table, json, ndjson, markdown, sarif, junit\.$/],
    [[...SMALL_OK, '--fail-on', 'sometimes'], /^dine: cli\.usage option '--fail-on <when>' argument 'sometimes' is invalid/],
    [[...SMALL_OK, '--now', 'yesterday'], /^dine: cli\.usage --now "yesterday" is not an ISO-8601 date or date-time/],
    [[...SMALL_OK, '--scope', 'subscriptions/x'], /^dine: cli\.usage --scope "subscriptions\/x" is not a resource id/],
    [['evaluate', '--policies', 'policies', '--snapshot', '-'], /^dine: cli\.usage --snapshot does not read standard input/],
  ];
  for (const [args, expected] of cases) {
    const r = dine(args);
    assert.is(r.status, 2, args.join(' '));
    assert.is(r.stdout, '', args.join(' '));
    const err = lines(r.stderr);
    assert.is(err.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(err[0]!, expected);
  }
});

// ── bad input ───────────────────────────────────────────────────────────────────────────

const input = suite('cli: bad input');

input('a missing file: exit 2, the line names the file', () => {
  const r = dine(['evaluate', '--policies', 'fixtures/cli/no-such-policy.json', '--snapshot', 'fixtures/cli/resources-ok.json']);
  assert.is(r.status, 2);
  assert.is(r.stdout, '');
  assert.equal(lines(r.stderr), ['dine: load.file-not-found File not found: fixtures/cli/no-such-policy.json']);
  const s = dine(['evaluate', '--policies', 'fixtures/cli/allowed-locations.yaml', '--snapshot', 'fixtures/cli/no-such-snapshot.json']);
  assert.is(s.status, 2);
  assert.equal(lines(s.stderr), ['dine: load.file-not-found File not found: fixtures/cli/no-such-snapshot.json']);
});

input('malformed JSON: exit 2, file:line:col of the fault', () => {
  const r = dine(['evaluate', '--policies', 'fixtures/cli/malformed.json', '--snapshot', 'fixtures/cli/resources-ok.json']);
  assert.is(r.status, 2);
  assert.is(r.stdout, '');
  const err = lines(r.stderr);
  assert.is(err.length, 1, r.stderr);
  assert.match(err[0]!, /^dine: fixtures\/cli\/malformed\.json:5:3 load\.invalid-json Invalid JSON: /);
});

input('an unrecognised document: exit 2, file:line:col and its pointer', () => {
  const r = dine(['evaluate', '--policies', 'fixtures/cli/unknown-document.json', '--snapshot', 'fixtures/cli/resources-ok.json']);
  assert.is(r.status, 2);
  const err = lines(r.stderr);
  assert.is(err.length, 1, r.stderr);
  assert.match(err[0]!, /^dine: fixtures\/cli\/unknown-document\.json:10:3 load\.unknown-document Cannot tell what this document is: .* \(at \/1\)$/);
});

input('an unknown scope id: exit 2', () => {
  const r = dine([...SMALL_OK, '--scope', '/subscriptions/99999999-9999-9999-9999-999999999999']);
  assert.is(r.status, 2);
  assert.equal(lines(r.stderr), ['dine: assign.unknown-scope Scope /subscriptions/99999999-9999-9999-9999-999999999999 is not in the snapshot']);
});

input('no definition among the policy inputs: exit 2', () => {
  const r = dine(['evaluate', '--policies', `${C}/assignments`, '--snapshot', 'fixtures/cli/resources-ok.json']);
  assert.is(r.status, 2);
  assert.match(lines(r.stderr)[0]!, /^dine: cli\.no-policies No policy definition or initiative found in fixtures\/estates\/contoso\/assignments$/);
});

input('every problem gets its own line', () => {
  const r = dine(['evaluate', '--policies', 'fixtures/cli/malformed.json', 'fixtures/cli/unknown-document.json', 'fixtures/cli/nope.yaml', '--snapshot', 'fixtures/cli/resources-ok.json']);
  assert.is(r.status, 2);
  const err = lines(r.stderr);
  assert.is(err.length, 3, r.stderr);
  assert.ok(err.some((l) => l.includes('load.file-not-found')));
  assert.ok(err.some((l) => l.includes('load.invalid-json')));
  assert.ok(err.some((l) => l.includes('load.unknown-document')));
});

// ── exit codes on small inputs ──────────────────────────────────────────────────────────

const codes = suite('cli: exit codes');

codes('compliant → 0, non-compliant → 1, --fail-on never → 0, --fail-on error → 0 without evaluation errors', () => {
  assert.is(dine(SMALL_OK).status, 0);
  const bad = dine(SMALL_BAD);
  assert.is(bad.status, 1);
  assert.ok(bad.stdout.includes('rg-web/stus01'));
  assert.is(bad.stderr, '', 'no progress without a TTY');
  assert.is(dine([...SMALL_BAD, '--fail-on', 'never']).status, 0);
  assert.is(dine([...SMALL_BAD, '--fail-on', 'error']).status, 0);
});

codes('policies from standard input ("-")', () => {
  const yaml = readFileSync(join(REPO_ROOT, 'fixtures/cli/allowed-locations.yaml'), 'utf8');
  const r = dine(['evaluate', '--policies', '-', '--snapshot', 'fixtures/cli/resources-mixed.json', '--now', '2025-01-01', '--format', 'json'], yaml);
  assert.is(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as ComplianceReport;
  assert.equal(report.results.map((x) => x.complianceState).sort(), ['Compliant', 'NonCompliant']);
  const broken = dine(['evaluate', '--policies', '-', '--snapshot', 'fixtures/cli/resources-ok.json'], '{ "properties": ');
  assert.is(broken.status, 2);
  assert.match(lines(broken.stderr)[0]!, /^dine: -:1:\d+ load\.invalid-json /);
});

// ── Contoso end to end ──────────────────────────────────────────────────────────────────

const e2e = suite('cli: Contoso estate end to end');

e2e('json: exit 1 (some machines are non-compliant), a whole report, byte-identical across runs', () => {
  const r = contosoJson();
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stderr, '');
  const report = JSON.parse(r.stdout) as ComplianceReport;
  assert.is(report.evaluatedAt, '2025-01-01T00:00:00.000Z');
  assert.ok(report.results.length > 20);
  assert.ok(report.results.some((x) => x.complianceState === 'NonCompliant'));
  assert.ok(report.results.some((x) => x.complianceState === 'Compliant'));
  for (const x of report.results) assert.ok(x.source?.file.startsWith(`${C}/`), `${x.resourceId} has its snapshot file`);
  // the waiver on vm-app-02 names two members; the third stays non-compliant (README)
  const app02 = report.results.filter((x) => x.resourceId.endsWith('/vm-app-02') && x.policyDefinitionReferenceId !== undefined);
  const byRef = Object.fromEntries(app02.map((x) => [x.policyDefinitionReferenceId, x.complianceState]));
  assert.equal(byRef, { auditVaSolution: 'Exempt', configureVaProvider: 'Exempt', deployScannerVm: 'NonCompliant' });
  const assignments = report.summary.assignments.map((a) => a.id.replace(/^.*\//, ''));
  assert.ok(assignments.includes('dine-va') && assignments.includes('va-audit'), assignments.join());
  assert.is(dine([...CONTOSO, '--format', 'json']).stdout, r.stdout);
});

e2e('sarif: valid against the schema, one result per non-compliant record, located in the snapshot', () => {
  const json = JSON.parse(contosoJson().stdout) as ComplianceReport;
  const r = dine([...CONTOSO, '--format', 'sarif']);
  assert.is(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.equal(sarifErrors(log), []);
  const run = log.runs[0];
  assert.is(run.tool.driver.version, VERSION);
  const findings = json.results.filter((x) => x.complianceState === 'NonCompliant' || x.complianceState === 'Error');
  assert.is(run.results.length, findings.length);
  for (const res of run.results) {
    assert.ok(res.locations[0].physicalLocation.artifactLocation.uri.startsWith(`${C}/`));
    assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
    assert.is(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
  }
  // rule descriptions come from the definitions given with --policies
  const va = run.tool.driver.rules.find((x: { id: string }) => x.id.endsWith('/501541f7-f7e7-4cd6-868c-4190fdad3ac9'));
  assert.ok(va.fullDescription.text.length > va.name.length);
});

e2e('junit and markdown: parse, and agree with the json counts', () => {
  const json = JSON.parse(contosoJson().stdout) as ComplianceReport;
  const x = dine([...CONTOSO, '--format', 'junit']);
  assert.is(x.status, 1);
  assert.is(XMLValidator.validate(x.stdout), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(x.stdout);
  assert.is(Number(doc.testsuites.tests), json.results.length);
  assert.is(Number(doc.testsuites.failures), json.results.filter((r) => r.complianceState === 'NonCompliant').length);
  const m = dine([...CONTOSO, '--format', 'markdown']);
  assert.is(m.status, 1);
  assert.ok(m.stdout.startsWith('## Azure Policy compliance (dine)'));
  const t = dine(CONTOSO);
  assert.is(t.status, 1);
  assert.ok(t.stdout.includes('Summary'));
  assert.not.ok(t.stdout.includes('\u001b['), 'no colour when stdout is not a TTY');
});

e2e('--scope narrows the estate to a subscription', () => {
  const all = JSON.parse(contosoJson().stdout) as ComplianceReport;
  const sub = '/subscriptions/6f1c2b3a-3333-4c3c-8c3c-000000000003';
  const r = dine([...CONTOSO, '--format', 'json', '--scope', sub]);
  const scoped = JSON.parse(r.stdout) as ComplianceReport;
  assert.ok(scoped.results.length > 0 && scoped.results.length < all.results.length);
  for (const x of scoped.results) assert.ok(x.resourceId.toLowerCase().startsWith(sub));
});

e2e('--output writes the file only, and only when the run succeeds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dine-cli-'));
  try {
    const out = join(dir, 'report.sarif');
    const r = dine([...CONTOSO, '--format', 'sarif', '--output', out]);
    assert.is(r.status, 1);
    assert.is(r.stdout, '');
    assert.equal(sarifErrors(JSON.parse(readFileSync(out, 'utf8'))), []);
    const never = join(dir, 'never.json');
    const bad = dine(['evaluate', '--policies', 'fixtures/cli/malformed.json', '--snapshot', 'fixtures/cli/resources-ok.json', '--output', never]);
    assert.is(bad.status, 2);
    assert.not.ok(existsSync(never));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ── in-process: main(argv, host) ────────────────────────────────────────────────────────

const inproc = suite('cli: main(argv, host)');

function fakeHost(over: Partial<Host> = {}): Host & { out: string[]; err: string[]; files: Map<string, string> } {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  return {
    out, err, files,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: async (f) => readFileSync(join(REPO_ROOT, f), 'utf8'),
    writeFile: async (f, t) => void files.set(f, t),
    isTTY: false,
    env: {},
    cwd: REPO_ROOT,
    now: () => '2025-06-01T00:00:00.000Z',
    ...over,
  };
}

inproc('colour on a TTY unless NO_COLOR; progress on stderr only on a TTY', async () => {
  const tty = fakeHost({ isTTY: true });
  assert.is(await main([...SMALL_BAD], tty), EXIT.findings);
  assert.ok(tty.out.join('').includes('\u001b[31mNonCompliant'));
  assert.ok(tty.err.join('').includes('dine: evaluating'));
  const noColor = fakeHost({ isTTY: true, env: { NO_COLOR: '1' } });
  await main([...SMALL_BAD], noColor);
  assert.not.ok(noColor.out.join('').includes('\u001b['));
  const piped = fakeHost({ isTTY: false, stderrIsTTY: false });
  await main([...SMALL_BAD], piped);
  assert.is(piped.err.join(''), '');
});

inproc('without --now the host clock is the evaluation instant', async () => {
  const h = fakeHost();
  await main(['evaluate', '--policies', 'fixtures/cli/allowed-locations.yaml', '--snapshot', 'fixtures/cli/resources-ok.json', '--format', 'json'], h);
  assert.is((JSON.parse(h.out.join('')) as ComplianceReport).evaluatedAt, '2025-06-01T00:00:00.000Z');
});

inproc('--output goes through the host; a write failure is exit 2 with one line', async () => {
  const h = fakeHost();
  assert.is(await main([...SMALL_OK, '--format', 'markdown', '--output', 'out.md'], h), EXIT.ok);
  assert.ok(h.files.get('out.md')!.startsWith('## Azure Policy compliance'));
  assert.equal(h.out, []);
  const failing = fakeHost({ writeFile: async () => { throw new Error('EACCES: permission denied'); } });
  assert.is(await main([...SMALL_OK, '--output', '/root/x'], failing), EXIT.input);
  assert.equal(failing.err, ['dine: cli.write-failed Could not write /root/x: EACCES: permission denied\n']);
});

inproc('an internal fault is exit 3 with one line', async () => {
  const h = fakeHost({ readFile: async () => { throw new TypeError('host exploded'); } });
  // readFile faults that are not ENOENT are read failures of the input (exit 2)…
  assert.is(await main(['evaluate', '--policies', 'fixtures/cli/allowed-locations.yaml', '--snapshot', 'fixtures/cli/resources-ok.json'], h), EXIT.input);
  assert.match(h.err.join(''), /load\.read-failed Could not read fixtures\/cli\/allowed-locations\.yaml: host exploded/);
  // …while a fault in dine itself (here: a stdout that throws) is exit 3
  const broken = fakeHost({ stdout: () => { throw new RangeError('stdout is gone'); } });
  assert.is(await main([...SMALL_OK], broken), EXIT.internal);
  assert.equal(broken.err, ['dine: cli.internal Internal error: stdout is gone\n']);
});

// ── the policy-document loader (in-process) ─────────────────────────────────────────────

const loader = suite('loadPolicyDocuments');

const DEF = (name: string) => ({ name, properties: { displayName: name, mode: 'All', policyRule: { if: { field: 'type', equals: 'x' }, then: { effect: 'audit' } } } });
const SET = { name: 'set1', properties: { policyDefinitions: [{ policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/a' }] } };
const ASSIGNMENT = { id: '/subscriptions/s1/providers/Microsoft.Authorization/policyAssignments/as1', properties: { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/a', scope: '/subscriptions/s1' } };
const EXEMPTION = { name: 'ex1', properties: { policyAssignmentId: ASSIGNMENT.id, exemptionCategory: 'Waiver' } };

function withTree(files: Record<string, string>, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dine-policies-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

loader('the pack: folders recursively, sorted, kinds told apart by content, test files left out', async () => {
  const docs = await loadPolicyDocuments(['policies'], { cwd: REPO_ROOT });
  assert.equal(docs.diagnostics, []);
  assert.equal(docs.files, [...docs.files].sort());
  assert.ok(docs.files.every((f) => !f.includes('.test.')));
  assert.is(docs.definitions.length, 6);
  assert.is(docs.setDefinitions.length, 1);
  assert.equal([docs.assignments.length, docs.exemptions.length], [0, 0]);
  const d = docs.definitions[0]!;
  assert.is(d.file, join('policies', 'builtin', '13ce0167-8ca6-4048-8e6b-f996402e3c1b.json'));
  assert.is(d.pointer, '');
  assert.ok(d.locate('/properties/policyRule')!.line > 1);
});

loader('one document, arrays, ARM lists and YAML streams; pointers and positions per document', async () => {
  await withTree(
    {
      'a/list.json': JSON.stringify({ value: [DEF('d1'), SET] }, null, 2),
      'a/array.json': JSON.stringify([ASSIGNMENT, EXEMPTION], null, 2),
      'b/multi.yaml': `name: y1\nproperties:\n  mode: All\n  policyRule: { if: { field: type, equals: x }, then: { effect: audit } }\n---\n${JSON.stringify(EXEMPTION)}\n`,
      'b/one.yml': JSON.stringify(DEF('d2')),
      'b/notes.txt': 'not a policy',
    },
    async (dir) => {
      const docs = await loadPolicyDocuments([dir], { cwd: REPO_ROOT });
      assert.equal(docs.diagnostics, []);
      assert.equal(docs.files.map((f) => f.slice(dir.length + 1)), ['a/array.json', 'a/list.json', 'b/multi.yaml', 'b/one.yml']);
      assert.equal(docs.definitions.map((e) => [e.file.slice(dir.length + 1), e.pointer]), [['a/list.json', '/value/0'], ['b/multi.yaml', '/0'], ['b/one.yml', '']]);
      assert.equal(docs.setDefinitions.map((e) => e.pointer), ['/value/1']);
      assert.equal(docs.assignments.map((e) => e.pointer), ['/0']);
      assert.equal(docs.exemptions.map((e) => [e.file.slice(dir.length + 1), e.pointer]), [['a/array.json', '/1'], ['b/multi.yaml', '/1']]);
      const set = docs.setDefinitions[0]!;
      assert.equal(set.locate(`${set.pointer}/properties`), { file: set.file, line: 21, column: 7 });
      const yamlDef = docs.definitions[1]!;
      assert.is(yamlDef.locate('/0/properties/policyRule')!.line, 4);
      assert.is(yamlDef.locate('/1')!.line, 6);
    },
  );
});

loader('globs, each file once, in sorted order', async () => {
  const docs = await loadPolicyDocuments(['policies/dine/*.json', 'policies/dine/dine-va-deploy-vm.json', 'policies/**/dine-va-*.json'], { cwd: REPO_ROOT });
  assert.equal(docs.diagnostics, []);
  assert.equal(docs.files, ['policies/dine/dine-defender-servers-audit.json', 'policies/dine/dine-va-deploy-arc.json', 'policies/dine/dine-va-deploy-vm.json']);
});

loader('unrecognised documents: an error in a named file, a skipped warning in a scanned folder', async () => {
  await withTree({ 'p/mixed.json': JSON.stringify([DEF('ok'), { hello: 'world' }], null, 2) }, async (dir) => {
    const named = await loadPolicyDocuments([join(dir, 'p/mixed.json')]);
    assert.is(named.definitions.length, 1);
    assert.equal(named.diagnostics.map((d) => [d.code, d.severity, d.pointer, d.source?.line]), [['load.unknown-document', 'error', '/1', 18]]);
    const scanned = await loadPolicyDocuments([join(dir, 'p')]);
    assert.is(scanned.definitions.length, 1);
    assert.equal(scanned.diagnostics.map((d) => [d.code, d.severity]), [['load.unknown-document', 'warning']]);
    assert.ok(scanned.diagnostics[0]!.message.endsWith('; skipped'));
  });
});

loader('missing inputs, empty folders, syntax errors and stdin', async () => {
  await withTree({ 'empty/.keep': '', 'bad.yaml': 'a: [1, 2\n' }, async (dir) => {
    const docs = await loadPolicyDocuments(['nope.json', 'nope/**/*.json', join(dir, 'empty'), join(dir, 'bad.yaml')], { cwd: REPO_ROOT });
    assert.equal(docs.diagnostics.map((d) => d.code), ['load.file-not-found', 'load.no-files-matched', 'load.no-files-matched', 'load.invalid-yaml']);
    assert.is(docs.diagnostics[3]!.source!.file, join(dir, 'bad.yaml'));
  });
  const fromStdin = await loadPolicyDocuments(['-'], { readFile: async (f) => (f === '-' ? JSON.stringify([DEF('s1'), DEF('s2')]) : '') });
  assert.equal(fromStdin.definitions.map((e) => [e.file, e.pointer]), [['-', '/0'], ['-', '/1']]);
  assert.is(fromStdin.definitions[1]!.locate('/1')!.file, '-');
});

usage.run();
input.run();
codes.run();
e2e.run();
inproc.run();
loader.run();
