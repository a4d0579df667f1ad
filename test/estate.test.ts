// The estate evaluator on the Contoso demo estate (hand-checked expectation in
// fixtures/estates/contoso/expected.yaml, transcribed from its README) and on small estates built
// for one rule each (digest §7–10).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluate, type ComplianceReport } from '../engine/index.js';
import { loadSnapshot } from '../engine/load/index.js';
import { CONTOSO, contosoAssignments, contosoExemptions, loadContoso, pack } from './support/contoso.js';

const expected = parse(readFileSync(join(CONTOSO, 'expected.yaml'), 'utf8')) as { now: string; records: Record<string, Record<string, string>> };

async function contosoReport(): Promise<ComplianceReport> {
  return evaluate({ snapshot: await loadContoso(), ...pack(), assignments: contosoAssignments(), exemptions: contosoExemptions(), now: expected.now });
}

function keyOf(r: ComplianceReport['results'][number]): string {
  const group = r.policyDefinitionReferenceId === undefined ? r.policyAssignmentName! : `${r.policyAssignmentName}/${r.policyDefinitionReferenceId}`;
  return `${group} ${r.resourceId.slice(r.resourceId.lastIndexOf('/') + 1)}`;
}

test('contoso: every record and state is the hand-checked one, and there are no others', async () => {
  const report = await contosoReport();
  const actual = Object.fromEntries(report.results.map((r) => [keyOf(r), r.complianceState]));
  const want: Record<string, string> = {};
  for (const [group, byResource] of Object.entries(expected.records)) for (const [res, state] of Object.entries(byResource)) want[`${group} ${res}`] = state;
  assert.equal(actual, want);
  assert.equal(report.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('contoso: roll-ups per assignment and scope, as Azure computes them', async () => {
  const report = await contosoReport();
  const byName = Object.fromEntries(report.summary.assignments.map((a) => [a.displayName, a]));
  // dine-va: 20 machines + 4 subscriptions with records; a resource's worst state wins (vm-app-02: Exempt + NonCompliant → NonCompliant).
  assert.equal(byName['dine-va']!.resources, { Compliant: 12, NonCompliant: 12 });
  assert.is(byName['dine-va']!.compliancePercentage, 50);
  assert.equal(byName['va-audit']!.resources, { Compliant: 4, NonCompliant: 2 });
  assert.is(byName['va-audit']!.compliancePercentage, 66.67);
  const online = report.summary.scopes.find((s) => s.kind === 'managementGroup' && s.id.endsWith('/online'))!;
  // online-eu: vm-shop-web-01 C, vm-shop-web-02 NC, vm-shop-api-01 NC, vm-shop-cache-01 C, arc-eu-store-01 NC, subscription C.
  assert.equal(online.resources, { Compliant: 3, NonCompliant: 3 });
  assert.ok(report.summary.scopes.some((s) => s.kind === 'resourceGroup'));
  // Per resource: vm-app-02 is Exempt for two members and NonCompliant for a third → NonCompliant.
  const vmApp02 = report.summary.byResource.find((r) => r.resourceId.endsWith('/vm-app-02'))!;
  assert.is(vmApp02.complianceState, 'NonCompliant');
  assert.is(report.summary.byResource.length, new Set(report.results.map((r) => r.resourceId.toLowerCase())).size);
});

test('contoso: the same inputs give byte-identical JSON', async () => {
  assert.is(JSON.stringify(await contosoReport()), JSON.stringify(await contosoReport()));
});

test('contoso: Exempt records name their exemption; NonCompliant records carry the reason', async () => {
  const report = await contosoReport();
  const exempt = report.results.find((r) => r.complianceState === 'Exempt')!;
  assert.is(exempt.exemption?.category, 'Waiver');
  const nc = report.results.find((r) => r.complianceState === 'NonCompliant' && r.policyDefinitionReferenceId === 'configureVaProvider')!;
  assert.is(nc.reasons[0]!.message, 'No related resources match the effect details in the policy definition.');
  assert.ok(nc.source?.file.endsWith('.json'));
});

// ── small estates, one rule each ─────────────────────────────────────────────────────────
const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111';
const vm = (rg: string, name: string, extra: Record<string, unknown> = {}) => ({ id: `${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`, name, type: 'Microsoft.Compute/virtualMachines', location: 'eastus', ...extra });
const auditVm = { name: 'audit-vm', properties: { mode: 'Indexed', parameters: {}, policyRule: { if: { field: 'type', equals: 'Microsoft.Compute/virtualMachines' }, then: { effect: 'audit' } } } };
const assignment = (props: Record<string, unknown>, name = 'a1', scope = SUB) => ({ id: `${scope}/providers/Microsoft.Authorization/policyAssignments/${name}`, name, properties: { scope, policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/audit-vm', ...props } });
const states = (r: ComplianceReport) => r.results.map((x) => `${x.resourceId.split('/').pop()}:${x.complianceState}`);

test('notScopes: excluded resources get no record at all', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a'), vm('rg2', 'b')]);
  const r = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({ notScopes: [`${SUB}/resourceGroups/RG2`] })], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(r), ['a:NonCompliant']);
});

test('resource-group scope does not contain a longer-named sibling', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a'), vm('rg10', 'b')]);
  const r = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({ scope: `${SUB}/resourceGroups/rg1` })], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(r), ['a:NonCompliant']);
});

test('no assignment: each definition is assigned at the root with its defaults', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a')]);
  const r = evaluate({ snapshot, definitions: [auditVm], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(r), ['a:NonCompliant']);
  assert.is(r.results[0]!.policyAssignmentScope, '/');
});

test('exemptions: active ones make records Exempt, expired ones are ignored, reference ids narrow them', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a'), vm('rg2', 'b')]);
  const assignmentId = `${SUB}/providers/Microsoft.Authorization/policyAssignments/a1`;
  const exemption = (rg: string, expiresOn?: string) => ({ id: `${SUB}/resourceGroups/${rg}/providers/Microsoft.Authorization/policyExemptions/x`, properties: { policyAssignmentId: assignmentId, exemptionCategory: 'Mitigated', ...(expiresOn ? { expiresOn } : {}) } });
  const r = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({})], exemptions: [exemption('rg1'), exemption('rg2', '2025-01-01T00:00:00Z')], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(r), ['a:Exempt', 'b:NonCompliant']);
  assert.is(r.results[0]!.exemption!.category, 'Mitigated');
  // At the expiry instant the exemption no longer applies.
  const atExpiry = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({})], exemptions: [exemption('rg1', '2026-01-01T00:00:00Z')], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(atExpiry), ['a:NonCompliant', 'b:NonCompliant']);
});

test('resourceSelectors and overrides (first match wins) change which resources and which effect', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a'), vm('rg1', 'b', { location: 'westeurope' })]);
  const selectors = [{ name: 'eu', selectors: [{ kind: 'resourceLocation', in: ['West Europe'] }] }];
  const only = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({ resourceSelectors: selectors })], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(only), ['b:NonCompliant']);
  const overrides = [{ kind: 'policyEffect', value: 'Disabled', selectors: [{ kind: 'resourceLocation', in: ['eastus'] }] }];
  const effectDef = { ...auditVm, properties: { ...auditVm.properties, parameters: { effect: { type: 'String', defaultValue: 'Audit', allowedValues: ['Audit', 'Disabled'] } }, policyRule: { ...auditVm.properties.policyRule, then: { effect: "[parameters('effect')]" } } } };
  const overridden = evaluate({ snapshot, definitions: [effectDef], assignments: [assignment({ overrides })], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(overridden), ['b:NonCompliant']);
});

test('an override selected by policyDefinitionReferenceId changes only that initiative member', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a')]);
  const effectDef = { ...auditVm, properties: { ...auditVm.properties, parameters: { effect: { type: 'String', defaultValue: 'Audit', allowedValues: ['Audit', 'Disabled'] } }, policyRule: { ...auditVm.properties.policyRule, then: { effect: "[parameters('effect')]" } } } };
  const set = {
    name: 'twice',
    properties: {
      policyDefinitions: [
        { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/audit-vm', policyDefinitionReferenceId: 'first' },
        { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/audit-vm', policyDefinitionReferenceId: 'second' },
      ],
    },
  };
  const overrides = [{ kind: 'policyEffect', value: 'Disabled', selectors: [{ kind: 'policyDefinitionReferenceId', in: ['FIRST'] }] }];
  const a = assignment({ policyDefinitionId: '/providers/Microsoft.Authorization/policySetDefinitions/twice', overrides });
  const r = evaluate({ snapshot, definitions: [effectDef], setDefinitions: [set], assignments: [a], now: '2026-01-01T00:00:00Z' });
  assert.equal(r.results.map((x) => `${x.policyDefinitionReferenceId}:${x.complianceState}`), ['second:NonCompliant']);
});

test('management-group scope reaches subscriptions through the hierarchy', async () => {
  const mg = '/providers/Microsoft.Management/managementGroups/corp';
  const snapshot = await loadSnapshot([
    { id: mg, name: 'corp', type: 'Microsoft.Management/managementGroups', properties: { details: { parent: { id: '/providers/Microsoft.Management/managementGroups/root' } } } },
    { id: SUB, name: '11111111-1111-1111-1111-111111111111', type: 'Microsoft.Resources/subscriptions', properties: { managementGroupAncestorsChain: [{ name: 'corp' }, { name: 'root' }] } },
    vm('rg1', 'a'),
    { ...vm('rg1', 'z'), id: '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/z' },
  ]);
  const r = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({}, 'a1', mg)], now: '2026-01-01T00:00:00Z' });
  assert.equal(states(r), ['a:NonCompliant']);
  assert.ok(r.summary.scopes.some((s) => s.id === mg && s.kind === 'managementGroup'));
});

test('an unresolved definition id is a coded error; the rest still evaluates', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a')]);
  const r = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({}), assignment({ policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/nope' }, 'a2')], now: '2026-01-01T00:00:00Z' });
  assert.ok(r.diagnostics.some((d) => d.code === 'assign.unresolved-definition'));
  assert.equal(states(r), ['a:NonCompliant']);
});

test('IfNotExists: a related type absent from the snapshot is Unknown, or NonCompliant when the snapshot is declared complete', async () => {
  const aine = { name: 'need-ext', properties: { mode: 'Indexed', policyRule: { if: { field: 'type', equals: 'Microsoft.Compute/virtualMachines' }, then: { effect: 'auditIfNotExists', details: { type: 'Microsoft.Security/assessments' } } } } };
  const snapshot = await loadSnapshot([vm('rg1', 'a')]);
  const a = assignment({ policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/need-ext' });
  assert.equal(states(evaluate({ snapshot, definitions: [aine], assignments: [a], now: '2026-01-01T00:00:00Z' })), ['a:Unknown']);
  assert.equal(states(evaluate({ snapshot, definitions: [aine], assignments: [a], now: '2026-01-01T00:00:00Z', complete: true })), ['a:NonCompliant']);
});

test('nonComplianceMessages: the member-specific message, else the default', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a')]);
  const r = evaluate({ snapshot, definitions: [auditVm], assignments: [assignment({ nonComplianceMessages: [{ message: 'VMs are audited.' }] })], now: '2026-01-01T00:00:00Z' });
  assert.is(r.results[0]!.nonComplianceMessage, 'VMs are audited.');
});

test('--scope limits evaluation; an unknown scope is a coded error', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a'), vm('rg2', 'b')]);
  const r = evaluate({ snapshot, definitions: [auditVm], scope: `${SUB}/resourceGroups/rg2`, now: '2026-01-01T00:00:00Z' });
  assert.equal(states(r), ['b:NonCompliant']);
  const bad = evaluate({ snapshot, definitions: [auditVm], scope: '/subscriptions/99999999-9999-9999-9999-999999999999', now: '2026-01-01T00:00:00Z' });
  assert.ok(bad.diagnostics.some((d) => d.code === 'assign.unknown-scope'));
});

test('a definition stored at a subscription cannot be assigned outside it; resource-provider modes are reported, not evaluated', async () => {
  const snapshot = await loadSnapshot([vm('rg1', 'a')]);
  const other = '/subscriptions/22222222-2222-2222-2222-222222222222';
  const stored = { ...auditVm, id: `${other}/providers/Microsoft.Authorization/policyDefinitions/audit-vm` };
  const r = evaluate({ snapshot, definitions: [stored], assignments: [assignment({ policyDefinitionId: stored.id })], now: '2026-01-01T00:00:00Z' });
  assert.ok(r.diagnostics.some((d) => d.code === 'assign.definition-out-of-scope'));
  assert.equal(r.results, []);
  const kube = { name: 'kube', properties: { mode: 'Microsoft.Kubernetes.Data', policyRule: { if: { field: 'type', equals: 'Microsoft.ContainerService/managedClusters' }, then: { effect: 'audit' } } } };
  const k = evaluate({ snapshot, definitions: [kube], now: '2026-01-01T00:00:00Z' });
  assert.ok(k.diagnostics.some((d) => d.code === 'eval.unsupported-mode' && d.severity === 'warning'));
});

test.run();
