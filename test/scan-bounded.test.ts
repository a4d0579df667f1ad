// scanBounded: `dine scan` in two passes, machines not held. Its machines (as a set, with the plan's deploymentId or
// note), totals, scope counts, remediation, diagnostics and plan equal scanEstate's over loadSnapshot —
// with Defender assessments deciding and without (dine's policies), with the estate's own assignments and an
// exemption, scopes, mdeTvm, lines in any order, a machine id given twice (everything held) and the Contoso JSON files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers, formatScan, getScanPlan, loadSnapshot, scanBounded, scanEstate, SCAN_FORMATS, type BoundedScan, type MachineResult, type ScanInput, type ScanReport } from '../engine/index.js';
import { CONTOSO, contosoAssignments, contosoExemptions, pack } from './support/contoso.js';
import { writeEstate, writeText } from './support/scale.js';

const NOW = '2026-01-01T00:00:00Z';
const MG = '/providers/Microsoft.Management/managementGroups/gen-root';

/** The VA initiative assigned at the generated estate's root management group, with a system-assigned identity. */
const OWN_ASSIGNMENT = {
  id: `${MG}/providers/Microsoft.Authorization/policyAssignments/va-init`,
  name: 'va-init',
  location: 'westeurope',
  identity: { type: 'SystemAssigned' },
  properties: { scope: MG, policyDefinitionId: '/providers/Microsoft.Authorization/policySetDefinitions/dine-vulnerability-assessment' },
};

function exemptionOf(machineId: string): Record<string, unknown> {
  return {
    id: `${machineId}/providers/Microsoft.Authorization/policyExemptions/waiver`,
    name: 'waiver',
    properties: { policyAssignmentId: OWN_ASSIGNMENT.id, exemptionCategory: 'Waiver' },
  };
}


interface Outcome {
  deferred: number;
  fallback: string | undefined;
  source: string;
  machines: number;
  deployments: number;
  overLimit: number;
  diagnostics: string[];
}

/** Worker threads for the second run of each case (the first runs on this thread). */
const SHARDED = 2;

async function compare(inputs: string[], rest: Omit<ScanInput, 'snapshot'>): Promise<Outcome> {
  const snapshot = await loadSnapshot(inputs);
  const whole = scanEstate({ ...rest, snapshot });
  const { machines: _machines, ...report } = whole;
  let first: Outcome | undefined;
  for (const workers of [1, SHARDED]) {
    const met: MachineResult[] = [];
    let lines = '';
    const bounded = await scanBounded({ ...rest, inputs, workers, onMachine: (m) => met.push(m), onMachineLines: (text) => (lines += text) });
    const at = `workers ${workers}`;
    assert.equal(met.map((m) => JSON.stringify(m)).sort(), whole.machines.map((m) => JSON.stringify(m)).sort(), `machines, ${at}`);
    assert.is(lines, met.map((m) => `${JSON.stringify(m)}\n`).join(''), `lines, ${at}`);
    assert.is(JSON.stringify(bounded.report), JSON.stringify(report), `the report but its machines, ${at}`);
    assert.is(JSON.stringify(bounded.plan), JSON.stringify(getScanPlan(whole)), `remediation plan, ${at}`);
    assert.is(JSON.stringify(bounded.loadDiagnostics), JSON.stringify(snapshot.diagnostics), `load diagnostics, ${at}`);
    const outcome = check(whole, bounded, met);
    // A shard falls back to holding everything only when its own subscriptions repeat a machine id.
    if (first === undefined) first = outcome;
    else {
      assert.equal({ ...outcome, deferred: 0, fallback: undefined }, { ...first, deferred: 0, fallback: undefined }, at);
      assert.not.ok(outcome.fallback?.includes('scanned on one thread'), `${at}: the shards were given up`);
    }
  }
  return first!;
}

function check(whole: ScanReport, bounded: BoundedScan, met: MachineResult[]): Outcome {
  return {
    deferred: bounded.counts.deferred,
    fallback: bounded.fallback,
    source: whole.decidedBy,
    machines: met.length,
    deployments: whole.remediation.deployments.length,
    overLimit: bounded.plan.tasks.reduce((n, t) => n + t.overLimit.length, 0),
    diagnostics: whole.diagnostics.map((d) => d.code),
  };
}

const lines = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');
const withoutAssessments = (file: string, name: string): string => writeText(name, lines(file).filter((l) => !/"type":"Microsoft.Security\/assessments"/i.test(l)).join('\n') + '\n');
const firstMachineId = (file: string): string => (JSON.parse(lines(file).find((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l))!) as { id: string }).id;

test('Defender assessments decide: machines deferred to the second pass, the same report and plan (over its 500 limit)', async () => {
  const file = await writeEstate('scan-bounded', { machines: 2400, seed: 'scan-bounded', machinesPerSubscription: 1200 });
  const r = await compare([file], { ...pack(), now: NOW });
  assert.is(r.source, 'defender-assessment');
  assert.ok(r.deferred >= 2400, `deferred ${r.deferred}`);
  assert.is(r.machines, 2400);
  // Only the first 500 per task keep their resources (the default plan's resourceCount): some are over it.
  assert.is(r.deployments, 500);
  assert.ok(r.overLimit > 0, `over the limit: ${r.overLimit}`);
  assert.is(r.fallback, undefined);
});

test('no assessments: dine\'s policies decide (subscriptions held, machines deferred), the same report', async () => {
  const file = withoutAssessments(await writeEstate('scan-bounded-dine', { machines: 500, seed: 'scan-bounded-dine', machinesPerSubscription: 100 }), 'scan-bounded-dine-2.ndjson');
  const r = await compare([file], { ...pack(), now: NOW });
  assert.is(r.source, 'dine-policy');
  assert.ok(r.deferred >= 500);
  assert.ok(r.deployments > 0);
});

test('the estate\'s own assignment and an exemption, with and without assessments; vaType mdeTvm', async () => {
  const file = await writeEstate('scan-bounded-own', { machines: 300, seed: 'scan-bounded-own', machinesPerSubscription: 100 });
  const unexempted = scanEstate({ ...pack(), assignments: [OWN_ASSIGNMENT], snapshot: await loadSnapshot([file]), now: NOW });
  const waived = unexempted.machines.find((m) => m.deploy?.deploymentId !== undefined)!;
  const rest = { ...pack(), assignments: [OWN_ASSIGNMENT], exemptions: [exemptionOf(waived.id)], now: NOW };
  const a = await compare([file], rest);
  assert.is(a.deployments, unexempted.remediation.deployments.length - 1, 'the exempt machine is not planned');
  const b = await compare([withoutAssessments(file, 'scan-bounded-own-2.ndjson')], rest);
  assert.equal([a.source, b.source], ['defender-assessment', 'dine-policy']);
  await compare([file], { ...pack(), now: NOW, vaType: 'mdeTvm' });
});

test('scopes: a subscription, a management group, one machine, and one the snapshot does not know', async () => {
  const file = await writeEstate('scan-bounded-scope', { machines: 300, seed: 'scan-bounded-scope', machinesPerSubscription: 100 });
  const snapshot = await loadSnapshot([file]);
  const sub = snapshot.hierarchy.subscriptions()[1]!.id;
  assert.ok((await compare([file], { ...pack(), now: NOW, scope: sub })).machines > 0);
  await compare([file], { ...pack(), now: NOW, scope: MG });
  assert.is((await compare([file], { ...pack(), now: NOW, scope: firstMachineId(file) })).machines, 1);
  assert.equal((await compare([file], { ...pack(), now: NOW, scope: '/subscriptions/00000000-0000-0000-0000-00000000dead' })).diagnostics, ['scan.unknown-scope']);
});

test('lines in reverse order (machines before their subscriptions and assessments), and a machine id given twice', async () => {
  const file = await writeEstate('scan-bounded-order', { machines: 200, seed: 'scan-bounded-order', machinesPerSubscription: 100 });
  await compare([writeText('scan-bounded-reversed.ndjson', lines(file).reverse().join('\n') + '\n')], { ...pack(), now: NOW });
  const vm = lines(file).find((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l))!;
  const dup = writeText('scan-bounded-dup.ndjson', [...lines(file), vm.replace('"location":"', '"location":"x')].join('\n') + '\n');
  const r = await compare([dup], { ...pack(), now: NOW });
  assert.ok(r.fallback?.includes('more than once'), r.fallback);
});

test('a machine outside subscriptions (read by every shard) is scanned once', async () => {
  const file = await writeEstate('scan-bounded-tenant', { machines: 60, seed: 'scan-bounded-tenant', machinesPerSubscription: 20 });
  const vm = JSON.parse(lines(file).find((l) => /"type":"Microsoft.Compute\/virtualMachines"/.test(l))!) as Record<string, unknown>;
  const tenantVm = JSON.stringify({ ...vm, id: '/providers/Microsoft.Compute/virtualMachines/tenant-vm', name: 'tenant-vm' });
  const r = await compare([writeText('scan-bounded-tenant-2.ndjson', [...lines(file), tenantVm].join('\n') + '\n')], { ...pack(), now: NOW });
  assert.is(r.machines, 61);
});

test('Contoso (JSON files: nothing deferred) with its assignments and exemptions', async () => {
  const inputs = [join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json'), join(CONTOSO, 'resources')];
  const r = await compare(inputs, { ...pack(), assignments: contosoAssignments(), exemptions: contosoExemptions(), now: NOW });
  assert.is(r.deferred, 0);
  assert.ok(r.machines > 10);
});

test('the ndjson scan format: a line per machine in id order, then the report without its machines', async () => {
  const inputs = [join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json'), join(CONTOSO, 'resources')];
  const report = scanEstate({ ...pack(), snapshot: await loadSnapshot(inputs), now: NOW });
  const text = formatScan(report, 'ndjson');
  const out = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(out.slice(0, -1), JSON.parse(JSON.stringify(report.machines)));
  const { machines: _m, ...rest } = report;
  assert.equal(out.at(-1), JSON.parse(JSON.stringify(rest)));
  assert.is([...SCAN_FORMATS.find((f) => f.name === 'ndjson')!.chunks!(report)].join(''), text);
});

test.after(async () => {
  await closeWorkers();
});

test.run();
