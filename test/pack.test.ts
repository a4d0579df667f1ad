// The shipped pack (policies/**, templates/**) and the scanner data it is generated from.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTINS, buildPack } from '../engine/scanner/data/pack.js';
import { readBuiltinReferences } from '../engine/scanner/data/build-pack.js';
import { SUPPORT_MATRIX, findSupportedOsForArc, findSupportedOsForVm, matchesLike } from '../engine/scanner/data/support-matrix.js';
import { AZURE_REGIONS, QUALYS_DATA_CENTRES, findQualysDataCentre } from '../engine/scanner/data/data-centres.js';
import { SCAN_COMMANDS, findScanCommand } from '../engine/scanner/data/scan-commands.js';
import { ARC_OSES, VM_IMAGES } from '../engine/generate/shapes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REFERENCE_DIR = join(ROOT, '..', 'shared', 'reference', 'builtins');
const references = readBuiltinReferences(REFERENCE_DIR);
if (!references) console.log(`pack.test: ${REFERENCE_DIR} absent; built-in comparisons skipped`);

type Obj = Record<string, unknown>;
const readJson = (rel: string): Obj => JSON.parse(readFileSync(join(ROOT, rel), 'utf8')) as Obj;
const props = (d: Obj): Obj => d['properties'] as Obj;

function listJson(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `${dir}/${f}`);
}

const DEFINITIONS = [...listJson('policies/builtin'), ...listJson('policies/dine')];
const INITIATIVES = listJson('policies/initiatives');

// ── built-ins ───────────────────────────────────────────────────────────────────────────────────────────────

test('the three built-ins are shipped', () => {
  assert.equal(listJson('policies/builtin'), BUILTINS.map((b) => `policies/builtin/${b.name}.json`).sort());
});

test('built-in policyRule, parameters, mode, id and name are the reference values byte for byte', () => {
  if (!references) return;
  for (const b of BUILTINS) {
    const ref = references.get(b.referenceFile) as Obj;
    const ours = readJson(`policies/builtin/${b.name}.json`);
    assert.is(JSON.stringify(props(ours)['policyRule']), JSON.stringify(props(ref)['policyRule']), `${b.name} policyRule`);
    assert.is(JSON.stringify(props(ours)['parameters']), JSON.stringify(props(ref)['parameters']), `${b.name} parameters`);
    assert.is(props(ours)['mode'], props(ref)['mode']);
    assert.is(ours['id'], ref['id']);
    assert.is(ours['name'], ref['name']);
  }
});

test('built-in displayName and description are our own words', () => {
  if (!references) return;
  for (const b of BUILTINS) {
    const ref = props(references.get(b.referenceFile) as Obj);
    const ours = props(readJson(`policies/builtin/${b.name}.json`));
    assert.is.not(ours['displayName'], ref['displayName']);
    assert.is.not(ours['description'], ref['description']);
  }
});

// ── generated files are current ─────────────────────────────────────────────────────────────────────────────

test('the committed pack equals what build-pack generates', () => {
  const files = buildPack(references ? { builtinReferences: references } : {});
  assert.ok(files.size >= 4);
  for (const [path, text] of files) {
    assert.ok(existsSync(join(ROOT, path)), `${path} missing: run node dist/engine/scanner/data/build-pack.js`);
    assert.is(readFileSync(join(ROOT, path), 'utf8'), text, `${path} is out of date: run node dist/engine/scanner/data/build-pack.js`);
  }
});

test('--scope re-bases dine ids and the initiative references, not the built-in references', () => {
  const scope = '/providers/Microsoft.Management/managementGroups/contoso';
  const files = buildPack({ scope });
  const vm = JSON.parse(files.get('policies/dine/dine-va-deploy-vm.json')!) as Obj;
  assert.is(vm['id'], `${scope}/providers/Microsoft.Authorization/policyDefinitions/dine-va-deploy-vm`);
  const set = props(JSON.parse(files.get('policies/initiatives/dine-vulnerability-assessment.json')!) as Obj);
  const ids = (set['policyDefinitions'] as Obj[]).map((m) => String(m['policyDefinitionId']));
  assert.ok(ids.includes('/providers/Microsoft.Authorization/policyDefinitions/13ce0167-8ca6-4048-8e6b-f996402e3c1b'));
  assert.ok(ids.includes(`${scope}/providers/Microsoft.Authorization/policyDefinitions/dine-defender-servers-audit`));
});

// ── definition hygiene ──────────────────────────────────────────────────────────────────────────────────────

function checkParameters(file: string, parameters: Obj): void {
  for (const [name, raw] of Object.entries(parameters)) {
    const p = raw as Obj;
    assert.type(p['type'], 'string', `${file} ${name} type`);
    assert.ok('defaultValue' in p, `${file} parameter ${name} has a defaultValue`);
    if (Array.isArray(p['allowedValues'])) {
      assert.ok((p['allowedValues'] as unknown[]).some((v) => JSON.stringify(v) === JSON.stringify(p['defaultValue'])), `${file} ${name} default in allowedValues`);
    }
  }
}

test('every definition has id, name, type, displayName, description, mode and sound parameters', () => {
  assert.ok(DEFINITIONS.length >= 6);
  for (const file of DEFINITIONS) {
    const d = readJson(file);
    const p = props(d);
    assert.type(d['id'], 'string', file);
    assert.ok(String(d['id']).endsWith(`/providers/Microsoft.Authorization/policyDefinitions/${String(d['name'])}`), `${file} id ends with name`);
    assert.is(d['type'], 'Microsoft.Authorization/policyDefinitions');
    assert.ok(file.endsWith(`/${String(d['name'])}.json`), `${file} is named after its name`);
    for (const k of ['displayName', 'description', 'mode']) assert.ok(typeof p[k] === 'string' && (p[k] as string).length > 0, `${file} ${k}`);
    assert.ok((p['displayName'] as string).length <= 128, `${file} displayName ≤ 128`);
    assert.ok((p['description'] as string).length <= 512, `${file} description ≤ 512`);
    checkParameters(file, p['parameters'] as Obj);
    const rule = p['policyRule'] as Obj;
    assert.ok(rule && rule['if'] && rule['then'], `${file} policyRule`);
  }
});

test('dine definitions: DINE details, Security Admin, existence by name, policyType Custom', () => {
  for (const name of ['dine-va-deploy-vm', 'dine-va-deploy-arc']) {
    const p = props(readJson(`policies/dine/${name}.json`));
    assert.is(p['policyType'], 'Custom');
    const details = ((p['policyRule'] as Obj)['then'] as Obj)['details'] as Obj;
    assert.is(details['type'], 'Microsoft.Security/serverVulnerabilityAssessments');
    assert.is(details['name'], 'default');
    assert.not.ok('existenceCondition' in details);
    assert.equal(details['roleDefinitionIds'], ['/providers/Microsoft.Authorization/roleDefinitions/fb1c8493-542b-48eb-b624-b4c8fea62acd']);
    const template = ((details['deployment'] as Obj)['properties'] as Obj)['template'] as Obj;
    assert.is(template['$schema'], 'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#');
  }
  const audit = props(readJson('policies/dine/dine-defender-servers-audit.json'));
  assert.is(audit['mode'], 'All');
  const d = ((audit['policyRule'] as Obj)['then'] as Obj)['details'] as Obj;
  assert.equal(d, { type: 'Microsoft.Security/pricings', name: 'VirtualMachines', existenceScope: 'Subscription', existenceCondition: { field: 'Microsoft.Security/pricings/pricingTier', equals: 'Standard' } });
});

test('the initiative: members exist, member parameters exist in the member, initiative parameters are used and sound', () => {
  assert.equal(INITIATIVES, ['policies/initiatives/dine-vulnerability-assessment.json']);
  const set = readJson(INITIATIVES[0]!);
  const p = props(set);
  assert.is(set['type'], 'Microsoft.Authorization/policySetDefinitions');
  checkParameters(INITIATIVES[0]!, p['parameters'] as Obj);
  const byId = new Map(DEFINITIONS.map((f) => [String(readJson(f)['id']).toLowerCase(), readJson(f)]));
  const groups = new Set((p['policyDefinitionGroups'] as Obj[]).map((g) => g['name']));
  const refIds = new Set<string>();
  const used = new Set<string>();
  for (const m of p['policyDefinitions'] as Obj[]) {
    const def = byId.get(String(m['policyDefinitionId']).toLowerCase());
    assert.ok(def, `member ${String(m['policyDefinitionId'])} is in the pack`);
    const refId = String(m['policyDefinitionReferenceId']);
    assert.not.ok(refIds.has(refId), `unique reference id ${refId}`);
    refIds.add(refId);
    for (const g of m['groupNames'] as string[]) assert.ok(groups.has(g), `group ${g}`);
    const memberParams = props(def!)['parameters'] as Obj;
    for (const [k, v] of Object.entries(m['parameters'] as Obj)) {
      assert.ok(k in memberParams, `${refId}: ${k} is a parameter of the member`);
      const ref = /^\[parameters\('([^']+)'\)\]$/.exec(String((v as Obj)['value']));
      if (ref) used.add(ref[1]!);
    }
  }
  assert.equal([...used].sort(), Object.keys(p['parameters'] as Obj).sort(), 'every initiative parameter is passed to a member, and only those');
  assert.ok(refIds.has('configureVaProvider') && refIds.has('auditVaSolution'));
});

// ── the generated conditions agree with the support matrix ─────────────────────────────────────────────────

const ALIAS_PATHS: Record<string, string[]> = {
  type: ['type'],
  tags: ['tags'],
  'Microsoft.Compute/imagePublisher': ['properties', 'storageProfile', 'imageReference', 'publisher'],
  'Microsoft.Compute/imageOffer': ['properties', 'storageProfile', 'imageReference', 'offer'],
  'Microsoft.Compute/imageSku': ['properties', 'storageProfile', 'imageReference', 'sku'],
  'Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType': ['properties', 'storageProfile', 'osDisk', 'osType'],
  'Microsoft.HybridCompute/machines/osType': ['properties', 'osType'],
  'Microsoft.HybridCompute/machines/osName': ['properties', 'osName'],
  'Microsoft.HybridCompute/machines/osSku': ['properties', 'osSku'],
};

/** A deliberately small reading of the operators the pack uses (strings, case-insensitive), for this test only. */
function holds(c: Obj, r: Obj): boolean {
  if (Array.isArray(c['allOf'])) return (c['allOf'] as Obj[]).every((x) => holds(x, r));
  if (Array.isArray(c['anyOf'])) return (c['anyOf'] as Obj[]).some((x) => holds(x, r));
  const path = ALIAS_PATHS[String(c['field'])];
  if (!path) throw new Error(`test evaluator: field ${String(c['field'])} not mapped`);
  let v: unknown = r;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Obj)[k] : undefined;
  const s = typeof v === 'string' ? v.toLowerCase() : undefined;
  if ('equals' in c) return s === String(c['equals']).toLowerCase();
  if ('notEquals' in c) return s !== String(c['notEquals']).toLowerCase();
  if ('in' in c) return s !== undefined && (c['in'] as string[]).some((x) => x.toLowerCase() === s);
  if ('like' in c) return typeof v === 'string' && matchesLike(v, String(c['like']));
  if ('notContainsKey' in c) return !(v && typeof v === 'object' && Object.keys(v).some((k) => k.toLowerCase() === String(c['notContainsKey']).toLowerCase()));
  throw new Error(`test evaluator: operator in ${JSON.stringify(c)}`);
}

const ifOf = (name: string): Obj => (props(readJson(`policies/dine/${name}.json`))['policyRule'] as Obj)['if'] as Obj;

test('dine-va-deploy-vm applies exactly to VMs whose image the support matrix covers', () => {
  const cond = ifOf('dine-va-deploy-vm');
  for (const image of VM_IMAGES) {
    const vm = { type: 'Microsoft.Compute/virtualMachines', properties: { storageProfile: { imageReference: { publisher: image.publisher, offer: image.offer, sku: image.sku }, osDisk: { osType: image.osType } } } };
    const matrix = findSupportedOsForVm({ osType: image.osType, publisher: image.publisher, offer: image.offer, sku: image.sku }) !== undefined;
    assert.is(holds(cond, vm), matrix, `${image.key}: rule vs matrix`);
    assert.is(matrix, image.supported, `${image.key}: matrix vs the image's supported flag`);
  }
  assert.not.ok(holds(cond, { type: 'Microsoft.HybridCompute/machines', properties: { osType: 'windows' } }));
});

test('dine-va-deploy-arc applies exactly to untagged Arc machines whose OS the matrix covers', () => {
  const cond = ifOf('dine-va-deploy-arc');
  for (const os of ARC_OSES) {
    const m = { type: 'Microsoft.HybridCompute/machines', tags: {}, properties: { osType: os.osType, osName: os.osName, osSku: os.osSku } };
    const matrix = findSupportedOsForArc({ osType: os.osType, osSku: os.osSku }) !== undefined;
    assert.is(holds(cond, m), matrix, `${os.key}: rule vs matrix`);
    assert.is(matrix, os.supported, `${os.key}: matrix vs flag`);
    assert.not.ok(holds(cond, { ...m, tags: { mdfcsecurityconnector: 'x' } }), `${os.key}: tagged machines are excluded`);
  }
  // An agent that reports osName but no osType (API 2020-08-02) is still recognised as Windows.
  assert.ok(holds(cond, { type: 'Microsoft.HybridCompute/machines', properties: { osName: 'windows', osType: null } }));
});

test('support matrix: documented rows, like patterns with at most one wildcard', () => {
  assert.is(SUPPORT_MATRIX.length, 12);
  for (const r of SUPPORT_MATRIX) {
    const patterns = [...(r.arc.osSkuPatterns ?? []), ...r.azureImages.flatMap((m) => [...(m.offerPatterns ?? []), ...(m.skuPatterns ?? [])])];
    for (const p of patterns) assert.ok(p.split('*').length <= 2, `${r.id}: "${p}" has more than one *`);
  }
  assert.is(SUPPORT_MATRIX.find((r) => r.id === 'centos')?.documentedVersions, '5.4+, 6, 7, 7.1-7.8, 8-8.4');
  assert.ok(matchesLike('Ubuntu 20.04.6 LTS', 'ubuntu 20.04*'));
  assert.not.ok(matchesLike('Ubuntu 22.04.4 LTS', 'Ubuntu 20.04*'));
  assert.ok(matchesLike('Amazon Linux 2', 'amazon linux 2'));
});

// ── regions, data centres, commands ─────────────────────────────────────────────────────────────────────────

test('Qualys data centre by region: European geographies → EU, elsewhere → US', () => {
  for (const loc of ['westeurope', 'North Europe', 'francecentral', 'germanywestcentral', 'swedencentral', 'uksouth', 'ukwest', 'norwayeast', 'switzerlandnorth', 'polandcentral', 'italynorth', 'spaincentral']) {
    assert.is(findQualysDataCentre(loc).dataCentre.id, 'EU', loc);
  }
  for (const loc of ['eastus', 'westus2', 'israelcentral', 'qatarcentral', 'uaenorth', 'japaneast', 'brazilsouth']) assert.is(findQualysDataCentre(loc).dataCentre.id, 'US', loc);
  const unknown = findQualysDataCentre('eastus2euap');
  assert.is(unknown.dataCentre.id, 'US');
  assert.is(unknown.basis, 'unknown-region');
  assert.is(QUALYS_DATA_CENTRES.US.host, 'qagpublic.qg3.apps.qualys.com');
  assert.is(QUALYS_DATA_CENTRES.EU.host, 'qagpublic.qg2.apps.qualys.eu');
  assert.is(QUALYS_DATA_CENTRES.EU.port, 443);
  const names = AZURE_REGIONS.map((r) => r.name);
  assert.equal(names, [...names].sort());
  assert.is(new Set(names).size, names.length);
});

test('on-demand scan commands are the documented text', () => {
  assert.is(SCAN_COMMANDS.Windows.command, 'REG ADD HKLM\\SOFTWARE\\Qualys\\QualysAgent\\ScanOnDemand\\Vulnerability /v "ScanOnDemand" /t REG_DWORD /d "1" /f');
  assert.is(SCAN_COMMANDS.Linux.command, 'sudo /usr/local/qualys/cloud-agent/bin/cloudagentctl.sh action=demand type=vm');
  assert.is(findScanCommand('windows'), SCAN_COMMANDS.Windows);
  assert.is(findScanCommand('Linux'), SCAN_COMMANDS.Linux);
  assert.is(findScanCommand(undefined), undefined);
});

// ── templates ───────────────────────────────────────────────────────────────────────────────────────────────

const SCHEMAS = {
  rg: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  sub: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
  mg: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
};

test('templates have the $schema of their scope', () => {
  const expected: Record<string, string> = {
    'va-vm.json': SCHEMAS.rg,
    'va-arc.json': SCHEMAS.rg,
    'va-at-scale-rg.json': SCHEMAS.rg,
    'va-at-scale-sub.json': SCHEMAS.sub,
    'va-at-scale-mg.json': SCHEMAS.mg,
  };
  assert.equal(listJson('templates').map((f) => f.slice('templates/'.length)), Object.keys(expected).sort());
  for (const [file, schema] of Object.entries(expected)) {
    const t = readJson(`templates/${file}`);
    assert.is(t['$schema'], schema, file);
    assert.is(t['contentVersion'], '1.0.0.0', file);
  }
});

test('single-machine templates create serverVulnerabilityAssessments/default scoped to the machine', () => {
  for (const [file, param, type] of [['va-vm.json', 'vmName', 'Microsoft.Compute/virtualMachines'], ['va-arc.json', 'machineName', 'Microsoft.HybridCompute/machines']] as const) {
    const t = readJson(`templates/${file}`);
    assert.ok(param in (t['parameters'] as Obj));
    const [r] = t['resources'] as Obj[];
    assert.is(r!['type'], 'Microsoft.Security/serverVulnerabilityAssessments');
    assert.is(r!['name'], 'default');
    assert.is(r!['apiVersion'], '2020-01-01');
    assert.is(r!['scope'], `[concat('${type}/', parameters('${param}'))]`);
  }
});

test('at-scale templates assign 13ce0167 with an identity and grant Security Admin at the same scope', () => {
  for (const [scope, fn] of [['mg', 'managementGroup()'], ['sub', 'subscription()'], ['rg', 'resourceGroup()']] as const) {
    const t = readJson(`templates/va-at-scale-${scope}.json`);
    const resources = t['resources'] as Obj[];
    const assignment = resources.find((r) => r['type'] === 'Microsoft.Authorization/policyAssignments')!;
    const role = resources.find((r) => r['type'] === 'Microsoft.Authorization/roleAssignments')!;
    assert.ok(assignment && role, scope);
    assert.equal(assignment['identity'], { type: 'SystemAssigned' });
    assert.is(assignment['location'], "[parameters('location')]");
    assert.match(JSON.stringify(t['variables']), '13ce0167-8ca6-4048-8e6b-f996402e3c1b');
    assert.match(JSON.stringify(t['variables']), 'fb1c8493-542b-48eb-b624-b4c8fea62acd');
    assert.ok(String(role['name']).startsWith(`[guid(${fn}.id`), `${scope} role name`);
    assert.match(String((role['properties'] as Obj)['principalId']), /^\[reference\(.*\)\.identity\.principalId\]$/);
    assert.match(JSON.stringify(t['variables']), `${fn}.id`);
  }
});

test.run();
