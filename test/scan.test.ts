// scanEstate() on the Contoso demo estate: every machine in the group, with the reason, data centre and scan command
// its README gives (fixtures/estates/contoso/README.md, "Machines: what Defender for Cloud would call them"); both
// decision sources; a plain Resource Graph export; counts per scope; the remediation plan.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatScan, SCAN_FORMATS, scanEstate, type MachineResult, type ScanReport } from '../engine/index.js';
import { loadSnapshot } from '../engine/load/index.js';
import { CONTOSO, contosoAssignments, contosoExemptions, loadContoso, pack } from './support/contoso.js';

const NOW = '2026-01-01T00:00:00Z';

// The README's machine table: # → machine, Defender group, data centre, OS platform.
const README: [string, 'Healthy' | 'Unhealthy' | 'NotApplicable', 'EU' | 'US', 'Windows' | 'Linux'][] = [
  ['vm-mgmt-win19', 'Healthy', 'US', 'Windows'],
  ['vm-mgmt-ubu18', 'Unhealthy', 'US', 'Linux'],
  ['arc-onprem-win12', 'Healthy', 'US', 'Windows'],
  ['arc-aws-amzn2', 'Healthy', 'US', 'Linux'],
  ['vm-app-01', 'Healthy', 'US', 'Windows'],
  ['vm-app-02', 'Unhealthy', 'US', 'Linux'],
  ['vm-app-03', 'NotApplicable', 'US', 'Linux'],
  ['vm-db-01', 'NotApplicable', 'US', 'Linux'],
  ['vm-db-02', 'Unhealthy', 'US', 'Linux'],
  ['vm-web-01', 'Healthy', 'US', 'Windows'],
  ['arc-dc-sles15', 'Unhealthy', 'US', 'Linux'],
  ['arc-dc-rocky9', 'NotApplicable', 'US', 'Linux'],
  ['vm-legacy-01', 'NotApplicable', 'US', 'Linux'],
  ['vm-legacy-02', 'Unhealthy', 'US', 'Linux'],
  ['vm-shop-web-01', 'Healthy', 'EU', 'Windows'],
  ['vm-shop-web-02', 'Unhealthy', 'EU', 'Linux'],
  ['vm-shop-api-01', 'Unhealthy', 'EU', 'Linux'],
  ['vm-shop-cache-01', 'NotApplicable', 'EU', 'Linux'],
  ['arc-eu-store-01', 'Healthy', 'EU', 'Windows'],
  ['vm-dev-01', 'NotApplicable', 'US', 'Windows'],
  ['vm-dev-02', 'NotApplicable', 'US', 'Linux'],
];

const WINDOWS_SCAN = 'REG ADD HKLM\\SOFTWARE\\Qualys\\QualysAgent\\ScanOnDemand\\Vulnerability /v "ScanOnDemand" /t REG_DWORD /d "1" /f';
const LINUX_SCAN = 'sudo /usr/local/qualys/cloud-agent/bin/cloudagentctl.sh action=demand type=vm';

async function contosoScan(extra: { assignments?: boolean; vaType?: 'default' | 'mdeTvm'; scope?: string } = {}): Promise<ScanReport> {
  return scanEstate({
    snapshot: await loadContoso(),
    ...pack(),
    ...(extra.assignments === false ? {} : { assignments: contosoAssignments(), exemptions: contosoExemptions() }),
    ...(extra.vaType ? { vaType: extra.vaType } : {}),
    ...(extra.scope ? { scope: extra.scope } : {}),
    now: NOW,
  });
}

const byName = (r: ScanReport): Record<string, MachineResult> => Object.fromEntries(r.machines.map((m) => [m.name, m]));

/** The Contoso resources as raw objects (ARG rows kept as rows), optionally without some types. */
function contosoRaw(dropTypes: string[] = []): Record<string, unknown>[] {
  const files = ['management-groups.json', 'subscriptions.json', 'resources/corp-dev.json', 'resources/corp-prod.json', 'resources/platform-mgmt.json', 'resources/online-eu.arg.json'];
  const out: Record<string, unknown>[] = [];
  for (const f of files) {
    const doc = JSON.parse(readFileSync(join(CONTOSO, f), 'utf8')) as unknown;
    const list = (Array.isArray(doc) ? doc : (doc as { data?: unknown[]; value?: unknown[] }).data ?? (doc as { value?: unknown[] }).value ?? [doc]) as Record<string, unknown>[];
    for (const r of list) if (!dropTypes.includes(String(r['type']).toLowerCase())) out.push(r);
  }
  return out;
}

test('contoso: the json format in pieces (for scans longer than a string can be) is the same bytes', async () => {
  const report = await contosoScan();
  const json = SCAN_FORMATS.find((f) => f.name === 'json')!;
  const pieces = [...json.chunks!(report)];
  assert.ok(pieces.length > 1);
  assert.is(pieces.join(''), formatScan(report, 'json'));
});

test('contoso: 7 Healthy, 7 Unhealthy, 7 Not applicable, every machine in its README group', async () => {
  const r = await contosoScan();
  assert.equal(r.totals, { Healthy: 7, Unhealthy: 7, NotApplicable: 7, total: 21 });
  const got = Object.fromEntries(r.machines.map((m) => [m.name, m.group]));
  assert.equal(got, Object.fromEntries(README.map(([n, g]) => [n, g])));
  assert.is(r.decidedBy, 'defender-assessment');
  for (const m of r.machines) assert.is(m.decidedBy.label, 'Defender assessment', m.name);
});

test('contoso: the reasons the README gives', async () => {
  const m = byName(await contosoScan());
  const has = (name: string, ...parts: string[]): void => {
    for (const p of parts) assert.ok(m[name]!.reason.includes(p), `${name}: "${m[name]!.reason}" lacks "${p}"`);
  };
  has('vm-mgmt-win19', 'Healthy', 'Qualys');
  has('vm-web-01', 'Healthy', 'Defender Vulnerability Management'); // MDVM is the VA solution
  has('arc-aws-amzn2', 'Healthy', 'Defender Vulnerability Management');
  has('vm-mgmt-ubu18', 'Unhealthy', 'can be deployed');
  has('vm-db-02', 'not assessed yet', 'Defender for Servers is on');
  has('vm-shop-api-01', 'not assessed yet');
  has('vm-legacy-02', 'Unhealthy', 'provisioningState Provisioning');
  has('vm-shop-web-02', 'Unhealthy', 'scanner resource exists', 'not reported by Defender yet');
  has('vm-app-03', 'NotApplicable', 'operating system', 'not supported');
  has('arc-dc-rocky9', 'NotApplicable', 'not supported');
  has('vm-dev-01', 'NotApplicable', 'Defender for Servers');
  has('vm-dev-02', 'no Defender assessment', 'not on Defender for Servers', 'Free');
  assert.is(m['vm-app-03']!.assessment?.code, 'NotApplicable');
  assert.is(m['vm-web-01']!.assessment?.cause, 'mdeTvm');
  assert.is(m['vm-db-02']!.assessment, undefined);
  assert.is(m['vm-dev-02']!.defenderForServers, false);
  assert.is(m['vm-legacy-02']!.scanner?.provisioningState, 'Provisioning');
});

test('contoso: Qualys data centre (EU for European regions), endpoint on 443, scan command per OS', async () => {
  const m = byName(await contosoScan());
  for (const [name, , dc, platform] of README) {
    const x = m[name]!;
    assert.is(x.dataCentre.id, dc, name);
    assert.is(x.dataCentre.host, dc === 'EU' ? 'qagpublic.qg2.apps.qualys.eu' : 'qagpublic.qg3.apps.qualys.com', name);
    assert.is(x.dataCentre.port, 443);
    assert.is(x.os.platform, platform, name);
    assert.is(x.scanCommand?.command, platform === 'Windows' ? WINDOWS_SCAN : LINUX_SCAN, name);
  }
  assert.is(m['arc-eu-store-01']!.dataCentre.geography, 'Germany');
  assert.is(m['vm-shop-cache-01']!.dataCentre.geography, 'United Kingdom');
});

test('contoso: each Unhealthy machine gets the provider, the REST call and its deployment (or why not)', async () => {
  const r = await contosoScan();
  const m = byName(r);
  for (const x of r.machines) {
    if (x.group !== 'Unhealthy') {
      assert.is(x.deploy, undefined, x.name);
      continue;
    }
    assert.is(x.deploy!.vaType, 'default');
    assert.is(x.deploy!.rest.method, 'PUT');
    assert.is(x.deploy!.rest.path, `${x.id}/providers/Microsoft.Security/serverVulnerabilityAssessments/default?api-Version=2015-06-01-preview`);
    assert.is(x.deploy!.rest.url, `https://management.azure.com${x.deploy!.rest.path}`);
  }
  // The README's remediation: configureVaProvider for 2, 9, 10, 11, 14, 16, 17, 19, 21 (vm-app-02 exempt).
  const planned = r.remediation.deployments.map((d) => d.resourceId.slice(d.resourceId.lastIndexOf('/') + 1)).sort();
  assert.equal(planned, ['arc-dc-sles15', 'arc-eu-store-01', 'vm-db-02', 'vm-dev-02', 'vm-legacy-02', 'vm-mgmt-ubu18', 'vm-shop-api-01', 'vm-shop-web-02', 'vm-web-01']);
  assert.ok(r.remediation.deployments.every((d) => d.policyDefinitionReferenceId === 'configureVaProvider'));
  assert.ok(r.remediation.deployments.every((d) => d.creates.length === 1 && d.creates[0]!.endsWith(`${d.resourceId}/providers/Microsoft.Security/serverVulnerabilityAssessments/default`)));
  assert.is(r.remediation.assignments, 'snapshot');
  assert.ok(m['vm-mgmt-ubu18']!.deploy!.deploymentId!.includes('/resourceGroups/rg-mgmt/providers/Microsoft.Resources/deployments/'));
  assert.ok(m['vm-app-02']!.deploy!.note!.includes('exempt'));
  assert.is(m['vm-app-02']!.deploy!.deploymentId, undefined);
  // The plan also reaches machines Defender does not call Unhealthy (Healthy with MDVM; not on Defender for Servers).
  assert.equal(r.remediation.beyondUnhealthy.map((id) => id.slice(id.lastIndexOf('/') + 1)), ['vm-web-01', 'arc-eu-store-01', 'vm-dev-02']);
});

test('contoso: without assignments the plan is 13ce0167 at the root; vaType mdeTvm changes provider and REST call', async () => {
  const r = await contosoScan({ assignments: false, vaType: 'mdeTvm' });
  assert.is(r.remediation.assignments, 'default');
  assert.ok(r.remediation.basis.includes('13ce0167'));
  const vm = byName(r)['vm-mgmt-ubu18']!;
  assert.is(vm.deploy!.vaType, 'mdeTvm');
  assert.ok(vm.deploy!.rest.path.endsWith('/serverVulnerabilityAssessments/mdeTvm?api-version=2020-01-01'));
  // With vaType mdeTvm, the MDVM-healthy machines are not deployed to, the Qualys-healthy ones are.
  const planned = new Set(r.remediation.deployments.map((d) => d.resourceId.slice(d.resourceId.lastIndexOf('/') + 1)));
  assert.not.ok(planned.has('vm-web-01'));
  assert.ok(planned.has('vm-mgmt-win19'));
  assert.ok(r.remediation.deployments.every((d) => d.creates.every((id) => id.endsWith('/serverVulnerabilityAssessments/mdeTvm'))));
});

test('contoso: counts per management group, subscription and resource group, in tree order', async () => {
  const r = await contosoScan();
  const row = (name: string) => {
    const s = r.scopes.find((x) => x.name === name)!;
    return [s.kind, s.Healthy, s.Unhealthy, s.NotApplicable, s.depth];
  };
  assert.equal(row('contoso'), ['managementGroup', 7, 7, 7, 0]);
  assert.equal(row('platform'), ['managementGroup', 3, 1, 0, 1]);
  assert.equal(row('online'), ['managementGroup', 2, 2, 1, 2]);
  assert.equal(row('6f1c2b3a-2222-4b2b-8b2b-000000000002'), ['subscription', 2, 4, 4, 3]);
  assert.equal(row('6f1c2b3a-4444-4d4d-8d4d-000000000004'), ['subscription', 0, 0, 2, 3]);
  assert.equal(row('rg-corp-data'), ['resourceGroup', 1, 2, 2, 4]);
  assert.equal(row('rg-online-api'), ['resourceGroup', 1, 1, 1, 4]);
  // Each machine is counted once at every ancestor: the resource groups add up to the total.
  const rgs = r.scopes.filter((s) => s.kind === 'resourceGroup');
  assert.is(rgs.reduce((n, s) => n + s.total, 0), 21);
  assert.is(r.scopes[0]!.name, 'contoso');
});

test('contoso: --scope limits the machines; an unknown scope is a coded error', async () => {
  const r = await contosoScan({ scope: '/providers/Microsoft.Management/managementGroups/online' });
  assert.equal(r.machines.map((m) => m.name).sort(), ['arc-eu-store-01', 'vm-shop-api-01', 'vm-shop-cache-01', 'vm-shop-web-01', 'vm-shop-web-02']);
  assert.ok(r.machines.every((m) => m.dataCentre.id === 'EU'));
  assert.equal(r.totals, { Healthy: 2, Unhealthy: 2, NotApplicable: 1, total: 5 });
  const bad = await contosoScan({ scope: '/subscriptions/99999999-9999-9999-9999-999999999999' });
  assert.equal(bad.diagnostics.map((d) => d.code), ['scan.unknown-scope']);
});

test('no Defender assessments in the snapshot: dine policies decide', async () => {
  const snapshot = await loadSnapshot(contosoRaw(['microsoft.security/assessments']));
  const r = scanEstate({ snapshot, ...pack(), now: NOW });
  assert.is(r.decidedBy, 'dine-policy');
  const m = byName(r);
  const expect: Record<string, [string, string]> = {
    'vm-mgmt-win19': ['Healthy', 'dine-va-deploy-vm'],
    'vm-mgmt-ubu18': ['Unhealthy', 'dine-va-deploy-vm'],
    'arc-onprem-win12': ['Healthy', 'dine-va-deploy-arc'],
    'arc-aws-amzn2': ['NotApplicable', 'dine-va-deploy-arc'], // tagged MDFCSecurityConnector
    'vm-app-01': ['Healthy', 'dine-va-deploy-vm'],
    'vm-app-02': ['Unhealthy', 'dine-va-deploy-vm'],
    'vm-app-03': ['NotApplicable', 'dine-va-deploy-vm'], // Debian 11
    'vm-db-01': ['NotApplicable', 'dine-va-deploy-vm'], // Ubuntu 22.04
    'vm-db-02': ['Unhealthy', 'dine-va-deploy-vm'],
    'vm-web-01': ['Unhealthy', 'dine-va-deploy-vm'], // MDVM leaves no scanner resource
    'arc-dc-sles15': ['Unhealthy', 'dine-va-deploy-arc'],
    'arc-dc-rocky9': ['NotApplicable', 'dine-va-deploy-arc'],
    'vm-legacy-01': ['NotApplicable', 'dine-va-deploy-vm'], // CentOS 7.9
    'vm-legacy-02': ['Healthy', 'dine-va-deploy-vm'], // the scanner resource exists (Provisioning)
    'vm-shop-web-01': ['Healthy', 'dine-va-deploy-vm'],
    'vm-shop-web-02': ['Healthy', 'dine-va-deploy-vm'],
    'vm-shop-api-01': ['Unhealthy', 'dine-va-deploy-vm'],
    'vm-shop-cache-01': ['NotApplicable', 'dine-va-deploy-vm'], // RHEL 9.2
    'arc-eu-store-01': ['Unhealthy', 'dine-va-deploy-arc'],
    'vm-dev-01': ['NotApplicable', 'dine-defender-servers-audit'],
    'vm-dev-02': ['NotApplicable', 'dine-defender-servers-audit'],
  };
  assert.equal(Object.fromEntries(r.machines.map((x) => [x.name, [x.group, x.decidedBy.policy]])), expect);
  assert.equal(r.totals, { Healthy: 6, Unhealthy: 7, NotApplicable: 8, total: 21 });
  for (const x of r.machines) assert.is(x.decidedBy.label, `dine policy ${x.decidedBy.policy}`);
  assert.ok(m['arc-aws-amzn2']!.reason.includes('MDFCSecurityConnector'));
  assert.ok(m['vm-app-03']!.reason.includes('support matrix'));
  assert.ok(m['vm-dev-02']!.reason.includes('Free'));
  assert.ok(m['vm-legacy-02']!.reason.includes('serverVulnerabilityAssessments resource present'));
  // The plan is dine's DINE definitions (13ce0167 cannot read assessments that are not there).
  assert.ok(r.remediation.basis.includes('dine-va-deploy-vm'));
  const planned = r.remediation.deployments.map((d) => d.resourceId.slice(d.resourceId.lastIndexOf('/') + 1)).sort();
  assert.equal(planned, ['arc-dc-sles15', 'arc-eu-store-01', 'vm-app-02', 'vm-db-02', 'vm-dev-01', 'vm-dev-02', 'vm-mgmt-ubu18', 'vm-shop-api-01', 'vm-web-01']);
  assert.equal(r.remediation.beyondUnhealthy.map((id) => id.slice(id.lastIndexOf('/') + 1)), ['vm-dev-01', 'vm-dev-02']);
});

test('no Defender assessments and no definitions given: dine builds its own pack in memory', async () => {
  const snapshot = await loadSnapshot(contosoRaw(['microsoft.security/assessments']));
  const r = scanEstate({ snapshot, now: NOW });
  assert.equal(r.totals, { Healthy: 6, Unhealthy: 7, NotApplicable: 8, total: 21 });
  assert.is(r.remediation.deployments.length, 9);
});

test('a plain Resource Graph export (lower-case types, no hierarchy files) is scanned the same way', async () => {
  const snapshot = await loadSnapshot([join(CONTOSO, 'resources', 'online-eu.arg.json')]);
  const r = scanEstate({ snapshot, ...pack(), now: NOW });
  assert.equal(Object.fromEntries(r.machines.map((m) => [m.name, m.group])), {
    'vm-shop-web-01': 'Healthy',
    'vm-shop-web-02': 'Unhealthy',
    'vm-shop-api-01': 'Unhealthy',
    'vm-shop-cache-01': 'NotApplicable',
    'arc-eu-store-01': 'Healthy',
  });
  assert.ok(r.machines.every((m) => m.dataCentre.id === 'EU'));
  assert.equal(r.machines.map((m) => m.type).sort(), ['Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines', 'Microsoft.HybridCompute/machines']);
  assert.equal(r.scopes.map((s) => [s.kind, s.name, s.total]), [
    ['subscription', '6f1c2b3a-3333-4c3c-8c3c-000000000003', 5],
    ['resourceGroup', 'rg-online-api', 3],
    ['resourceGroup', 'rg-online-web', 2],
  ]);
});

test('an ARG export of machines only (no pricing, no assessments, no scanner resources): dine policies, nothing assumed healthy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dine-scan-'));
  try {
    const rows = contosoRaw()
      .filter((r) => ['microsoft.compute/virtualmachines', 'microsoft.hybridcompute/machines'].includes(String(r['type']).toLowerCase()))
      .map((r) => {
        const id = String(r['id']);
        const [, , sub, , rg] = id.split('/');
        return { ...r, type: String(r['type']).toLowerCase(), subscriptionId: sub, resourceGroup: rg, tenantId: '3d2a6f1e-8c4b-4f7a-9e21-0c05000c0de0' };
      });
    const file = join(dir, 'machines.json');
    writeFileSync(file, JSON.stringify({ count: rows.length, data: rows, skip_token: null, total_records: rows.length }));
    const r = scanEstate({ snapshot: await loadSnapshot([file]), ...pack(), now: NOW });
    assert.is(r.decidedBy, 'dine-policy');
    assert.is(r.totals.total, 21);
    const m = byName(r);
    // Defender for Servers cannot be told (no pricing exported), so corp-dev machines are judged by OS.
    assert.is(m['vm-dev-01']!.group, 'Unhealthy');
    assert.is(m['vm-dev-01']!.defenderForServers, undefined);
    assert.ok(m['vm-mgmt-win19']!.reason.includes('probably not exported'));
    assert.is(m['vm-app-03']!.group, 'NotApplicable');
    assert.is(m['arc-aws-amzn2']!.group, 'NotApplicable');
    assert.equal(r.totals, { Healthy: 0, Unhealthy: 15, NotApplicable: 6, total: 21 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('same inputs, byte-identical output in every format', async () => {
  const a = await contosoScan();
  const b = await contosoScan();
  for (const f of ['json', 'text', 'markdown', 'html']) assert.is(formatScan(a, f), formatScan(b, f), f);
  const md = formatScan(a, 'markdown');
  assert.ok(md.includes('| 7 | 7 | 7 | 21 |'));
  assert.ok(md.includes('qagpublic.qg2.apps.qualys.eu:443'));
  const coloured = formatScan(a, 'text', { color: true });
  assert.ok(coloured.includes('\u001b[31mUnhealthy 7\u001b[0m'));
  assert.not.ok(formatScan(a, 'text').includes('\u001b['));
});

test.run();
