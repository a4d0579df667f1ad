// `junit`: JUnit XML for Azure DevOps (PublishTestResults), Jenkins and GitLab. One <testsuite> per assignment,
// one <testcase> per record (one resource under one policy of the assignment): <failure> for NonCompliant,
// <error> for Error / Conflict, <skipped> for Exempt / NotApplicable / Unknown, a plain pass otherwise.
// Built with xmlbuilder2, so every attribute and text is escaped; characters XML 1.0 cannot hold become U+FFFD.
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { ComplianceRecord, ComplianceReport } from '../model/index.js';
import { describeReason, firstReason, groupByAssignment, policyLabel, STATE_OUTCOME, type Outcome } from './describe.js';
import type { ReportFormatOptions } from './types.js';

function detail(r: ComplianceRecord): string {
  const lines = [
    `Resource: ${r.resourceId}`,
    `Resource type: ${r.resourceType}`,
    `Policy definition: ${r.policyDefinitionId}`,
  ];
  if (r.policySetDefinitionId !== undefined) lines.push(`Initiative: ${r.policySetDefinitionId} (member ${r.policyDefinitionReferenceId ?? '?'})`);
  lines.push(`Effect: ${r.effect}`, `State: ${r.complianceState}`);
  if (r.nonComplianceMessage !== undefined) lines.push(`Message: ${r.nonComplianceMessage}`);
  if (r.source?.file !== undefined) lines.push(`Source: ${r.source.file}${r.source.line !== undefined ? `:${r.source.line}:${r.source.column ?? 1}` : ''}`);
  for (const reason of r.reasons) lines.push(`- ${describeReason(reason)}`);
  return lines.join('\n');
}

function skippedMessage(r: ComplianceRecord): string {
  if (r.complianceState === 'Exempt' && r.exemption !== undefined) {
    return `Exempt (${r.exemption.category}) by ${r.exemption.id}${r.exemption.expiresOn !== undefined ? `, expires ${r.exemption.expiresOn}` : ''}`;
  }
  return `${r.complianceState}: ${firstReason(r)}`;
}

export function formatJunit(report: ComplianceReport, options: ReportFormatOptions = {}): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const root = doc.ele('testsuites', countAttributes(report.results, { name: 'dine' }, report.evaluatedAt));
  groupByAssignment(report).forEach((g, i) => addSuite(root, g, suiteAttributes(g, i, report), options, g.records, true));
  return `${doc.end({ prettyPrint: true })}\n`;
}

/** Test cases serialized together by junitChunks. */
const CASES_PER_PIECE = 2048;

/**
 * formatJunit's text in pieces (the same bytes), for reports longer than one string can be: each suite's test cases
 * are serialized a batch at a time inside a document of the same shape (so indentation and escaping are the
 * same), and the batch's lines are cut out of it — between the suite's opening (first batch) or its first test
 * case, and the suite's closing tag; an element starting a line is never text (text escapes '<').
 */
export function* junitChunks(report: ComplianceReport, options: ReportFormatOptions = {}): Generator<string> {
  const groups = groupByAssignment(report);
  if (groups.length === 0) {
    yield formatJunit(report, options);
    return;
  }
  let first = true;
  // Counted once: every batch's document repeats them.
  const rootAttributes = countAttributes(report.results, { name: 'dine' }, report.evaluatedAt);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const attributes = suiteAttributes(g, i, report);
    for (let from = 0; from === 0 || from < g.records.length; from += CASES_PER_PIECE) {
      const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
      addSuite(doc.ele('testsuites', rootAttributes), g, attributes, options, g.records.slice(from, from + CASES_PER_PIECE), from === 0);
      const text = doc.end({ prettyPrint: true });
      const suiteStart = text.indexOf('\n  <testsuite ') + 1;
      if (first) yield text.slice(0, suiteStart);
      first = false;
      const start = from === 0 ? suiteStart : text.indexOf('\n    <testcase ') + 1;
      yield text.slice(start, text.lastIndexOf('\n  </testsuite>') + 1);
    }
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}

type Group = ReturnType<typeof groupByAssignment>[number];

/** `head` followed by the tests, failures, errors and skipped counts of `records`, time and timestamp. */
function countAttributes(records: readonly ComplianceRecord[], head: Record<string, string>, timestamp: string): Record<string, string> {
  const n = { failure: 0, error: 0, skipped: 0, passed: 0 } as Record<Outcome, number>;
  for (const r of records) n[STATE_OUTCOME[r.complianceState]]++;
  return { ...head, tests: String(records.length), failures: String(n.failure), errors: String(n.error), skipped: String(n.skipped), time: '0', timestamp };
}

function suiteAttributes(g: Group, i: number, report: ComplianceReport): Record<string, string> {
  return countAttributes(g.records, { name: g.label, id: String(i), package: g.id }, report.evaluatedAt);
}

/** One assignment's <testsuite> (`attributes`: its counts over all its records) with `records` as test cases. */
function addSuite(root: XMLBuilder, g: Group, attributes: Record<string, string>, options: ReportFormatOptions, records: readonly ComplianceRecord[], withProperties: boolean): void {
  const suite = root.ele('testsuite', attributes);
  if (withProperties) {
    const props = suite.ele('properties');
    props.ele('property', { name: 'policyAssignmentId', value: g.id });
    if (g.rollUp?.compliancePercentage !== undefined) props.ele('property', { name: 'compliancePercentage', value: g.rollUp.compliancePercentage.toFixed(2) });
    if (options.toolVersion !== undefined) props.ele('property', { name: 'dineVersion', value: options.toolVersion });
  }
  for (const r of records) {
    const tc = suite.ele('testcase', { classname: policyLabel(r), name: r.resourceId, time: '0' });
    switch (STATE_OUTCOME[r.complianceState]) {
      case 'failure':
        tc.ele('failure', { message: firstReason(r), type: r.complianceState }).txt(detail(r));
        break;
      case 'error':
        tc.ele('error', { message: firstReason(r), type: r.complianceState }).txt(detail(r));
        break;
      case 'skipped':
        tc.ele('skipped', { message: skippedMessage(r) });
        break;
      case 'passed':
        break;
    }
  }
}
