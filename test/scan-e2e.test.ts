// `dine scan` run as a process (node dist/engine/cli/bin.js scan …) on the fixtures: groups, counts, reasons, the
// remediation files of --out, exit codes 0/1/2, one-line errors, and nothing written when the run fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONTOSO } from './support/contoso.js';
import { REPO_ROOT } from './support/paths.js';

const BIN = join(REPO_ROOT, 'dist', 'engine', 'cli', 'bin.js');
const NOW = '2026-01-01T00:00:00Z';

function dine(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DINE_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'dine-scan-e2e-'));
}

const CONTOSO_ARGS = [join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json'), join(CONTOSO, 'resources')];

test('no arguments: the bundled demo estate, byte for byte the golden report (json and markdown), exit 1', () => {
  const dir = tmp();
  try {
    const json = dine(['scan', '--now', NOW, '--format', 'json'], dir);
    assert.is(json.code, 1, json.stderr);
    assert.is(json.stderr, '');
    assert.is(json.stdout, readFileSync(join(CONTOSO, 'expected-scan.json'), 'utf8'));
    const report = JSON.parse(json.stdout) as { totals: Record<string, number>; machines: { name: string; group: string; reason: string; dataCentre: { id: string } }[] };
    assert.equal(report.totals, { Healthy: 7, Unhealthy: 7, NotApplicable: 7, total: 21 });
    const md = dine(['scan', '--now', NOW, '--format', 'markdown'], dir);
    assert.is(md.stdout, readFileSync(join(CONTOSO, 'expected-scan.md'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('text: the three groups, the reasons, data centres and scan commands', () => {
  const r = dine(['scan', ...CONTOSO_ARGS, '--now', NOW], REPO_ROOT);
  assert.is(r.code, 1);
  const out = r.stdout;
  assert.ok(out.includes('Healthy 7   Unhealthy 7   Not applicable 7   (21 machines)'));
  assert.ok(out.includes('decided by: Defender assessment'));
  assert.ok(out.includes('Unhealthy (7)') && out.includes('Healthy (7)') && out.includes('Not applicable (7)'));
  assert.ok(out.includes('vm-shop-api-01') && out.includes('EU — qagpublic.qg2.apps.qualys.eu:443'));
  assert.ok(out.includes('US — qagpublic.qg3.apps.qualys.com:443'));
  assert.ok(out.includes('sudo /usr/local/qualys/cloud-agent/bin/cloudagentctl.sh action=demand type=vm'));
  assert.ok(out.includes('not assessed yet'));
  assert.ok(out.includes('PUT /subscriptions/6f1c2b3a-2222-4b2b-8b2b-000000000002/resourceGroups/rg-corp-data/providers/Microsoft.Compute/virtualMachines/vm-db-02/providers/Microsoft.Security/serverVulnerabilityAssessments/default?api-Version=2015-06-01-preview'));
  assert.not.ok(out.includes('\u001b['), 'no colour when not a TTY');
});

test('--out writes the remediation files; --scope narrows; exit 1 while machines are Unhealthy', () => {
  const dir = tmp();
  try {
    const r = dine(['scan', ...CONTOSO_ARGS, '--policies', join(REPO_ROOT, 'policies/builtin/*.json'), join(REPO_ROOT, 'policies/dine/*.json'), '--scope', '/providers/Microsoft.Management/managementGroups/online', '--now', NOW, '--format', 'json', '--out', join(dir, 'rem')], dir);
    assert.is(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { totals: Record<string, number>; remediation: { deployments: { resourceId: string }[] } };
    assert.equal(report.totals, { Healthy: 2, Unhealthy: 2, NotApplicable: 1, total: 5 });
    // No assignments given: 13ce0167 at the root deploys to the two Unhealthy machines and to arc-eu-store-01 (Healthy by MDVM).
    assert.is(report.remediation.deployments.length, 3);
    const files = readdirSync(join(dir, 'rem', 'deployments')).sort();
    assert.is(files.length, 6);
    assert.ok(files.some((f) => f.startsWith('vm-shop-api-01-') && f.endsWith('.parameters.json')));
    for (const f of ['plan.json', 'deploy.sh', 'requests.http', 'requests.json']) assert.ok(existsSync(join(dir, 'rem', f)), f);
    const template = JSON.parse(readFileSync(join(dir, 'rem', 'deployments', files.find((f) => f.startsWith('vm-shop-api-01-') && !f.endsWith('.parameters.json'))!), 'utf8')) as { resources: { type: string }[] };
    assert.ok(template.resources.some((x) => x.type === 'Microsoft.Compute/virtualMachines/providers/serverVulnerabilityAssessments'));
    const params = JSON.parse(readFileSync(join(dir, 'rem', 'deployments', files.find((f) => f.startsWith('vm-shop-api-01-') && f.endsWith('.parameters.json'))!), 'utf8')) as { parameters: Record<string, { value: unknown }> };
    assert.equal(params.parameters['vmName'], { value: 'vm-shop-api-01' });
    assert.equal(params.parameters['vaType'], { value: 'default' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exit 0 when no machine is Unhealthy; --output writes the report', () => {
  const dir = tmp();
  try {
    const r = dine(['scan', ...CONTOSO_ARGS, '--scope', '/subscriptions/6f1c2b3a-4444-4d4d-8d4d-000000000004', '--now', NOW, '--format', 'html', '--output', join(dir, 'out', 'r.html')], dir);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, '');
    const html = readFileSync(join(dir, 'out', 'r.html'), 'utf8');
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.includes('vm-dev-01') && html.includes('vm-dev-02'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no Defender assessments: dine policies decide, and the report says so', () => {
  const dir = tmp();
  try {
    const doc = JSON.parse(readFileSync(join(CONTOSO, 'resources', 'corp-prod.json'), 'utf8')) as { type: string }[];
    writeFileSync(join(dir, 'corp-prod.json'), JSON.stringify(doc.filter((r) => r.type !== 'Microsoft.Security/assessments')));
    const r = dine(['scan', 'corp-prod.json', '--now', NOW, '--format', 'json'], dir);
    assert.is(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { decidedBy: string; machines: { name: string; group: string; decidedBy: { label: string } }[] };
    assert.is(report.decidedBy, 'dine-policy');
    const m = Object.fromEntries(report.machines.map((x) => [x.name, [x.group, x.decidedBy.label]]));
    assert.equal(m['vm-legacy-02'], ['Healthy', 'dine policy dine-va-deploy-vm']);
    assert.equal(m['arc-dc-sles15'], ['Unhealthy', 'dine policy dine-va-deploy-arc']);
    assert.equal(m['vm-app-03'], ['NotApplicable', 'dine policy dine-va-deploy-vm']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: exit 2, one line naming the problem, nothing written', () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'bad.json'), '{ "id": ');
    const cases: [string[], RegExp][] = [
      [['scan', 'missing.json'], /^dine: load\.file-not-found File not found: missing\.json\n$/],
      [['scan', 'bad.json'], /^dine: bad\.json:\d+:\d+ load\.invalid-json Invalid JSON: .*\n$/],
      [['scan', ...CONTOSO_ARGS, '--scope', '/subscriptions/99999999-9999-9999-9999-999999999999'], /^dine: scan\.unknown-scope Scope \/subscriptions\/99999999-9999-9999-9999-999999999999 is not in the snapshot\n$/],
      [['scan', '--va-type', 'qualys'], /^dine: cli\.usage .*qualys.*\n$/],
    ];
    for (const [args, line] of cases) {
      const r = dine([...args, '--output', 'report.txt', '--out', 'rem'], dir);
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.is(r.stdout, '');
      assert.match(r.stderr, line);
      assert.equal(readdirSync(dir), ['bad.json'], 'nothing written');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
