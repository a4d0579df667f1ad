// The seeded estate generator and the Contoso demo estate built with the same shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../engine/generate/prng.js';
import { emptyCounts, generateEstate, type GenerateEstateOptions } from '../engine/generate/estate.js';
import { serializeEstate } from '../engine/generate/serialize.js';
import { parseGenerateArgs, runGenerate } from '../engine/generate/cli.js';
import { buildContosoEstate, CONTOSO_MACHINES } from '../engine/generate/contoso.js';
import type { RawResource } from '../engine/generate/shapes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function text(o: GenerateEstateOptions, format: 'ndjson' | 'json' = 'ndjson'): Promise<string> {
  let s = '';
  for await (const chunk of serializeEstate(generateEstate(o), format, 4096)) s += chunk;
  return s;
}

async function collect(o: GenerateEstateOptions): Promise<RawResource[]> {
  const out: RawResource[] = [];
  for await (const r of generateEstate(o)) out.push(r);
  return out;
}

test('mulberry32: same seed, same sequence; different seeds differ', () => {
  const a = createRandom('x');
  const b = createRandom('x');
  const c = createRandom('y');
  const sa = Array.from({ length: 50 }, () => a.next());
  assert.equal(sa, Array.from({ length: 50 }, () => b.next()));
  assert.not.equal(sa, Array.from({ length: 50 }, () => c.next()));
  assert.ok(sa.every((v) => v >= 0 && v < 1));
  assert.match(createRandom(1).guid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('same seed → byte-identical output; another seed → different output', async () => {
  const o = { machines: 600, seed: 'demo', machinesPerSubscription: 250, machinesPerResourceGroup: 40 };
  const first = await text(o);
  assert.is(await text(o), first);
  assert.is.not(await text({ ...o, seed: 'other' }), first);
  assert.is(await text(o, 'json'), await text(o, 'json'));
});

test('counts are as asked', async () => {
  const counts = emptyCounts();
  const o = { machines: 1234, seed: 7, machinesPerSubscription: 500, machinesPerResourceGroup: 100 };
  const resources: RawResource[] = [];
  for await (const r of generateEstate(o, counts)) resources.push(r);
  const byType = (t: string): number => resources.filter((r) => r['type'] === t).length;
  assert.is(counts.virtualMachines + counts.arcMachines, 1234);
  assert.is(byType('Microsoft.Compute/virtualMachines'), counts.virtualMachines);
  assert.is(byType('Microsoft.HybridCompute/machines'), counts.arcMachines);
  assert.is(counts.subscriptions, 3);
  assert.is(byType('Microsoft.Resources/subscriptions'), 3);
  assert.is(counts.resourceGroups, 5 + 5 + 3);
  assert.is(byType('Microsoft.Management/managementGroups'), 5);
  assert.is(byType('Microsoft.Security/pricings'), 3);
  assert.is(byType('Microsoft.Security/assessments'), counts.assessments);
  assert.is(byType('Microsoft.Security/serverVulnerabilityAssessments'), counts.serverVulnerabilityAssessments);
  assert.ok(counts.arcMachines > 200 && counts.arcMachines < 450, `arc share ≈ 25% (${counts.arcMachines})`);
  // Every assessment state and the Free tier appear in a sample this size.
  const codes = new Set(resources.filter((r) => r['type'] === 'Microsoft.Security/assessments').map((r) => JSON.stringify([((r['properties'] as RawResource)['status'] as RawResource)['code'], ((r['properties'] as RawResource)['status'] as RawResource)['cause'] ?? null])));
  for (const k of ['["Healthy","default"]', '["Healthy","mdeTvm"]', '["Unhealthy",null]', '["NotApplicable",null]']) assert.ok(codes.has(k), k);
  assert.ok(resources.some((r) => r['type'] === 'Microsoft.Security/pricings' && (r['properties'] as RawResource)['pricingTier'] === 'Free'));
  assert.is((await collect({ machines: 0 })).filter((r) => String(r['type']).endsWith('/machines') || String(r['type']).endsWith('/virtualMachines')).length, 0);
});

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SEG = '[A-Za-z0-9._()-]+';
const ID_FORMS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [new RegExp(`^/providers/Microsoft\\.Management/managementGroups/(${SEG})$`), () => 'Microsoft.Management/managementGroups'],
  [new RegExp(`^/subscriptions/(${GUID})$`), () => 'Microsoft.Resources/subscriptions'],
  [new RegExp(`^/subscriptions/(${GUID})/resourceGroups/(${SEG})$`), () => 'Microsoft.Resources/subscriptions/resourceGroups'],
  [new RegExp(`^/subscriptions/(${GUID})/providers/(Microsoft\\.Security)/(pricings)/(${SEG})$`), (m) => `${m[2]}/${m[3]}`],
  [new RegExp(`^/subscriptions/(${GUID})/resourceGroups/(${SEG})/providers/(Microsoft\\.[A-Za-z]+)/(${SEG})/(${SEG})$`), (m) => `${m[3]}/${m[4]}`],
  [new RegExp(`^/subscriptions/(${GUID})/resourceGroups/(${SEG})/providers/Microsoft\\.[A-Za-z]+/${SEG}/${SEG}/providers/(Microsoft\\.Security)/(${SEG})/(${SEG})$`), (m) => `${m[3]}/${m[4]}`],
];

function checkId(r: RawResource): void {
  const id = String(r['id']);
  const hit = ID_FORMS.map(([re, type]) => {
    const m = re.exec(id);
    return m ? type(m) : undefined;
  }).find((t) => t !== undefined);
  assert.ok(hit, `id parses: ${id}`);
  assert.is(hit, r['type'], `type agrees with id: ${id}`);
  assert.is(id.split('/').at(-1), r['name'], `name is the last segment: ${id}`);
}

test('every id parses, agrees with its type and name; extension resources sit on a generated machine', async () => {
  const resources = await collect({ machines: 800, seed: 'ids', machinesPerSubscription: 300, machinesPerResourceGroup: 70 });
  const machines = new Set<string>();
  const ids = new Set<string>();
  for (const r of resources) {
    checkId(r);
    const id = String(r['id']);
    assert.not.ok(ids.has(id.toLowerCase()), `unique id ${id}`);
    ids.add(id.toLowerCase());
    if (r['type'] === 'Microsoft.Compute/virtualMachines' || r['type'] === 'Microsoft.HybridCompute/machines') machines.add(id);
    if (String(r['type']).startsWith('Microsoft.Security/') && r['type'] !== 'Microsoft.Security/pricings') {
      assert.ok(machines.has(id.slice(0, id.indexOf('/providers/Microsoft.Security/'))), `extension follows its machine: ${id}`);
    }
    if (r['type'] === 'Microsoft.Resources/subscriptions') {
      const chain = ((r['properties'] as RawResource)['managementGroupAncestorsChain'] as RawResource[]).map((a) => a['name']);
      assert.is(chain.at(-1), 'gen-root');
    }
  }
});

test('streaming: a billion-machine estate yields its first resources at once and can be abandoned', async () => {
  const counts = emptyCounts();
  const it = generateEstate({ machines: 1_000_000_000, seed: 's' }, counts)[Symbol.asyncIterator]();
  let n = 0;
  for (;;) {
    const r = await it.next();
    assert.not.ok(r.done);
    if (++n === 20_000) break;
  }
  await it.return?.();
  assert.ok(counts.virtualMachines + counts.arcMachines < 20_000);
  assert.is(counts.subscriptions, Math.ceil((counts.virtualMachines + counts.arcMachines) / 5000) || 1);
  // Chunks stay near the requested size: the serializer does not accumulate the estate.
  let largest = 0;
  for await (const chunk of serializeEstate(generateEstate({ machines: 3000, seed: 'c' }), 'ndjson', 8192)) largest = Math.max(largest, chunk.length);
  assert.ok(largest < 8192 + 8192, `largest chunk ${largest}`);
});

test('json format is one valid array holding the same resources as ndjson', async () => {
  const o = { machines: 120, seed: 'fmt' };
  const arr = JSON.parse(await text(o, 'json')) as unknown[];
  const lines = (await text(o, 'ndjson')).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
  assert.equal(arr, lines);
  assert.equal(JSON.parse(await text({ machines: 0, seed: 'x' }, 'json')).length > 0, true);
});

test('cli: argument errors are reported, a run writes the file', async () => {
  assert.type(parseGenerateArgs([]), 'string');
  assert.type(parseGenerateArgs(['--machines', '10']), 'string');
  assert.type(parseGenerateArgs(['--machines', 'ten', '--out', 'x']), 'string');
  assert.type(parseGenerateArgs(['--machines', '10', '--out', 'x', '--format', 'xml']), 'string');
  assert.type(parseGenerateArgs(['--machines', '10', '--out', 'x', '--arc-share', '2']), 'string');
  assert.type(parseGenerateArgs(['--machines', '10', '--out', 'x', '--bogus', '1']), 'string');
  const ok = parseGenerateArgs(['--machines=25', '--out', 'x', '--seed', 'k', '--format', 'json']);
  assert.ok(typeof ok !== 'string' && ok.options.machines === 25 && ok.options.seed === 'k' && ok.format === 'json');
  const dir = mkdtempSync(join(tmpdir(), 'dine-gen-'));
  try {
    const out = join(dir, 'e.ndjson');
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let code: number;
    try {
      code = await runGenerate(['--machines', '50', '--out', out, '--seed', 'cli']);
    } finally {
      process.stderr.write = write;
    }
    assert.is(code, 0);
    assert.ok(existsSync(out));
    assert.is(readFileSync(out, 'utf8'), await text({ machines: 50, seed: 'cli' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Contoso fixture files equal what build-contoso generates', () => {
  const base = join(ROOT, 'fixtures', 'estates', 'contoso');
  for (const [path, t] of buildContosoEstate()) {
    assert.ok(existsSync(join(base, path)), `${path} missing: run node dist/engine/generate/build-contoso.js`);
    assert.is(readFileSync(join(base, path), 'utf8'), t, `${path} out of date: run node dist/engine/generate/build-contoso.js`);
  }
});

test('Contoso: ARM files and the ARG export both hold valid resources; every machine is listed in the README', () => {
  const files = buildContosoEstate();
  const arg = JSON.parse(files.get('resources/online-eu.arg.json')!) as { count: number; data: RawResource[] };
  assert.is(arg.count, arg.data.length);
  for (const r of arg.data) {
    assert.is(r['type'], String(r['type']).toLowerCase());
    assert.type(r['subscriptionId'], 'string');
  }
  const arm = JSON.parse(files.get('resources/corp-prod.json')!) as RawResource[];
  for (const r of arm) checkId(r);
  const readme = readFileSync(join(ROOT, 'fixtures', 'estates', 'contoso', 'README.md'), 'utf8');
  for (const m of CONTOSO_MACHINES) assert.match(readme, `| ${m.n} | ${m.name} |`);
});

test.run();
