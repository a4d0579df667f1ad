// `dine scan --bounded --format ndjson`: machines written as they are scanned (file order), the rest of the report
// last. The machines as a set (with the plan's deploymentId or note), the last line, the remediation files,
// stderr and the exit code equal those of `dine scan --format ndjson`, on one thread and on two worker shards; bad
// input gives exit 2 and no file; usage mistakes are refused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from './support/paths.js';
import { writeEstate, writeText } from './support/scale.js';

const BIN = join(REPO_ROOT, 'dist/engine/cli/bin.js');
const NOW = ['--now', '2025-01-01T00:00:00Z'];

function dine(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DINE_DEBUG'];
  const r = spawnSync(process.execPath, [BIN, 'scan', ...args, ...NOW], { cwd: REPO_ROOT, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The machine lines sorted, and the last line. */
function parts(ndjson: string): { machines: string[]; last: string } {
  const lines = ndjson.trimEnd().split('\n');
  return { machines: lines.slice(0, -1).sort(), last: lines.at(-1)! };
}

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p.slice(dir.length)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

test('a generated NDJSON estate: the same machines, last line, remediation files, warnings and exit code', async () => {
  const estate = await writeEstate('cli-scan-bounded', { machines: 400, seed: 'cli-scan-bounded', machinesPerSubscription: 100 });
  const dir = mkdtempSync(join(tmpdir(), 'dine-scan-bounded-'));
  const held = dine([estate, '--format', 'ndjson', '--out', join(dir, 'held')]);
  assert.is(held.status, 1, held.stderr);
  assert.is((JSON.parse(parts(held.stdout).last) as { totals: { total: number } }).totals.total, 400);
  const remediation = files(join(dir, 'held'));
  assert.ok(Object.keys(remediation).length > 3, Object.keys(remediation).join(' '));
  for (const workers of ['1', '2']) {
    const bounded = dine([estate, '--format', 'ndjson', '--bounded', '--workers', workers, '--out', join(dir, `bounded-${workers}`)]);
    assert.is(bounded.status, held.status, bounded.stderr);
    assert.is(bounded.stderr, held.stderr);
    assert.equal(parts(bounded.stdout), parts(held.stdout), `--workers ${workers}`);
    assert.equal(files(join(dir, `bounded-${workers}`)), remediation, `--workers ${workers}`);
  }
});

test('machines come in file order, those the plan deploys to last; --output appears only when the run succeeds; bad input gives exit 2 and no file', async () => {
  const estate = await writeEstate('cli-scan-bounded-out', { machines: 100, seed: 'cli-scan-bounded-out', machinesPerSubscription: 50 });
  const dir = mkdtempSync(join(tmpdir(), 'dine-scan-bounded-'));
  const out = join(dir, 'sub', 'machines.ndjson');
  const ok = dine([estate, '--format', 'ndjson', '--bounded', '--output', out, '--fail-on', 'never']);
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stdout, '');
  const written = readFileSync(out, 'utf8').trimEnd().split('\n').slice(0, -1).map((l) => JSON.parse(l) as { id: string; deploy?: { deploymentId?: string } });
  // A machine the plan may deploy to waits for the plan (made when every machine has been met): those come last.
  const deployed = written.filter((m) => m.deploy?.deploymentId !== undefined).map((m) => m.id);
  assert.ok(deployed.length > 0, 'some machines have a deployment');
  const fileOrder = readFileSync(estate, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; type: string }).filter((r) => /virtualMachines|HybridCompute\/machines/.test(r.type)).map((r) => r.id);
  assert.equal(written.map((m) => m.id), [...fileOrder.filter((id) => !deployed.includes(id)), ...fileOrder.filter((id) => deployed.includes(id))]);

  const lines = readFileSync(estate, 'utf8').trimEnd().split('\n');
  const broken = writeText('cli-scan-bounded-broken.ndjson', [...lines.slice(0, 5), '{"id": "/subscriptions/x", "type":', ...lines.slice(5)].join('\n') + '\n');
  const bad = join(dir, 'bad.ndjson');
  const r = dine([broken, '--format', 'ndjson', '--bounded', '--output', bad]);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /cli-scan-bounded-broken\.ndjson:6/);
  assert.not.ok(existsSync(bad), 'no output file');
  assert.equal(readdirSync(dir).sort(), ['sub']);
});

test('usage: --bounded needs --format ndjson and does not go with --no-stream; --workers needs --bounded and a count', () => {
  const lone = dine(['fixtures/estates/contoso/resources', '--workers', '2']);
  assert.is(lone.status, 2);
  assert.match(lone.stderr, /--workers goes with --bounded/);
  const count = dine(['fixtures/estates/contoso/resources', '--bounded', '--format', 'ndjson', '--workers', 'two']);
  assert.is(count.status, 2);
  assert.match(count.stderr, /--workers "two" is not a number of threads/);
  const json = dine(['fixtures/estates/contoso/resources', '--bounded', '--format', 'json']);
  assert.is(json.status, 2);
  assert.match(json.stderr, /--bounded writes machines as they are scanned: --format ndjson \(not json\)/);
  const held = dine(['fixtures/estates/contoso/resources', '--bounded', '--format', 'ndjson', '--no-stream']);
  assert.is(held.status, 2);
  assert.match(held.stderr, /--no-stream does not go with it/);
});

test.run();
