// `dine remediate` run as a process on the demo estate: deployments written, selection, simulation,
// exit codes, and one-line errors for bad options with nothing written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from './support/paths.js';

const BIN = join(REPO_ROOT, 'dist', 'engine', 'cli', 'bin.js');
const C = 'fixtures/estates/contoso';
const INPUTS = ['--policies', 'policies', '--assignments', `${C}/assignments`, '--exemptions', `${C}/exemptions`, '--snapshot', `${C}/management-groups.json`, `${C}/subscriptions.json`, `${C}/resources`, '--now', '2026-01-01T00:00:00Z'];

function dine(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'remediate', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('writes one deployment per non-compliant DINE record, the plan, the az script and the REST requests', () => {
  const out = mkdtempSync(join(tmpdir(), 'dine-rem-'));
  const r = dine(...INPUTS, '--out', out, '--format', 'json');
  assert.is(r.code, 1, r.stderr);
  const summary = JSON.parse(r.stdout);
  // The README's list: vm-mgmt-ubu18, vm-db-02, vm-web-01, arc-dc-sles15, vm-legacy-02, vm-shop-api-01, arc-eu-store-01, vm-shop-web-02, vm-dev-02.
  assert.is(summary.deployments, 9);
  assert.is(readdirSync(join(out, 'deployments')).filter((f) => !f.endsWith('.parameters.json')).length, 9);
  for (const f of ['plan.json', 'deploy.sh', 'requests.http', 'requests.json']) assert.ok(existsSync(join(out, f)), f);
  assert.match(readFileSync(join(out, 'deploy.sh'), 'utf8'), /az deployment group create/);
  assert.match(readFileSync(join(out, 'requests.http'), 'utf8'), /PUT https:\/\/management\.azure\.com\/subscriptions\/.+\/providers\/Microsoft\.Resources\/deployments\//);
});

test('selection by location narrows the deployments', () => {
  const out = mkdtempSync(join(tmpdir(), 'dine-rem-'));
  const r = dine(...INPUTS, '--out', out, '--format', 'json', '--select-locations', 'North Europe');
  assert.is(r.code, 1, r.stderr);
  assert.is(JSON.parse(r.stdout).deployments, 1); // vm-shop-web-02
});

test('--simulate says plainly that the built-in VA remediation does not converge by itself', () => {
  const out = mkdtempSync(join(tmpdir(), 'dine-rem-'));
  const r = dine(...INPUTS, '--out', out, '--format', 'json', '--simulate');
  assert.is(r.code, 1, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.is(summary.converged, 0);
  assert.is(summary.remaining.length, 9);
  assert.match(summary.remaining[0].reason, /Defender for Cloud's next assessment/);
  assert.ok(existsSync(join(out, 'simulation.json')));
});

test('bad options are one line each, exit 2, and nothing is written', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dine-rem-')), 'never');
  const bad = dine(...INPUTS, '--out', out, '--filter', '{not json');
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /remediate\.invalid-filter/);
  assert.is(bad.stderr.trim().split('\n').length, 1);
  const big = dine(...INPUTS, '--out', out, '--resource-count', '60000');
  assert.is(big.code, 2);
  assert.match(big.stderr, /remediate\.invalid-option/);
  assert.not.ok(existsSync(out));
});

test.run();
