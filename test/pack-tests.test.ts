// The policy pack's own tests: every definition and initiative under policies/ ships a *.test.yaml next to it,
// run here through the testkit (so `npm test` covers them) — the same runner `dine test policies` uses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPolicyTests, formatTestText, testRunFailed } from '../engine/testkit/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIRS = ['policies/builtin', 'policies/dine', 'policies/initiatives'];
const host = { readFile: (f: string) => readFile(f, 'utf8') };

test('every policy in the pack has a test file', () => {
  for (const d of DIRS) {
    const names = readdirSync(join(ROOT, d));
    for (const f of names.filter((n) => n.endsWith('.json'))) assert.ok(names.includes(f.replace(/\.json$/, '.test.yaml')), `${d}/${f} has no test file`);
  }
});

test('the pack tests pass', async () => {
  const files = DIRS.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.test.yaml')).sort().map((f) => join(ROOT, d, f)));
  const r = await runPolicyTests(files, host);
  assert.ok(!testRunFailed(r), formatTestText(r));
  assert.ok(r.summary.cases >= 60, `only ${r.summary.cases} cases`);
  // Each test file names its policy, and every member of the initiative is asserted somewhere.
  for (const f of r.files) assert.ok(f.policy !== '' && f.cases.length > 0, f.file);
  const members = new Set(r.files.flatMap((f) => f.cases.map((c) => c.member).filter((m): m is string => m !== undefined)));
  const set = JSON.parse(readFileSync(join(ROOT, 'policies/initiatives/dine-vulnerability-assessment.json'), 'utf8')) as { properties: { policyDefinitions: { policyDefinitionReferenceId: string }[] } };
  for (const m of set.properties.policyDefinitions) assert.ok(members.has(m.policyDefinitionReferenceId), m.policyDefinitionReferenceId);
});

test.run();
