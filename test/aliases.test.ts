// engine/aliases: the field cases of fixtures/cases/fields/*.yaml (run here directly against the aliases API;
// their shape is documented at the top of root-fields.yaml), unit tests of the path primitives and the
// catalogue, and two corpus checks that need ../shared (skipped with a notice when it is absent).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  compilePath,
  createAliasCatalogue,
  defaultAliasCatalogue,
  fieldArray,
  formatPath,
  parsePath,
  readField,
  readPath,
  resolveField,
  selectField,
  selectPath,
  stripPrefix,
  typesDefining,
  type AliasCatalogue,
  type FieldRef,
} from '../engine/aliases/index.js';
import { PolicyError } from '../engine/diagnostics/index.js';
import { MISSING, type ResourceView } from '../engine/model/index.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CASES_DIR = join(REPO, 'fixtures', 'cases', 'fields');
const SHARED = join(REPO, '..', 'shared', 'corpora');

// ── helpers ─────────────────────────────────────────────────────────────────────────────────

type Raw = Record<string, unknown>;

/** A ResourceView built straight from the raw resource (the scope module's builder is not needed here). */
function viewOf(raw: Raw, overrides: Partial<ResourceView> = {}): ResourceView {
  const type = typeof raw.type === 'string' ? raw.type : '';
  const name = typeof raw.name === 'string' ? raw.name : '';
  const id = typeof raw.id === 'string' ? raw.id : `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/${type}/${name}`;
  return {
    raw,
    id,
    type,
    typeLower: type.toLowerCase(),
    name: name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name,
    fullName: name,
    location: typeof raw.location === 'string' ? raw.location : undefined,
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    resourceGroup: 'rg1',
    apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : undefined,
    ...overrides,
  };
}

/** MISSING is shown as { $missing: true } so expectations can be written in YAML. */
function show(v: unknown): unknown {
  if (v === MISSING) return { $missing: true };
  if (Array.isArray(v)) return v.map(show);
  return v;
}

const catalogues = new Map<string, AliasCatalogue | PolicyError>();
function catalogueFor(custom: unknown, builtIn: boolean): AliasCatalogue | PolicyError {
  const key = JSON.stringify([custom ?? null, builtIn]);
  let c = catalogues.get(key);
  if (c === undefined) {
    try {
      c = custom === undefined && builtIn ? defaultAliasCatalogue() : createAliasCatalogue(custom, { builtIn });
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      c = e;
    }
    catalogues.set(key, c);
  }
  return c;
}

interface FieldCase {
  id: string;
  kind: string;
  resource?: Raw;
  view?: Partial<ResourceView>;
  field: string;
  options?: { strict?: boolean; lenient?: boolean };
  customAliases?: unknown;
  builtIn?: boolean;
  expect?: Record<string, unknown>;
  expectCompileError?: string;
  expectWarning?: string;
}

function runCase(file: string, c: FieldCase, defaults: Partial<FieldCase>): void {
  const where = `${file}#${c.id}`;
  assert.is(c.kind, 'field', `${where}: kind`);
  const custom = 'customAliases' in c ? c.customAliases : defaults.customAliases;
  const cat = catalogueFor(custom, (c.builtIn ?? defaults.builtIn) !== false);
  if (cat instanceof PolicyError) {
    assert.is(c.expectCompileError, cat.code, `${where}: catalogue error ${cat.message}`);
    assert.ok(cat.diagnostics.every((d) => d.pointer !== undefined), `${where}: catalogue diagnostics carry pointers`);
    return;
  }
  const opts = { ...defaults.options, ...c.options };
  const res = resolveField(c.field, { catalogue: cat, strict: opts.strict ?? true, lenient: opts.lenient ?? false });
  if (c.expectCompileError !== undefined) {
    assert.ok('diagnostic' in res, `${where}: expected ${c.expectCompileError}`);
    if ('diagnostic' in res) assert.is(res.diagnostic.code, c.expectCompileError, where);
    return;
  }
  if ('diagnostic' in res) assert.unreachable(`${where}: ${res.diagnostic.code}: ${res.diagnostic.message}`);
  if (!('ref' in res)) return;
  assert.is(res.warning?.code, c.expectWarning, `${where}: warning`);
  const ref = res.ref;
  const view = viewOf((c.resource ?? defaults.resource ?? {}) as Raw, { ...defaults.view, ...c.view });
  const e = c.expect ?? {};
  let checked = 0;
  if ('value' in e) {
    assert.equal(show(readField(ref, view)), e.value, `${where}: value`);
    checked++;
  }
  if (e.missing === true) {
    assert.is(readField(ref, view), MISSING, `${where}: missing`);
    checked++;
  }
  if ('values' in e) {
    assert.ok(ref.wildcard, `${where}: values need a [*] field`);
    assert.equal(show(selectField(ref, view)), e.values, `${where}: values`);
    checked++;
  }
  if ('fieldFn' in e) {
    assert.equal(fieldArray(ref, view), e.fieldFn, `${where}: field()`);
    checked++;
  }
  if ('path' in e) {
    assert.is(ref.displayPath(view) ?? null, e.path, `${where}: path`);
    checked++;
  }
  for (const k of ['kind', 'wildcard', 'resolution'] as const) {
    if (k in e) {
      assert.is(ref[k], e[k], `${where}: ${k}`);
      checked++;
    }
  }
  if ('types' in e) {
    assert.equal(ref.types, e.types, `${where}: types`);
    checked++;
  }
  assert.ok(checked > 0, `${where}: the case checks nothing`);
}

// ── YAML cases ──────────────────────────────────────────────────────────────────────────────

const caseFiles = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();
let caseCount = 0;
for (const file of caseFiles) {
  const doc = parseYaml(readFileSync(join(CASES_DIR, file), 'utf8')) as { source?: string; defaults?: Partial<FieldCase>; cases: FieldCase[] };
  test(`fields/${file}: well-formed`, () => {
    assert.type(doc.source, 'string');
    const ids = doc.cases.map((c) => c.id);
    assert.is(new Set(ids).size, ids.length, 'case ids are unique');
  });
  for (const c of doc.cases) {
    caseCount++;
    test(`fields/${file}#${c.id}`, () => runCase(file, c, doc.defaults ?? {}));
  }
}
test('field cases exist', () => {
  assert.ok(caseCount >= 100, `only ${caseCount} cases`);
});

// ── path primitives ─────────────────────────────────────────────────────────────────────────

test('compilePath: keys, wildcards, indexes, quoted and bare bracket keys', () => {
  assert.equal(
    compilePath("properties.a[*].b[2]['c.d'][e f]['it''s']").map((s) => (s.kind === 'key' ? s.name : s.kind === 'index' ? s.index : '*')),
    ['properties', 'a', '*', 'b', 2, 'c.d', 'e f', "it's"],
  );
  assert.equal(formatPath(compilePath("properties.a[*].b[2]['c.d']")), "properties.a[*].b[2]['c.d']");
  assert.equal(formatPath(compilePath("['it''s'].x")), "['it''s'].x");
  for (const bad of ['', 'a..b', 'a.', '.a', 'a[', "a['x", 'a[*', 'a]b', 'a[ x]', "a['x'y]", 'a[]']) {
    assert.type(parsePath(bad), 'string', `"${bad}" is rejected`);
    assert.throws(() => compilePath(bad), (e: unknown) => e instanceof PolicyError && e.code === 'compile.invalid-field');
  }
  assert.type(parsePath(Array.from({ length: 70 }, (_, i) => `k${i}`).join('.')), 'string', 'too many segments');
});

test('readPath / selectPath: case-insensitive keys, own properties only, null parents', () => {
  const root = JSON.parse('{"Properties":{"A":[{"b":1},{"B":2},{}],"n":null,"__proto__":{"x":1}}}') as unknown;
  assert.is(readPath(root, compilePath('properties.n')), null);
  assert.is(readPath(root, compilePath('properties.n.x')), MISSING);
  assert.is(readPath(root, compilePath('properties.a[1].b')), 2);
  assert.is(readPath(root, compilePath('properties.__proto__.x')), 1);
  assert.is(readPath({}, compilePath('constructor')), MISSING);
  assert.is(readPath({}, compilePath('hasOwnProperty')), MISSING);
  assert.is(readPath(Object.create(null), compilePath('x')), MISSING);
  assert.is(readPath('str', compilePath('length')), MISSING);
  assert.is(readPath([1, 2], compilePath('length')), MISSING);
  assert.throws(() => readPath(root, compilePath('properties.a[*]')), TypeError);
  assert.equal(show(selectPath(root, compilePath('properties.a[*].b'))), [1, 2, { $missing: true }]);
  assert.equal(show(selectPath(root, compilePath('properties.n'))), [null]);
  assert.equal(show(selectPath(root, compilePath('properties.zz'))), [{ $missing: true }]);
  const out: unknown[] = ['x'];
  assert.is(selectPath(root, compilePath('properties.a[*].b'), out), out, 'appends to the given array');
  assert.is(out.length, 4);
  // Non-ASCII keys still match ignoring case.
  assert.is(readPath({ Größe: 1 }, compilePath('GRÖSSE')), MISSING, 'ß does not fold to SS (JS toLowerCase semantics)');
  assert.is(readPath({ Ärger: 1 }, compilePath('ärger')), 1);
});

test('stripPrefix: binds a where-field to the counted member', () => {
  const counted = compilePath('properties.networkProfile.networkInterfaces[*]');
  const rest = stripPrefix(compilePath('Properties.NetworkProfile.networkInterfaces[*].properties.primary'), counted);
  assert.ok(rest);
  assert.is(formatPath(rest!), 'properties.primary');
  assert.equal(stripPrefix(counted, counted), []);
  assert.is(stripPrefix(compilePath('properties.networkProfile.networkInterfaces'), counted), undefined, 'shorter');
  assert.is(stripPrefix(compilePath('properties.networkProfile.networkInterfaces[0].id'), counted), undefined, '[0] is not [*]');
  assert.is(stripPrefix(compilePath('properties.other[*].id'), counted), undefined);
  assert.is(stripPrefix(compilePath('properties.a[1]'), compilePath('properties.a[1]'))!.length, 0);
  assert.is(stripPrefix(compilePath('properties.a[1]'), compilePath('properties.a[2]')), undefined);
});

// ── catalogue ───────────────────────────────────────────────────────────────────────────────

test('default catalogue: shared lazily, (type, alias) keyed case-insensitively', () => {
  const c = defaultAliasCatalogue();
  assert.is(defaultAliasCatalogue(), c);
  assert.is(createAliasCatalogue(), c, 'no custom aliases → the shared instance');
  assert.ok(c.size > 70000, `size ${c.size}`);
  assert.is(c.lookup('MICROSOFT.COMPUTE/VIRTUALMACHINES', 'microsoft.compute/imagepublisher')?.defaultPath, 'properties.storageProfile.imageReference.publisher');
  assert.is(c.pathFor('Microsoft.Compute/virtualMachineScaleSets', 'Microsoft.Compute/imagePublisher'), 'properties.virtualMachineProfile.storageProfile.imageReference.publisher');
  assert.is(c.pathFor('Microsoft.Storage/storageAccounts', 'Microsoft.Compute/imagePublisher'), undefined);
  assert.equal(typesDefining('Microsoft.Compute/licenseType'), ['Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachineScaleSets']);
  assert.equal(c.typesDefining('Microsoft.Nope/x/y'), []);
  assert.ok(c.hasType('microsoft.hybridcompute/MACHINES'));
  assert.not.ok(c.hasType('Microsoft.Nope/x'));
  assert.is(c.attribution?.licence, 'MIT');
  assert.ok(String(c.attribution?.copyright).includes('jeircul'));
  assert.is(c.lookup('Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines/sku.name')?.source, 'built-in');
});

test('custom aliases override built-in entries and add types; the shared catalogue is untouched', () => {
  const custom = createAliasCatalogue({
    value: [
      {
        namespace: 'Microsoft.Compute',
        resourceTypes: [
          { resourceType: 'virtualMachines', aliases: [{ name: 'Microsoft.Compute/virtualMachines/sku.name', defaultPath: 'sku.name' }] },
          { resourceType: 'galleries', aliases: [{ name: 'Microsoft.Compute/imagePublisher', paths: [{ path: 'properties.p1', apiVersions: ['2020-01-01'] }, { path: 'properties.p2', apiVersions: ['2022-01-01'] }] }] },
        ],
      },
    ],
  });
  assert.is(custom.pathFor('Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines/sku.name'), 'sku.name');
  assert.is(custom.lookup('Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines/sku.name')?.source, 'custom');
  assert.is(defaultAliasCatalogue().pathFor('Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines/sku.name'), 'properties.hardwareProfile.vmSize');
  assert.is(custom.pathFor('Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachines/osDisk.Uri'), 'properties.storageProfile.osDisk.vhd.uri', 'other built-ins remain');
  assert.equal(custom.typesDefining('Microsoft.Compute/imagePublisher'), [
    'Microsoft.Compute/disks',
    'Microsoft.Compute/galleries',
    'Microsoft.Compute/virtualMachines',
    'Microsoft.Compute/virtualMachineScaleSets',
  ]);
  assert.is(custom.pathFor('Microsoft.Compute/galleries', 'Microsoft.Compute/imagePublisher'), 'properties.p2', 'no defaultPath → newest listed version');
  assert.is(custom.pathFor('Microsoft.Compute/galleries', 'Microsoft.Compute/imagePublisher', '2020-01-01'), 'properties.p1');
  assert.is(custom.size, defaultAliasCatalogue().size + 1);
  assert.ok(custom.hasType('Microsoft.Compute/galleries'));
});

test('invalid custom aliases: every fault is a coded diagnostic with a pointer', () => {
  const cases: [unknown, string[]][] = [
    ['nope', ['']],
    [[{ namespace: 'Microsoft.X' }], ['/0/resourceTypes']],
    [[{ namespace: 1, resourceTypes: [] }], ['/0/namespace']],
    [[{ namespace: 'Microsoft.X', resourceTypes: [{ resourceType: '', aliases: [] }] }], ['/0/resourceTypes/0/resourceType']],
    [
      [
        {
          namespace: 'Microsoft.X',
          resourceTypes: [
            {
              resourceType: 't',
              aliases: [
                { name: 'no-slash', defaultPath: 'properties.a' },
                { name: 'Microsoft.X/t/a', defaultPath: 'properties..a' },
                { name: 'Microsoft.X/t/b', defaultPath: 'properties.b', paths: [{ path: 'properties.c', apiVersions: [1] }] },
                { name: 'Microsoft.X/t/c' },
                { name: 'Microsoft.X/t/d', paths: 'x' },
                7,
              ],
            },
          ],
        },
      ],
      [
        '/0/resourceTypes/0/aliases/0/name',
        '/0/resourceTypes/0/aliases/1/defaultPath',
        '/0/resourceTypes/0/aliases/2/paths/0/apiVersions',
        '/0/resourceTypes/0/aliases/3',
        '/0/resourceTypes/0/aliases/4/paths',
        '/0/resourceTypes/0/aliases/5',
      ],
    ],
  ];
  for (const [input, pointers] of cases) {
    try {
      createAliasCatalogue(input);
      assert.unreachable(`accepted ${JSON.stringify(input)}`);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      assert.ok(e.diagnostics.every((d) => d.code === 'compile.invalid-alias-catalogue'));
      assert.equal(e.diagnostics.map((d) => d.pointer), pointers);
    }
  }
});

test('FieldRef caches the path per (type, apiVersion) and resolves nothing per read', () => {
  const res = resolveField('Microsoft.Compute/imagePublisher', { catalogue: defaultAliasCatalogue(), strict: true });
  assert.ok('ref' in res);
  const ref = (res as { ref: FieldRef }).ref;
  const vm = viewOf({ name: 'a', type: 'Microsoft.Compute/virtualMachines', properties: { storageProfile: { imageReference: { publisher: 'P' } } } });
  const vm2 = viewOf({ name: 'b', type: 'microsoft.compute/virtualmachines', properties: {} });
  assert.is(ref.pathFor(vm), ref.pathFor(vm2), 'same compiled path object for the same type');
  assert.is(readField(ref, vm), 'P');
  assert.is(readField(ref, vm2), MISSING);
  assert.is(Object.isFrozen(ref), true);
});

test('catalogue asset: committed, compact, with its licence', () => {
  const asset = join(REPO, 'engine', 'aliases', 'catalogue.json.gz');
  const size = statSync(asset).size;
  assert.ok(size < 1_000_000, `catalogue.json.gz is ${size} bytes`);
  const license = readFileSync(join(REPO, 'engine', 'aliases', 'CATALOGUE-LICENSE'), 'utf8');
  assert.ok(license.includes('MIT License') && license.includes('jeircul'));
});

// ── corpus checks (need ../shared) ──────────────────────────────────────────────────────────

test('catalogue asset round-trips the shared alias corpus exactly', () => {
  const src = join(SHARED, 'aliases', 'derived', 'aliases-by-type.json.gz');
  if (!existsSync(src)) {
    console.log(`  notice: ${src} is absent; corpus round-trip skipped`);
    return;
  }
  const data = JSON.parse(gunzipSync(readFileSync(src)).toString('utf8')) as { resourceTypes: Record<string, Record<string, string>> };
  const c = defaultAliasCatalogue();
  let rows = 0;
  const wrong: string[] = [];
  for (const [type, aliases] of Object.entries(data.resourceTypes)) {
    for (const [alias, path] of Object.entries(aliases)) {
      rows++;
      if (c.pathFor(type, alias) !== path) wrong.push(`${type} ${alias}: ${c.pathFor(type, alias)} ≠ ${path}`);
      const segs = parsePath(path);
      if (typeof segs === 'string' || formatPath(segs) !== path) wrong.push(`${path}: ${String(segs)}`);
    }
  }
  assert.equal(wrong.slice(0, 5), []);
  assert.is(c.size, rows);
});

test('every alias the built-in policy rules reference resolves (except *.Data and known failures)', () => {
  const root = join(SHARED, 'azure-policy-builtins', 'policyDefinitions');
  if (!existsSync(root)) {
    console.log(`  notice: ${root} is absent; built-in alias coverage skipped`);
    return;
  }
  const known = new Map<string, string>();
  for (const line of readFileSync(join(REPO, 'fixtures', 'known-failures', 'aliases.txt'), 'utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^(\S+)\s+(.+)$/.exec(t);
    assert.ok(m, `known-failures line needs a reason: ${t}`);
    known.set(m![1]!, m![2]!);
  }
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) files.push(p);
    }
  };
  walk(root);
  const referenced = new Map<string, string>();
  const visit = (v: unknown, file: string): void => {
    if (Array.isArray(v)) for (const x of v) visit(x, file);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.toLowerCase() === 'field' && typeof x === 'string' && !x.startsWith('[')) referenced.set(x, referenced.get(x) ?? file);
        visit(x, file);
      }
    } else if (typeof v === 'string') {
      for (const m of v.matchAll(/field\(\s*'((?:[^']|'')*)'\s*\)/gi)) {
        const a = m[1]!.replace(/''/g, "'");
        referenced.set(a, referenced.get(a) ?? file);
      }
    }
  };
  for (const f of files) {
    const def = JSON.parse(readFileSync(f, 'utf8').replace(/^\uFEFF/, '')) as { properties?: { policyRule?: unknown } };
    visit(def.properties?.policyRule, f);
  }
  const catalogue = defaultAliasCatalogue();
  let aliases = 0;
  let rpData = 0;
  let resolved = 0;
  const failures: string[] = [];
  const stale: string[] = [];
  for (const [alias, file] of [...referenced].sort()) {
    if (!alias.includes('/') || alias.toLowerCase().startsWith('tags')) continue;
    aliases++;
    if (/^[^/]*\.Data\//i.test(alias)) {
      rpData++;
      continue;
    }
    const r = resolveField(alias, { catalogue, strict: true });
    if ('ref' in r) {
      resolved++;
      if (known.has(alias)) stale.push(alias);
    } else if (!known.has(alias)) failures.push(`${alias} (${relative(root, file)}): ${r.diagnostic.code}`);
  }
  const considered = aliases - rpData;
  console.log(
    `  built-in alias coverage: ${resolved}/${considered} (${((100 * resolved) / considered).toFixed(1)}%) of the aliases referenced by ` +
      `${files.length} definitions resolve; ${rpData} RP-mode *.Data aliases excluded; ${known.size} known failures`,
  );
  assert.equal(failures, [], 'unresolved aliases not in fixtures/known-failures/aliases.txt');
  assert.equal(stale, [], 'known failures that now resolve: remove them from fixtures/known-failures/aliases.txt');
});

test.run();
