// `text`: the scan for a terminal — the three groups with each machine's reason, and for Unhealthy machines the
// data centre, on-demand scan command, deployment and REST call; then the counts per scope and the plan. ANSI
// colour only when options.color (the CLI passes a TTY without NO_COLOR).
import type { MachineResult, ScanGroup, ScanReport } from '../../scanner/index.js';
import { dataCentreLabel, GROUP_HEADLINE, GROUP_ORDER, groupLabel, kindLabel, machinesIn, placeOf, providerLabel, scopeLabel } from './common.js';

export interface ScanTextOptions {
  color?: boolean;
}

const COLOUR: Readonly<Record<ScanGroup, string>> = Object.freeze({ Healthy: '32', Unhealthy: '31', NotApplicable: '2' });

export function formatScanText(report: ScanReport, options: ScanTextOptions = {}): string {
  const paint = (text: string, code: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bold = (t: string): string => paint(t, '1');
  const out: string[] = [];
  out.push(bold(`${report.recommendation.name}`) + ` (Defender for Cloud assessment ${report.recommendation.assessmentKey})`);
  out.push(`evaluated at ${report.evaluatedAt}${report.scope !== undefined ? ` · scope ${report.scope}` : ''}`);
  out.push(`decided by: ${report.decidedByLabel}`);
  out.push(`provider to deploy: ${providerLabel(report)}`);
  out.push('');
  const t = report.totals;
  out.push(
    `  ${paint(`Healthy ${t.Healthy}`, COLOUR.Healthy)}   ${paint(`Unhealthy ${t.Unhealthy}`, COLOUR.Unhealthy)}   ${paint(`Not applicable ${t.NotApplicable}`, COLOUR.NotApplicable)}   (${t.total} machine${t.total === 1 ? '' : 's'})`,
  );
  for (const g of GROUP_ORDER) {
    const list = machinesIn(report, g);
    out.push('');
    out.push(paint(bold(`${groupLabel(g)} (${list.length})`), COLOUR[g]) + (list.length > 0 ? ` — ${GROUP_HEADLINE[g]}` : ''));
    for (const m of list) out.push(...machineLines(m));
  }
  out.push('');
  out.push(bold('By scope') + ' (each machine counted at every scope above it)');
  const rows = report.scopes.map((s) => [String(s.Healthy), String(s.Unhealthy), String(s.NotApplicable), `${'  '.repeat(s.depth)}${scopeLabel(s)}`]);
  const header = ['Healthy', 'Unhealthy', 'N/A', 'scope'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => (i < 3 ? c.padStart(widths[i]!) : c)).join('  ');
  out.push(line(header));
  for (const r of rows) out.push(line(r));
  out.push('');
  const rem = report.remediation;
  out.push(bold('Remediation') + `: ${rem.deployments.length} deployment${rem.deployments.length === 1 ? '' : 's'} from ${rem.basis}`);
  for (const id of rem.beyondUnhealthy) out.push(`  note: the plan also deploys to ${id.slice(id.lastIndexOf('/') + 1)}, which Defender does not call Unhealthy`);
  for (const e of rem.errors) out.push(`  error: ${e.code} ${e.resourceId ?? ''} ${e.message}`);
  for (const d of report.diagnostics) out.push(`${d.severity}: ${d.code} ${d.message}`);
  return out.join('\n') + '\n';
}

function machineLines(m: MachineResult): string[] {
  const lines = [`  ${m.name}  ${kindLabel(m)} · ${placeOf(m)} · ${m.location ?? 'no location'} · ${m.os.description}`];
  lines.push(`      why:          ${m.reason}`);
  lines.push(`      decided by:   ${m.decidedBy.label}`);
  if (m.deploy !== undefined) {
    lines.push(`      data centre:  ${dataCentreLabel(m)}`);
    lines.push(`      scan on demand (${m.scanCommand?.platform ?? 'unknown OS'}): ${m.scanCommand?.command ?? 'unknown: the OS type is not in the snapshot'}`);
    lines.push(`      deploy:       ${m.deploy.provider}${m.deploy.deploymentId !== undefined ? ` — deployment ${m.deploy.deploymentId}` : ` — ${m.deploy.note ?? ''}`}`);
    lines.push(`      or REST:      ${m.deploy.rest.method} ${m.deploy.rest.path}`);
  }
  return lines;
}
