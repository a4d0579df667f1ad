// mergeReports and `dine merge`: reports of shards (one per subscription, via `scope`) merge into the report of a
// single run over everything, byte for byte.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluate, loadSnapshot, mergeReports, type ComplianceReport } from '../engine/index.js';
import { CONTOSO, contosoAssignments, contosoExemptions, pack } from './support/contoso.js';
import { REPO_ROOT } from './support/paths.js';
import { TMP, writeEstate, writeText } from './support/scale.js';

const NOW = '2026-01-01T00:00:00Z';
const json = (r: ComplianceReport) => `${JSON.stringify(r, null, 2)}\n`;

async function shardsBySubscription(inputs: string[], rest: Record<string, unknown>): Promise<{ single: ComplianceReport; shards: ComplianceReport[] }> {
  const snapshot = await loadSnapshot(inputs);
  const input = { ...pack(), ...rest, snapshot, now: NOW };
  const single = evaluate(input);
  const shards = snapshot.hierarchy.subscriptions().map((s) => evaluate({ ...input, scope: s.id }));
  return { single, shards };
}

test('two subscription shards merge into the single run over both', async () => {
  const file = await writeEstate('two-subs', { machines: 300, seed: 'merge', machinesPerSubscription: 150 });
  const { single, shards } = await shardsBySubscription([file], {});
  assert.is(shards.length, 2);
  assert.ok(shards.every((s) => s.results.length > 0 && s.results.length < single.results.length));
  assert.is(json(mergeReports(shards)), json(single));
  assert.is(json(mergeReports([shards[1]!, shards[0]!])), json(single), 'order of the shards does not matter');
  assert.is(json(mergeReports([...shards, shards[0]!])), json(single), 'a shard given twice counts once');
  // report.scopes is the hierarchy the roll-ups used
  assert.ok(single.scopes!.some((s) => s.kind === 'managementGroup' && s.parentId !== undefined));
  assert.is(single.scopes![0]!.id, '/');
});

test('contoso: one shard per subscription, exemptions and assignments at several scopes', async () => {
  const inputs = [join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json'), join(CONTOSO, 'resources')];
  const { single, shards } = await shardsBySubscription(inputs, { assignments: contosoAssignments(), exemptions: contosoExemptions() });
  assert.ok(shards.length >= 3);
  assert.is(json(mergeReports(shards)), json(single));
});

test('reports evaluated at different instants do not merge', async () => {
  const file = await writeEstate('instants', { machines: 20, seed: 'merge' });
  const snapshot = await loadSnapshot([file]);
  const a = evaluate({ ...pack(), snapshot, now: NOW });
  const b = evaluate({ ...pack(), snapshot, now: '2026-02-01T00:00:00Z' });
  assert.throws(() => mergeReports([a, b]), /different instants/);
});

test('dine merge as a process: files in, the single run out', async () => {
  const file = await writeEstate('cli-subs', { machines: 200, seed: 'merge-cli', machinesPerSubscription: 100 });
  const { single, shards } = await shardsBySubscription([file], {});
  const files = shards.map((s, i) => writeText(`shard-${i}.json`, json(s)));
  const out = join(TMP, 'merged.json');
  const bin = join(REPO_ROOT, 'dist', 'engine', 'cli', 'bin.js');
  const run = spawnSync(process.execPath, [bin, 'merge', ...files, '--output', out], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.is(readFileSync(out, 'utf8'), json(single));
  const toStdout = spawnSync(process.execPath, [bin, 'merge', ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(toStdout.stdout, json(single));
  const bad = spawnSync(process.execPath, [bin, 'merge', files[0]!, writeText('not-a-report.json', '{"x":1}')], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /load\.unknown-document/);
});

test.run();
