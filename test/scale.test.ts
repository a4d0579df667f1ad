// evaluateStream: the streamed, projected (and sharded) evaluation gives byte-identical reports to evaluate() over
// loadSnapshot, on the Contoso estate, a generated estate, related resources in either order, and deep aliases.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluate, loadSnapshot, type EvaluateInput } from '../engine/index.js';
import { closeWorkers, evaluateStream, planEvaluation, streamSnapshot } from '../engine/scale/index.js';
import { topLevelId } from '../engine/scale/snapshot.js';
import { packObjects, unpackObjects } from '../engine/scale/wire.js';
import { ownerShard } from '../engine/scale/route.js';
import { CONTOSO, contosoAssignments, contosoExemptions, pack, readJson } from './support/contoso.js';
import { writeEstate, writeText } from './support/scale.js';

const NOW = '2026-01-01T00:00:00Z';
const CONTOSO_INPUTS = [join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json'), join(CONTOSO, 'resources')];

async function inMemory(inputs: string[], rest: Omit<EvaluateInput, 'snapshot'>, load: { streamThresholdBytes?: number } = {}): Promise<string> {
  return JSON.stringify(evaluate({ ...rest, snapshot: await loadSnapshot(inputs, load) }));
}

test('contoso: evaluateStream is byte-identical to evaluate(loadSnapshot)', async () => {
  const rest = { ...pack(), assignments: contosoAssignments(), exemptions: contosoExemptions(), now: NOW };
  const want = await inMemory(CONTOSO_INPUTS, rest);
  assert.is(JSON.stringify(await evaluateStream({ ...rest, inputs: CONTOSO_INPUTS, workers: 1 })), want);
  assert.ok(JSON.parse(want).results.length > 20);
});

test('contoso: two worker shards give the single-threaded report', async () => {
  const rest = { ...pack(), assignments: contosoAssignments(), exemptions: contosoExemptions(), now: NOW };
  const single = JSON.stringify(await evaluateStream({ ...rest, inputs: CONTOSO_INPUTS, workers: 1 }));
  assert.is(JSON.stringify(await evaluateStream({ ...rest, inputs: CONTOSO_INPUTS, workers: 2 })), single);
});

test('generated 2k-machine estate: streamed, projected and sharded reports are identical', async () => {
  const file = await writeEstate('gen-2k', { machines: 2000, seed: 'scale-test', machinesPerSubscription: 400 });
  const rest = { ...pack(), now: NOW };
  const want = await inMemory([file], rest);
  assert.is(JSON.stringify(await evaluateStream({ ...rest, inputs: [file], workers: 1 })), want);
  assert.is(JSON.stringify(await evaluateStream({ ...rest, inputs: [file], workers: 2 })), want);
  // and as one large JSON array read with stream-json
  const json = await writeEstate('gen-2k', { machines: 2000, seed: 'scale-test', machinesPerSubscription: 400 }, 'json');
  const wantJson = await inMemory([json], rest, { streamThresholdBytes: 0 });
  assert.is(JSON.stringify(await evaluateStream({ ...rest, inputs: [json], workers: 1, load: { streamThresholdBytes: 0 } })), wantJson);
  assert.is(JSON.stringify(await evaluateStream({ ...rest, inputs: [json], workers: 2, load: { streamThresholdBytes: 0 } })), wantJson);
});

// A VM and the Defender assessment on it (an extension resource), in either order.
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';
const VM = `${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`;
const lines = {
  sub: { id: SUB, type: 'Microsoft.Resources/subscriptions', name: '00000000-0000-0000-0000-000000000001', displayName: 'one' },
  rg: { id: `${SUB}/resourceGroups/rg`, type: 'Microsoft.Resources/subscriptions/resourceGroups', name: 'rg', location: 'westeurope' },
  vm: { id: VM, type: 'Microsoft.Compute/virtualMachines', name: 'vm1', location: 'westeurope', properties: { storageProfile: { osDisk: { osType: 'Linux', diskSizeGB: 30 }, imageReference: { offer: 'x' } }, hardwareProfile: { vmSize: 'B2s' } } },
  vm2: { id: `${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm2`, type: 'Microsoft.Compute/virtualMachines', name: 'vm2', location: 'westeurope', properties: { storageProfile: { osDisk: { osType: 'Windows' } } } },
  assessment: {
    id: `${VM}/providers/Microsoft.Security/assessments/ffff0522-1e88-47fc-8382-2a80ba848f5d`,
    type: 'Microsoft.Security/assessments',
    name: 'ffff0522-1e88-47fc-8382-2a80ba848f5d',
    properties: { status: { code: 'Healthy' } },
  },
};
const ndjson = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const auditVa = () => ({ definitions: readJson('policies/builtin/501541f7-f7e7-4cd6-868c-4190fdad3ac9.json'), now: NOW });

test('related resources after and before their parent', async () => {
  for (const [name, order] of [
    ['after', [lines.sub, lines.rg, lines.vm, lines.vm2, lines.assessment]],
    ['before', [lines.assessment, lines.sub, lines.rg, lines.vm, lines.vm2]],
  ] as const) {
    const file = writeText(`related-${name}.ndjson`, ndjson(...order));
    const want = await inMemory([file], auditVa());
    const got = await evaluateStream({ ...auditVa(), inputs: [file], workers: 1 });
    assert.is(JSON.stringify(got), want, name);
    const vm1 = got.results.find((r) => r.resourceId === VM)!;
    assert.is(vm1.complianceState, 'Compliant', name);
    assert.is(got.results.find((r) => r.resourceId.endsWith('/vm2'))!.complianceState, 'NonCompliant', name);
  }
});

const deepAlias = {
  properties: {
    displayName: 'Linux OS disks over 20 GB',
    mode: 'Indexed',
    policyRule: {
      if: {
        allOf: [
          { field: 'type', equals: 'Microsoft.Compute/virtualMachines' },
          { field: 'Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType', equals: 'Linux' },
          { value: "[field('Microsoft.Compute/virtualMachines/storageProfile.osDisk.diskSizeGB')]", greater: 20 },
        ],
      },
      then: { effect: 'audit' },
    },
  },
};

test('projection keeps what the rules read: a deep alias still evaluates right', async () => {
  const file = writeText('deep.ndjson', ndjson(lines.sub, lines.rg, lines.vm, lines.vm2, lines.assessment));
  const rest = { definitions: [deepAlias], now: NOW };
  const want = await inMemory([file], rest);
  const got = await evaluateStream({ ...rest, inputs: [file], workers: 1 });
  assert.is(JSON.stringify(got), want);
  assert.equal(
    got.results.map((r) => [r.resourceId.slice(r.resourceId.lastIndexOf('/') + 1), r.complianceState]),
    [['vm1', 'NonCompliant'], ['vm2', 'Compliant']],
  );
  // What is held: VMs (the assessment type is not read by this rule), projected to the read subtrees.
  const plan = planEvaluation(rest, NOW);
  assert.equal([...plan.types], ['microsoft.compute/virtualmachines']);
  const streamed = await streamSnapshot([file], { plan });
  const vm = streamed.snapshot.resources.find((r) => r.id === VM)!;
  assert.equal(vm.raw, { id: VM, type: 'Microsoft.Compute/virtualMachines', name: 'vm1', location: 'westeurope', properties: { storageProfile: { osDisk: { osType: 'Linux', diskSizeGB: 30 } } } });
  assert.not.ok(streamed.snapshot.resources.some((r) => r.typeLower === 'microsoft.security/assessments'));
  assert.is(streamed.counts.read, 5);
});

test('a rule with no type condition keeps every type, and says so', async () => {
  const notes: string[] = [];
  const rest = { definitions: [{ properties: { mode: 'All', policyRule: { if: { field: 'location', equals: 'westeurope' }, then: { effect: 'audit' } } } }], now: NOW };
  const file = writeText('any.ndjson', ndjson(lines.sub, lines.rg, lines.vm, lines.assessment));
  const got = await evaluateStream({ ...rest, inputs: [file], workers: 1, onPlan: (p) => notes.push(...p.notes) });
  assert.is(JSON.stringify(got), await inMemory([file], rest));
  assert.ok(notes.some((n) => n.includes('every resource type is kept')));
});

test('duplicates, bad lines and bad ids are reported as loadSnapshot reports them, also across shards', async () => {
  const file = writeText(
    'faults.ndjson',
    ndjson(lines.sub, lines.rg, lines.vm, { id: 'no-slash', type: 'x' }, { name: 'no id' }, lines.assessment, lines.vm, [lines.vm2, { id: `${SUB}/resourceGroups/rg2` }]) + '{bad json\n',
  );
  const want = await inMemory([file], auditVa());
  assert.ok(JSON.parse(want).diagnostics.length >= 4);
  assert.is(JSON.stringify(await evaluateStream({ ...auditVa(), inputs: [file], workers: 1 })), want);
  assert.is(JSON.stringify(await evaluateStream({ ...auditVa(), inputs: [file], workers: 2 })), want);
});

test('topLevelId finds the root id, not a nested one', () => {
  assert.is(topLevelId('{"id":"/a"}'), '/a');
  assert.is(topLevelId('{"name":"x","properties":{"id":"/nested"},"id":"/top"}'), '/top');
  assert.is(topLevelId('{"name":"has \\"id\\": in it","id":"/top"}'), '/top');
  assert.is(topLevelId('[{"id":"/a"}]'), undefined);
  assert.is(topLevelId('{"id":"/esc\\/aped"}'), undefined);
});

test('packObjects / unpackObjects: values, key order, undefined, shared objects and strings survive the crossing', () => {
  const source = { file: 'a.ndjson', index: 3, line: 4 };
  const reasons = Object.freeze([]);
  const list = [
    { resourceId: '/subscriptions/s/x', complianceState: 'NonCompliant', source, reasons, n: 1.5, ok: true, none: null },
    { complianceState: 'NonCompliant', resourceId: '/subscriptions/s/y', source, reasons, gone: undefined, nested: { a: ['x', 2] } },
    {},
    { resourceId: '', emoji: 'é😀\u0000 ' },
  ];
  const packed = packObjects(list);
  assert.is(packed.count, 4);
  // 'NonCompliant' and the shared source cross once.
  assert.is(packed.text.split('NonCompliant').length, 2);
  assert.is(packed.others.filter((o) => o === source).length, 1);
  const back = unpackObjects<Record<string, unknown>>(structuredClone(packed));
  assert.equal(back, list);
  assert.equal(back.map((o) => Object.keys(o)), list.map((o) => Object.keys(o)));
  assert.ok('gone' in back[1]!);
  assert.is(back[0]!['source'], back[1]!['source']);
  assert.equal(unpackObjects(packObjects([])), []);
  const odd = JSON.parse('{"__proto__":"x","a":"b"}') as object;
  const [back2] = unpackObjects<Record<string, unknown>>(packObjects([odd]));
  assert.equal(Object.keys(back2!), ['__proto__', 'a']);
  assert.is(Object.getPrototypeOf(back2), Object.prototype);
  assert.is(JSON.stringify(back2), JSON.stringify(odd));
});

test('a line routed by its first "id" that parses otherwise: stream shards give up, one thread evaluates, same report', async () => {
  const file = await writeEstate('stream-misrouted', { machines: 80, seed: 'stream-misrouted', machinesPerSubscription: 20 });
  const lines = (await import('node:fs')).readFileSync(file, 'utf8').trimEnd().split('\n');
  const vms = lines.filter((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l)).map((l) => JSON.parse(l) as { id: string });
  const a = vms[0]!.id;
  const b = vms.find((v) => ownerShard(v.id, 2) !== ownerShard(a, 2))!.id;
  // The id first (routed by it without scanning the line), the other shard's id later (what JSON.parse keeps).
  const line = lines.find((l) => l.includes(`"id":"${a}"`))!;
  const twoIds = `{"id":"${a}",${line.slice(1).replace(`"id":"${a}"`, `"id":"${b.replace(/[^/]+$/, 'moved-here')}"`)}`;
  const misrouted = writeText('stream-misrouted-2.ndjson', [...lines, twoIds].join('\n') + '\n');
  const rest = { ...pack(), now: NOW };
  const want = await inMemory([misrouted], rest);
  assert.is(JSON.stringify(await evaluateStream({ ...rest, inputs: [misrouted], workers: 2 })), want);
  assert.ok(want.includes('moved-here'));
});

test.after(async () => {
  await closeWorkers();
});

test.run();
