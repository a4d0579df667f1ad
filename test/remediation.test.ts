// Remediation: DINE deployments and their expansions for the vulnerability-assessment policies on a VM and an
// Arc machine (golden files, UPDATE_GOLDEN=1 rewrites them), errors for unevaluable templates/parameters, the
// built-in DINE corpus expanded on synthetic resources (known failures listed in fixtures/known-failures/expand.txt),
// plans, output files and the post-remediation simulation.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compilePolicy, evaluateResource, RelatedIndex, toResourceView, type ResourceView } from '../engine/index.js';
import type { ComplianceRecord } from '../engine/model/index.js';
import type { AssignmentDoc } from '../engine/parse/types.js';
import { isDiagnostic } from '../engine/scope/index.js';
import { buildDeployment, expandDeployment, planRemediation, safeFileStem, simulate, stableStringify, writeRemediationOutputs, type Deployment } from '../engine/remediation/index.js';
import { evaluate, type EvaluateInput } from '../engine/evaluate/estate.js';
import { loadSnapshot } from '../engine/load/snapshot.js';
import { expandCorpus } from './remediation-corpus.js';
import { FIXTURES, REPO_ROOT, SHARED, requireShared } from './support/paths.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-machines`;
const ASSIGNMENT_ID = `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/va-dine`;
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function policyFile(rel: string): unknown {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'policies', rel), 'utf8'));
}

function view(raw: Record<string, unknown>): ResourceView {
  const v = toResourceView(raw);
  if (isDiagnostic(v)) throw new Error(v.message);
  return v;
}

const VM = view({
  id: `${RG}/providers/Microsoft.Compute/virtualMachines/vm1`,
  name: 'vm1',
  type: 'Microsoft.Compute/virtualMachines',
  location: 'westeurope',
  tags: {},
  properties: { storageProfile: { osDisk: { osType: 'Windows' }, imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter' } } },
});
const ARC = view({
  id: `${RG}/providers/Microsoft.HybridCompute/machines/arc1`,
  name: 'arc1',
  type: 'Microsoft.HybridCompute/machines',
  location: 'westeurope',
  tags: {},
  properties: { osType: 'windows', osName: 'windows', osSku: 'Windows Server 2022 Datacenter' },
});

const ASSIGNMENT: AssignmentDoc = {
  kind: 'policyAssignment',
  id: ASSIGNMENT_ID,
  name: 'va-dine',
  location: 'westeurope',
  identity: { type: 'SystemAssigned', principalId: '11111111-1111-1111-1111-111111111111', tenantId: '22222222-2222-2222-2222-222222222222' },
  scope: `/subscriptions/${SUB}`,
  policyDefinitionId: '',
  notScopes: [],
  parameters: {},
  enforcementMode: 'Default',
  nonComplianceMessages: [],
  overrides: [],
  resourceSelectors: [],
  pointers: {},
};

const CONTEXT = {
  now: '2024-05-01T00:00:00.0000000Z',
  resourceGroup: { id: RG, name: 'rg-machines', type: 'Microsoft.Resources/resourceGroups', location: 'westeurope', tags: {}, properties: { provisioningState: 'Succeeded' } },
  subscription: { id: `/subscriptions/${SUB}`, subscriptionId: SUB, tenantId: '22222222-2222-2222-2222-222222222222', displayName: 'Contoso' },
};

/** The record evaluate() would give: the policy evaluated on the machine with related resources that do not satisfy it. */
function nonCompliantRecord(policy: ReturnType<typeof compilePolicy>, machine: ResourceView, related: ResourceView[]): ComplianceRecord {
  const r = evaluateResource(policy, machine, { related: new RelatedIndex(related), context: CONTEXT });
  assert.is(r.complianceState, 'NonCompliant', `${policy.name} on ${machine.id}: ${JSON.stringify(r.reasons)}`);
  return {
    resourceId: machine.id,
    resourceType: machine.type,
    resourceLocation: machine.location,
    resourceGroup: machine.resourceGroup,
    subscriptionId: SUB,
    policyAssignmentId: ASSIGNMENT_ID,
    policyAssignmentScope: ASSIGNMENT.scope,
    policyDefinitionId: policy.id ?? '',
    effect: 'deployIfNotExists',
    complianceState: r.complianceState,
    reasons: r.reasons,
  };
}

/** An assessment that keeps 13ce0167 NonCompliant (Unhealthy), on the machine. */
function unhealthyAssessment(machine: ResourceView): ResourceView {
  return view({
    id: `${machine.id}/providers/Microsoft.Security/assessments/ffff0522-1e88-47fc-8382-2a80ba848f5d`,
    name: 'ffff0522-1e88-47fc-8382-2a80ba848f5d',
    type: 'Microsoft.Security/assessments',
    properties: { status: { code: 'Unhealthy' } },
  });
}

/** A scanner on another machine: the snapshot knows the type, this machine has none. */
const OTHER_SCANNER = view({
  id: `${RG}/providers/Microsoft.Compute/virtualMachines/other/providers/Microsoft.Security/serverVulnerabilityAssessments/default`,
  name: 'default',
  type: 'Microsoft.Security/serverVulnerabilityAssessments',
  properties: {},
});

function golden(name: string, value: unknown): void {
  const file = join(FIXTURES, 'golden', 'remediation', name);
  const text = stableStringify(value);
  if (UPDATE || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    if (!UPDATE) console.log(`notice: wrote new golden file ${name}`);
    return;
  }
  assert.fixture(text, readFileSync(file, 'utf8'), `golden ${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

const CASES = [
  { label: '13ce0167-vm', file: 'builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json', machine: VM, related: [unhealthyAssessment(VM)], provider: 'Microsoft.Compute/virtualMachines/vm1' },
  { label: '13ce0167-arc', file: 'builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json', machine: ARC, related: [unhealthyAssessment(ARC)], provider: 'Microsoft.HybridCompute/machines/arc1' },
  { label: 'dine-va-deploy-vm', file: 'dine/dine-va-deploy-vm.json', machine: VM, related: [OTHER_SCANNER], provider: 'Microsoft.Compute/virtualMachines/vm1' },
  { label: 'dine-va-deploy-arc', file: 'dine/dine-va-deploy-arc.json', machine: ARC, related: [OTHER_SCANNER], provider: 'Microsoft.HybridCompute/machines/arc1' },
] as const;

for (const c of CASES) {
  test(`golden: ${c.label} deployment and expansion`, () => {
    const policy = compilePolicy(policyFile(c.file));
    const record = nonCompliantRecord(policy, c.machine, [...c.related]);
    const built = buildDeployment(record, policy, c.machine, ASSIGNMENT, CONTEXT);
    assert.ok(!('error' in built), JSON.stringify(built));
    const d = built as Deployment;
    const { expansion, ...deployment } = d;
    assert.ok(expansion);
    // The scanner lands on the machine itself, as an extension resource.
    const ids = expansion!.resources.map((r) => r.id);
    assert.equal(ids, [`${RG}/providers/${c.provider}/providers/Microsoft.Security/serverVulnerabilityAssessments/default`]);
    assert.is(expansion!.resources[0]!.type, 'Microsoft.Security/serverVulnerabilityAssessments');
    assert.is(expansion!.skipped.length, 1, 'the other machine kind is skipped by its condition');
    assert.is(d.scope, RG);
    assert.ok(d.id.startsWith(`${RG}/providers/Microsoft.Resources/deployments/`));
    assert.equal(d.roleAssignments.map((r) => [r.scope, r.roleDefinitionId, r.principalId]), [
      [`/subscriptions/${SUB}`, '/providers/Microsoft.Authorization/roleDefinitions/fb1c8493-542b-48eb-b624-b4c8fea62acd', '11111111-1111-1111-1111-111111111111'],
    ]);
    // The template is passed verbatim.
    const raw = policyFile(c.file) as { properties: { policyRule: { then: { details: { deployment: { properties: { template: unknown } } } } } } };
    assert.equal(d.properties.template, raw.properties.policyRule.then.details.deployment.properties.template);
    golden(`${c.label}.deployment.json`, deployment);
    golden(`${c.label}.expansion.json`, expansion);
  });
}

test('deployment names are deterministic guid(assignmentId, referenceId, resourceId)', () => {
  const policy = compilePolicy(policyFile(CASES[0].file));
  const record = nonCompliantRecord(policy, VM, [unhealthyAssessment(VM)]);
  const a = buildDeployment(record, policy, VM, ASSIGNMENT, CONTEXT) as Deployment;
  const b = buildDeployment(record, policy, VM, ASSIGNMENT, CONTEXT) as Deployment;
  assert.is(a.name, b.name);
  assert.match(a.name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const other = buildDeployment({ ...record, policyDefinitionReferenceId: 'ref1' }, policy, VM, ASSIGNMENT, CONTEXT) as Deployment;
  assert.is.not(other.name, a.name);
  assert.match(a.nameSource, /not reproducible/);
});

test('a deployment parameter that cannot be evaluated gives an error entry with the reason', () => {
  const def = structuredClone(policyFile(CASES[0].file)) as any;
  def.properties.policyRule.then.details.deployment.properties.parameters.vmName.value = "[substring(field('name'), 0, 50)]";
  const policy = compilePolicy(def);
  const record = nonCompliantRecord(policy, VM, [unhealthyAssessment(VM)]);
  const built = buildDeployment(record, policy, VM, ASSIGNMENT, CONTEXT);
  assert.ok('error' in built);
  const e = (built as { error: { code: string; message: string; resourceId: string } }).error;
  assert.is(e.resourceId, VM.id);
  assert.match(e.message, /parameter cannot be evaluated/);
  assert.is(e.code, 'expr.function-failed');
});

test('a template that cannot be evaluated gives an error entry with the reason and pointer', () => {
  const def = structuredClone(policyFile(CASES[0].file)) as any;
  def.properties.policyRule.then.details.deployment.properties.template.variables.resourceNameAndVaType = "[concat(parameters('vmName'), variables('nope'))]";
  const policy = compilePolicy(def);
  const record = nonCompliantRecord(policy, VM, [unhealthyAssessment(VM)]);
  const built = buildDeployment(record, policy, VM, ASSIGNMENT, CONTEXT);
  assert.ok('error' in built);
  const e = (built as { error: { code: string; message: string; pointer?: string } }).error;
  assert.is(e.code, 'deploy.expand-failed');
  assert.match(e.message, /Variable "nope" is not defined/);
  assert.is(e.pointer, '/variables/resourceNameAndVaType');
});

test('a record that is not a NonCompliant deployIfNotExists record is refused', () => {
  const policy = compilePolicy(policyFile(CASES[0].file));
  const record = nonCompliantRecord(policy, VM, [unhealthyAssessment(VM)]);
  const r = buildDeployment({ ...record, complianceState: 'Compliant' }, policy, VM, ASSIGNMENT, CONTEXT);
  assert.ok('error' in r);
});

test('subscription-level DINE (766e621d): deployment at /subscriptions/S with details.deployment.location', () => {
  const policy = compilePolicy(policyFile('builtin/766e621d-ba95-4e43-a6f2-e945db3d7888.json'));
  const sub = view({ id: `/subscriptions/${SUB}`, type: 'Microsoft.Resources/subscriptions', name: SUB, subscriptionId: SUB, properties: {} });
  const record: ComplianceRecord = {
    resourceId: sub.id, resourceType: sub.type, policyAssignmentId: ASSIGNMENT_ID, policyAssignmentScope: ASSIGNMENT.scope,
    policyDefinitionId: policy.id ?? '', effect: 'deployIfNotExists', complianceState: 'NonCompliant', reasons: [],
  };
  const d = buildDeployment(record, policy, sub, ASSIGNMENT, CONTEXT) as Deployment;
  assert.ok(!('error' in d), JSON.stringify(d));
  assert.is(d.scope, `/subscriptions/${SUB}`);
  assert.is(d.location, 'eastus');
  assert.equal(d.expansion!.resources.map((r) => r.id), [`/subscriptions/${SUB}/providers/Microsoft.Security/serverVulnerabilityAssessmentsSettings/AzureServersSetting`]);
});

test('expandDeployment: a failing resource does not stop the others', () => {
  const r = expandDeployment({
    name: 'd',
    scope: RG,
    properties: {
      template: {
        resources: [
          { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[parameters('missing')]" },
          { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'ok1' },
        ],
      },
    },
  });
  assert.equal(r.resources.map((x) => x.name), ['ok1']);
  assert.is(r.failed.length, 1);
  assert.is(r.failed[0]!.code, 'expr.unknown-parameter');
  assert.ok(r.warnings.some((w) => w.code === 'deploy.expand-failed' && w.pointer === '/resources/0/name'));
});

// ── the built-in corpus ────────────────────────────────────────────────────────────────────

const KNOWN_FILE = join(FIXTURES, 'known-failures', 'expand.txt');
const CORPUS = join(SHARED, 'corpora', 'azure-policy-builtins');

/** Why a corpus definition does not expand, in one phrase (the detail follows in the file). */
function category(reason: string): string {
  if (/Function "field" is not allowed in deployment templates/.test(reason)) return 'the template itself calls field(), a policy-only function';
  if (/synthetic resource/.test(reason)) return 'the if-condition type is a parameter with no usable sample value';
  if (/got null|of an object without it|out of range|"sample"|must be a non-empty string, got string/.test(reason)) return 'needs resource properties or parameter values the synthetic resource/sample values do not have';
  return 'other';
}

test('every built-in DINE definition expands on a synthetic matching resource (known failures listed)', () => {
  if (!requireShared('built-in DINE expansion corpus')) return;
  if (!existsSync(CORPUS)) return;
  const outcomes = expandCorpus(CORPUS);
  const failures = outcomes.filter((o) => o.status === 'error');
  const deployed = outcomes.filter((o) => o.status === 'deployment');
  const symbolic = deployed.filter((o) => o.symbolic);
  console.log(
    `  corpus: ${outcomes.length} DINE definitions; ${deployed.length} expanded (${symbolic.length} with symbolic values, ` +
      `${deployed.reduce((n, o) => n + (o.resources ?? 0), 0)} resources), ${failures.length} listed failures, ${outcomes.filter((o) => o.status === 'not-compiled').length} not compiled`,
  );
  // Never an unknown function, an internal error or an unexpected code.
  for (const f of failures) {
    assert.is.not(f.code, 'expr.unknown-function', `${f.path}: ${f.reason}`);
    assert.is.not(category(f.reason ?? ''), 'other', `${f.path}: unexpected failure ${f.code}: ${f.reason}`);
  }
  const lines = failures.map((f) => `${f.path}\t${category(f.reason ?? '')} — ${(f.reason ?? '').replace(/\s+/g, ' ').slice(0, 240)}`).sort();
  const text =
    '# Built-in DINE definitions (paths relative to ../shared/corpora/azure-policy-builtins) whose deployment does not expand on the\n' +
    "# synthetic resource of test/remediation-corpus.ts. <path> TAB <why> — <first error>. Written by UPDATE_GOLDEN=1; the test fails when\n" +
    '# the list changes (a new failure, or a listed one that now expands).\n' +
    lines.join('\n') +
    '\n';
  if (UPDATE || !existsSync(KNOWN_FILE)) {
    writeFileSync(KNOWN_FILE, text);
    return;
  }
  const listed = new Set(
    readFileSync(KNOWN_FILE, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split('\t')[0]),
  );
  const failing = new Set(failures.map((f) => f.path));
  assert.equal([...failing].filter((p) => !listed.has(p)), [], 'new expansion failures (fix them, or list them with UPDATE_GOLDEN=1)');
  assert.equal([...listed].filter((p) => !failing.has(p!)), [], 'listed failures that now expand: UPDATE_GOLDEN=1 shrinks the list');
});

// ── plans, outputs, simulation (evaluate() on the Contoso estate and on a small converging estate) ─────────

const CONTOSO = join(FIXTURES, 'estates', 'contoso');
const jsonDir = (dir: string): unknown[] => readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

async function contoso(): Promise<EvaluateInput> {
  const snapshot = await loadSnapshot([join(CONTOSO, 'resources'), join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json')]);
  return {
    snapshot,
    definitions: [...jsonDir(join(REPO_ROOT, 'policies', 'builtin')), ...jsonDir(join(REPO_ROOT, 'policies', 'dine'))],
    setDefinitions: jsonDir(join(REPO_ROOT, 'policies', 'initiatives')),
    assignments: jsonDir(join(CONTOSO, 'assignments')),
    exemptions: jsonDir(join(CONTOSO, 'exemptions')),
    now: '2024-05-01T00:00:00Z',
  };
}

test('planRemediation: one task per initiative member, Azure defaults, batches of parallelDeployments, deterministic', async () => {
  const input = await contoso();
  const report = evaluate(input);
  const nonCompliant = report.results.filter((r) => r.complianceState === 'NonCompliant' && r.effect === 'deployIfNotExists');
  assert.ok(nonCompliant.length > 0);
  const plan = planRemediation(report);
  assert.equal(plan.errors, []);
  assert.is(plan.deployments.length, nonCompliant.length);
  assert.is(plan.tasks.length, new Set(nonCompliant.map((r) => `${r.policyAssignmentId}#${r.policyDefinitionReferenceId}`)).size);
  const t = plan.tasks[0]!;
  assert.is(t.resourceCount, 500);
  assert.is(t.parallelDeployments, 10);
  assert.equal(t.failureThreshold, { percentage: 1 });
  assert.is(t.resourceDiscoveryMode, 'ExistingNonCompliant');
  assert.ok(t.policyDefinitionReferenceId !== undefined, 'initiative tasks name their member');
  const small = planRemediation(report, { parallelDeployments: 3, failureThreshold: 50 });
  assert.equal(small.tasks[0]!.batches.map((b) => b.length), [3, 3, nonCompliant.length - 6].filter((n) => n > 0));
  assert.equal(small.tasks[0]!.failureThreshold, { percentage: 0.5 });
  // Same input, same plan and byte-identical files.
  const again = planRemediation(evaluate(input), { parallelDeployments: 3, failureThreshold: 50 });
  assert.equal(writeRemediationOutputs(again), writeRemediationOutputs(small));
  // resourceCount: the rest waits for another task.
  const capped = planRemediation(report, { resourceCount: 2 });
  assert.is(capped.deployments.length, 2);
  assert.is(capped.tasks[0]!.overLimit.length, nonCompliant.length - 2);
});

test('planRemediation: selection by ids, scope, location and a JSON Logic filter', async () => {
  const report = evaluate(await contoso());
  const all = planRemediation(report).deployments;
  const one = all[0]!;
  assert.equal(planRemediation(report, { resourceIds: [one.resourceId.toUpperCase()] }).deployments.map((d) => d.resourceId), [one.resourceId]);
  const rg = one.resourceId.split('/providers/')[0]!;
  const inRg = planRemediation(report, { scope: rg }).deployments;
  assert.ok(inRg.length >= 1 && inRg.every((d) => d.resourceId.toLowerCase().startsWith(rg.toLowerCase() + '/')));
  const loc = one.resourceLocation!;
  const byLoc = planRemediation(report, { locations: [loc.toUpperCase()] });
  assert.ok(byLoc.deployments.every((d) => d.resourceLocation?.toLowerCase() === loc.toLowerCase()));
  assert.equal(byLoc.tasks[0]!.filters, { locations: [loc.toLowerCase().replace(/\s+/g, '')] });
  const arc = planRemediation(report, { filter: { '==': [{ var: 'type' }, 'Microsoft.HybridCompute/machines'] } }).deployments;
  assert.ok(arc.length >= 1);
  assert.ok(arc.every((d) => d.resourceId.includes('/Microsoft.HybridCompute/machines/')));
  // The filter sees the raw resource: a Resource Graph row's lower-case type does not equal the ARM spelling.
  const anyCase = planRemediation(report, { filter: { '==': [{ substr: [{ var: 'id' }, 0, 1] }, '/'] } }).deployments;
  assert.is(anyCase.length, all.length);
  const member = planRemediation(report, { filter: { and: [{ '==': [{ var: 'complianceState' }, 'NonCompliant'] }, { '==': [{ var: 'effect' }, 'deployIfNotExists'] }] } });
  assert.is(member.deployments.length, all.length);
});

test('planRemediation: invalid options and filters are coded', async () => {
  const report = evaluate(await contoso());
  const codes = (o: Parameters<typeof planRemediation>[1]) => planRemediation(report, o).errors.map((e) => e.code);
  assert.equal(codes({ resourceCount: 50001 }), ['remediate.invalid-option']);
  assert.equal(codes({ resourceCount: 0 }), ['remediate.invalid-option']);
  assert.equal(codes({ parallelDeployments: 31 }), ['remediate.invalid-option']);
  assert.equal(codes({ failureThreshold: 101 }), ['remediate.invalid-option']);
  assert.equal(codes({ filter: { nosuchop: [1] } }), ['remediate.invalid-filter']);
  assert.equal(codes({ filter: { method: [{ var: 'name' }, 'toUpperCase'] } }), ['remediate.invalid-filter']);
  assert.equal(planRemediation(report, { resourceCount: 50001 }).deployments, []);
});

test('writeRemediationOutputs: safe file names, deploy.sh, REST requests', async () => {
  const report = evaluate(await contoso());
  const plan = planRemediation(report, { parallelDeployments: 3 });
  const { files } = writeRemediationOutputs(plan);
  for (const f of files) assert.match(f.path, /^(deployments\/[A-Za-z0-9][A-Za-z0-9._-]*\.json|plan\.json|deploy\.sh|requests\.(http|json))$/);
  assert.is(files.filter((f) => f.path.startsWith('deployments/') && !f.path.endsWith('.parameters.json')).length, plan.deployments.length);
  const requests = JSON.parse(files.find((f) => f.path === 'requests.json')!.content) as { method: string; url: string; body: { properties: { mode: string } } }[];
  assert.is(requests.length, plan.deployments.length);
  for (const r of requests) {
    assert.is(r.method, 'PUT');
    assert.match(r.url, /^https:\/\/management\.azure\.com\/subscriptions\/[^?]+\/providers\/Microsoft\.Resources\/deployments\/[0-9a-f-]{36}\?api-version=2021-04-01$/);
    assert.is(r.body.properties.mode, 'Incremental');
  }
  const script = files.find((f) => f.path === 'deploy.sh')!.content;
  assert.match(script, /az deployment group create --subscription '[^']+' --resource-group '[^']+' --mode 'Incremental' --name '[0-9a-f-]{36}' --template-file 'deployments\/[^']+\.json' --parameters '@deployments\/[^']+\.parameters\.json'/);
  assert.is((script.match(/for p in/g) ?? []).length, plan.tasks.reduce((n, t) => n + t.batches.length, 0));
  const summary = JSON.parse(files.find((f) => f.path === 'plan.json')!.content) as { counts: { deployments: number }; note: string };
  assert.is(summary.counts.deployments, plan.deployments.length);
  assert.match(summary.note, /not reproducible/);
  // A hostile resource name stays inside deployments/.
  const stem = safeFileStem({ id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Resources/deployments/x', resourceId: "/subscriptions/s/resourceGroups/r/providers/NS/t/..;rm -rf ~ $(x)'" });
  assert.match(stem, /^[A-Za-z0-9][A-Za-z0-9._-]*-[a-z0-9]{13}$/);
});

test('simulate: the VA DINE (13ce0167) does not converge by itself — compliance follows Defender for Cloud', async () => {
  const input = await contoso();
  const report = evaluate(input);
  const plan = planRemediation(report);
  const sim = simulate(input.snapshot, plan, input);
  assert.is(sim.converged.length, 0);
  assert.is(sim.remaining.length, plan.deployments.length);
  for (const r of sim.remaining) {
    assert.is(r.complianceState, 'NonCompliant');
    assert.match(r.reason, /compliance follows Defender for Cloud's next assessment/);
  }
  assert.ok(sim.added.every((id) => /\/providers\/Microsoft\.Security\/serverVulnerabilityAssessments\/default$/.test(id)));
});

test('simulate: a DINE whose existence check reads the deployed resource converges', async () => {
  const rg = { id: RG, name: 'rg-machines', type: 'Microsoft.Resources/subscriptions/resourceGroups', location: 'westeurope', properties: {} };
  const sub = { id: `/subscriptions/${SUB}`, type: 'Microsoft.Resources/subscriptions', name: SUB, subscriptionId: SUB, displayName: 'Contoso', properties: {} };
  const snapshot = await loadSnapshot([sub, rg, VM.raw, OTHER_SCANNER.raw] as Record<string, unknown>[]);
  const input: EvaluateInput = {
    snapshot,
    definitions: [policyFile('dine/dine-va-deploy-vm.json')],
    assignments: [{ id: ASSIGNMENT_ID, name: 'va-dine', location: 'westeurope', identity: { type: 'SystemAssigned', principalId: '11111111-1111-1111-1111-111111111111' }, properties: { scope: `/subscriptions/${SUB}`, policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/dine-va-deploy-vm' } }],
    now: '2024-05-01T00:00:00Z',
  };
  const report = evaluate(input);
  const before = report.results.filter((r) => r.resourceId === VM.id);
  assert.equal(before.map((r) => r.complianceState), ['NonCompliant']);
  const plan = planRemediation(report);
  assert.is(plan.deployments.length, 1);
  const sim = simulate(snapshot, plan, input);
  assert.equal(sim.remaining, []);
  assert.equal(sim.converged.map((c) => [c.resourceId, c.complianceState]), [[VM.id, 'Compliant']]);
});

test.run();
