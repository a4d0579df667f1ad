// `markdown`: the scan as a document or pull-request comment — totals, counts per scope, the Unhealthy machines with
// data centre, scan command and REST call, then the Healthy and Not applicable machines with their reasons.
import type { ScanReport } from '../../scanner/index.js';
import { escapeCell } from '../markdown.js';
import { GROUP_ORDER, groupLabel, kindLabel, machinesIn, placeOf, providerLabel, scopeLabel } from './common.js';

const code = (s: string): string => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

export function formatScanMarkdown(report: ScanReport): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(`# ${report.recommendation.name}`, '');
  out.push(`Defender for Cloud assessment \`${report.recommendation.assessmentKey}\` · evaluated at ${report.evaluatedAt}${report.scope !== undefined ? ` · scope \`${report.scope}\`` : ''}`, '');
  out.push(`**Decided by:** ${report.decidedByLabel} · **provider to deploy:** ${providerLabel(report)}`, '');
  out.push('| Healthy | Unhealthy | Not applicable | machines |', '|---:|---:|---:|---:|', `| ${t.Healthy} | ${t.Unhealthy} | ${t.NotApplicable} | ${t.total} |`, '');
  out.push('## By scope', '', 'Each machine is counted at every scope above it.', '');
  out.push('| scope | Healthy | Unhealthy | Not applicable |', '|---|---:|---:|---:|');
  for (const s of report.scopes) out.push(`| ${'&nbsp;&nbsp;'.repeat(s.depth)}${escapeCell(scopeLabel(s))} | ${s.Healthy} | ${s.Unhealthy} | ${s.NotApplicable} |`);
  out.push('');
  for (const g of GROUP_ORDER) {
    const list = machinesIn(report, g);
    out.push(`## ${groupLabel(g)} (${list.length})`, '');
    if (list.length === 0) {
      out.push('None.', '');
      continue;
    }
    if (g === 'Unhealthy') {
      out.push('| machine | where | OS | why | decided by | data centre | scan on demand | deploy |', '|---|---|---|---|---|---|---|---|');
      for (const m of list) {
        const deploy = m.deploy === undefined ? '' : `${m.deploy.deploymentId !== undefined ? `deployment ${code(m.deploy.deploymentId.slice(m.deploy.deploymentId.lastIndexOf('/') + 1))}` : escapeCell(m.deploy.note ?? '')}<br>REST: ${code(`${m.deploy.rest.method} ${m.deploy.rest.path}`)}`;
        out.push(
          `| ${escapeCell(m.name)} (${kindLabel(m)}) | ${escapeCell(placeOf(m))} · ${escapeCell(m.location ?? '')} | ${escapeCell(m.os.description)} | ${escapeCell(m.reason)} | ${escapeCell(m.decidedBy.label)} | ${m.dataCentre.id} (${code(`${m.dataCentre.host}:${m.dataCentre.port}`)}) | ${m.scanCommand ? code(m.scanCommand.command) : 'unknown OS'} | ${deploy} |`,
        );
      }
    } else {
      out.push('| machine | where | OS | why | decided by | data centre |', '|---|---|---|---|---|---|');
      for (const m of list) out.push(`| ${escapeCell(m.name)} (${kindLabel(m)}) | ${escapeCell(placeOf(m))} · ${escapeCell(m.location ?? '')} | ${escapeCell(m.os.description)} | ${escapeCell(m.reason)} | ${escapeCell(m.decidedBy.label)} | ${m.dataCentre.id} |`);
    }
    out.push('');
  }
  const rem = report.remediation;
  out.push('## Remediation', '', `${rem.deployments.length} deployment${rem.deployments.length === 1 ? '' : 's'} from ${escapeCell(rem.basis)}.`, '');
  for (const id of rem.beyondUnhealthy) out.push(`- The plan also deploys to \`${id}\`, which Defender does not call Unhealthy.`);
  for (const e of rem.errors) out.push(`- Error ${e.code}: ${escapeCell(e.message)}${e.resourceId ? ` (\`${e.resourceId}\`)` : ''}`);
  if (report.diagnostics.length > 0) {
    out.push('', '## Diagnostics', '');
    for (const d of report.diagnostics) out.push(`- ${d.severity} \`${d.code}\`: ${escapeCell(d.message)}`);
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
