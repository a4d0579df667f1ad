// Shared wording of the scan renderers: group labels and order, machine and scope labels.
import { SCAN_GROUP_LABEL, type MachineResult, type ScanGroup, type ScanReport, type ScopeCount } from '../../scanner/index.js';

/** Display order: what needs action first. */
export const GROUP_ORDER: readonly ScanGroup[] = Object.freeze(['Unhealthy', 'Healthy', 'NotApplicable'] as const);

export const GROUP_HEADLINE: Readonly<Record<ScanGroup, string>> = Object.freeze({
  Unhealthy: 'the scanner can be deployed',
  Healthy: 'a vulnerability assessment solution is running',
  NotApplicable: 'the integrated scanner is not offered to these machines',
});

export function groupLabel(g: ScanGroup): string {
  return SCAN_GROUP_LABEL[g];
}

export function machinesIn(report: ScanReport, g: ScanGroup): MachineResult[] {
  return report.machines.filter((m) => m.group === g);
}

/** "subscription name / resource group" (the subscription id when it has no display name). */
export function placeOf(m: MachineResult): string {
  return `${m.subscriptionName ?? m.subscriptionId ?? '-'} / ${m.resourceGroup ?? '-'}`;
}

export function kindLabel(m: MachineResult): string {
  return m.kind === 'virtualMachine' ? 'Azure VM' : 'Arc machine';
}

export function scopeLabel(s: ScopeCount): string {
  const kind = s.kind === 'managementGroup' ? 'management group' : s.kind === 'subscription' ? 'subscription' : 'resource group';
  return `${s.displayName ?? s.name} (${kind})`;
}

export function dataCentreLabel(m: MachineResult): string {
  return `${m.dataCentre.id} — ${m.dataCentre.host}:${m.dataCentre.port}`;
}

export function providerLabel(report: ScanReport): string {
  return report.vaType === 'default' ? 'default (integrated scanner powered by Qualys)' : 'mdeTvm (Microsoft Defender Vulnerability Management)';
}
