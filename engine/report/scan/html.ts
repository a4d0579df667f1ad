// `html`: one self-contained page — inline CSS, inline SVG charts of the three groups (overall and per management
// group, subscription and resource group), and every machine with its reason, data centre and on-demand scan
// command. No script, no external asset, no web font: it reads the same offline, printed or mailed.
import type { MachineResult, ScanCounts, ScanGroup, ScanReport } from '../../scanner/index.js';
import { GROUP_HEADLINE, GROUP_ORDER, groupLabel, kindLabel, machinesIn, placeOf, providerLabel, scopeLabel } from './common.js';

const COLOURS: Readonly<Record<ScanGroup, string>> = Object.freeze({ Healthy: '#2e7d32', Unhealthy: '#c62828', NotApplicable: '#9e9e9e' });
const CLASS: Readonly<Record<ScanGroup, string>> = Object.freeze({ Healthy: 'healthy', Unhealthy: 'unhealthy', NotApplicable: 'not-applicable' });
/** Stacking order inside a bar. */
const BAR_ORDER: readonly ScanGroup[] = ['Healthy', 'Unhealthy', 'NotApplicable'];

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
const e = escapeHtml;

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #212121; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #e0e0e0; padding-bottom: .25rem; }
.meta { color: #616161; margin: .2rem 0; }
.totals { display: flex; gap: 1rem; margin: 1rem 0; flex-wrap: wrap; }
.total { border-radius: 6px; padding: .6rem 1rem; color: #fff; min-width: 9rem; }
.total .n { font-size: 1.8rem; font-weight: 700; display: block; }
.total.healthy { background: ${COLOURS.Healthy}; } .total.unhealthy { background: ${COLOURS.Unhealthy}; } .total.not-applicable { background: #757575; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #eeeeee; }
th { background: #fafafa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f5f5f5; padding: .1rem .25rem; border-radius: 3px; word-break: break-all; }
.badge { display: inline-block; border-radius: 3px; padding: 0 .4rem; color: #fff; font-size: 12px; white-space: nowrap; }
.badge.healthy { background: ${COLOURS.Healthy}; } .badge.unhealthy { background: ${COLOURS.Unhealthy}; } .badge.not-applicable { background: #757575; }
.chart text { font: 12px system-ui, sans-serif; fill: #212121; }
.chart .count { fill: #fff; font-weight: 600; }
.legend span { margin-right: 1rem; } .legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; }
.note { color: #616161; }
@media print { body { margin: 0; } .total { color: #000; border: 1px solid #000; } }
`;

function legend(): string {
  return `<p class="legend">${BAR_ORDER.map((g) => `<span><i style="background:${COLOURS[g]}"></i>${e(groupLabel(g))}</span>`).join('')}</p>`;
}

/** One stacked bar: a rect per non-empty group, its count written inside when it fits. */
function bar(counts: ScanCounts, x: number, y: number, width: number, height: number, max: number): string {
  const parts: string[] = [];
  let at = x;
  for (const g of BAR_ORDER) {
    const n = counts[g];
    if (n === 0) continue;
    const w = max === 0 ? 0 : (n / max) * width;
    parts.push(
      `<rect class="bar ${CLASS[g]}" data-group="${g}" data-count="${n}" x="${at.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${height}" fill="${COLOURS[g]}"><title>${e(groupLabel(g))}: ${n}</title></rect>`,
    );
    if (w >= 18) parts.push(`<text class="count" x="${(at + w / 2).toFixed(2)}" y="${y + height / 2 + 4}" text-anchor="middle">${n}</text>`);
    at += w;
  }
  return parts.join('');
}

function overallChart(report: ScanReport): string {
  const t = report.totals;
  const width = 720;
  return `<svg class="chart overall" role="img" aria-label="${e(`Healthy ${t.Healthy}, Unhealthy ${t.Unhealthy}, Not applicable ${t.NotApplicable}`)}" width="${width}" height="40" viewBox="0 0 ${width} 40" xmlns="http://www.w3.org/2000/svg">${bar(t, 0, 4, width, 32, t.total)}</svg>`;
}

function scopeChart(report: ScanReport): string {
  const rowH = 26;
  const labelW = 330;
  const barW = 440;
  const max = Math.max(1, ...report.scopes.map((s) => s.total));
  const rows = report.scopes.map((s, i) => {
    const y = i * rowH + 4;
    const label = `${'\u00a0\u00a0'.repeat(s.depth)}${scopeLabel(s)}`;
    return `<g class="scope-row" data-scope="${e(s.id)}" data-kind="${s.kind}"><text x="0" y="${y + 15}">${e(label)}</text>${bar(s, labelW, y, barW, rowH - 8, max)}<text x="${labelW + barW + 8}" y="${y + 15}">${s.Healthy} / ${s.Unhealthy} / ${s.NotApplicable}</text></g>`;
  });
  const height = report.scopes.length * rowH + 8;
  const width = labelW + barW + 110;
  return `<svg class="chart scopes" role="img" aria-label="Machines per scope: Healthy / Unhealthy / Not applicable" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`;
}

function machineRow(m: MachineResult): string {
  const deploy =
    m.deploy === undefined
      ? ''
      : `<div>${e(m.deploy.provider)}</div>${m.deploy.deploymentId !== undefined ? `<div>deployment <code>${e(m.deploy.deploymentId.slice(m.deploy.deploymentId.lastIndexOf('/') + 1))}</code></div>` : `<div class="note">${e(m.deploy.note ?? '')}</div>`}<div>REST: <code>${e(`${m.deploy.rest.method} ${m.deploy.rest.path}`)}</code></div>`;
  return `<tr class="machine ${CLASS[m.group]}" id="${e(m.name)}" data-group="${m.group}">
<td><span class="badge ${CLASS[m.group]}">${e(groupLabel(m.group))}</span></td>
<td class="machine-name"><strong>${e(m.name)}</strong><br><span class="note">${e(kindLabel(m))}</span></td>
<td>${e(placeOf(m))}<br><span class="note">${e(m.location ?? '')}</span></td>
<td>${e(m.os.description)}</td>
<td class="reason">${e(m.reason)}<br><span class="note">decided by: ${e(m.decidedBy.label)}</span></td>
<td class="data-centre">${e(m.dataCentre.id)}<br><code>${e(`${m.dataCentre.host}:${m.dataCentre.port}`)}</code></td>
<td class="scan-command">${m.scanCommand !== undefined ? `<code>${e(m.scanCommand.command)}</code>` : '<span class="note">OS type unknown</span>'}</td>
<td>${deploy}</td>
</tr>`;
}

export function formatScanHtml(report: ScanReport): string {
  const t = report.totals;
  const sections = GROUP_ORDER.map((g) => {
    const list = machinesIn(report, g);
    const body = list.length === 0 ? '<p class="note">None.</p>' : `<table class="machines"><thead><tr><th>group</th><th>machine</th><th>where</th><th>OS</th><th>why</th><th>Qualys data centre</th><th>scan on demand</th><th>deploy</th></tr></thead><tbody>
${list.map(machineRow).join('\n')}
</tbody></table>`;
    return `<section id="group-${CLASS[g]}"><h2>${e(groupLabel(g))} (${list.length})</h2><p class="note">${e(GROUP_HEADLINE[g])}</p>${body}</section>`;
  }).join('\n');
  const rem = report.remediation;
  const scopeRows = report.scopes
    .map((s) => `<tr><td>${'&nbsp;&nbsp;'.repeat(s.depth)}${e(scopeLabel(s))}</td><td class="num">${s.Healthy}</td><td class="num">${s.Unhealthy}</td><td class="num">${s.NotApplicable}</td><td class="num">${s.total}</td></tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(report.recommendation.name)} — dine scan</title>
<style>${CSS}</style>
</head>
<body>
<h1>${e(report.recommendation.name)}</h1>
<p class="meta">Defender for Cloud assessment <code>${e(report.recommendation.assessmentKey)}</code> · evaluated at ${e(report.evaluatedAt)}${report.scope !== undefined ? ` · scope <code>${e(report.scope)}</code>` : ''}</p>
<p class="meta">Decided by: <strong id="decided-by">${e(report.decidedByLabel)}</strong> · provider to deploy: ${e(providerLabel(report))}</p>
<div class="totals">
<div class="total healthy" id="total-healthy"><span class="n">${t.Healthy}</span>Healthy</div>
<div class="total unhealthy" id="total-unhealthy"><span class="n">${t.Unhealthy}</span>Unhealthy</div>
<div class="total not-applicable" id="total-not-applicable"><span class="n">${t.NotApplicable}</span>Not applicable</div>
</div>
${overallChart(report)}
${legend()}
<h2>By scope</h2>
<p class="note">Each machine is counted at every management group, subscription and resource group above it.</p>
${scopeChart(report)}
<table class="scopes"><thead><tr><th>scope</th><th class="num">Healthy</th><th class="num">Unhealthy</th><th class="num">Not applicable</th><th class="num">machines</th></tr></thead><tbody>
${scopeRows}
</tbody></table>
${sections}
<h2>Remediation</h2>
<p>${rem.deployments.length} deployment${rem.deployments.length === 1 ? '' : 's'} from ${e(rem.basis)}.</p>
${rem.beyondUnhealthy.length > 0 ? `<ul>${rem.beyondUnhealthy.map((id) => `<li>The plan also deploys to <code>${e(id)}</code>, which Defender does not call Unhealthy.</li>`).join('')}</ul>` : ''}
${rem.errors.length > 0 ? `<ul>${rem.errors.map((x) => `<li>${e(x.code)}: ${e(x.message)}${x.resourceId ? ` (<code>${e(x.resourceId)}</code>)` : ''}</li>`).join('')}</ul>` : ''}
${report.diagnostics.length > 0 ? `<h2>Diagnostics</h2><ul>${report.diagnostics.map((d) => `<li>${e(d.severity)} <code>${e(d.code)}</code>: ${e(d.message)}</li>`).join('')}</ul>` : ''}
<p class="note">Generated by dine. The integrated Qualys scanner was retired by Microsoft on 2024-05-01; this report analyses snapshots and history.</p>
</body>
</html>
`;
}
