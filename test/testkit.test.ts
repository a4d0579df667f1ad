// The testkit: the example suites under fixtures/policy-tests, failures reported with reasons, subset matching,
// golden deployments (missing, equal, different, --update-golden), coverage, and the JUnit / JSON outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { runPolicyTests, formatTestText, formatTestJunit, formatTestJson, testRunFailed, subsetMatch, type TestHost } from '../engine/testkit/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const at = (rel: string): string => join(ROOT, rel);
const disk: TestHost = { readFile: (f) => readFile(f, 'utf8') };

/** A host over disk plus in-memory overrides (for generated test files and goldens). */
function memoryHost(files: Record<string, string>): TestHost & { written: Record<string, string> } {
  const written: Record<string, string> = {};
  return {
    written,
    readFile: async (f) => (Object.hasOwn(written, f) ? written[f]! : Object.hasOwn(files, f) ? files[f]! : readFile(f, 'utf8')),
    writeFile: async (f, t) => void (written[f] = t),
  };
}

test('testkit: the example suite passes; files, inline resources and per-case parameters work', async () => {
  const r = await runPolicyTests([at('fixtures/policy-tests/example/tag-policy.test.yaml')], disk);
  assert.equal(r.summary, { files: 1, cases: 4, passed: 4, failed: 0, fileErrors: 0 });
  assert.not.ok(testRunFailed(r));
  const text = formatTestText(r);
  assert.match(text, /✓ a tagged storage account is compliant/);
  assert.match(text, /4 passed, 0 failed \(4 cases in 1 files\); condition coverage 100\.0%\n$/);
});

test('testkit: a wrong expectation fails with what evaluation gave', async () => {
  const r = await runPolicyTests([at('fixtures/policy-tests/failing/wrong.test.json')], disk);
  assert.equal([r.summary.passed, r.summary.failed], [1, 1]);
  assert.ok(testRunFailed(r));
  assert.equal(r.files[0]!.cases[0]!.failures, ['state: expected Compliant, got NonCompliant (Current value must not be equal to the target value.)']);
  assert.match(formatTestText(r), /✗ expects the wrong state\n {6}state: expected Compliant, got NonCompliant/);
});

test('testkit: subset matching of reasons', () => {
  assert.ok(subsetMatch({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(subsetMatch([{ a: 1 }], [{ a: 2 }, { a: 1, c: 3 }]));
  assert.not.ok(subsetMatch({ a: 1 }, { a: '1' }));
  assert.not.ok(subsetMatch({ a: [1, 2] }, { a: [1] }));
});

const DINE_TEST = (golden: string): string => `
policy: ${at('policies/builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json')}
complete: true
related: []
cases:
  - name: arc without assessment
    resource: { id: /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg2/providers/Microsoft.HybridCompute/machines/arc1, type: Microsoft.HybridCompute/machines, location: westeurope }
    expect: { state: NonCompliant, deployment: ${golden} }
`;

test('testkit: golden deployments — missing fails, --update-golden writes, equal passes, different fails with a diff', async () => {
  const file = at('fixtures/policy-tests/tmp-golden.test.yaml');
  const golden = at('fixtures/policy-tests/tmp-golden.json');
  const host = memoryHost({ [file]: DINE_TEST('tmp-golden.json') });
  let r = await runPolicyTests([file], host);
  assert.match(r.files[0]!.cases[0]!.failures[0]!, /golden file tmp-golden\.json is missing \(run with --update-golden/);
  r = await runPolicyTests([file], host, { updateGolden: true });
  assert.ok(!testRunFailed(r));
  const written = JSON.parse(host.written[golden]!) as { scope: string; parameters: Record<string, { value: unknown }>; resources: { id: string }[] };
  // The same deployment as the pack's golden file for arc1 (digest §13.2 step 4–5).
  assert.equal(host.written[golden], await readFile(at('fixtures/policy-tests/golden/13ce0167-arc1.json'), 'utf8'));
  assert.equal(written.scope, '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg2');
  r = await runPolicyTests([file], host);
  assert.ok(!testRunFailed(r));
  host.written[golden] = host.written[golden]!.replace('"arc1"', '"arc9"');
  r = await runPolicyTests([file], host);
  assert.match(r.files[0]!.cases[0]!.failures[0]!, /deployment: differs from tmp-golden\.json:\n {4}- .*arc9.*\n {4}\+ .*arc1/);
});

test('testkit: a bad test file is a coded fault, not a crash', async () => {
  const file = at('fixtures/policy-tests/tmp-bad.test.yaml');
  const host = memoryHost({ [file]: 'cases: []\n' });
  const r = await runPolicyTests([file], host);
  assert.equal(r.files[0]!.diagnostics.map((d) => d.code), ['test.invalid-file', 'test.invalid-file']);
  assert.ok(testRunFailed(r));
  const host2 = memoryHost({ [file]: `policy: nowhere.json\ncases: [{ name: x, resource: {}, expect: { state: Compliant } }]\n` });
  const r2 = await runPolicyTests([file], host2);
  assert.match(r2.files[0]!.diagnostics[0]!.message, /cannot read nowhere\.json/);
});

test('testkit: a case that expects nothing fails', async () => {
  const file = at('fixtures/policy-tests/example/tmp-empty.test.yaml');
  const host = memoryHost({ [file]: 'policy: tag-policy.yaml\ncases:\n  - name: nothing\n    resource: resources/sa-tagged.json\n' });
  const r = await runPolicyTests([file], host);
  assert.match(r.files[0]!.cases[0]!.failures[0]!, /expects nothing/);
});

test('testkit: coverage records each leaf seen true and false', async () => {
  const r = await runPolicyTests([at('policies/builtin/501541f7-f7e7-4cd6-868c-4190fdad3ac9.test.yaml')], disk);
  assert.equal(r.coverage.length, 1);
  assert.equal(r.coverage[0]!.leaves, [
    { pointer: '/properties/policyRule/if', true: true, false: true },
    { pointer: '/properties/policyRule/then/details/existenceCondition', true: true, false: true },
  ]);
  assert.equal(r.coveragePercent, 100);
  const partial = await runPolicyTests([at('policies/dine/dine-va-deploy-vm.test.yaml')], disk);
  assert.ok(partial.coveragePercent > 0 && partial.coveragePercent < 100, String(partial.coveragePercent));
  const leaves = partial.coverage[0]!.leaves;
  assert.equal(leaves.find((l) => l.pointer === '/properties/policyRule/if/allOf/0'), { pointer: '/properties/policyRule/if/allOf/0', true: true, false: true });
  // RHEL leaves after the first are short-circuited by the test's images: never evaluated.
  assert.ok(leaves.some((l) => !l.true && !l.false));
  assert.match(formatTestText(partial, { coverage: true }), /: never evaluated\n/);
});

test('testkit: JUnit XML and JSON outputs', async () => {
  const r = await runPolicyTests([at('fixtures/policy-tests/example/tag-policy.test.yaml'), at('fixtures/policy-tests/failing/wrong.test.json')], disk);
  const xml = formatTestJunit(r);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: { tests: string; failures: string; testsuite: { testcase: unknown[] }[] } };
  assert.equal([doc.testsuites.tests, doc.testsuites.failures], ['6', '1']);
  assert.equal(doc.testsuites.testsuite.length, 2);
  assert.match(xml, /<failure message="state: expected Compliant, got NonCompliant/);
  const json = JSON.parse(formatTestJson(r)) as { summary: { failed: number } };
  assert.equal(json.summary.failed, 1);
  assert.equal(formatTestJunit(r), formatTestJunit(await runPolicyTests([at('fixtures/policy-tests/example/tag-policy.test.yaml'), at('fixtures/policy-tests/failing/wrong.test.json')], disk)));
});

test.run();
