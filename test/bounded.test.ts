// evaluateBounded: two passes, records not held. Its summary, diagnostics, records (as a set) and remediation plan
// equal evaluate()'s over loadSnapshot — on this thread and on two worker shards — on generated NDJSON estates, the
// Contoso estate (JSON: nothing deferred), a deferred id given twice (the held fallback), an evaluation scope and
// broken lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluate, loadSnapshot, planRemediation, type ComplianceRecord, type ComplianceReport, type EvaluateInput } from '../engine/index.js';
import { compareRecords } from '../engine/evaluate/records.js';
import { asReport, closeWorkers, evaluateBounded } from '../engine/scale/index.js';
import { lineTestOfBytes, topLevelStrings } from '../engine/scale/snapshot.js';
import { CONTOSO, contosoAssignments, contosoExemptions, pack } from './support/contoso.js';
import { writeEstate, writeText } from './support/scale.js';

const NOW = '2026-01-01T00:00:00Z';

interface Outcome {
  deferred: number;
  fallback: string | undefined;
  diagnostics: number;
  deployments: number;
  read: number;
}

/** Worker threads for the second run of each case (the first runs on this thread). */
const SHARDED = 2;

async function compare(inputs: string[], rest: Omit<EvaluateInput, 'snapshot'>): Promise<Outcome> {
  const report = evaluate({ ...rest, snapshot: await loadSnapshot(inputs) });
  let first: Outcome | undefined;
  for (const workers of [1, SHARDED]) {
    const r = await compareOnce(inputs, rest, report, workers);
    if (first === undefined) first = r;
    // A shard falls back to holding everything only when its own subscriptions repeat a deferred id.
    else assert.equal({ ...r, deferred: 0 }, { ...first, deferred: 0 }, `workers: ${workers}`);
  }
  return first!;
}

async function compareOnce(inputs: string[], rest: Omit<EvaluateInput, 'snapshot'>, report: ComplianceReport, workers: number): Promise<Outcome> {
  const seen: ComplianceRecord[] = [];
  const bounded = await evaluateBounded({ ...rest, inputs, onRecord: (r) => seen.push(r), workers });
  assert.is(JSON.stringify(bounded.summary), JSON.stringify(report.summary), 'summary');
  assert.is(JSON.stringify(bounded.diagnostics), JSON.stringify(report.diagnostics), 'diagnostics');
  assert.is(JSON.stringify(bounded.scopes), JSON.stringify(report.scopes), 'scopes');
  assert.is(JSON.stringify([...seen].sort(compareRecords)), JSON.stringify(report.results), 'records');
  assert.is(bounded.counts.records, report.results.length);
  const want = planRemediation(report);
  const remediable = report.results.filter((r) => r.complianceState === 'NonCompliant' && r.effect === 'deployIfNotExists');
  assert.is(JSON.stringify(bounded.remediable), JSON.stringify(remediable.map((r) => ({ ...r, reasons: [] }))), 'remediable records, without reasons');
  const got = planRemediation(asReport(bounded), { estate: bounded.estate });
  assert.is(JSON.stringify(got), JSON.stringify(want), 'remediation plan');
  return { deferred: bounded.counts.deferred, fallback: bounded.fallback, diagnostics: report.diagnostics.length, deployments: want.deployments.length, read: bounded.counts.read };
}

test('generated NDJSON estate: machines deferred to the second pass, everything else equal', async () => {
  const file = await writeEstate('bounded-1k', { machines: 1000, seed: 'bounded', machinesPerSubscription: 250 });
  const r = await compare([file], { ...pack(), now: NOW });
  assert.ok(r.deferred >= 1000, `deferred ${r.deferred}`);
  assert.is(r.fallback, undefined);
  assert.ok(r.deployments > 100, `deployments ${r.deployments}`);
});

test('with an evaluation scope (one subscription)', async () => {
  const file = await writeEstate('bounded-scope', { machines: 300, seed: 'bounded-scope', machinesPerSubscription: 100 });
  const snapshot = await loadSnapshot([file]);
  const sub = snapshot.hierarchy.subscriptions()[1]!.id;
  await compare([file], { ...pack(), now: NOW, scope: sub });
});

test('contoso (JSON files: nothing deferred), with assignments and exemptions', async () => {
  const inputs = [join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json'), join(CONTOSO, 'resources')];
  const r = await compare(inputs, { ...pack(), assignments: contosoAssignments(), exemptions: contosoExemptions(), now: NOW });
  assert.is(r.deferred, 0);
});

test('a deferred id given twice: every resource is held instead, same results', async () => {
  const file = await writeEstate('bounded-dup', { machines: 60, seed: 'bounded-dup', machinesPerSubscription: 30 });
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const vm = lines.find((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l))!;
  const dup = writeText('bounded-dup-2.ndjson', [...lines, vm.replace('"location":"', '"location":"x')].join('\n') + '\n');
  const r = await compare([dup], { ...pack(), now: NOW });
  assert.ok(r.fallback !== undefined && r.fallback.includes('more than once'));
});

test('broken and odd lines are reported as by a single read, in file order', async () => {
  const file = await writeEstate('bounded-odd', { machines: 40, seed: 'bounded-odd', machinesPerSubscription: 20 });
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const vm = lines.find((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l))!;
  const broken = vm.replace('/virtualMachines/', '/virtualMachines//');
  const odd = writeText('bounded-odd-2.ndjson', [lines[0], '{not json', broken, ...lines.slice(1)].join('\n') + '\n');
  const r = await compare([odd], { ...pack(), now: NOW });
  assert.ok(r.diagnostics >= 2, `diagnostics ${r.diagnostics}`);
  assert.ok(r.deferred > 0);
});

test('topLevelStrings: id and type at depth 1 only, once, without escapes', () => {
  assert.equal(topLevelStrings('{"id":"/a","type":"T","properties":{"type":"x","id":"y"}}'), { id: '/a', type: 'T' });
  assert.equal(topLevelStrings('{"properties":{"type":"x"},"type" : "T", "id":"/b"}'), { id: '/b', type: 'T' });
  assert.equal(topLevelStrings('{"id":"/a","type":"T","type":"U"}'), { id: '/a' }, 'a key given twice is not trusted');
  assert.equal(topLevelStrings('{"id":"/a\\u0041","type":"T"}'), { type: 'T' });
  assert.equal(topLevelStrings('{"name":"x \\"type\\":\\"T\\"","id":"/a"}'), { id: '/a' });
  assert.equal(topLevelStrings('[1,2]'), {});
});

/** The deferral test of pass 1: the top-level id of a plain one-resource line of a deferred type, else undefined. */
function deferredIdOfBytes(types: ReadonlySet<string>): (buf: Buffer, from: number, to: number) => string | undefined {
  const test = lineTestOfBytes(types);
  return (buf, from, to) => {
    const found = test(buf, from, to);
    return found !== undefined && found.typeIn ? buf.toString('utf8', found.idStart, found.idEnd) : undefined;
  };
}

test('lineTestOfBytes: only plain one-resource lines of a deferred type, by their top-level id and type', () => {
  const test = deferredIdOfBytes(new Set(['microsoft.compute/virtualmachines']));
  const defer = (line: string) => {
    const buf = Buffer.from(`xx${line}\nyy`);
    return test(buf, 2, 2 + Buffer.byteLength(line));
  };
  const vm = (rest: string) => `{"id":"/s/vm","type":"Microsoft.Compute/virtualMachines"${rest}}`;
  assert.is(defer(vm(',"properties":{"osDisk":{"managedDisk":{"id":"/d","type":"x"}}}')), '/s/vm', 'nested id and type keys');
  assert.is(defer(vm(',"name":"a \\" b"')), undefined, 'a backslash anywhere: parsed now');
  assert.is(defer(vm(',"id":"/other"')), undefined, 'id given twice');
  assert.is(defer(vm(',"data":[]')), undefined, 'an envelope key');
  assert.is(defer('{"id":"/s/x","type":"Microsoft.Security/assessments"}'), undefined, 'a type not deferred');
  assert.is(defer('{"type":"Microsoft.Compute/virtualMachines","tags":{"id":"t"},"id" : "/s/vm2"}'), '/s/vm2');
  // The type is compared in the bytes, ignoring ASCII case; a non-ASCII type is decoded and lower-cased first.
  assert.is(defer('{"id":"/s/x","type":"Microsoft.Compute/virtualMachine"}'), undefined, 'a prefix of a deferred type');
  assert.is(defer('{"id":"/s/x","type":"Microsoft.Compute/virtualMachinesX"}'), undefined, 'a deferred type and more');
  assert.is(defer('{"id":"/s/x","type":"Microsoft.Compute/virtualMachİnes"}'), undefined, 'İ lower-cases to two units');
  const nonAscii = deferredIdOfBytes(new Set(['microsoft.compute/vırtualmachines']));
  const line = '{"id":"/s/y","type":"Microsoft.Compute/VIRTUALMACHINES"}';
  assert.is(nonAscii(Buffer.from(line), 0, Buffer.byteLength(line)), undefined, 'a non-ASCII deferred type');
  const dotless = '{"id":"/s/y","type":"Microsoft.Compute/VıRTUALMACHINES"}';
  assert.is(nonAscii(Buffer.from(dotless), 0, Buffer.byteLength(dotless)), '/s/y', 'the same non-ASCII type in other case');
  for (const line of [vm(''), vm(',"tags":{"a":"[{"}'), '{"id":"/x","type":"Microsoft.Compute/virtualMachines","p":[{"id":"y"}]}', ' {"id":"/s/é","type":"Microsoft.Compute/VIRTUALMACHINES"}']) {
    const parsed = JSON.parse(line) as { id: string };
    assert.is(defer(line), parsed.id, line);
  }
});

test.after(async () => {
  await closeWorkers();
});

test.run();
