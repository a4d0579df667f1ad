// `dine evaluate|remediate|scan --stream`: the snapshot read keeping only what the policies (and the scan) read gives
// the same output as holding it whole (--no-stream) — stdout, stderr and exit code, for reports, bad input and
// remediation files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from './support/paths.js';
import { writeEstate } from './support/scale.js';

const BIN = join(REPO_ROOT, 'dist/engine/cli/bin.js');
const C = 'fixtures/estates/contoso';
const CONTOSO = ['--policies', 'policies', `${C}/assignments`, '--exemptions', `${C}/exemptions`, '--snapshot', `${C}/management-groups.json`, `${C}/subscriptions.json`, `${C}/resources`, '--now', '2025-01-01T00:00:00Z'];
const LOCATIONS = ['--policies', 'fixtures/cli/allowed-locations.yaml', '--now', '2025-01-01'];
const SCAN_CONTOSO = [`${C}/management-groups.json`, `${C}/subscriptions.json`, `${C}/resources`, '--now', '2025-01-01T00:00:00Z'];

/** Argument lists run both ways; `exit` is the expected exit code. */
const CASES: { name: string; args: string[]; exit: number }[] = [
  { name: 'Contoso as JSON', args: ['evaluate', ...CONTOSO, '--format', 'json'], exit: 1 },
  { name: 'Contoso as SARIF', args: ['evaluate', ...CONTOSO, '--format', 'sarif'], exit: 1 },
  { name: 'Contoso in one subscription, as a table', args: ['evaluate', ...CONTOSO, '--scope', '/subscriptions/6f1c2b3a-2222-4b2b-8b2b-000000000002', '--format', 'table'], exit: 1 },
  { name: 'non-compliant storage, JUnit', args: ['evaluate', ...LOCATIONS, '--snapshot', 'fixtures/cli/resources-mixed.json', '--format', 'junit'], exit: 1 },
  { name: 'a broken NDJSON line', args: ['evaluate', ...LOCATIONS, '--snapshot', 'fixtures/cli/resources-broken.ndjson'], exit: 2 },
  { name: 'malformed policies (the snapshot is still read)', args: ['evaluate', '--policies', 'fixtures/cli/malformed.json', '--snapshot', 'fixtures/cli/resources-broken.ndjson'], exit: 2 },
  { name: 'a missing snapshot', args: ['evaluate', ...LOCATIONS, '--snapshot', 'fixtures/cli/no-such-snapshot.ndjson'], exit: 2 },
  { name: 'an unknown scope', args: ['evaluate', ...LOCATIONS, '--snapshot', 'fixtures/cli/resources-ok.json', '--scope', '/subscriptions/99999999-9999-9999-9999-999999999999'], exit: 2 },
  // dine scan: Defender assessments decide on Contoso; the policies decide on an estate without them (below).
  { name: 'scan of Contoso as JSON', args: ['scan', ...SCAN_CONTOSO, '--format', 'json'], exit: 1 },
  { name: 'scan of Contoso as HTML, mdeTvm', args: ['scan', ...SCAN_CONTOSO, '--format', 'html', '--va-type', 'mdeTvm'], exit: 1 },
  { name: 'scan of Contoso with its assignments, one subscription, as text', args: ['scan', ...SCAN_CONTOSO, '--assignments', `${C}/assignments`, '--exemptions', `${C}/exemptions`, '--scope', '/subscriptions/6f1c2b3a-2222-4b2b-8b2b-000000000002'], exit: 1 },
];

function dine(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DINE_DEBUG'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const c of CASES) {
  test(`--stream gives what --no-stream gives: ${c.name}`, () => {
    const streamed = dine([...c.args, '--stream']);
    const held = dine([...c.args, '--no-stream']);
    assert.is(held.status, c.exit, held.stderr);
    assert.equal(streamed, held);
  });
}

test('--stream: the remediation plan, scripts and simulation are the same files', () => {
  const root = mkdtempSync(join(tmpdir(), 'dine-stream-'));
  try {
    const out = (mode: string) => join(root, mode);
    for (const mode of ['--stream', '--no-stream']) {
      const r = dine(['remediate', ...CONTOSO, '--simulate', '--out', out(mode), mode]);
      assert.is(r.status, 1, r.stderr);
    }
    const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length)).sort();
    assert.ok(files(out('--stream')).includes('/plan.json'));
    assert.equal(files(out('--stream')), files(out('--no-stream')));
    for (const f of files(out('--stream'))) assert.is(readFileSync(out('--stream') + f, 'utf8'), readFileSync(out('--no-stream') + f, 'utf8'), f);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('scan --stream: the same report and remediation files where dine\'s policies decide (no Defender assessments)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dine-stream-scan-'));
  try {
    const estate = await writeEstate('stream-scan', { machines: 300, seed: 'stream-scan', machinesPerSubscription: 100 });
    const file = join(root, 'no-assessments.ndjson');
    writeFileSync(file, readFileSync(estate, 'utf8').split('\n').filter((l) => !l.includes('Microsoft.Security/assessments')).join('\n'));
    const run = (mode: string) => dine(['scan', file, '--now', '2025-01-01T00:00:00Z', '--format', 'json', '--out', join(root, mode), mode]);
    const streamed = run('--stream');
    const held = run('--no-stream');
    assert.is(held.status, 1, held.stderr);
    assert.ok(held.stdout.includes('"decidedBy": "dine-policy"'));
    assert.equal(streamed, held);
    const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length)).sort();
    assert.equal(files(join(root, '--stream')), files(join(root, '--no-stream')));
    for (const f of files(join(root, '--stream'))) assert.is(readFileSync(join(root, '--stream') + f, 'utf8'), readFileSync(join(root, '--no-stream') + f, 'utf8'), f);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
