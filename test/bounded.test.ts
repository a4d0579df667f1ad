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
import { firstTopLevelId } from '../engine/scale/line-scan.js';
import { FirstByTask } from '../engine/scale/first-by-task.js';
import { ownerShard, readByEveryShard, shardOfIdBytes } from '../engine/scale/route.js';
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

test('keepRemediable { resourceCount }: every remediable record, the resources of the first n per task only; the same plan with that resourceCount', async () => {
  const file = await writeEstate('bounded-first-n', { machines: 300, seed: 'bounded-first-n', machinesPerSubscription: 100 });
  const rest = { ...pack(), now: NOW };
  const report = evaluate({ ...rest, snapshot: await loadSnapshot([file]) });
  const remediable = report.results.filter((r) => r.complianceState === 'NonCompliant' && r.effect === 'deployIfNotExists');
  for (const resourceCount of [1, 7]) {
    const want = planRemediation(report, { resourceCount });
    assert.ok(want.tasks.some((t) => t.overLimit.length > 0), 'some task over the limit');
    for (const workers of [1, SHARDED]) {
      const bounded = await evaluateBounded({ ...rest, inputs: [file], workers, keepRemediable: { resourceCount } });
      assert.is(bounded.remediable.length, remediable.length, 'every remediable record');
      assert.is(JSON.stringify(planRemediation(asReport(bounded), { estate: bounded.estate, resourceCount })), JSON.stringify(want), `workers ${workers}`);
      const withResource = bounded.remediable.filter((r) => bounded.estate.resourceFor(r) !== undefined).length;
      // The remediable machines are deferred resources: only the first n per task (on each shard) keep theirs.
      assert.ok(withResource <= resourceCount * want.tasks.length * workers, `workers ${workers}: resources kept: ${withResource} of ${remediable.length}`);
    }
  }
});

test('FirstByTask: per task, the first n ids ignoring case, whatever the order they come in', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `/subscriptions/s/resourceGroups/RG-${(i * 37) % 200}/providers/x/y/${i % 3 === 0 ? 'A' : 'a'}${(i * 53) % 200}`);
  for (const n of [0, 1, 5, 64]) {
    const first = new FirstByTask(n);
    const kept = new Set<string>();
    for (const [i, id] of ids.entries()) {
      const record = { resourceId: id, policyAssignmentId: i % 2 === 0 ? '/A' : '/a', policyDefinitionReferenceId: i % 4 < 2 ? 'm' : undefined } as ComplianceRecord;
      const offered = first.offer(record);
      if (offered.first) kept.add(id);
      if (offered.displaced !== undefined) kept.delete(offered.displaced.resourceId);
    }
    // Two tasks ('/A' and '/a' are one assignment): references 'm' and none.
    const want = [0, 1].flatMap((k) => ids.filter((_, i) => (i % 4 < 2 ? 0 : 1) === k).sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1)).slice(0, n));
    assert.equal([...kept].sort(), want.sort(), `n ${n}`);
  }
});

test('a deferred id given twice: every resource is held instead, same results', async () => {
  const file = await writeEstate('bounded-dup', { machines: 60, seed: 'bounded-dup', machinesPerSubscription: 30 });
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const vm = lines.find((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l))!;
  const dup = writeText('bounded-dup-2.ndjson', [...lines, vm.replace('"location":"', '"location":"x')].join('\n') + '\n');
  const r = await compare([dup], { ...pack(), now: NOW });
  assert.ok(r.fallback !== undefined && r.fallback.includes('more than once'));
});

/**
 * Lines a shard routes by the first "id" in their text but JSON.parse reads otherwise: a second "id" key naming a
 * machine of another shard's subscription, and a "data" envelope (rows of another shard) after a top-level id.
 */
async function misroutedEstates(): Promise<string[]> {
  const file = await writeEstate('bounded-misrouted', { machines: 120, seed: 'bounded-misrouted', machinesPerSubscription: 20 });
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const vms = lines.filter((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l));
  const idOf = (l: string) => (JSON.parse(l) as { id: string }).id;
  const a = vms[0]!;
  const b = vms.find((l) => ownerShard(idOf(l), SHARDED) !== ownerShard(idOf(a), SHARDED))!;
  assert.ok(b !== undefined, 'machines in two shards');
  const otherId = idOf(b).replace(/\/virtualMachines\/[^/]+$/, '/virtualMachines/moved-here');
  const twoIds = a.replace(/}$/, `,"id":"${otherId}"}`);
  const envelope = `{"id":"${idOf(a)}-envelope","data":[${b.replace(/"name":"[^"]*"/, '"name":"row"').replace(idOf(b), `${idOf(b)}-row`)}]}`;
  // The id first, the other shard's later: also as the file's first line (routed by its text, not its bytes).
  const idFirst = `{"id":"${idOf(a)}",${a.slice(1).replace(`"id":"${idOf(a)}"`, `"id":"${otherId}"`)}`;
  return [
    writeText('bounded-misrouted-ids.ndjson', [...lines, twoIds].join('\n') + '\n'),
    writeText('bounded-misrouted-envelope.ndjson', [...lines, envelope].join('\n') + '\n'),
    writeText('bounded-misrouted-first.ndjson', [idFirst, ...lines.filter((l) => l !== a)].join('\n') + '\n'),
  ];
}

test('a line routed by its first "id" that parses otherwise: worker shards give up, one thread evaluates, same results', async () => {
  for (const file of await misroutedEstates()) {
    const rest = { ...pack(), now: NOW };
    const report = evaluate({ ...rest, snapshot: await loadSnapshot([file]) });
    const single = await compareOnce([file], rest, report, 1);
    assert.is(single.fallback, undefined);
    const sharded = await compareOnce([file], rest, report, SHARDED);
    assert.ok(sharded.fallback?.includes('first "id"'), `${file}: ${sharded.fallback}`);
    assert.is(sharded.read, single.read);
  }
});

test('a machine outside subscriptions (read by every shard) is evaluated once', async () => {
  const file = await writeEstate('bounded-tenant', { machines: 60, seed: 'bounded-tenant', machinesPerSubscription: 20 });
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const vm = JSON.parse(lines.find((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l))!) as Record<string, unknown>;
  const tenantVm = JSON.stringify({ ...vm, id: '/providers/Microsoft.Compute/virtualMachines/tenant-vm', name: 'tenant-vm' });
  const withTenant = writeText('bounded-tenant-2.ndjson', [...lines, tenantVm].join('\n') + '\n');
  const report = evaluate({ ...pack(), now: NOW, snapshot: await loadSnapshot([withTenant]) });
  assert.ok(report.results.some((r) => r.resourceId.endsWith('/tenant-vm')), 'the single run evaluates it');
  await compare([withTenant], { ...pack(), now: NOW });
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
    return found !== undefined ? buf.toString('utf8', found.idStart, found.idEnd) : undefined;
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
  assert.is(defer('{"id":"/s/x","type":"Microsoft.Security/assessments","type":"Microsoft.Compute/virtualMachines"}'), undefined, 'a deferred type given second');
  assert.is(defer(vm(',"type":"Microsoft.Security/assessments"')), undefined, 'a deferred type given first');
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

test('onRecordLines: the records as NDJSON lines, on this thread and from worker shards, with their states and backpressure', async () => {
  const file = await writeEstate('bounded-lines', { machines: 400, seed: 'bounded-lines', machinesPerSubscription: 50 });
  const rest = { ...pack(), now: NOW };
  const want = evaluate({ ...rest, snapshot: await loadSnapshot([file]) }).results.map((r) => JSON.stringify(r)).sort();
  for (const workers of [1, SHARDED]) {
    const lines: string[] = [];
    const states = new Set<string>();
    let waits = 0;
    await evaluateBounded({
      ...rest,
      inputs: [file],
      workers,
      onRecordLines: (text, batchStates) => {
        assert.ok(text.endsWith('\n'));
        const batch = text.slice(0, -1).split('\n');
        lines.push(...batch);
        assert.equal([...new Set(batch.map((l) => (JSON.parse(l) as ComplianceRecord).complianceState))].sort(), [...batchStates].sort());
        batchStates.forEach((x) => states.add(x));
      },
      backpressure: () => (++waits % 3 === 0 ? new Promise((resolve) => setTimeout(resolve, 1)) : undefined),
    });
    assert.equal(lines.sort(), want, `workers: ${workers}`);
    assert.ok(states.has('NonCompliant') && states.has('Compliant'));
    assert.ok(waits > 0);
  }
});

test('a consumer that throws ends the run with its error, also on worker shards', async () => {
  const file = await writeEstate('bounded-throws', { machines: 300, seed: 'bounded-throws', machinesPerSubscription: 50 });
  for (const workers of [1, SHARDED]) {
    let calls = 0;
    const run = evaluateBounded({
      ...pack(),
      now: NOW,
      inputs: [file],
      workers,
      onRecordLines: () => {
        if (++calls === 1) throw new Error('disk full');
      },
    });
    await run.then(
      () => assert.unreachable('the run should fail'),
      (e: Error) => assert.is(e.message, 'disk full', `workers: ${workers}`),
    );
  }
});

test('firstTopLevelId: the first top-level "id" string, before any backslash or envelope key', () => {
  const first = (line: string) => {
    const buf = Buffer.from(`xx${line}\nyy`);
    const at = firstTopLevelId(buf, 2, 2 + Buffer.byteLength(line));
    return at === undefined ? undefined : buf.toString('utf8', at[0], at[1]);
  };
  assert.is(first('{"id":"/a","type":"T","id":"/b"}'), '/a', 'the first of two (the shard that reads it checks the parse)');
  assert.is(first(' { "type" : "T", "properties":{"id":"/nested"}, "id" : "/é" }'), '/é');
  assert.is(first('{"name":"a \\" b","id":"/a"}'), undefined, 'a backslash before it');
  assert.is(first('{"id":"/a","name":"a \\" b"}'), '/a', 'a backslash after it');
  assert.is(first('{"value":[],"id":"/a"}'), undefined, 'an envelope key before it');
  assert.is(first('{"data":{"id":"/n"}}'), undefined);
  assert.is(first('{"id":5,"type":"T"}'), undefined, 'not a string');
  assert.is(first('{"id":{"x":"/n"},"id":"/b"}'), '/b', 'an object value is passed over (JSON.parse keeps the last)');
  assert.is(first('[{"id":"/a"}]'), undefined);
  assert.is(first('{"id":"/a'), undefined, 'cut short');
});

test('shardOfIdBytes routes as routeId: -1 for what every shard reads, else the subscription\'s shard', () => {
  const ids = [
    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm',
    '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/resourcegroups/RG',
    '/subscriptions/AbCdEf00-0000-0000-0000-00000000000f/providers/Microsoft.Security/pricings/VirtualMachines',
    '/subscriptions/00000000-0000-0000-0000-000000000002',
    '/subscriptions/sübscription/resourceGroups/rg',
    '/providers/Microsoft.Management/managementGroups/mg',
    '/providers/Microsoft.Authorization/policyDefinitions/p',
    '/subscriptions/',
  ];
  for (const count of [2, 3, 8]) {
    for (const id of ids) {
      const buf = Buffer.from(`{"id":"${id}"}`);
      const want = readByEveryShard(id) ? -1 : ownerShard(id, count);
      assert.is(shardOfIdBytes(buf, 7, buf.length - 2, count), want, `${id} / ${count}`);
    }
  }
});

test.after(async () => {
  await closeWorkers();
});

test.run();
