// engine/load/snapshot: every input form and format, Resource Graph normalisation, diagnostics with locations,
// duplicates, determinism and the streaming paths.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  loadSnapshot,
  looksLikeResourceGraphRow,
  normalizeResourceGraphRow,
  readResources,
  resolveInputFiles,
  type ReadItem,
  type Snapshot,
} from '../engine/load/snapshot.js';
import { formatManagementGroupId } from '../engine/scope/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNAP = 'fixtures/snapshots/';
const opts = { cwd: ROOT };
const S1 = '11111111-1111-1111-1111-111111111111';
const S2 = '22222222-2222-2222-2222-222222222222';

function codes(s: Snapshot): string[] {
  return s.diagnostics.map((d) => d.code);
}
function errors(s: Snapshot): string[] {
  return s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
}

// ── formats ───────────────────────────────────────────────────────────────────────────────

const formats = suite('snapshot formats');

formats('ARM array: every resource, in file order, with file/index/line', async () => {
  const s = await loadSnapshot([SNAP + 'arm-array.json'], opts);
  assert.equal(errors(s), []);
  assert.is(s.resources.length, 7);
  assert.equal(s.files, [SNAP + 'arm-array.json']);
  assert.equal(
    s.resources.map((r) => r.type),
    [
      'Microsoft.Resources/subscriptions',
      'Microsoft.Resources/resourceGroups',
      'Microsoft.Compute/virtualMachines',
      'Microsoft.Security/serverVulnerabilityAssessments',
      'Microsoft.Sql/servers',
      'Microsoft.Sql/servers/databases',
      'Microsoft.Security/pricings',
    ],
  );
  assert.is(s.resources[0]!.name, S2, 'subscription name is its GUID');
  assert.is(s.resources[5]!.fullName, 'sql1/db1');
  assert.is(s.resources[3]!.fullName, 'default');
  assert.is(s.resources[2]!.apiVersion, '2024-07-01');
  assert.equal(s.sources[0], { file: SNAP + 'arm-array.json', index: 0, line: 2, column: 3, pointer: '/0' });
  assert.is(s.sources[6]!.index, 6);
  assert.ok(s.sources[6]!.line! > s.sources[5]!.line!);
  assert.is(s.byId.get(s.resources[2]!.id.toLowerCase()), 2);
  assert.is(s.hierarchy.node(`/subscriptions/${S2}`)!.displayName, 'Corp Landing Zone');
});

formats('az graph query output { count, data, skip_token }: Resource Graph rows normalised to the ARM shape', async () => {
  const s = await loadSnapshot([SNAP + 'arg-export.json'], opts);
  assert.equal(errors(s), []);
  assert.is(s.resources.length, 5);
  const vm = s.resources[0]!;
  assert.is(vm.type, 'microsoft.compute/virtualmachines', 'type kept as written');
  assert.is(vm.typeLower, 'microsoft.compute/virtualmachines');
  assert.is(vm.subscriptionId, S1);
  assert.is(vm.resourceGroup, 'hub');
  for (const k of ['subscriptionId', 'resourceGroup', 'tenantId', 'kind', 'managedBy', 'sku', 'plan', 'tags', 'identity', 'zones', 'extendedLocation']) {
    assert.not.ok(Object.hasOwn(vm.raw, k), `${k} dropped`);
  }
  assert.equal(Object.keys(vm.raw), ['id', 'name', 'type', 'location', 'properties']);
  const arc = s.resources[1]!;
  assert.equal(arc.raw['tags'], { env: 'prod' }, 'present values are kept');
  assert.equal(arc.raw['identity'], { type: 'SystemAssigned' });
  const assessment = s.resources[2]!;
  assert.is(assessment.type, 'microsoft.security/assessments');
  assert.is(assessment.location, undefined, 'location "" is absent');
  assert.is(assessment.fullName, '1195afff-c881-495e-9bc5-1486211ae03f');
  assert.equal((assessment.raw['properties'] as Record<string, unknown>)['status'], { code: 'Unhealthy', cause: '' }, 'properties untouched');
  const sub = s.resources[4]!;
  assert.is(sub.name, S1);
  assert.is(sub.raw['subscriptionId'], S1, 'a subscription keeps subscriptionId (ARM GET has it)');
  assert.is(sub.raw['tenantId'], '72f988bf-0000-0000-0000-000000000000');
  assert.not.ok(Object.hasOwn(sub.raw, 'resourceGroup'));
  assert.equal(s.sources[2], { file: SNAP + 'arg-export.json', index: 2, line: s.sources[2]!.line, column: 5, pointer: '/data/2', resourceGraph: true });
  assert.equal(s.hierarchy.ancestorsOf(`/subscriptions/${S1}`), [
    formatManagementGroupId('connectivity'),
    formatManagementGroupId('platform'),
    formatManagementGroupId('72f988bf-0000-0000-0000-000000000000'),
    '/',
  ]);
});

formats('bare array of Resource Graph rows is detected row by row', async () => {
  const s = await loadSnapshot([SNAP + 'arg-rows.json'], opts);
  assert.equal(errors(s), []);
  assert.is(s.resources.length, 2);
  assert.ok(s.sources.every((x) => x.resourceGraph === true));
  assert.not.ok(Object.hasOwn(s.resources[0]!.raw, 'resourceGroup'));
  assert.equal(s.sources.map((x) => x.pointer), ['/0', '/1']);
});

formats('Resource Graph table form { data: { columns, rows } }', async () => {
  const s = await loadSnapshot([SNAP + 'arg-table.json'], opts);
  assert.equal(errors(s), []);
  assert.equal(s.resources.map((r) => r.name), ['jump01', 'onprem01']);
  assert.not.ok(Object.hasOwn(s.resources[0]!.raw, 'kind'), 'kind "" dropped');
  assert.equal(s.sources.map((x) => x.pointer), ['/data/rows/0', '/data/rows/1']);
});

formats('ARM list { value: [...] }', async () => {
  const s = await loadSnapshot([SNAP + 'arm-list.json'], opts);
  assert.equal(errors(s), []);
  assert.equal(s.resources.map((r) => r.fullName), ['myVM', 'myVM/CustomScriptExtension']);
  assert.equal(s.sources.map((x) => x.pointer), ['/value/0', '/value/1']);
  assert.not.ok(s.sources[0]!.resourceGraph);
});

formats('NDJSON: one bad line is a located diagnostic; blank lines skipped; the rest loads', async () => {
  const s = await loadSnapshot([SNAP + 'resources.ndjson'], opts);
  assert.equal(codes(s), ['load.invalid-ndjson-line']);
  const d = s.diagnostics[0]!;
  assert.equal(d.source, { file: SNAP + 'resources.ndjson', line: 4, column: 1 });
  assert.match(d.message, 'line 4');
  assert.equal(s.resources.map((r) => r.name), ['jump01', 'myVM', 'nic1']);
  assert.equal(s.sources.map((x) => [x.line, x.index]), [[1, 0], [2, 1], [5, 3]]);
  assert.is(s.sources[0]!.resourceGraph, true);
});

formats('YAML array and multi-document YAML', async () => {
  const s = await loadSnapshot([SNAP + 'resources.yaml', SNAP + 'multi-doc.yml'], opts);
  assert.equal(errors(s), []);
  assert.equal(s.resources.map((r) => r.fullName), ['vnet1', 'vnet1/default', 'kv-yaml', 'kv-yaml-2']);
  assert.equal(s.sources.map((x) => x.line), [2, 8, 1, 6]);
  assert.equal(s.files, [SNAP + 'resources.yaml', SNAP + 'multi-doc.yml']);
});

formats('a .json file holding NDJSON (jq -c output) loads as NDJSON', async () => {
  const s = await loadSnapshot([SNAP + 'ndjson-in-json.json'], opts);
  assert.equal(errors(s), []);
  assert.equal(s.resources.map((r) => r.name), ['jq1', 'jq2']);
  assert.equal(s.sources.map((x) => x.line), [1, 2]);
});

formats('in-memory resources and rows', async () => {
  const s = await loadSnapshot([
    { id: '/subscriptions/S1/resourceGroups/rg/providers/A.B/c/d', type: 'A.B/c' },
    { id: '/subscriptions/S1/resourceGroups/rg/providers/a.b/c/e', type: 'a.b/c', subscriptionId: 'S1', resourceGroup: 'rg', kind: '' },
    { name: 'no id' },
  ]);
  assert.equal(s.resources.map((r) => r.name), ['d', 'e']);
  assert.equal(Object.keys(s.resources[1]!.raw), ['id', 'type']);
  assert.equal(codes(s), ['load.invalid-resource']);
  assert.is(s.diagnostics[0]!.pointer, '/2');
  assert.equal(s.sources[0], { file: undefined, index: 0, pointer: '/0' });
  const empty = await loadSnapshot([]);
  assert.is(empty.resources.length, 0);
  assert.equal(empty.diagnostics, []);
  assert.equal(empty.hierarchy.nodes().map((n) => n.id), ['/']);
});

formats.run();

// ── inputs ──────────────────────────────────────────────────────────────────────────────────

const inputs = suite('snapshot inputs');

inputs('directory: every snapshot file below it, sorted; other files ignored', async () => {
  const s = await loadSnapshot([SNAP + 'dir'], opts);
  assert.equal(errors(s), []);
  assert.equal(s.files, [SNAP + 'dir/B.JSON', SNAP + 'dir/a.json', SNAP + 'dir/nested/c.ndjson']);
  assert.equal(s.resources.map((r) => r.name), ['site-b', 'site-a', 'site-c']);
});

inputs('glob: sorted matches', async () => {
  const { files, diagnostics } = await resolveInputFiles([SNAP + 'arg-*.json'], opts);
  assert.equal(diagnostics, []);
  assert.equal(files, [SNAP + 'arg-export.json', SNAP + 'arg-rows.json', SNAP + 'arg-table.json']);
});

inputs('missing file, unmatched glob, empty directory: diagnostics, everything else still loads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dine-load-'));
  try {
    const s = await loadSnapshot([SNAP + 'nope.json', SNAP + 'arm-list.json', SNAP + 'zzz-*.json', dir], opts);
    assert.equal(codes(s), ['load.file-not-found', 'load.no-files-matched', 'load.no-files-matched']);
    assert.match(s.diagnostics[0]!.message, 'nope.json');
    assert.is(s.diagnostics[2]!.severity, 'warning', 'an empty directory is a warning');
    assert.is(s.resources.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

inputs('a file named twice (or via a glob and a path) is read once', async () => {
  const s = await loadSnapshot([SNAP + 'arm-list.json', SNAP + 'arm-l*.json', './' + SNAP + 'arm-list.json'], opts);
  assert.equal(s.files, [SNAP + 'arm-list.json']);
  assert.equal(s.diagnostics, []);
});

inputs('invalid JSON / YAML files are located diagnostics', async () => {
  const s = await loadSnapshot([SNAP + 'invalid.json', SNAP + 'invalid.yaml', SNAP + 'arm-list.json'], opts);
  assert.equal(codes(s), ['load.invalid-json', 'load.invalid-yaml']);
  assert.is(s.diagnostics[0]!.source!.file, SNAP + 'invalid.json');
  assert.is(s.diagnostics[0]!.source!.line, 4, 'unexpected end of input: the line after the last one');
  assert.is(s.diagnostics[1]!.source!.file, SNAP + 'invalid.yaml');
  assert.is(s.resources.length, 2);
});

inputs('a document of unknown shape', async () => {
  const s = await loadSnapshot([SNAP + 'unknown-shape.json'], opts);
  assert.equal(codes(s), ['load.unknown-snapshot-shape']);
  assert.is(s.diagnostics[0]!.source!.line, 1);
  assert.ok(s.diagnostics[0]!.hint);
});

inputs('bad elements: each a diagnostic with pointer and line; the good ones load', async () => {
  const s = await loadSnapshot([SNAP + 'invalid-rows.json'], opts);
  assert.equal(s.resources.map((r) => r.name), ['kv1', 'kv2']);
  assert.equal(codes(s), ['load.invalid-resource', 'load.invalid-resource', 'load.invalid-resource-id', 'load.invalid-resource']);
  assert.equal(s.diagnostics.map((d) => d.pointer), ['/1', '/2', '/3/id', '/4']);
  assert.ok(s.diagnostics.every((d) => d.source?.file === SNAP + 'invalid-rows.json' && d.source.line > 1));
  assert.equal(s.sources.map((x) => x.index), [0, 5]);
});

inputs('duplicate ids (case-insensitive): the later copy wins, in place, with a warning at the later copy', async () => {
  const s = await loadSnapshot([SNAP + 'duplicates.json'], opts);
  assert.equal(codes(s), ['load.duplicate-resource']);
  const d = s.diagnostics[0]!;
  assert.is(d.severity, 'warning');
  assert.is(d.pointer, '/2');
  assert.equal(s.resources.map((r) => r.name), ['ST1', 'st2']);
  assert.equal(s.resources[0]!.raw['tags'], { copy: 'second' });
  assert.is(s.sources[0]!.index, 2);
  assert.is(s.byId.get(s.resources[0]!.id.toLowerCase()), 0);
});

inputs('duplicates across files: the later file wins', async () => {
  const s = await loadSnapshot([SNAP + 'arg-rows.json', SNAP + 'arg-export.json'], opts);
  assert.equal(codes(s), ['load.duplicate-resource', 'load.duplicate-resource']);
  assert.is(s.resources.length, 5);
  assert.is(s.sources[0]!.file, SNAP + 'arg-export.json');
});

inputs('management-group tree with ancestors chains; a later duplicate keeps the chain of the earlier copy', async () => {
  const s = await loadSnapshot([SNAP + 'mg-tree.json', SNAP + 'arm-array.json'], opts);
  assert.equal(errors(s), []);
  assert.equal(codes(s), ['load.duplicate-resource'], 'the subscription is in both files');
  const sub = s.resources[s.byId.get(`/subscriptions/${S2}`)!]!;
  assert.not.ok(Object.hasOwn(sub.raw, 'properties'), 'the ARM GET copy won');
  const h = s.hierarchy;
  assert.equal(h.subscriptionsUnder(formatManagementGroupId('landingzones')), [`/subscriptions/${S2}`]);
  const vm = s.resources.find((r) => r.name === 'myVM')!;
  assert.ok(h.contains(formatManagementGroupId('corp'), vm.id));
  assert.not.ok(h.contains(formatManagementGroupId('platform'), vm.id));
  assert.equal(h.managementGroups().map((n) => n.name), ['72f988bf-0000-0000-0000-000000000000', 'connectivity', 'corp', 'landingzones', 'platform']);
});

inputs('deterministic: same inputs, identical snapshot', async () => {
  const all = [SNAP + 'dir', SNAP + 'arg-*.json', SNAP + 'resources.ndjson', SNAP + 'resources.yaml', SNAP + 'duplicates.json'];
  const a = await loadSnapshot(all, opts);
  const b = await loadSnapshot(all, opts);
  const dump = (s: Snapshot) => JSON.stringify({ r: s.resources.map((r) => [r.id, r.raw]), s: s.sources, d: s.diagnostics, h: s.hierarchy.nodes() });
  assert.is(dump(a), dump(b));
});

inputs('readResources yields resources and diagnostics in order, unparsed', async () => {
  const items: ReadItem[] = [];
  for await (const it of readResources([SNAP + 'nope.json', SNAP + 'resources.ndjson'], opts)) items.push(it);
  assert.equal(items.map((i) => (i.kind === 'resource' ? i.raw['name'] : i.diagnostic.code)), [
    'load.file-not-found', 'jump01', 'myVM', 'load.invalid-ndjson-line', 'nic1',
  ]);
});

inputs.run();

// ── Resource Graph rows ─────────────────────────────────────────────────────────────────────

const rows = suite('Resource Graph rows');

rows('detection needs both subscriptionId and resourceGroup columns', () => {
  assert.ok(looksLikeResourceGraphRow({ id: 'x', subscriptionId: 's', resourceGroup: '' }));
  assert.not.ok(looksLikeResourceGraphRow({ id: '/subscriptions/s', subscriptionId: 's', tenantId: 't' }), 'ARM subscription GET');
});

rows('normalisation keeps non-empty values, the input row is not modified, __proto__ is data', () => {
  const row = JSON.parse('{"id":"/subscriptions/s/resourceGroups/rg/providers/a.b/c/d","kind":"","sku":{"name":"S"},"zones":null,"subscriptionId":"s","resourceGroup":"rg","properties":{"__proto__":{"polluted":true},"x":null}}') as Record<string, unknown>;
  const out = normalizeResourceGraphRow(row);
  assert.equal(Object.keys(out), ['id', 'sku', 'properties']);
  assert.is(row['kind'], '');
  const props = out['properties'] as Record<string, unknown>;
  assert.ok(Object.hasOwn(props, '__proto__'));
  assert.is(props['x'], null, 'nulls inside properties are data');
  assert.is(({} as Record<string, unknown>)['polluted'], undefined);
});

rows.run();

// ── streaming (forced with streamThresholdBytes: 0) ─────────────────────────────────────────

const streaming = suite('streaming');

function rowsFor(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ id: `/subscriptions/S1/resourceGroups/rg${i % 7}/providers/Microsoft.Compute/virtualMachines/vm${i}`, name: `vm${i}`, type: 'Microsoft.Compute/virtualMachines', location: 'westus', properties: { n: i, nested: { a: [1, 2, { b: 'x' }] } } });
  }
  return out;
}

streaming('arrays, ARM lists and az graph output stream to the same resources as a whole read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dine-stream-'));
  try {
    const data = rowsFor(500);
    const argRows = data.map((r) => ({ ...r, subscriptionId: 'S1', resourceGroup: 'x', kind: '' }));
    writeFileSync(join(dir, 'array.json'), JSON.stringify(data));
    writeFileSync(join(dir, 'list.json'), JSON.stringify({ value: data, nextLink: null }));
    writeFileSync(join(dir, 'graph.json'), '\uFEFF  ' + JSON.stringify({ count: argRows.length, data: argRows, skip_token: null }, null, 1));
    for (const f of ['array.json', 'list.json', 'graph.json']) {
      const streamed = await loadSnapshot([f], { cwd: dir, streamThresholdBytes: 0 });
      const whole = await loadSnapshot([f], { cwd: dir });
      assert.equal(streamed.diagnostics, [], f);
      assert.is(streamed.resources.length, 500, f);
      assert.equal(streamed.resources.map((r) => r.raw), whole.resources.map((r) => r.raw), f);
      assert.equal(streamed.sources.map((s) => s.pointer), whole.sources.map((s) => s.pointer), f);
      assert.is(streamed.sources[0]!.line, undefined, 'streamed elements carry no line');
    }
    const g = await loadSnapshot(['graph.json'], { cwd: dir, streamThresholdBytes: 0 });
    assert.ok(g.sources.every((s) => s.resourceGraph === true));
    assert.not.ok(Object.hasOwn(g.resources[0]!.raw, 'kind'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

streaming('non-streamable objects fall back to a whole read; corruption keeps what came before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dine-stream-'));
  try {
    writeFileSync(join(dir, 'single.json'), JSON.stringify({ id: '/subscriptions/S1/resourceGroups/rg', location: 'westus' }));
    writeFileSync(join(dir, 'table.json'), JSON.stringify({ data: { columns: [{ name: 'id' }, { name: 'name' }], rows: [['/subscriptions/S1/resourceGroups/rg/providers/A.B/c/d', 'd']] } }));
    const good = JSON.stringify(rowsFor(3000));
    writeFileSync(join(dir, 'corrupt.json'), good.slice(0, good.length - 200) + '@@@garbage');
    writeFileSync(join(dir, 'bad-element.json'), JSON.stringify([{ id: '/subscriptions/S2/resourceGroups/other' }, 7, { name: 'x' }, { id: '/bad//id' }]));
    writeFileSync(join(dir, 'scalar.json'), '"just a string"');
    const s = await loadSnapshot(['single.json', 'table.json', 'corrupt.json', 'bad-element.json', 'scalar.json'], { cwd: dir, streamThresholdBytes: 0 });
    assert.equal(codes(s), ['load.invalid-json', 'load.invalid-resource', 'load.invalid-resource', 'load.invalid-resource-id', 'load.unknown-snapshot-shape']);
    const corrupt = s.diagnostics[0]!;
    assert.match(corrupt.message, 'corrupt.json');
    const fromCorrupt = s.sources.filter((x) => x.file === 'corrupt.json').length;
    assert.ok(fromCorrupt > 2000 && fromCorrupt < 3000, `kept ${fromCorrupt} elements before the fault`);
    assert.match(s.diagnostics[1]!.message, 'bad-element.json at /1', 'streamed diagnostics name the file and pointer');
    assert.is(s.diagnostics[3]!.pointer, '/3/id');
    assert.ok(s.resources.some((r) => r.id === '/subscriptions/S1/resourceGroups/rg'));
    assert.ok(s.resources.some((r) => r.name === 'd'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

streaming('NDJSON with CRLF, a BOM and a huge line count is read line by line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dine-ndjson-'));
  try {
    const lines = rowsFor(5000).map((r) => JSON.stringify(r));
    writeFileSync(join(dir, 'big.jsonl'), '\uFEFF' + lines.join('\r\n') + '\r\n');
    const s = await loadSnapshot(['big.jsonl'], { cwd: dir });
    assert.equal(s.diagnostics, []);
    assert.is(s.resources.length, 5000);
    assert.is(s.sources[4999]!.line, 5000);
    assert.is(s.resources[4999]!.name, 'vm4999');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

streaming.run();
