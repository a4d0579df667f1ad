// `markdown`: a pull-request comment — a summary table of the assignments, then the non-compliant and error
// resources with their reasons, one collapsible section per assignment. GitHub-flavoured markdown; every cell
// is escaped so policy text cannot break the table or inject HTML.
import type { ComplianceReport, RollUp } from '../model/index.js';
import {
  countAll, firstReason, formatPercent, groupByAssignment, isFinding, lastSegment, policyLabel, resourceLabel,
} from './describe.js';
import type { ReportFormatOptions } from './types.js';

const DEFAULT_MAX_FINDINGS = 200;

/** Text safe inside a table cell: no line breaks, no unescaped pipe, HTML special characters as entities. */
export function escapeCell(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/([|`*_[\]])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function rollUpCells(r: RollUp, label: string): string[] {
  const c = r.resources;
  return [
    label,
    r.complianceState ?? '—',
    String(c.Compliant ?? 0),
    String(c.NonCompliant ?? 0),
    String(c.Exempt ?? 0),
    String(c.Error ?? 0),
    formatPercent(r.compliancePercentage),
  ];
}

export function formatMarkdown(report: ComplianceReport, options: ReportFormatOptions = {}): string {
  const max = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const s = report.summary;
  const findings = report.results.filter(isFinding);
  const nonCompliant = findings.filter((r) => r.complianceState === 'NonCompliant').length;
  const errors = findings.length - nonCompliant;
  const out: string[] = ['## Azure Policy compliance (dine)', ''];
  const headline = nonCompliant === 0 && errors === 0
    ? '**No findings.**'
    : `**${nonCompliant} non-compliant result${nonCompliant === 1 ? '' : 's'}**${errors > 0 ? `, **${errors} evaluation error${errors === 1 ? '' : 's'}**` : ''}.`;
  out.push(
    `${headline} ${s.records} result${s.records === 1 ? '' : 's'} on ${countAll(s.resources)} resource${countAll(s.resources) === 1 ? '' : 's'}; ` +
      `compliance ${formatPercent(s.compliancePercentage)}; evaluated at ${escapeCell(report.evaluatedAt)}.`,
    '',
  );

  out.push(row(['Assignment', 'State', 'Compliant', 'Non-compliant', 'Exempt', 'Error', 'Compliance']));
  out.push('|---|---|--:|--:|--:|--:|--:|');
  for (const a of s.assignments) out.push(row(rollUpCells(a, escapeCell(a.displayName ?? lastSegment(a.id)))));
  out.push(row(rollUpCells({ kind: 'tenant', id: '/', complianceState: undefined, resources: s.resources, compliancePercentage: s.compliancePercentage, records: s.records }, '**Total**')));
  out.push('');

  const groups = groupByAssignment(report, isFinding).filter((g) => g.records.length > 0);
  if (groups.length > 0) {
    out.push('### Non-compliant resources', '');
    let listed = 0;
    for (const g of groups) {
      if (listed >= max) break;
      out.push(`<details open><summary><b>${escapeCell(g.label)}</b> — ${g.records.length} finding${g.records.length === 1 ? '' : 's'}</summary>`, '');
      out.push(row(['State', 'Resource', 'Policy', 'Effect', 'Reason']));
      out.push('|---|---|---|---|---|');
      for (const r of g.records) {
        if (listed >= max) break;
        listed++;
        out.push(row([
          r.complianceState,
          `<code>${escapeCell(resourceLabel(r))}</code>`,
          escapeCell(policyLabel(r)),
          escapeCell(r.effect),
          escapeCell(firstReason(r)),
        ]));
      }
      out.push('', '</details>', '');
    }
    if (findings.length > listed) out.push(`_${findings.length - listed} more finding${findings.length - listed === 1 ? '' : 's'} not listed; see the json or sarif output._`, '');
  }
  const problems = report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  if (problems.length > 0) {
    out.push('### Diagnostics', '');
    for (const d of problems) {
      const where = d.source ? ` (${escapeCell(`${d.source.file}:${d.source.line}:${d.source.column}`)})` : '';
      out.push(`- **${d.severity}** \`${d.code}\`${where}: ${escapeCell(d.message)}`);
    }
    out.push('');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
