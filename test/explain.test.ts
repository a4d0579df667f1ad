// explainResource: the traced if, the related candidates and why each does or does not satisfy the existence
// condition, deployment parameters, and the text rendering.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicy, RelatedIndex, toResourceView, type ResourceView } from '../engine/index.js';
import { explainResource, formatExplanationText, formatExplanationJson } from '../engine/explain/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const json = (rel: string): unknown => JSON.parse(readFileSync(join(ROOT, rel), 'utf8'));
const view = (raw: unknown): ResourceView => toResourceView(raw as never) as ResourceView;
const dine = compilePolicy(json('policies/builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json'));
const vm1 = view(json('fixtures/policy-tests/explain/vm1.json'));
const related = new RelatedIndex((json('fixtures/policy-tests/explain/related.json') as unknown[]).map(view));

test('explain: DINE on a VM whose assessment is Healthy through mdeTvm', () => {
  const e = explainResource({ policy: dine, resource: vm1, related });
  assert.equal(e.complianceState, 'NonCompliant');
  assert.equal(e.ifResult, true);
  assert.equal(e.conditions.map((c) => [c.pointer, c.path, c.value, c.result]), [['/properties/policyRule/if/anyof/0', 'type', 'Microsoft.Compute/virtualMachines', true]]);
  assert.equal(e.existence?.type, 'Microsoft.Security/assessments');
  assert.equal(e.existence?.name, 'ffff0522-1e88-47fc-8382-2a80ba848f5d');
  assert.equal(e.existence?.totalResources, 1);
  const c = e.existence!.candidates[0]!;
  assert.equal(c.satisfied, false);
  assert.match(c.resourceId, /virtualMachines\/vm1\/providers\/Microsoft\.Security\/assessments\//);
  assert.equal(c.conditions.map((r) => [r.path, r.expressionValue, r.targetValue, r.result]), [
    ['properties.status.code', 'Healthy', 'NotApplicable', false],
    ['properties.status.code', 'Healthy', 'Healthy', true],
    ['properties.status.cause', 'mdeTvm', 'default', false],
  ]);
  assert.equal(e.deploymentParameters, { vmName: 'vm1', resourceType: 'Microsoft.Compute/virtualMachines', vaType: 'default' });
});

test('explain: the same VM with vaType mdeTvm satisfies the existence condition', () => {
  const e = explainResource({ policy: compilePolicy(json('policies/builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json'), { parameters: { vaType: 'mdeTvm' } }), resource: vm1, related });
  assert.equal(e.complianceState, 'Compliant');
  assert.equal(e.existence!.candidates.map((c) => c.satisfied), [true]);
});

test('explain: an if that does not hold lists the leaves and no related resources', () => {
  const arc = view({ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/a1', type: 'Microsoft.HybridCompute/machines', location: 'westeurope', tags: { MDFCSecurityConnector: 'x' } });
  const e = explainResource({ policy: dine, resource: arc, related });
  assert.equal(e.complianceState, 'NotApplicable');
  assert.equal(e.ifResult, false);
  assert.equal(e.conditions.map((c) => [c.operator, c.result]), [['equals', false], ['equals', true], ['notContainsKey', false]]);
  assert.equal(e.existence, undefined);
});

test('explain: no related resources known gives Unknown with the reason', () => {
  const e = explainResource({ policy: dine, resource: vm1 });
  assert.equal(e.complianceState, 'Unknown');
  assert.equal(e.existence?.candidates, []);
  assert.match(e.existence!.message, /No related resources were provided/);
});

test('explain: text and JSON renderings', () => {
  const e = explainResource({ policy: dine, resource: vm1, related });
  const text = formatExplanationText(e);
  assert.match(text, /related {3}Microsoft\.Security\/assessments named ffff0522-1e88-47fc-8382-2a80ba848f5d \(existence scope resourceGroup\): 1 candidate\n/);
  assert.match(text, /✗ does not satisfy the existence condition: /);
  assert.match(text, /false Microsoft\.Security\/assessments\/status\.cause Equals "default": value "mdeTvm" \(read from properties\.status\.cause\)/);
  assert.match(text, /result {4}NonCompliant\n/);
  assert.match(text, /vmName = "vm1"/);
  const parsed = JSON.parse(formatExplanationJson(e)) as { complianceState: string };
  assert.equal(parsed.complianceState, 'NonCompliant');
});

test.run();
