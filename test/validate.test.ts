// dine validate: every authoring check has a bad and a good sample under fixtures/validate/; each finding is
// asserted by code, JSON pointer, line:column and severity, and the position is checked against the file text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { validateSources, formatValidation, buildValidationSarif } from '../engine/validate/index.js';
import { parsePointer } from '../engine/diagnostics/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'fixtures', 'validate');
const rel = (f: string): string => `fixtures/validate/${f}`;
const validate = (...files: string[]) => validateSources(files.map((f) => ({ file: rel(f), text: readFileSync(join(DIR, f), 'utf8') })));

type Expect = { code: string; pointer: string; line: number; column: number; severity: 'error' | 'warning' | 'info' };
const EXPECTED: Record<string, Expect[]> = {
  'alias-type-mismatch': [{ code: 'compile.alias-type-mismatch', pointer: '/properties/policyRule/if/allOf/1/field', line: 13, column: 13, severity: 'warning' }],
  'unknown-parameter': [{ code: 'expr.unknown-parameter', pointer: '/properties/policyRule/if/notIn', line: 8, column: 9, severity: 'error' }],
  'unused-parameter': [{ code: 'compile.unused-parameter', pointer: '/properties/parameters/tagName', line: 6, column: 7, severity: 'warning' }],
  'default-not-allowed': [{ code: 'validate.default-not-allowed', pointer: '/properties/parameters/effect/defaultValue', line: 12, column: 9, severity: 'error' }],
  'effect-needs-details': [{ code: 'validate.effect-needs-details', pointer: '/properties/parameters/effect/allowedValues/1', line: 10, column: 11, severity: 'error' }],
  'aine-needs-type': [{ code: 'validate.effect-needs-details', pointer: '/properties/parameters/effect/allowedValues/1', line: 10, column: 11, severity: 'error' }],
  'missing-roles': [{ code: 'validate.missing-role-definitions', pointer: '/properties/policyRule/then/details', line: 12, column: 9, severity: 'error' }],
  'details-name': [{ code: 'validate.details-name-required', pointer: '/properties/policyRule/then/details/name', line: 14, column: 11, severity: 'error' }],
  'function-not-allowed': [{ code: 'expr.function-not-allowed', pointer: '/properties/policyRule/if/allOf/1/value', line: 13, column: 13, severity: 'error' }],
  'array-alias-as-scalar': [{ code: 'validate.array-alias-as-scalar', pointer: '/properties/policyRule/if/allOf/1/field', line: 13, column: 13, severity: 'warning' }],
  'modify-operation': [
    { code: 'validate.modify-operation', pointer: '/properties/policyRule/then/details/operations/0/operation', line: 18, column: 15, severity: 'error' },
    { code: 'compile.alias-type-mismatch', pointer: '/properties/policyRule/then/details/operations/1/field', line: 24, column: 15, severity: 'warning' },
  ],
  'like-without-wildcard': [{ code: 'validate.like-without-wildcard', pointer: '/properties/policyRule/if/allOf/1/like', line: 14, column: 13, severity: 'warning' }],
  'match-literal-asterisk': [{ code: 'validate.match-literal-asterisk', pointer: '/properties/policyRule/if/allOf/1/match', line: 14, column: 13, severity: 'warning' }],
  'unknown-alias': [{ code: 'compile.unknown-alias', pointer: '/properties/policyRule/if/allOf/1/field', line: 13, column: 13, severity: 'error' }],
  'assignment-parameter': [{ code: 'compile.parameter-not-allowed', pointer: '/1/properties/parameters/effect/value', line: 36, column: 11, severity: 'error' }],
};

const files = readdirSync(DIR).sort();

for (const [name, expected] of Object.entries(EXPECTED)) {
  const ext = files.includes(`${name}.bad.json`) ? 'json' : 'yaml';
  test(`validate: ${name} — the bad sample gives exactly the expected findings`, () => {
    const file = `${name}.bad.${ext}`;
    const r = validate(file);
    const got = r.findings.map((f) => ({ code: f.code, pointer: f.pointer, line: f.source?.line, column: f.source?.column, severity: f.severity }));
    assert.equal(got, expected);
    // The position names the member the pointer ends in (a key, or an array element's value).
    const lines = readFileSync(join(DIR, file), 'utf8').split('\n');
    for (const f of r.findings) {
      const token = parsePointer(f.pointer!).pop()!;
      const at = lines[f.source!.line - 1]!.slice(f.source!.column - 1);
      assert.ok(/^\d+$/.test(token) || at.startsWith(`"${token}"`) || at.startsWith(`${token}:`), `${file}:${f.source!.line}:${f.source!.column} is "${at}", not ${token}`);
      assert.ok(f.message.length > 0);
    }
  });
  test(`validate: ${name} — the good sample is clean`, () => {
    const r = validate(`${name}.good.${ext}`);
    assert.equal(r.findings, []);
    assert.equal(r.summary.errors, 0);
  });
}

test('validate: the YAML sample reports the schema fault with its YAML line:column', () => {
  const r = validate('schema-fault.bad.yaml');
  assert.equal(r.findings.map((f) => [f.code, f.pointer, f.source?.line, f.source?.column]), [['parse.unknown-operator', '/properties/policyRule/if/allOf/1/lessThan', 11, 11]]);
  assert.equal(validate('schema-fault.good.yaml').findings, []);
});

test('validate: every sample file is covered by a test', () => {
  const names = new Set([...Object.keys(EXPECTED), 'schema-fault']);
  for (const f of files) assert.ok(names.has(f.replace(/\.(bad|good)\.(json|yaml)$/, '')), f);
});

test('validate: every finding carries a hint when its code has one, and a fix hint for the new checks', () => {
  const r = validate('like-without-wildcard.bad.json', 'default-not-allowed.bad.json', 'details-name.bad.json');
  for (const f of r.findings) assert.ok(f.hint !== undefined && f.hint.length > 0, f.code);
});

test('validate: the shipped pack validates clean', () => {
  const pack = ['policies/builtin', 'policies/dine', 'policies/initiatives'].flatMap((d) =>
    readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.json')).sort().map((f) => `${d}/${f}`),
  );
  const r = validateSources(pack.map((f) => ({ file: f, text: readFileSync(join(ROOT, f), 'utf8') })));
  assert.equal(r.findings.filter((f) => f.severity !== 'info'), []);
  assert.equal(r.summary.documents, pack.length);
});

test('validate: an initiative whose member definition is among the files is checked against it', () => {
  const def = { id: '/providers/Microsoft.Authorization/policyDefinitions/d1', properties: { mode: 'All', parameters: { effect: { type: 'String', allowedValues: ['Audit', 'Disabled'], defaultValue: 'Audit' } }, policyRule: { if: { field: 'type', equals: 'Microsoft.Compute/virtualMachines' }, then: { effect: "[parameters('effect')]" } } } };
  const set = { id: '/providers/Microsoft.Authorization/policySetDefinitions/s1', properties: { parameters: { unused: { type: 'String', defaultValue: 'x' } }, policyDefinitions: [{ policyDefinitionId: def.id, policyDefinitionReferenceId: 'm1', parameters: { effect: { value: 'Deny' } } }, { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/elsewhere', policyDefinitionReferenceId: 'm2' }] } };
  const r = validateSources([{ file: 'set.json', text: JSON.stringify([def, set], null, 2) }]);
  const codes = r.findings.map((f) => `${f.code} ${f.pointer}`);
  assert.ok(codes.includes('compile.unused-parameter /1/properties/parameters/unused'), codes.join('\n'));
  assert.ok(codes.includes('validate.unresolved-definition /1/properties/policyDefinitions/1'), codes.join('\n'));
  assert.ok(codes.some((c) => c.startsWith('compile.parameter-not-allowed /1/properties/policyDefinitions/0')), codes.join('\n'));
});

test('validate: syntax errors and unknown documents are findings, not crashes', () => {
  const r = validateSources([{ file: 'broken.json', text: '{ "properties": ' }, { file: 'other.yaml', text: 'hello: world\n' }]);
  assert.equal(r.findings.map((f) => f.code), ['load.invalid-json', 'load.unknown-document']);
  assert.equal(r.findings[0]!.source?.file, 'broken.json');
});

test('validate: text, json and sarif output; SARIF passes the SARIF 2.1.0 schema', () => {
  const r = validate('modify-operation.bad.json', 'schema-fault.bad.yaml');
  const text = formatValidation(r, 'text');
  assert.match(text, /fixtures\/validate\/modify-operation\.bad\.json:18:15: error validate\.modify-operation: /);
  assert.match(text, /2 errors, 1 warning, 0 notes in 2 documents \(2 files\)\n$/);
  const json = JSON.parse(formatValidation(r, 'json')) as { summary: { errors: number }; findings: unknown[] };
  assert.equal(json.summary.errors, 2);
  assert.equal(json.findings.length, 3);
  const sarif = buildValidationSarif(r, '0.1.0');
  const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'sarif-2.1.0.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv.default({ strict: false, validateFormats: false, allErrors: true });
  const ok = ajv.validate(schema, sarif);
  assert.ok(ok, JSON.stringify(ajv.errors));
  const run = (sarif['runs'] as Record<string, unknown>[])[0]!;
  const results = run['results'] as { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
  assert.equal(results.map((x) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.region.startLine]), [
    ['validate.modify-operation', 'error', 18],
    ['compile.alias-type-mismatch', 'warning', 24],
    ['parse.unknown-operator', 'error', 11],
  ]);
  assert.equal(formatValidation(r, 'sarif'), formatValidation(r, 'sarif'));
});

test.run();
