// `junit`: JUnit XML for Azure DevOps (PublishTestResults), Jenkins and GitLab. One <testsuite> per assignment,
// one <testcase> per record (one resource under one policy of the assignment): <failure> for NonCompliant,
// <error> for Error / Conflict, <skipped> for Exempt / NotApplicable / Unknown, a plain pass otherwise.
// Built with xmlbuilder2, so every attribute and text is escaped; characters XML 1.0 cannot hold become U+FFFD.
import { create } from 'xmlbuilder2';
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
  const groups = groupByAssignment(report);
  const count = (records: readonly ComplianceRecord[], o: Outcome): number => records.filter((r) => STATE_OUTCOME[r.complianceState] === o).length;
  const all = report.results;
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const root = doc.ele('testsuites', {
    name: 'dine',
    tests: String(all.length),
    failures: String(count(all, 'failure')),
    errors: String(count(all, 'error')),
    skipped: String(count(all, 'skipped')),
    time: '0',
    timestamp: report.evaluatedAt,
  });
  groups.forEach((g, i) => {
    const suite = root.ele('testsuite', {
      name: g.label,
      id: String(i),
      package: g.id,
      tests: String(g.records.length),
      failures: String(count(g.records, 'failure')),
      errors: String(count(g.records, 'error')),
      skipped: String(count(g.records, 'skipped')),
      time: '0',
      timestamp: report.evaluatedAt,
    });
    const props = suite.ele('properties');
    props.ele('property', { name: 'policyAssignmentId', value: g.id });
    if (g.rollUp?.compliancePercentage !== undefined) props.ele('property', { name: 'compliancePercentage', value: g.rollUp.compliancePercentage.toFixed(2) });
    if (options.toolVersion !== undefined) props.ele('property', { name: 'dineVersion', value: options.toolVersion });
    for (const r of g.records) {
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
  });
  return `${doc.end({ prettyPrint: true })}\n`;
}
