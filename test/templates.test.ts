// Template expansion cases: fixtures/cases/templates/*.yaml, kind `template` (delegated by test/cases.test.ts).
// A case gives `template`, optional `parameters` ({ name: { value } }), `scope` (the target scope id), `location`,
// `resourceGroup`/`subscription` objects, and `expect: { count?, resources?: [subset…], skipped?, failed? }` (each listed
// entry is matched as a subset, in order) or `expectError: <code>` (a failed resource's code or an error finding).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { parse } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { expandDeployment, type ExpandResult } from '../engine/remediation/index.js';
import { FIXTURES } from './support/paths.js';

type Case = Record<string, any> & { id: string; kind: string };

function subset(actual: unknown, expected: unknown, path: string): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) subset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.ok((actual as unknown[]).length >= expected.length, `${path}: expected at least ${expected.length} items, got ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => subset((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  assert.equal(actual, expected, `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function run(c: Case): ExpandResult {
  return expandDeployment(
    { name: c.deploymentName ?? 'case', scope: c.scope, ...(c.location ? { location: c.location } : {}), properties: { mode: 'Incremental', template: c.template, parameters: c.parameters ?? {} } },
    { ...(c.resourceGroup ? { resourceGroup: c.resourceGroup } : {}), ...(c.subscription ? { subscription: c.subscription } : {}), now: '2024-01-01T00:00:00Z' },
  );
}

const files = fg.sync('cases/templates/*.{yaml,yml}', { cwd: FIXTURES }).sort();
let total = 0;
for (const file of files) {
  const doc = parse(readFileSync(join(FIXTURES, file), 'utf8')) as { cases?: Case[] };
  const s = suite(file);
  const seen = new Set<string>();
  for (const c of doc.cases ?? []) {
    if (c.kind !== 'template') continue;
    total++;
    s(String(c.id), () => {
      assert.ok(!seen.has(c.id), `duplicate case id ${c.id}`);
      seen.add(c.id);
      const r = run(c);
      if (c.expectError !== undefined) {
        const codes = [...r.failed.map((f) => f.code), ...r.warnings.filter((w) => w.severity === 'error').map((w) => w.code)];
        assert.ok(codes.includes(c.expectError), `expected ${c.expectError}, got ${JSON.stringify(codes)}`);
        return;
      }
      assert.ok(c.expect !== undefined, 'case has no expectation');
      const e = c.expect as { count?: number; resources?: unknown[]; skipped?: unknown[]; failed?: unknown[] };
      if (e.failed === undefined) assert.equal(r.failed, [], 'unexpected failures');
      if (e.count !== undefined) assert.is(r.resources.length, e.count);
      if (e.resources !== undefined) subset(r.resources, e.resources, 'resources');
      if (e.skipped !== undefined) subset(r.skipped, e.skipped, 'skipped');
      if (e.failed !== undefined) subset(r.failed, e.failed, 'failed');
      // Determinism: the same input expands to the same output.
      assert.equal(run(c), r);
    });
  }
  s.run();
}
if (total === 0) throw new Error('no template cases under fixtures/cases/templates');
