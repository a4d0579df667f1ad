// `table`: a terminal report — the non-compliant and error records grouped by assignment, then the roll-ups
// (assignments, management groups and subscriptions) with their compliance percentages. ANSI colour only when
// options.color (the CLI decides: a TTY and no NO_COLOR).
import type { ComplianceReport, ComplianceState, RollUp } from '../model/index.js';
import {
  countAll, firstReason, formatPercent, groupByAssignment, isFinding, policyLabel, resourceLabel, STATE_ORDER,
} from './describe.js';
import type { ReportFormatOptions } from './types.js';

const ANSI: Readonly<Record<string, string>> = Object.freeze({ red: '31', green: '32', yellow: '33', magenta: '35', dim: '2', bold: '1' });

const STATE_COLOUR: Readonly<Partial<Record<ComplianceState, string>>> = Object.freeze({
  NonCompliant: 'red',
  Error: 'magenta',
  Conflict: 'magenta',
  Compliant: 'green',
  Exempt: 'dim',
  Unknown: 'yellow',
  NotApplicable: 'dim',
});

type Paint = (text: string, style: string | undefined) => string;

function painter(color: boolean): Paint {
  return (text, style) => (color && style !== undefined && ANSI[style] !== undefined ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
}

interface Cell {
  text: string;
  style?: string | undefined;
  align?: 'right';
}

/** Columns padded to the widest plain text (colour codes do not count); the last column is not padded. */
function renderTable(header: string[], rows: Cell[][], paint: Paint, indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.text.length ?? 0)));
  const line = (cells: Cell[]): string =>
    indent +
    cells
      .map((c, i) => {
        const last = i === cells.length - 1;
        const pad = ' '.repeat(Math.max(0, widths[i]! - c.text.length));
        const body = paint(c.text, c.style);
        return c.align === 'right' ? pad + body : last ? body : body + pad;
      })
      .join('  ')
      .replace(/\s+$/, '');
  return [line(header.map((h) => ({ text: h, style: 'bold' }))), ...rows.map(line)];
}

function rollUpRow(r: RollUp, label: string): Cell[] {
  const c = r.resources;
  const other = countAll(c) - (c.Compliant ?? 0) - (c.NonCompliant ?? 0) - (c.Exempt ?? 0) - (c.Error ?? 0);
  return [
    { text: label },
    { text: r.complianceState ?? '—', style: r.complianceState && STATE_COLOUR[r.complianceState] },
    { text: String(c.Compliant ?? 0), align: 'right' },
    { text: String(c.NonCompliant ?? 0), align: 'right', style: (c.NonCompliant ?? 0) > 0 ? 'red' : undefined },
    { text: String(c.Exempt ?? 0), align: 'right' },
    { text: String(c.Error ?? 0), align: 'right', style: (c.Error ?? 0) > 0 ? 'magenta' : undefined },
    { text: String(other), align: 'right' },
    { text: formatPercent(r.compliancePercentage), align: 'right' },
  ];
}

const ROLLUP_HEADER = ['', 'STATE', 'COMPLIANT', 'NON-COMPLIANT', 'EXEMPT', 'ERROR', 'OTHER', 'COMPLIANCE'];

export function formatTable(report: ComplianceReport, options: ReportFormatOptions = {}): string {
  const paint = painter(options.color === true);
  const out: string[] = [];
  const groups = groupByAssignment(report, isFinding).filter((g) => g.records.length > 0);
  if (groups.length === 0) {
    out.push(paint(report.results.length === 0 ? 'No policy results.' : 'No non-compliant resources.', report.results.length === 0 ? 'yellow' : 'green'));
  }
  for (const g of groups) {
    out.push(`${paint('Assignment', 'bold')} ${g.label} ${paint(`(${g.id})`, 'dim')}`);
    const rows = g.records.map((r): Cell[] => [
      { text: r.complianceState, style: STATE_COLOUR[r.complianceState] },
      { text: resourceLabel(r) },
      { text: policyLabel(r) },
      { text: firstReason(r) },
    ]);
    out.push(...renderTable(['STATE', 'RESOURCE', 'POLICY', 'REASON'], rows, paint), '');
  }

  out.push(paint('Summary', 'bold'));
  const s = report.summary;
  const rows: Cell[][] = s.assignments.map((a) => rollUpRow(a, `assignment ${a.displayName ?? a.id.replace(/^.*\//, '')}`));
  for (const sc of s.scopes) {
    if (sc.kind !== 'managementGroup' && sc.kind !== 'subscription') continue; // the tenant row is the total
    const kind = sc.kind === 'managementGroup' ? 'management group' : sc.kind;
    rows.push(rollUpRow(sc, `${kind} ${sc.displayName ?? sc.id.replace(/^.*\//, '')}`));
  }
  const total: RollUp = {
    kind: 'tenant', id: '/', complianceState: undefined, resources: s.resources, compliancePercentage: s.compliancePercentage, records: s.records,
  };
  rows.push(rollUpRow(total, 'total'));
  out.push(...renderTable(ROLLUP_HEADER, rows, paint));
  const counts = STATE_ORDER.filter((st) => (s.resources[st] ?? 0) > 0).map((st) => paint(`${s.resources[st]} ${st}`, STATE_COLOUR[st]));
  out.push(
    '',
    `${s.records} result${s.records === 1 ? '' : 's'} on ${countAll(s.resources)} resource${countAll(s.resources) === 1 ? '' : 's'}` +
      `${counts.length > 0 ? ` (${counts.join(', ')})` : ''}; compliance ${formatPercent(s.compliancePercentage)}; evaluated at ${report.evaluatedAt}`,
  );
  const problems = report.diagnostics.filter((d) => d.severity !== 'info').length;
  if (problems > 0) out.push(paint(`${problems} diagnostic${problems === 1 ? '' : 's'} (see the json format for details)`, 'yellow'));
  return `${out.join('\n')}\n`;
}
