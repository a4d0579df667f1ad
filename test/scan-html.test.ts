// The scan's HTML page for Contoso, loaded in headless Chromium (Debian's /usr/bin/chromium): what the browser shows —
// the three group counts, every machine, the SVG charts — from one self-contained file (no script, no external asset).
// Without /usr/bin/chromium the browser checks print a notice and return.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatScan, scanEstate, type ScanReport } from '../engine/index.js';
import { contosoAssignments, contosoExemptions, loadContoso, pack } from './support/contoso.js';

const CHROMIUM = '/usr/bin/chromium';

async function contosoHtml(): Promise<{ report: ScanReport; html: string }> {
  const report = scanEstate({ snapshot: await loadContoso(), ...pack(), assignments: contosoAssignments(), exemptions: contosoExemptions(), now: '2026-01-01T00:00:00Z' });
  return { report, html: formatScan(report, 'html') };
}

/** Chromium's DOM after loading the file (scripts would have run; there are none). */
function dumpDom(html: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dine-scan-html-'));
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const r = spawnSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', pathToFileURL(file).href],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    assert.is(r.status, 0, `chromium failed: ${r.stderr?.slice(-500)}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const text = (html: string): string => html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ');

test('the page is self-contained: inline CSS and SVG, no script, no external asset', async () => {
  const { html } = await contosoHtml();
  assert.not.match(html, /<script/i);
  assert.not.match(html, /<link\b/i);
  assert.not.match(html, /\bsrc\s*=/i);
  assert.not.match(html, /url\(/i);
  assert.not.match(html, /@import/i);
  // The only URL is the SVG namespace, which no browser fetches.
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]).filter((u) => !u.startsWith('https://management.azure.com/'));
  assert.equal([...new Set(urls)], ['http://www.w3.org/2000/svg']);
});

test('machine names and reasons are escaped', async () => {
  const { report } = await contosoHtml();
  const hostile = { ...report, machines: [{ ...report.machines[0]!, name: '<img src=x onerror=alert(1)>', reason: 'a & b <script>' }] } as ScanReport;
  const html = formatScan(hostile, 'html');
  assert.not.ok(html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('a &amp; b &lt;script&gt;'));
});

test('headless Chromium shows the three counts, every machine, its data centre and scan command, and the charts', async () => {
  if (!existsSync(CHROMIUM)) {
    console.log(`notice: ${CHROMIUM} is absent; the browser checks of the scan HTML are skipped (apt-get install -y chromium)`);
    return;
  }
  const { report, html } = await contosoHtml();
  const dom = dumpDom(html);
  const count = (id: string): string | undefined => dom.match(new RegExp(`id="${id}"[^>]*>\\s*<span class="n">(\\d+)</span>`))?.[1];
  assert.is(count('total-healthy'), '7');
  assert.is(count('total-unhealthy'), '7');
  assert.is(count('total-not-applicable'), '7');
  const shown = text(dom);
  assert.ok(shown.includes('Decided by: Defender assessment'));
  for (const m of report.machines) {
    assert.ok(dom.includes(`<tr class="machine ${m.group === 'NotApplicable' ? 'not-applicable' : m.group.toLowerCase()}" id="${m.name}"`), m.name);
  }
  assert.is([...dom.matchAll(/<tr class="machine /g)].length, 21);
  for (const g of ['Unhealthy (7)', 'Healthy (7)', 'Not applicable (7)']) assert.ok(shown.includes(g), g);
  assert.ok(shown.includes('EU qagpublic.qg2.apps.qualys.eu:443'));
  assert.ok(shown.includes('US qagpublic.qg3.apps.qualys.com:443'));
  assert.ok(shown.includes('sudo /usr/local/qualys/cloud-agent/bin/cloudagentctl.sh action=demand type=vm'));
  assert.ok(shown.includes('REG ADD HKLM\\SOFTWARE\\Qualys\\QualysAgent\\ScanOnDemand\\Vulnerability'));
  assert.ok(shown.includes('not assessed yet'));
  // Charts: the overall bar (three rects of 7) and one row of bars per counted scope.
  const overall = dom.match(/<svg class="chart overall"[\s\S]*?<\/svg>/)?.[0] ?? '';
  assert.equal([...overall.matchAll(/<rect class="bar ([a-z-]+)" data-group="(\w+)" data-count="(\d+)"/g)].map((m) => [m[2], m[3]]), [
    ['Healthy', '7'],
    ['Unhealthy', '7'],
    ['NotApplicable', '7'],
  ]);
  const scopes = dom.match(/<svg class="chart scopes"[\s\S]*?<\/svg>/)?.[0] ?? '';
  assert.is([...scopes.matchAll(/<g class="scope-row"/g)].length, report.scopes.length);
  const online = scopes.match(/<g class="scope-row" data-scope="\/providers\/Microsoft.Management\/managementGroups\/online"[\s\S]*?<\/g>/)?.[0] ?? '';
  assert.equal([...online.matchAll(/data-group="(\w+)" data-count="(\d+)"/g)].map((m) => [m[1], m[2]]), [
    ['Healthy', '2'],
    ['Unhealthy', '2'],
    ['NotApplicable', '1'],
  ]);
  assert.ok(online.includes('2 / 2 / 1'));
});

test.run();
