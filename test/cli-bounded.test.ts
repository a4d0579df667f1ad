// `dine evaluate --bounded --format ndjson`: records written as they are evaluated (held resources first, then file
// order) and the summary last. The records as a set, the last line, stderr and the exit code equal those of
// `dine evaluate --format ndjson` (which holds the report and writes it in report order); on one thread and on two
// worker shards; bad input gives exit 2 and no file; usage mistakes are refused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from './support/paths.js';
import { writeEstate } from './support/scale.js';

const BIN = join(REPO_ROOT, 'dist/engine/cli/bin.js');
const C = 'fixtures/estates/contoso';
const NOW = ['--now', '2025-01-01T00:00:00Z'];
const CONTOSO = ['--policies', 'policies', `${C}/assignments`, '--exemptions', `${C}/exemptions`, '--snapshot', `${C}/management-groups.json`, `${C}/subscriptions.json`, `${C}/resources`, ...NOW];
const PACK = ['--policies', 'policies/builtin', 'policies/dine', 'policies/initiatives/dine-vulnerability-assessment.json', ...NOW];

function dine(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DINE_DEBUG'];
  const r = spawnSync(process.execPath, [BIN, 'evaluate', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The record lines sorted, and the last line. */
function parts(ndjson: string): { records: string[]; last: string } {
  const lines = ndjson.trimEnd().split('\n');
  return { records: lines.slice(0, -1).sort(), last: lines.at(-1)! };
}

function sameAsHeld(args: string[], exit: number): void {
  const held = dine([...args, '--format', 'ndjson']);
  assert.is(held.status, exit, held.stderr);
  for (const extra of [[], ['--workers', '2']]) {
    const bounded = dine([...args, '--format', 'ndjson', '--bounded', ...extra]);
    assert.is(bounded.status, held.status, `${extra.join(' ')} ${bounded.stderr}`);
    assert.is(bounded.stderr, held.stderr, extra.join(' '));
    assert.equal(parts(bounded.stdout), parts(held.stdout), extra.join(' '));
  }
}

test('a generated NDJSON estate: the same records, summary line, warnings and exit code', async () => {
  const estate = await writeEstate('cli-bounded', { machines: 400, seed: 'cli-bounded', machinesPerSubscription: 100 });
  sameAsHeld([...PACK, '--snapshot', estate], 1);
});

test('Contoso (JSON files) with assignments and exemptions, and one subscription of it', () => {
  sameAsHeld(CONTOSO, 1);
  sameAsHeld([...CONTOSO, '--scope', '/subscriptions/6f1c2b3a-2222-4b2b-8b2b-000000000002', '--fail-on', 'error'], 0);
});

test('the records come as they are evaluated: machines (deferred) in file order after the held resources', async () => {
  const estate = await writeEstate('cli-bounded-order', { machines: 200, seed: 'cli-bounded-order', machinesPerSubscription: 100 });
  const r = dine([...PACK, '--snapshot', estate, '--format', 'ndjson', '--bounded']);
  const ids = r.stdout.trimEnd().split('\n').slice(0, -1).map((l) => (JSON.parse(l) as { resourceId: string; resourceType: string }));
  const machines = ids.filter((x) => /virtualmachines|hybridcompute\/machines/i.test(x.resourceType)).map((x) => x.resourceId);
  const fileOrder = readFileSync(estate, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { id: string }).id).filter((id) => machines.includes(id));
  assert.equal([...new Set(machines)], fileOrder);
  const firstMachine = ids.findIndex((x) => machines.includes(x.resourceId));
  assert.ok(ids.slice(firstMachine).every((x) => machines.includes(x.resourceId)), 'held resources first');
});

test('--output: the file appears only when the run succeeds; bad input or an unwritable path gives exit 2 and no file', () => {
  const root = mkdtempSync(join(tmpdir(), 'dine-bounded-'));
  try {
    const good = join(root, 'good.ndjson');
    const ok = dine([...CONTOSO, '--format', 'ndjson', '--bounded', '--output', good]);
    assert.is(ok.status, 1, ok.stderr);
    assert.is(ok.stdout, '');
    assert.equal(parts(readFileSync(good, 'utf8')), parts(dine([...CONTOSO, '--format', 'ndjson']).stdout));
    const bad = join(root, 'bad.ndjson');
    const args = ['--policies', 'fixtures/cli/allowed-locations.yaml', '--snapshot', 'fixtures/cli/resources-broken.ndjson', ...NOW, '--format', 'ndjson'];
    const held = dine([...args, '--output', bad]);
    const bounded = dine([...args, '--bounded', '--output', bad]);
    assert.is(held.status, 2);
    assert.equal(bounded, held);
    assert.not.ok(existsSync(bad));
    assert.equal(readdirSync(root), ['good.ndjson'], 'no partial file left');
    const unwritable = join(root, 'missing-dir', 'out.ndjson');
    const failed = dine([...CONTOSO, '--format', 'ndjson', '--bounded', '--output', unwritable]);
    assert.is(failed.status, 2);
    assert.ok(failed.stderr.includes(`cli.write-failed Could not write ${unwritable}`), failed.stderr);
    assert.not.ok(failed.stderr.includes('dine-partial'), 'the message names the file asked for');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('usage: --bounded needs --format ndjson, does not go with --no-stream; --workers needs --bounded and a count', () => {
  for (const args of [['--bounded', '--format', 'json'], ['--bounded', '--format', 'ndjson', '--no-stream'], ['--format', 'ndjson', '--workers', '2'], ['--bounded', '--format', 'ndjson', '--workers', 'many']]) {
    const r = dine([...CONTOSO, ...args]);
    assert.is(r.status, 2, args.join(' '));
    assert.ok(r.stderr.includes('cli.usage'), r.stderr);
    assert.is(r.stdout, '');
  }
});

test.run();
