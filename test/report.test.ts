// engine/report: every reporter on a hand-built ComplianceReport — content, escaping, determinism, SARIF validated
// against the official SARIF 2.1.0 schema, JUnit parsed as XML with the right counts.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComplianceRecord, ComplianceReport } from '../engine/model/index.js';
import { buildSarif, describeDefinitions, describeReason, escapeCell, fileUri, lookupReporter, REPORTERS, STATE_OUTCOME } from '../engine/report/index.js';
import { sarifErrors } from './support/sarif.js';

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111';
const MG = '/providers/Microsoft.Management/managementGroups/contoso';
const A1 = `${MG}/providers/Microsoft.Authorization/policyAssignments/locations`;
const A2 = `${SUB}/providers/Microsoft.Authorization/policyAssignments/tags`;
const DEF_LOC = '/providers/Microsoft.Authorization/policyDefinitions/allowed-locations';
const DEF_TAG = '/providers/Microsoft.Authorization/policyDefinitions/require-tag';
const vm = (name: string, rg = 'rg-app') => `${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

function record(over: Partial<ComplianceRecord> & Pick<ComplianceRecord, 'resourceId' | 'complianceState'>): ComplianceRecord {
  return {
    resourceType: 'Microsoft.Compute/virtualMachines',
    resourceGroup: 'rg-app',
    subscriptionId: '11111111-1111-1111-1111-111111111111',
    policyAssignmentId: A1,
    policyAssignmentName: 'locations',
    policyAssignmentScope: MG,
    policyDefinitionId: DEF_LOC,
    policyDefinitionName: 'allowed-locations',
    policyDefinitionDisplayName: 'Allowed locations',
    effect: 'deny',
    reasons: [],
    ...over,
  };
}

/** Two assignments; every state a reporter treats differently; text that needs escaping. */
function sampleReport(): ComplianceReport {
  const results: ComplianceRecord[] = [
    record({
      resourceId: vm('vm-us-01'),
      complianceState: 'NonCompliant',
      resourceLocation: 'eastus',
      reasons: [{ kind: 'condition', message: 'Current value must be in the target value.', expressionKind: 'Field', expression: 'location', path: 'location', expressionValue: 'eastus', targetValue: ['westeurope', 'northeurope'], operator: 'NotIn', result: true }],
      nonComplianceMessage: 'Deploy to Europe only.',
      source: { file: 'snapshot/corp.json', index: 3, line: 41, column: 3, pointer: '/3' },
    }),
    record({ resourceId: vm('vm-eu-01'), complianceState: 'Compliant', resourceLocation: 'westeurope', source: { file: 'snapshot/corp.json', index: 4, line: 52, column: 3 } }),
    record({
      resourceId: vm('vm-broken'),
      complianceState: 'Error',
      reasons: [{ kind: 'error', message: 'substring(): index out of range | <b>&amp;', code: 'expr.function-failed' }],
      source: { file: 'snapshot/corp.json', index: 5, line: 60, column: 3 },
    }),
    record({
      resourceId: vm('vm-untagged', 'rg-data'),
      resourceGroup: 'rg-data',
      complianceState: 'NonCompliant',
      policyAssignmentId: A2,
      policyAssignmentName: 'tags',
      policyAssignmentScope: SUB,
      policyDefinitionId: DEF_TAG,
      policyDefinitionName: 'require-tag',
      policyDefinitionDisplayName: 'Require a "cost|center" tag',
      effect: 'audit',
      reasons: [{ kind: 'condition', message: 'Value must exist.', expressionKind: 'Field', expression: "tags['cost|center']", operator: 'Exists', targetValue: 'True', result: false }],
      source: { file: 'C:\\exports\\data set.json', index: 0, line: 2, column: 5 },
    }),
    record({
      resourceId: vm('vm-waived', 'rg-data'),
      resourceGroup: 'rg-data',
      complianceState: 'Exempt',
      policyAssignmentId: A2,
      policyAssignmentName: 'tags',
      policyAssignmentScope: SUB,
      policyDefinitionId: DEF_TAG,
      effect: 'audit',
      exemption: { id: `${SUB}/providers/Microsoft.Authorization/policyExemptions/waiver`, category: 'Waiver', expiresOn: '2030-12-31T00:00:00Z' },
      reasons: [{ kind: 'note', message: 'Exempt (Waiver) by waiver; the evaluation said NonCompliant.' }],
    }),
    record({ resourceId: vm('vm-manual', 'rg-data'), resourceGroup: 'rg-data', complianceState: 'Unknown', policyAssignmentId: A2, policyAssignmentName: 'tags', policyAssignmentScope: SUB, policyDefinitionId: DEF_TAG, effect: 'manual' }),
  ];
  return {
    evaluatedAt: '2025-01-01T00:00:00.000Z',
    results,
    summary: {
      records: results.length,
      resources: { NonCompliant: 2, Compliant: 1, Error: 1, Exempt: 1, Unknown: 1 },
      compliancePercentage: 50,
      assignments: [
        { kind: 'assignment', id: A1, displayName: 'Allowed locations | EU', complianceState: 'NonCompliant', resources: { Compliant: 1, Error: 1, NonCompliant: 1 }, compliancePercentage: 33.33, records: 3 },
        { kind: 'assignment', id: A2, displayName: 'tags', complianceState: 'NonCompliant', resources: { Exempt: 1, NonCompliant: 1, Unknown: 1 }, compliancePercentage: 66.67, records: 3 },
      ],
      policies: [],
      scopes: [
        { kind: 'tenant', id: '/', complianceState: 'NonCompliant', resources: { NonCompliant: 2, Compliant: 1, Error: 1, Exempt: 1, Unknown: 1 }, compliancePercentage: 50, records: 6 },
        { kind: 'managementGroup', id: MG, displayName: 'Contoso', complianceState: 'NonCompliant', resources: { NonCompliant: 2, Compliant: 1, Error: 1, Exempt: 1, Unknown: 1 }, compliancePercentage: 50, records: 6 },
        { kind: 'subscription', id: SUB, displayName: 'Corp', complianceState: 'NonCompliant', resources: { NonCompliant: 2, Compliant: 1, Error: 1, Exempt: 1, Unknown: 1 }, compliancePercentage: 50, records: 6 },
        { kind: 'resourceGroup', id: `${SUB}/resourceGroups/rg-app`, complianceState: 'NonCompliant', resources: { NonCompliant: 1, Compliant: 1, Error: 1 }, compliancePercentage: 33.33, records: 3 },
      ],
      byResource: results.map((r) => ({ resourceId: r.resourceId, complianceState: r.complianceState })),
    },
    diagnostics: [
      { code: 'compile.alias-by-convention', severity: 'warning', message: 'Alias "Microsoft.Compute/virtualMachines/foo" is not in the catalogue', pointer: '/properties/policyRule/if/field', source: { file: 'policies/tag.json', line: 12, column: 9 } },
    ],
  };
}

const DEFINITIONS = describeDefinitions([
  { id: DEF_LOC, name: 'allowed-locations', properties: { displayName: 'Allowed locations', description: 'Resources must be deployed to an allowed region.', policyRule: {} } },
  { name: 'require-tag', Properties: { DisplayName: 'Require a tag', Description: 'Resources must carry the cost center tag.' } },
]);

const format = (name: string, report = sampleReport(), options = {}): string => lookupReporter(name)!.format(report, { toolVersion: '9.9.9', definitions: DEFINITIONS, ...options });

// ── registry ────────────────────────────────────────────────────────────────────────────

const registry = suite('REPORTERS');

registry('one entry per format, each named, documented and with an extension', () => {
  assert.equal(REPORTERS.map((r) => r.name), ['table', 'json', 'ndjson', 'markdown', 'sarif', 'junit']);
  for (const r of REPORTERS) {
    assert.ok(r.doc.length > 10, r.name);
    assert.ok(/^[a-z]+$/.test(r.extension), r.name);
    assert.is(lookupReporter(r.name.toUpperCase()), r);
  }
  assert.is(lookupReporter('xml'), undefined);
  assert.ok(Object.isFrozen(REPORTERS));
});

registry('every reporter is deterministic: the same report gives the same bytes', () => {
  for (const r of REPORTERS) {
    const a = r.format(sampleReport(), { definitions: DEFINITIONS, toolVersion: '1.0.0' });
    const b = r.format(sampleReport(), { definitions: DEFINITIONS, toolVersion: '1.0.0' });
    assert.is(a, b, r.name);
    assert.ok(a.endsWith('\n'), `${r.name} ends with a newline`);
  }
});

registry('every reporter copes with an empty report', () => {
  const empty: ComplianceReport = {
    evaluatedAt: '2025-01-01T00:00:00.000Z', results: [], diagnostics: [],
    summary: { records: 0, resources: {}, compliancePercentage: undefined, assignments: [], policies: [], scopes: [], byResource: [] },
  };
  for (const r of REPORTERS) assert.ok(r.format(empty).length > 0, r.name);
  assert.ok(format('table', empty).includes('No policy results.'));
  assert.equal(sarifErrors(JSON.parse(format('sarif', empty))), []);
});

registry('describeDefinitions: id (or the built-in form of the name), display name and description, keys in any case', () => {
  assert.equal(DEFINITIONS, [
    { id: DEF_LOC, name: 'allowed-locations', displayName: 'Allowed locations', description: 'Resources must be deployed to an allowed region.' },
    { id: DEF_TAG, name: 'require-tag', displayName: 'Require a tag', description: 'Resources must carry the cost center tag.' },
  ]);
  assert.equal(describeDefinitions([null, 'x', [], { properties: {} }]), []);
});

registry('describeReason: the sentence, then what was compared; a missing value says so', () => {
  const r = sampleReport().results;
  assert.is(describeReason(r[0]!.reasons[0]!), 'Current value must be in the target value. (field \'location\': "eastus", NotIn ["westeurope","northeurope"])');
  assert.is(describeReason(r[3]!.reasons[0]!), 'Value must exist. (field \'tags[\'cost|center\']\': (missing), Exists "True")');
});

registry('STATE_OUTCOME covers every compliance state', () => {
  assert.equal(Object.keys(STATE_OUTCOME).sort(), ['Compliant', 'Conflict', 'Error', 'Exempt', 'NonCompliant', 'NotApplicable', 'Protected', 'Unknown']);
});

// ── table ───────────────────────────────────────────────────────────────────────────────

const table = suite('table');

table('findings grouped by assignment, then the roll-ups with percentages', () => {
  const out = format('table');
  const lines = out.split('\n');
  const a1 = lines.findIndex((l) => l.startsWith('Assignment Allowed locations | EU'));
  const a2 = lines.findIndex((l) => l.startsWith('Assignment tags'));
  assert.ok(a1 >= 0 && a2 > a1, 'assignments in summary order');
  assert.ok(lines[a1 + 1]!.includes('STATE') && lines[a1 + 1]!.includes('REASON'));
  assert.ok(/NonCompliant\s+rg-app\/vm-us-01\s+Allowed locations\s+Current value must be in the target value\./.test(out));
  assert.ok(/Error\s+rg-app\/vm-broken/.test(out));
  assert.ok(/NonCompliant\s+rg-data\/vm-untagged/.test(out));
  // compliant, exempt and unknown records are not listed as findings
  assert.not.ok(out.includes('vm-eu-01'));
  assert.not.ok(out.includes('vm-waived'));
  assert.ok(/assignment Allowed locations \| EU\s+NonCompliant\s+1\s+1\s+0\s+1\s+0\s+33\.33%/.test(out), out);
  assert.ok(/management group Contoso\s+NonCompliant/.test(out));
  assert.ok(/subscription Corp\s+NonCompliant/.test(out));
  assert.not.ok(out.includes('resourceGroup'), 'resource groups are not rolled up in the table');
  assert.ok(/total\s+—\s+1\s+2\s+1\s+1\s+1\s+50\.00%/.test(out), out);
  assert.ok(out.includes('6 results on 6 resources'));
  assert.ok(out.includes('evaluated at 2025-01-01T00:00:00.000Z'));
  assert.ok(out.includes('1 diagnostic'));
});

table('colour only when asked', () => {
  assert.not.ok(format('table').includes('\u001b['));
  const coloured = format('table', sampleReport(), { color: true });
  assert.ok(coloured.includes('\u001b[31mNonCompliant\u001b[0m'));
  // without the escape codes the text is the same
  assert.is(coloured.replace(/\u001b\[\d+m/g, ''), format('table'));
});

table('a report with no findings says so', () => {
  const r = sampleReport();
  r.results = r.results.filter((x) => x.complianceState === 'Compliant');
  assert.ok(format('table', r).startsWith('No non-compliant resources.'));
});

// ── json ────────────────────────────────────────────────────────────────────────────────

const json = suite('json');

json('the report itself, 2-space indented', () => {
  const out = format('json');
  assert.equal(JSON.parse(out), sampleReport());
  assert.is(out, `${JSON.stringify(sampleReport(), null, 2)}\n`);
  assert.ok(out.startsWith('{\n  "evaluatedAt": "2025-01-01T00:00:00.000Z",'));
});

json('json, sarif and junit in pieces (for reports longer than a string can be): the same bytes', () => {
  const reports: ComplianceReport[] = [
    sampleReport(),
    { ...sampleReport(), results: [], diagnostics: [] },
    // undefined members are left out as JSON.stringify leaves them out; string values keep their escaped line breaks
    { ...sampleReport(), scopes: undefined, diagnostics: [{ code: 'load.read-failed', severity: 'warning', message: 'two\nlines "quoted"' }] } as ComplianceReport,
  ];
  // A report with enough records that its arrays are written element by element.
  const many = sampleReport();
  many.results = Array.from({ length: 5000 }, (_, i) => ({ ...many.results[i % many.results.length]!, resourceId: vm(`vm-${i}`) }));
  reports.push(many);
  for (const name of ['json', 'sarif', 'junit']) {
    const reporter = lookupReporter(name)!;
    for (const r of reports) {
      const pieces = [...reporter.chunks!(r)];
      assert.ok(pieces.length > 1, name);
      assert.is(pieces.join(''), reporter.format(r), name);
    }
    assert.ok([...reporter.chunks!(many)].length > 3, `${name}: large reports in several pieces`);
  }
});

// ── ndjson ──────────────────────────────────────────────────────────────────────────────

json('ndjson: one record per line in report order, then one line with the rest of the report', () => {
  for (const report of [sampleReport(), { ...sampleReport(), results: [], scopes: undefined } as ComplianceReport]) {
    const text = format('ndjson', report);
    assert.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.is(lines.length, report.results.length + 1);
    assert.equal(lines.slice(0, -1), JSON.parse(JSON.stringify(report.results)));
    assert.equal(lines.at(-1), JSON.parse(JSON.stringify({ evaluatedAt: report.evaluatedAt, summary: report.summary, diagnostics: report.diagnostics, scopes: report.scopes ?? [] })));
  }
});

// ── markdown ────────────────────────────────────────────────────────────────────────────

const md = suite('markdown');

md('a PR comment: headline, summary table, findings per assignment with reasons', () => {
  const out = format('markdown');
  assert.ok(out.startsWith('## Azure Policy compliance (dine)\n'));
  assert.ok(out.includes('**2 non-compliant results**, **1 evaluation error**. 6 results on 6 resources; compliance 50.00%'));
  assert.ok(out.includes('| Assignment | State | Compliant | Non-compliant | Exempt | Error | Compliance |'));
  assert.ok(out.includes('| Allowed locations \\| EU | NonCompliant | 1 | 1 | 0 | 1 | 33.33% |'), out);
  assert.ok(out.includes('| **Total** | — | 1 | 2 | 1 | 1 | 50.00% |'));
  assert.ok(out.includes('| NonCompliant | <code>rg-app/vm-us-01</code> | Allowed locations | deny | Current value must be in the target value. (field \'location\': "eastus", NotIn \\["westeurope","northeurope"\\]) |'), out);
  assert.ok(out.includes('### Diagnostics'));
  assert.ok(out.includes('`compile.alias-by-convention` (policies/tag.json:12:9)'));
  // every table row has the same number of unescaped pipes as its header
  for (const block of out.split('\n\n')) {
    const rows = block.split('\n').filter((l) => l.startsWith('|'));
    if (rows.length === 0) continue;
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const r of rows) assert.is(cells(r), cells(rows[0]!), r);
  }
});

md('policy text cannot break the table or inject HTML', () => {
  const out = format('markdown');
  assert.ok(out.includes('substring(): index out of range \\| &lt;b&gt;&amp;amp;'));
  assert.not.ok(out.includes('<b>&amp;'));
  assert.is(escapeCell('a|b\nc<d>`e`*f*_g_[h]\\'), 'a\\|b c&lt;d&gt;\\`e\\`\\*f\\*\\_g\\_\\[h\\]\\\\');
});

md('maxFindings caps the list and says how many are left out', () => {
  const out = format('markdown', sampleReport(), { maxFindings: 1 });
  assert.is(out.split('\n').filter((l) => l.startsWith('| NonCompliant') || l.startsWith('| Error')).length, 1);
  assert.ok(out.includes('_2 more findings not listed; see the json or sarif output._'));
});

md('no findings: a short all-clear', () => {
  const r = sampleReport();
  r.results = r.results.filter((x) => x.complianceState === 'Compliant');
  const out = format('markdown', r);
  assert.ok(out.includes('**No findings.**'));
  assert.not.ok(out.includes('### Non-compliant resources'));
});

// ── sarif ───────────────────────────────────────────────────────────────────────────────

const sarif = suite('sarif');

sarif('validates against the official SARIF 2.1.0 schema', () => {
  const log = JSON.parse(format('sarif'));
  assert.equal(sarifErrors(log), []);
  assert.is(log.version, '2.1.0');
});

sarif('the schema check is real: broken logs are rejected', () => {
  const log = JSON.parse(format('sarif'));
  log.runs[0].results[0].level = 'fatal';
  delete log.runs[0].tool.driver.name;
  log.runs[0].results[1].locations[0].physicalLocation.region.startLine = 0;
  const errors = sarifErrors(log);
  assert.ok(errors.some((e) => e.includes('/runs/0/results/0/level')), errors.join('\n'));
  assert.ok(errors.some((e) => e.includes('/runs/0/tool/driver') && e.includes('name')), errors.join('\n'));
  assert.ok(errors.some((e) => e.includes('startLine')), errors.join('\n'));
});

sarif('rules are the policy definitions of the findings, sorted by id', () => {
  const run = buildSarif(sampleReport(), { definitions: DEFINITIONS, toolVersion: '9.9.9' }).runs as Array<Record<string, any>>;
  const driver = run[0]!['tool'].driver;
  assert.is(driver.name, 'dine');
  assert.is(driver.version, '9.9.9');
  assert.equal(driver.rules.map((r: { id: string }) => r.id), [DEF_LOC, DEF_TAG]);
  assert.is(driver.rules[0].name, 'Allowed locations');
  assert.is(driver.rules[0].fullDescription.text, 'Resources must be deployed to an allowed region.');
  assert.is(driver.rules[0].help.text, 'Resources must be deployed to an allowed region.');
  // the info from --policies wins over the record's display name
  assert.is(driver.rules[1].name, 'Require a tag');
  // without definitions the record's display name stands in
  const bare = buildSarif(sampleReport()).runs as Array<Record<string, any>>;
  assert.is(bare[0]!['tool'].driver.rules[1].fullDescription.text, 'Require a "cost|center" tag');
});

sarif('one result per NonCompliant and Error record, located at the snapshot line', () => {
  const log = JSON.parse(format('sarif'));
  const results = log.runs[0].results as Array<Record<string, any>>;
  assert.is(results.length, 3);
  const [us, broken, untagged] = results;
  assert.is(us!['ruleId'], DEF_LOC);
  assert.is(us!['ruleIndex'], 0);
  assert.is(us!['level'], 'error');
  assert.is(us!['message'].text, 'Current value must be in the target value. (field \'location\': "eastus", NotIn ["westeurope","northeurope"])');
  assert.equal(us!['locations'][0].physicalLocation, { artifactLocation: { uri: 'snapshot/corp.json' }, region: { startLine: 41, startColumn: 3 } });
  assert.is(us!['locations'][0].logicalLocations[0].fullyQualifiedName, vm('vm-us-01'));
  assert.is(us!['properties'].nonComplianceMessage, 'Deploy to Europe only.');
  assert.ok(/^[0-9a-f]{64}$/.test(us!['partialFingerprints']['dineResult/v1']));
  assert.is(broken!['level'], 'error');
  assert.ok(broken!['message'].text.startsWith(`Evaluation error (Error) on ${vm('vm-broken')}: substring()`));
  assert.is(untagged!['ruleIndex'], 1);
  assert.is(untagged!['locations'][0].physicalLocation.artifactLocation.uri, 'file:///C:/exports/data%20set.json');
  // report diagnostics become notifications with their file position
  const n = log.runs[0].invocations[0].toolExecutionNotifications[0];
  assert.is(n.level, 'warning');
  assert.is(n.descriptor.id, 'compile.alias-by-convention');
  assert.equal(n.locations[0].physicalLocation.region, { startLine: 12, startColumn: 9 });
});

sarif('fingerprints are stable and distinct per (assignment, member, resource)', () => {
  const a = JSON.parse(format('sarif')).runs[0].results.map((r: any) => r.partialFingerprints['dineResult/v1']);
  const b = JSON.parse(format('sarif', sampleReport(), { definitions: [] })).runs[0].results.map((r: any) => r.partialFingerprints['dineResult/v1']);
  assert.equal(a, b);
  assert.is(new Set(a).size, a.length);
});

sarif('fileUri: relative stays relative, absolute becomes file:, specials are encoded', () => {
  assert.is(fileUri('./snap/a b.json'), 'snap/a%20b.json');
  assert.is(fileUri('snap\\x#1.json'), 'snap/x%231.json');
  assert.is(fileUri('/tmp/s.json'), 'file:///tmp/s.json');
  assert.is(fileUri('D:\\s.json'), 'file:///D:/s.json');
});

// ── junit ───────────────────────────────────────────────────────────────────────────────

const junit = suite('junit');

function parseJunit(xml: string): any {
  assert.is(XMLValidator.validate(xml), true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml);
}

junit('well-formed XML: one suite per assignment, one case per record, the right counts', () => {
  const xml = format('junit');
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  const doc = parseJunit(xml);
  const root = doc.testsuites;
  assert.equal([root.tests, root.failures, root.errors, root.skipped], ['6', '2', '1', '2']);
  assert.is(root.timestamp, '2025-01-01T00:00:00.000Z');
  const suites = root.testsuite as any[];
  assert.equal(suites.map((s) => s.name), ['Allowed locations | EU', 'tags']);
  assert.equal(suites.map((s) => [s.tests, s.failures, s.errors, s.skipped]), [['3', '1', '1', '0'], ['3', '1', '0', '2']]);
  assert.is(suites.reduce((n, s) => n + s.testcase.length, 0), 6);
  const [us, eu, broken] = suites[0].testcase;
  assert.is(us.name, vm('vm-us-01'));
  assert.is(us.classname, 'Allowed locations');
  assert.is(us.failure.type, 'NonCompliant');
  assert.ok(us.failure.message.startsWith('Current value must be in the target value.'));
  assert.ok(us.failure['#text'].includes('Source: snapshot/corp.json:41:3'));
  assert.is(eu.failure, undefined);
  assert.is(eu.skipped, undefined);
  assert.is(broken.error.type, 'Error');
  const [, waived, manual] = suites[1].testcase;
  assert.ok(waived.skipped.message.startsWith('Exempt (Waiver) by '));
  assert.ok(waived.skipped.message.endsWith('expires 2030-12-31T00:00:00Z'));
  assert.ok(manual.skipped.message.startsWith('Unknown:'));
  assert.equal(suites[0].properties.property.map((p: any) => p.name), ['policyAssignmentId', 'compliancePercentage', 'dineVersion']);
});

junit('text XML cannot hold is replaced; markup in messages is escaped', () => {
  const r = sampleReport();
  r.results[0]!.reasons[0]!.message = 'bad \u0001 char & <tag> "quoted"';
  const xml = format('junit', r);
  const doc = parseJunit(xml);
  const msg = doc.testsuites.testsuite[0].testcase[0].failure.message as string;
  assert.ok(msg.startsWith('bad \uFFFD char &amp; &lt;tag&gt;') || msg.startsWith('bad \uFFFD char & <tag>'), msg);
  assert.not.ok(xml.includes('\u0001'));
});

registry.run();
table.run();
json.run();
md.run();
sarif.run();
junit.run();
