// The invariants the fast paths rely on: case-insensitive id order and hashing without lower-casing, the related
// index's attachment, records produced in report order, and roll-ups that do not depend on the records' order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compilePolicy, evaluate, evaluateResource, loadSnapshot } from '../engine/index.js';
import { attachmentOf, RelatedIndex } from '../engine/effects/existence.js';
import { isDiagnostic } from '../engine/scope/resource-id.js';
import { toResourceView } from '../engine/scope/view.js';
import type { ComplianceRecord, ResourceView } from '../engine/model/index.js';
import { compareRecords, mergeSorted, sortRecords } from '../engine/evaluate/records.js';
import { summarizeInHierarchy } from '../engine/evaluate/rollup.js';
import { compareIdsIgnoringCase } from '../engine/scope/resource-id.js';
import { idHash } from '../engine/scope/id-hash.js';
import { sortByIdIgnoringCase } from '../engine/scope/id-order.js';
import { pack } from './support/contoso.js';
import { writeEstate } from './support/scale.js';

const IDS = [
  '/subscriptions/A/resourceGroups/rg',
  '/subscriptions/a/resourcegroups/RG/providers/Microsoft.Compute/virtualMachines/vm1',
  '/subscriptions/a/resourceGroups/rg_x',
  '/subscriptions/a/resourceGroups/rg-x',
  '/subscriptions/a/resourceGroups/rg[x]',
  '/subscriptions/a/resourceGroups/RÉSUMÉ',
  '/subscriptions/a/resourceGroups/résumé/x',
  '/subscriptions/a/resourceGroups/ÄB',
  '/subscriptions/a/resourceGroups/äa',
  '/subscriptions/a/resourceGroups/K', // Kelvin sign: lower-cases to an ASCII k
  '/subscriptions/a/resourceGroups/k',
  '/subscriptions/a/resourceGroups/İstanbul', // lower-cases to two characters
  '/subscriptions/a/resourceGroups/i',
  '/subscriptions/a',
];

const lowerOrder = (a: string, b: string) => Math.sign(a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

test('compareIdsIgnoringCase orders as comparing the lower-cased ids', () => {
  for (const a of IDS) for (const b of IDS) assert.is(Math.sign(compareIdsIgnoringCase(a, b)), lowerOrder(a, b), `${a} vs ${b}`);
});

test('idHash of an id equals idHash of its lower-cased form', () => {
  for (const id of IDS) assert.is(idHash(id), idHash(id.toLowerCase()), id);
  assert.is.not(idHash('/subscriptions/a/resourceGroups/x'), idHash('/subscriptions/a/resourceGroups/y'));
  // Two units per step: odd lengths, a non-ASCII unit in either place of a pair, and the last unit all count.
  for (const s of ['/A', '/Ab', '/ÄB/c', '/x/Ä', '/x/ÄÖ', 'Z'])
    assert.is(idHash(s), idHash(s.toLowerCase()), s);
  const distinct = new Set(['/a', '/b', '/ab', '/ba', '/abc', '/abd', '/a/b', '/a/c', '/ä', '/ö'].map(idHash));
  assert.is(distinct.size, 10);
});

test('idHash: no collisions among 200,000 generated ids, and slots (low 30 bits) nearly unique', () => {
  const hashes = new Set<number>();
  const slots = new Set<number>();
  for (let i = 0; i < 200000; i++) {
    const h = idHash(`/subscriptions/${(i % 97).toString(16).padStart(8, '0')}-0000/resourceGroups/rg-${i % 13}/providers/Microsoft.Compute/virtualMachines/vm-${i}`);
    hashes.add(h);
    slots.add(h % 0x40000000);
  }
  assert.is(hashes.size, 200000);
  assert.ok(slots.size > 199900, `${slots.size} distinct slots`);
});

test('sortByIdIgnoringCase orders as compareIdsIgnoringCase does: containers, prefixes of names, case, non-ASCII', () => {
  const ids: string[] = [];
  const subs = ['0A', '0a1', 'b', 'B2'];
  const rgs = ['rg', 'RG-2', 'rg_1', 'rg0'];
  let n = 0;
  for (const s of subs) {
    ids.push(`/subscriptions/${s}`, `/subscriptions/${s}/providers/Microsoft.Security/pricings/VirtualMachines`);
    for (const g of rgs) {
      ids.push(`/subscriptions/${s}/resourceGroups/${g}`);
      for (let i = 0; i < 90; i++) {
        const name = `vm-${String((i * 37) % 90).padStart(3, '0')}`;
        ids.push(`/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachines/${name}${n++ % 3 === 0 ? 'X' : ''}`);
        ids.push(`/subscriptions/${s}/resourceGroups/${g}/PROVIDERS/Microsoft.HybridCompute/machines/${name}`);
        if (i % 10 === 0) {
          // Children, extension resources, and a type whose name another type's continues.
          ids.push(`/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachines/${name}/extensions/MDE`);
          ids.push(`/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachines/${name}/providers/Microsoft.Security/assessments/A`);
          ids.push(`/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`);
          ids.push(`/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute.Admin/virtualMachines/${name}`);
        }
      }
    }
  }
  ids.push('/providers/Microsoft.Management/managementGroups/mg', '/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyAssignments/a');
  const expected = [...ids].sort(compareIdsIgnoringCase);
  const shuffled = ids.map((id, i) => ({ id, k: (i * 7919) % ids.length })).sort((a, b) => a.k - b.k).map((x) => ({ resourceId: x.id }));
  assert.ok(shuffled.length >= 1024, 'large enough for the bucketed path');
  sortByIdIgnoringCase(shuffled, (r) => r.resourceId);
  assert.equal(shuffled.map((r) => r.resourceId), expected);
  const accented = [...shuffled.map((r) => ({ ...r })), { resourceId: '/subscriptions/0a/resourceGroups/Émile' }];
  sortByIdIgnoringCase(accented.reverse(), (r) => r.resourceId);
  assert.equal(accented.map((r) => r.resourceId), [...ids, '/subscriptions/0a/resourceGroups/Émile'].sort(compareIdsIgnoringCase));
});

test('attachmentOf: children, extensions and containers, found in the id as written (case ignored)', () => {
  const vm = '/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM';
  const parentOf = (id: string) => {
    const { end, extendsResource } = attachmentOf(id);
    return { parent: id.slice(0, end), extendsResource };
  };
  assert.equal(parentOf(`${vm}/extensions/E`), { parent: vm, extendsResource: false });
  assert.equal(parentOf(`${vm}/providers/Microsoft.Security/assessments/A`), { parent: vm, extendsResource: true });
  assert.equal(parentOf(`${vm}/PROVIDERS/Microsoft.Security/assessments/A`), { parent: vm, extendsResource: true });
  assert.equal(parentOf(vm), { parent: '/subscriptions/S/resourceGroups/RG', extendsResource: false });
  assert.equal(parentOf('/subscriptions/S/resourceGroups/RG'), { parent: '/subscriptions/S', extendsResource: false });
  assert.equal(parentOf('/subscriptions/S/RESOURCEGROUPS/RG'), { parent: '/subscriptions/S', extendsResource: false });
  assert.equal(parentOf('/subscriptions/S'), { parent: '', extendsResource: false });
  assert.equal(parentOf('/subscriptions/S/providers/Microsoft.Security/pricings/VirtualMachines'), { parent: '/subscriptions/S', extendsResource: false });
  assert.equal(parentOf('/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyAssignments/a'), {
    parent: '/providers/Microsoft.Management/managementGroups/mg',
    extendsResource: true,
  });
});

test('RelatedIndex: the last answer is reused only for the same question, and an added resource is seen', () => {
  const vm = toResourceView({ id: '/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM', type: 'Microsoft.Compute/virtualMachines', name: 'VM', location: 'westeurope' });
  const other = toResourceView({ id: '/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM2', type: 'Microsoft.Compute/virtualMachines', name: 'VM2', location: 'westeurope' });
  if (isDiagnostic(vm) || isDiagnostic(other)) throw new Error('views');
  const assessment = (parent: string, name: string) => {
    const v = toResourceView({ id: `${parent.toUpperCase()}/providers/Microsoft.Security/assessments/${name}`, type: 'Microsoft.Security/assessments', name });
    if (isDiagnostic(v)) throw new Error('view');
    return v;
  };
  const index = new RelatedIndex([assessment(vm.id, 'a1'), assessment(vm.id, 'a2')]);
  const ask = (primary: ResourceView, name?: string) =>
    index.find({ type: 'Microsoft.Security/assessments', primary, existenceScope: 'resourceGroup', ...(name !== undefined ? { name } : {}) }).map((v) => v.name);
  assert.equal(ask(vm, 'a1'), ['a1']);
  assert.equal(ask(vm, 'a1'), ['a1']);
  assert.equal(ask(vm, 'a2'), ['a2']);
  assert.equal(ask(vm), ['a1', 'a2']);
  assert.equal(ask(other), []);
  index.add(assessment(other.id, 'a1'));
  assert.equal(ask(other), ['a1']);
  assert.equal(ask(other, 'a1'), ['a1']);
  index.add(assessment(other.id, 'a3'));
  assert.equal(ask(other, 'a1'), ['a1']);
  assert.equal(ask(other), ['a1', 'a3']);
});

test('field reads are remembered per view only: alternating views of the same id read their own values', () => {
  const policy = compilePolicy({
    properties: { mode: 'All', policyRule: { if: { allOf: [{ field: 'Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType', equals: 'Linux' }, { field: 'Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType', notEquals: 'Windows' }] }, then: { effect: 'audit' } } },
  });
  const vm = (osType: string) => {
    const v = toResourceView({ id: '/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM', type: 'Microsoft.Compute/virtualMachines', name: 'VM', location: 'westeurope', properties: { storageProfile: { osDisk: { osType } } } });
    if (isDiagnostic(v)) throw new Error('view');
    return v;
  };
  const linux = vm('Linux');
  const windows = vm('Windows');
  const states = [linux, windows, linux, vm('Windows'), vm('Linux')].map((v) => evaluateResource(policy, v).complianceState);
  assert.equal(states, ['NonCompliant', 'Compliant', 'NonCompliant', 'Compliant', 'NonCompliant']);
});

test('sortRecords orders as a stable sort by compareRecords: members differing in case, many resources, repeats', () => {
  const records: ComplianceRecord[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const assignments = ['/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyAssignments/a', '/PROVIDERS/microsoft.management/managementGroups/MG/providers/Microsoft.Authorization/policyAssignments/A', '/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/b'];
  const refs = [undefined, 'ref1', 'REF1', 'ref2'];
  for (let i = 0; i < 3000; i++) {
    const n = next();
    const record = {
      policyAssignmentId: assignments[n % 3]!,
      resourceId: `/subscriptions/s${n % 5}/resourceGroups/RG${(n >> 3) % 7}/providers/Microsoft.Compute/virtualMachines/${(n >> 6) % 2 === 0 ? 'VM' : 'vm'}${(n >> 7) % 400}`,
      complianceState: `#${i}`,
    } as unknown as ComplianceRecord;
    const ref = refs[(n >> 9) % 4];
    if (ref !== undefined) record.policyDefinitionReferenceId = ref;
    records.push(record);
  }
  const expected = [...records].sort(compareRecords);
  sortRecords(records);
  assert.equal(records.map((r) => r.complianceState), expected.map((r) => r.complianceState));
});

test('mergeSorted of sorted parts equals sorting their union (records split between shards by subscription)', () => {
  const records: ComplianceRecord[] = [];
  for (let i = 0; i < 2000; i++) {
    records.push({
      policyAssignmentId: `/providers/Microsoft.Authorization/policyAssignments/${i % 3 === 0 ? 'A' : 'b'}`,
      policyDefinitionReferenceId: i % 5 === 0 ? 'Ref' : 'ref2',
      resourceId: `/subscriptions/S${i % 4}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${i % 2 ? 'VM' : 'vm'}${i}`,
    } as unknown as ComplianceRecord);
  }
  const parts = [0, 1, 2].map((k) => records.filter((r) => Number(r.resourceId[16]) % 3 === k));
  assert.ok(parts.every((p) => p.length > 300));
  parts.forEach((p) => sortRecords(p));
  sortRecords(records);
  assert.equal(mergeSorted(parts, compareRecords), records);
  assert.equal(mergeSorted([[], [1, 3], [2], []], (x: number, y: number) => x - y), [1, 2, 3]);
  assert.equal(mergeSorted([], (x: number, y: number) => x - y), []);
});

test('records come out in report order, and the roll-ups do not depend on the order of the records', async () => {
  const file = await writeEstate('order', { machines: 120, seed: 'order', machinesPerSubscription: 40 });
  const snapshot = await loadSnapshot([file]);
  const report = evaluate({ ...pack(), snapshot, now: '2026-01-01T00:00:00Z' });
  assert.ok(report.results.length > 100);
  for (let i = 1; i < report.results.length; i++) assert.ok(compareRecords(report.results[i - 1]!, report.results[i]!) < 0, `record ${i} out of order`);
  const again = JSON.stringify(summarizeInHierarchy(report.results, snapshot.hierarchy));
  assert.is(again, JSON.stringify(report.summary), 'recomputed from the records without the visit order');
  const reversed = [...report.results].reverse();
  assert.is(JSON.stringify(summarizeInHierarchy(reversed, snapshot.hierarchy)), JSON.stringify(report.summary), 'groups in another order');
  // Members interleaved (by resource): not grouped, so the roll-ups sort them first.
  const interleaved = [...report.results].sort((x, y) => compareIdsIgnoringCase(x.resourceId, y.resourceId));
  assert.is(JSON.stringify(summarizeInHierarchy(interleaved, snapshot.hierarchy)), JSON.stringify(report.summary), 'members interleaved');
});

test.run();
