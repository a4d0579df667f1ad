// engine/scope: resource ids (table-driven from fixtures/cases/scope), ResourceView, hierarchy.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import {
  MAX_RESOURCE_ID_LENGTH,
  TENANT_SCOPE_ID,
  buildHierarchy,
  formatManagementGroupId,
  formatResourceGroupId,
  formatResourceId,
  formatSubscriptionId,
  isDiagnostic,
  isUnderScope,
  parseResourceId,
  toResourceView,
  type Hierarchy,
  type ParsedResourceId,
} from '../engine/scope/index.js';
import { parseAnyResourceId, parseCommonResourceId } from '../engine/scope/resource-id.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const CASES_DIR = FIXTURES + 'cases/scope/';

interface Case {
  id: string;
  kind: string;
  [k: string]: unknown;
}

function mgTree(): Hierarchy {
  const doc = JSON.parse(readFileSync(FIXTURES + 'snapshots/mg-tree.json', 'utf8')) as { data: Record<string, unknown>[] };
  const { hierarchy, diagnostics } = buildHierarchy(doc.data);
  assert.equal(diagnostics, []);
  return hierarchy;
}

// ── table-driven cases ──────────────────────────────────────────────────────────────────

const cases = suite('scope cases');
const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();
let tree: Hierarchy | undefined;
for (const file of files) {
  const doc = parseYaml(readFileSync(CASES_DIR + file, 'utf8')) as { source: string; cases: Case[] };
  assert.ok(typeof doc.source === 'string' && doc.source.length > 0, `${file} has a source`);
  const ids = new Set<string>();
  for (const c of doc.cases) {
    assert.not.ok(ids.has(c.id), `${file}: duplicate case id ${c.id}`);
    ids.add(c.id);
    cases(`${file}#${c.id}`, () => {
      assert.is(c.kind, 'resource-id');
      switch ((c['op'] as string | undefined) ?? 'parse') {
        case 'parse': {
          const r = parseResourceId(c['resourceId'] as string);
          if (c['expectError'] !== undefined) {
            assert.ok(isDiagnostic(r), `expected an error, got ${JSON.stringify(r)}`);
            if (isDiagnostic(r)) assert.is(r.code, c['expectError']);
            return;
          }
          assert.not.ok(isDiagnostic(r), isDiagnostic(r) ? r.message : '');
          const parsed = r as ParsedResourceId;
          assert.is(parsed.id, c['resourceId']);
          for (const [k, v] of Object.entries(c['expect'] as Record<string, unknown>)) {
            assert.equal((parsed as unknown as Record<string, unknown>)[k], v === null ? undefined : v, `field ${k}`);
          }
          // every scope of the chain parses and is a prefix of the id
          for (const s of parsed.scopes) {
            assert.not.ok(isDiagnostic(parseResourceId(s)), s);
            assert.ok(isUnderScope(parsed.id, s), `${parsed.id} under ${s}`);
          }
          return;
        }
        case 'contains':
          assert.is(isUnderScope(c['resourceId'] as string, c['scope'] as string), c['expect']);
          return;
        case 'hierarchy-contains': {
          tree ??= mgTree();
          assert.is(tree.contains(c['scope'] as string, c['resourceId'] as string), c['expect'], 'Hierarchy.contains');
          assert.is(isUnderScope(c['resourceId'] as string, c['scope'] as string, tree), c['expect'], 'isUnderScope with hierarchy');
          return;
        }
        case 'format': {
          const r = formatResourceId(c['scope'] as string, c['type'] as string, c['name'] as string);
          if (c['expectError'] !== undefined) {
            assert.ok(isDiagnostic(r), `expected an error, got ${String(r)}`);
            if (isDiagnostic(r)) assert.is(r.code, c['expectError']);
            return;
          }
          assert.is(r, c['expect']);
          const back = parseResourceId(r as string);
          assert.not.ok(isDiagnostic(back));
          return;
        }
        default:
          assert.unreachable(`unknown op ${String(c['op'])}`);
      }
    });
  }
}
cases.run();

// ── resource ids: properties beyond the table ─────────────────────────────────────────────

const ids = suite('resource ids');

ids('very long ids are rejected, not parsed', () => {
  const long = '/subscriptions/S1/resourceGroups/' + 'r'.repeat(MAX_RESOURCE_ID_LENGTH);
  const r = parseResourceId(long);
  assert.ok(isDiagnostic(r));
  if (isDiagnostic(r)) {
    assert.is(r.code, 'load.invalid-resource-id');
    assert.ok(r.message.length < 400, 'message does not echo the whole id');
  }
  assert.is(isUnderScope(long, '/subscriptions/S1'), false);
});

ids('deeply nested ids parse in linear time and keep every name', () => {
  let id = '/subscriptions/S1/resourceGroups/rg/providers/NS.X';
  for (let i = 0; i < 300; i++) id += `/t${i}/n${i}`;
  const r = parseResourceId(id) as ParsedResourceId;
  assert.not.ok(isDiagnostic(r));
  assert.is(r.name, 'n299');
  assert.is(r.fullName.split('/').length, 300);
  assert.is(r.scopes.length, 302);
});

ids('non-string input is a diagnostic, never a throw', () => {
  for (const bad of [undefined, null, 42, {}, ['/subscriptions/S1']]) {
    const r = parseResourceId(bad as unknown as string);
    assert.ok(isDiagnostic(r));
    assert.is(isUnderScope(bad as unknown as string, '/subscriptions/S1'), false);
  }
});

ids('parsed ids are frozen', () => {
  const r = parseResourceId('/subscriptions/S1/resourceGroups/rg1') as ParsedResourceId;
  assert.ok(Object.isFrozen(r));
  assert.ok(Object.isFrozen(r.scopes));
});

ids('format helpers round-trip through the parser', () => {
  assert.is(formatSubscriptionId('S1'), '/subscriptions/S1');
  assert.is(formatResourceGroupId('S1', 'rg1'), '/subscriptions/S1/resourceGroups/rg1');
  assert.is(formatManagementGroupId('mg1'), '/providers/Microsoft.Management/managementGroups/mg1');
  const mg = parseResourceId(formatManagementGroupId('mg1')) as ParsedResourceId;
  assert.is(mg.kind, 'managementGroup');
  const rg = parseResourceId(formatResourceGroupId('S1', 'rg1')) as ParsedResourceId;
  assert.is(rg.kind, 'resourceGroup');
  assert.is(formatResourceId('/subscriptions/S1/', 'Microsoft.Security/pricings', 'VirtualMachines'), '/subscriptions/S1/providers/Microsoft.Security/pricings/VirtualMachines');
});

ids('the fast path for /subscriptions/…/resourceGroups/…/providers/ns/type/name ids gives what the general parser gives', () => {
  // Every combination of pieces: literal segments in any case, one or more type/name pairs, extensions, other
  // containers, and each way an id may be malformed; the fast path either declines or gives the same object.
  const subs = ['/subscriptions/S1', '/SUBSCRIPTIONS/s1', '/subscriptions', '/subscriptions/ s1', '/subscription/S1', ''];
  const rgs = ['/resourceGroups/rg-1', '/RESOURCEGROUPS/Rg.1', '/resourceGroups/rg ', '/resourceGroups/..', '/resourceGroups/', '', '/resourceGroups'];
  const providers = ['/providers/Microsoft.Compute', '/PROVIDERS/microsoft.compute', '/providers/providers', '/providers', '/providers/Ns/'];
  const pairs = ['/virtualMachines/vm1', '/virtualMachines/vm1/extensions/e1', '/virtualMachines/providers', '/providers/vm1', '/virtualMachines', '/virtualMachines/vm\u00a0', '/virtualMachines/v?m', '/virtualMachines/v#m', '/virtualMachines/v\\m', '/virtualMachines/v\u0001m', '/virtualMachines/.', '/virtualMachines/vm1/', '/virtualMachines/\u212Aelvin', '/virtualMachines/İ', '/virtualMachines/vm1/providers/Microsoft.Security/assessments/a1', '/virtualMachines/vm1//x', '/t/n/t2/n2/t3/n3',
    // extension resources (an assessment on a machine), and each way their provider segment may be malformed
    '/virtualMachines/vm1/PROVIDERS/Microsoft.Security/assessments/a1/subAssessments/s1', '/virtualMachines/vm1/providers/Microsoft.Security',
    '/virtualMachines/vm1/providers/Microsoft.Security/assessments', '/virtualMachines/vm1/providers/providers/x/y', '/virtualMachines/vm1/providers/Ns/providers/y',
    '/virtualMachines/vm1/providers/ns/t/n/providers/ns2/t2/n2', '/virtualMachines/vm1/providers/ns/t/ ', '/virtualMachines/vm1/providers/ns/t/n/..', '/virtualMachines/vm1/providers'];
  let fast = 0;
  let checked = 0;
  for (const s of subs) for (const g of rgs) for (const p of providers) for (const t of pairs) {
    const id = s + g + p + t;
    checked++;
    const common = parseCommonResourceId(id);
    const any = parseAnyResourceId(id);
    if (common === undefined) continue;
    fast++;
    assert.equal(common, any, id);
    assert.equal(parseResourceId(id), any, id);
  }
  assert.ok(fast >= 20 && fast < checked / 4, `the fast path took ${fast} of ${checked}`);
  for (const id of ['/providers/Microsoft.Management/managementGroups/mg', '/subscriptions/S1/providers/Microsoft.Security/pricings/VirtualMachines', ' /subscriptions/S1/resourceGroups/rg/providers/N/t/n', '/subscriptions/S1/resourceGroups/rg/providers/N/t/n\u2028']) {
    assert.is(parseCommonResourceId(id), undefined, id);
    assert.equal(parseResourceId(id), parseAnyResourceId(id), id);
  }
});

ids.run();

// ── ResourceView ──────────────────────────────────────────────────────────────────────────

const views = suite('toResourceView');

views('root fields from an ARM resource', () => {
  const raw = {
    id: '/subscriptions/S1/resourceGroups/rg1/providers/Microsoft.Sql/servers/s1/databases/d1',
    name: 'd1',
    type: 'Microsoft.Sql/servers/databases',
    location: 'West Europe',
    apiVersion: '2021-11-01',
  };
  const v = toResourceView(raw);
  assert.not.ok(isDiagnostic(v));
  if (isDiagnostic(v)) return;
  assert.is(v.raw, raw);
  assert.is(v.id, raw.id);
  assert.is(v.type, 'Microsoft.Sql/servers/databases');
  assert.is(v.typeLower, 'microsoft.sql/servers/databases');
  assert.is(v.name, 'd1');
  assert.is(v.fullName, 's1/d1');
  assert.is(v.location, 'West Europe');
  assert.is(v.subscriptionId, 'S1');
  assert.is(v.resourceGroup, 'rg1');
  assert.is(v.apiVersion, '2021-11-01');
  assert.ok(Object.isFrozen(v));
});

views('type as written (Resource Graph lower case), else from the id', () => {
  const lower = toResourceView({ id: '/subscriptions/S1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1', type: 'microsoft.compute/virtualmachines' });
  assert.not.ok(isDiagnostic(lower));
  if (!isDiagnostic(lower)) {
    assert.is(lower.type, 'microsoft.compute/virtualmachines');
    assert.is(lower.typeLower, 'microsoft.compute/virtualmachines');
  }
  const noType = toResourceView({ id: '/subscriptions/S1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1' });
  if (!isDiagnostic(noType)) assert.is(noType.type, 'Microsoft.Compute/virtualMachines');
  const emptyType = toResourceView({ id: '/subscriptions/S1', type: '' });
  if (!isDiagnostic(emptyType)) assert.is(emptyType.type, 'Microsoft.Resources/subscriptions');
});

views('extension resource: extension type, fullName after the last /providers/', () => {
  const v = toResourceView({
    id: '/subscriptions/S1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Security/serverVulnerabilityAssessments/default',
  });
  assert.not.ok(isDiagnostic(v));
  if (isDiagnostic(v)) return;
  assert.is(v.type, 'Microsoft.Security/serverVulnerabilityAssessments');
  assert.is(v.name, 'default');
  assert.is(v.fullName, 'default');
  assert.is(v.resourceGroup, 'rg1');
});

views('subscription: name is the GUID even when the row names it by display name (A-16)', () => {
  const v = toResourceView({ id: '/subscriptions/11111111-1111-1111-1111-111111111111', name: 'Connectivity', displayName: 'Connectivity' });
  assert.not.ok(isDiagnostic(v));
  if (isDiagnostic(v)) return;
  assert.is(v.name, '11111111-1111-1111-1111-111111111111');
  assert.is(v.fullName, '11111111-1111-1111-1111-111111111111');
  assert.is(v.type, 'Microsoft.Resources/subscriptions');
  assert.is(v.subscriptionId, '11111111-1111-1111-1111-111111111111');
  assert.is(v.resourceGroup, undefined);
});

views('resource group: its own resourceGroup, type from the id; MG', () => {
  const rg = toResourceView({ id: '/subscriptions/S1/resourceGroups/Rg1', location: 'westus' });
  if (isDiagnostic(rg)) assert.unreachable(rg.message);
  else {
    assert.is(rg.type, 'Microsoft.Resources/subscriptions/resourceGroups');
    assert.is(rg.resourceGroup, 'Rg1');
    assert.is(rg.name, 'Rg1');
  }
  const mg = toResourceView({ id: '/providers/Microsoft.Management/managementGroups/mg1' });
  if (isDiagnostic(mg)) assert.unreachable(mg.message);
  else {
    assert.is(mg.type, 'Microsoft.Management/managementGroups');
    assert.is(mg.subscriptionId, undefined);
    assert.is(mg.location, undefined);
  }
});

views('non-string location and apiVersion are undefined, never coerced', () => {
  const v = toResourceView({ id: '/subscriptions/S1/resourceGroups/rg1', location: 5, apiVersion: null });
  if (isDiagnostic(v)) assert.unreachable(v.message);
  else {
    assert.is(v.location, undefined);
    assert.is(v.apiVersion, undefined);
  }
});

views('bad resources are coded diagnostics', () => {
  const cases: [unknown, string][] = [
    [{ name: 'x' }, 'load.invalid-resource'],
    [{ id: 5 }, 'load.invalid-resource'],
    [null, 'load.invalid-resource'],
    [[], 'load.invalid-resource'],
    [{ id: '/subscriptions/S1/resourceGroups/../x' }, 'load.invalid-resource-id'],
    [{ id: 'vm1' }, 'load.invalid-resource-id'],
  ];
  for (const [raw, code] of cases) {
    const v = toResourceView(raw as Record<string, unknown>);
    assert.ok(isDiagnostic(v), JSON.stringify(raw));
    if (isDiagnostic(v)) assert.is(v.code, code);
  }
  // an inherited "id" is not the resource's id
  const proto = Object.create({ id: '/subscriptions/S1' }) as Record<string, unknown>;
  assert.ok(isDiagnostic(toResourceView(proto)));
});

views.run();

// ── hierarchy ─────────────────────────────────────────────────────────────────────────────

const h = suite('hierarchy');
const ROOT = '72f988bf-0000-0000-0000-000000000000';
const S1 = '11111111-1111-1111-1111-111111111111';
const S2 = '22222222-2222-2222-2222-222222222222';
const LONE = '99999999-9999-9999-9999-999999999999';
const mgId = formatManagementGroupId;

h('ancestorsOf: resource → parents → RG → subscription → MGs → root "/"', () => {
  const t = mgTree();
  const ext = `/subscriptions/${S2}/resourceGroups/app/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Security/assessments/a1`;
  assert.equal(t.ancestorsOf(ext), [
    `/subscriptions/${S2}/resourceGroups/app/providers/Microsoft.Compute/virtualMachines/vm1`,
    `/subscriptions/${S2}/resourceGroups/app`,
    `/subscriptions/${S2}`,
    mgId('corp'),
    mgId('landingzones'),
    mgId(ROOT),
    TENANT_SCOPE_ID,
  ]);
  assert.equal(t.ancestorsOf(`/subscriptions/${S1}`), [mgId('connectivity'), mgId('platform'), mgId(ROOT), '/']);
  assert.equal(t.ancestorsOf(mgId('connectivity')), [mgId('platform'), mgId(ROOT), '/']);
  assert.equal(t.ancestorsOf(`/subscriptions/${LONE}/resourceGroups/x`), [`/subscriptions/${LONE}`, '/']);
  assert.equal(t.ancestorsOf('/providers/Microsoft.Authorization/policyDefinitions/d1'), ['/']);
  assert.equal(t.ancestorsOf(`${mgId('platform')}/providers/Microsoft.Authorization/policyAssignments/a1`), [mgId('platform'), mgId(ROOT), '/']);
  assert.equal(t.ancestorsOf('not an id'), []);
  assert.equal(t.ancestorsOf('/'), []);
});

h('ancestorsOf: a subscription the snapshot never named hangs under "/"', () => {
  const t = mgTree();
  assert.equal(t.ancestorsOf('/subscriptions/unknown/resourceGroups/rg'), ['/subscriptions/unknown', '/']);
});

h('subscriptionsUnder: transitive, sorted, MG id case-insensitive', () => {
  const t = mgTree();
  assert.equal(t.subscriptionsUnder(mgId(ROOT)), [`/subscriptions/${S1}`, `/subscriptions/${S2}`]);
  assert.equal(t.subscriptionsUnder(mgId('PLATFORM')), [`/subscriptions/${S1}`]);
  assert.equal(t.subscriptionsUnder(mgId('landingzones')), [`/subscriptions/${S2}`]);
  assert.equal(t.subscriptionsUnder(mgId('nope')), []);
  assert.equal(t.subscriptionsUnder('/'), [`/subscriptions/${S1}`, `/subscriptions/${S2}`, `/subscriptions/${LONE}`]);
});

h('nodes: implied containers, display names, parents, deterministic order', () => {
  const t = mgTree();
  const corp = t.node(mgId('corp'));
  assert.ok(corp);
  assert.is(corp!.implied, true, 'corp only appears in an ancestors chain');
  assert.is(corp!.displayName, 'Corp');
  assert.is(corp!.parentId, mgId('landingzones'));
  const lz = t.node(mgId('LandingZones'));
  assert.is(lz!.implied, false);
  assert.is(lz!.parentId, mgId(ROOT));
  assert.is(t.node(mgId(ROOT))!.parentId, '/');
  assert.is(t.root.kind, 'tenant');
  assert.is(t.root.parentId, undefined);
  const order = t.nodes().map((n) => n.id.toLowerCase());
  assert.equal(order, [...order].sort());
  assert.is(order[0], '/');
  assert.equal(
    t.childrenOf(mgId(ROOT)).map((n) => n.id),
    [mgId('landingzones'), mgId('platform')],
  );
});

h('resource ids imply subscriptions and resource groups', () => {
  const { hierarchy, diagnostics } = buildHierarchy([
    { id: '/subscriptions/S1/resourceGroups/RG1/providers/Microsoft.Compute/virtualMachines/vm1' },
    { id: '/subscriptions/s1/resourceGroups/rg2' },
    { id: 'garbage' },
    { nothing: true },
  ]);
  assert.equal(diagnostics, []);
  assert.equal(hierarchy.subscriptions().map((n) => [n.id, n.implied]), [['/subscriptions/S1', true]]);
  assert.equal(hierarchy.resourceGroups().map((n) => [n.id, n.implied, n.parentId]), [
    ['/subscriptions/S1/resourceGroups/RG1', true, '/subscriptions/S1'],
    ['/subscriptions/s1/resourceGroups/rg2', false, '/subscriptions/S1'],
  ]);
  assert.is(hierarchy.node('/subscriptions/S1')!.parentId, '/');
});

h('the container resource gives the canonical id spelling', () => {
  const { hierarchy } = buildHierarchy([
    { id: '/subscriptions/abc/resourcegroups/rg/providers/A.B/c/d' },
    { id: '/subscriptions/ABC' },
  ]);
  assert.is(hierarchy.node('/subscriptions/abc')!.id, '/subscriptions/ABC');
  assert.is(hierarchy.node('/subscriptions/abc')!.implied, false);
});

h('ARM management group GET: details.parent and $expand=children', () => {
  const { hierarchy, diagnostics } = buildHierarchy([
    {
      id: mgId('top'),
      type: 'Microsoft.Management/managementGroups',
      name: 'top',
      properties: {
        displayName: 'Top',
        details: { parent: { id: mgId('tenantroot') } },
        children: [
          { type: 'Microsoft.Management/managementGroups', id: mgId('child'), name: 'child', displayName: 'Child', children: [{ type: '/subscriptions', id: '/subscriptions/S9', name: 'S9', displayName: 'Nine' }] },
          { type: '/subscriptions', id: '/subscriptions/S8', name: 'S8' },
        ],
      },
    },
  ]);
  assert.equal(diagnostics, []);
  assert.equal(hierarchy.ancestorsOf('/subscriptions/S9'), [mgId('child'), mgId('top'), mgId('tenantroot'), '/']);
  assert.equal(hierarchy.subscriptionsUnder(mgId('top')), ['/subscriptions/S8', '/subscriptions/S9']);
  assert.is(hierarchy.node('/subscriptions/S9')!.displayName, 'Nine');
  assert.is(hierarchy.node(mgId('top'))!.displayName, 'Top');
});

h('subscription with no MG adopts its tenant root group (name = tenant id)', () => {
  const { hierarchy } = buildHierarchy([
    { id: mgId('tid-1'), type: 'Microsoft.Management/managementGroups', properties: { displayName: 'Tenant Root Group' } },
    { id: '/subscriptions/S1', subscriptionId: 'S1', tenantId: 'TID-1' },
    { id: '/subscriptions/S2', subscriptionId: 'S2', tenantId: 'other' },
  ]);
  assert.equal(hierarchy.ancestorsOf('/subscriptions/S1'), [mgId('tid-1'), '/']);
  assert.equal(hierarchy.ancestorsOf('/subscriptions/S2'), ['/']);
});

h('conflicting parents: first statement wins, warning', () => {
  const { hierarchy, diagnostics } = buildHierarchy([
    { id: '/subscriptions/S1', type: 'microsoft.resources/subscriptions', properties: { managementGroupAncestorsChain: [{ name: 'a' }, { name: 'root' }] } },
    { id: mgId('b'), properties: { children: [{ id: '/subscriptions/S1', type: '/subscriptions' }] } },
  ]);
  assert.is(diagnostics.length, 1);
  assert.is(diagnostics[0]!.code, 'load.hierarchy-conflict');
  assert.is(diagnostics[0]!.severity, 'warning');
  assert.equal(hierarchy.ancestorsOf('/subscriptions/S1'), [mgId('a'), mgId('root'), '/']);
});

h('cycles are broken deterministically with an error, never a hang', () => {
  const { hierarchy, diagnostics } = buildHierarchy([
    { id: mgId('x'), properties: { details: { parent: { id: mgId('y') } } } },
    { id: mgId('y'), properties: { details: { parent: { id: mgId('z') } } } },
    { id: mgId('z'), properties: { details: { parent: { id: mgId('x') } } } },
    { id: mgId('self'), properties: { details: { parent: { name: 'self' } } } },
    { id: '/subscriptions/S1', properties: { managementGroupAncestorsChain: [{ name: 'z' }] } },
  ]);
  const codes = diagnostics.map((d) => d.code);
  assert.equal(codes, ['load.hierarchy-cycle', 'load.hierarchy-cycle']);
  // x (smallest key of the cycle) is detached to the root: S1 → z → x → /
  assert.equal(hierarchy.ancestorsOf('/subscriptions/S1'), [mgId('z'), mgId('x'), '/']);
  assert.equal(hierarchy.ancestorsOf(mgId('self')), ['/']);
});

h('contains: textual scopes, "/" and invalid input', () => {
  const t = mgTree();
  assert.is(t.contains('/', 'garbage'), false);
  assert.is(t.contains('/', '/'), true);
  assert.is(t.contains('garbage', `/subscriptions/${S1}`), false);
  assert.is(t.contains(`/subscriptions/${S1}`, `/subscriptions/${S1}/resourceGroups/hub`), true);
  assert.is(t.contains(mgId('platform'), `/subscriptions/${S1}/resourceGroups/hub/../x`), false);
  assert.is(t.contains(mgId('platform'), mgId('platform')), true);
});

h.run();
