// Builders for the raw ARM resources an estate snapshot holds, shaped after the REST spec examples in
// ../shared/corpora/resource-examples (VirtualMachine_Get, Machines_Get 2024-07-10, serverVulnerabilityAssessments)
// and the ARM/Resource Graph shapes of management groups, subscriptions, pricings and assessments.
// Pure functions: same input → same object with the same key order (so output is byte-stable).
import { VA_ASSESSMENT_KEY } from '../scanner/data/pack.js';

export type RawResource = Record<string, unknown>;

export const MG_PREFIX = '/providers/Microsoft.Management/managementGroups/';

// ── OS images (VMs) and OS identities (Arc) the fixtures and the generator use ─────────────────────────────

export interface VmImage {
  readonly key: string;
  readonly osType: 'Windows' | 'Linux';
  readonly publisher: string;
  readonly offer: string;
  readonly sku: string;
  /** Whether the support matrix covers it (checked against engine/scanner/data by test/generate.test.ts). */
  readonly supported: boolean;
}

export const VM_IMAGES: readonly VmImage[] = Object.freeze([
  { key: 'win2016', osType: 'Windows', publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2016-Datacenter', supported: true },
  { key: 'win2019', osType: 'Windows', publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2019-Datacenter', supported: true },
  { key: 'win2022', osType: 'Windows', publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', supported: true },
  { key: 'ubuntu1804', osType: 'Linux', publisher: 'Canonical', offer: 'UbuntuServer', sku: '18.04-LTS', supported: true },
  { key: 'ubuntu2004', osType: 'Linux', publisher: 'Canonical', offer: '0001-com-ubuntu-server-focal', sku: '20_04-lts-gen2', supported: true },
  { key: 'ubuntu2204', osType: 'Linux', publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', supported: false },
  { key: 'rhel79', osType: 'Linux', publisher: 'RedHat', offer: 'RHEL', sku: '7_9', supported: true },
  { key: 'rhel83', osType: 'Linux', publisher: 'RedHat', offer: 'RHEL', sku: '8_3', supported: true },
  { key: 'rhel92', osType: 'Linux', publisher: 'RedHat', offer: 'RHEL', sku: '9_2', supported: false },
  { key: 'centos78', osType: 'Linux', publisher: 'OpenLogic', offer: 'CentOS', sku: '7_8', supported: true },
  { key: 'centos79', osType: 'Linux', publisher: 'OpenLogic', offer: 'CentOS', sku: '7_9', supported: false },
  { key: 'sles15sp2', osType: 'Linux', publisher: 'SUSE', offer: 'sles-15-sp2', sku: 'gen2', supported: true },
  { key: 'debian10', osType: 'Linux', publisher: 'Debian', offer: 'debian-10', sku: '10', supported: true },
  { key: 'debian11', osType: 'Linux', publisher: 'Debian', offer: 'debian-11', sku: '11-gen2', supported: false },
  { key: 'oracle84', osType: 'Linux', publisher: 'Oracle', offer: 'Oracle-Linux', sku: 'ol84-lvm-gen2', supported: true },
  { key: 'alma9', osType: 'Linux', publisher: 'almalinux', offer: 'almalinux-x86_64', sku: '9-gen2', supported: false },
] satisfies readonly VmImage[]);

export interface ArcOs {
  readonly key: string;
  readonly osType: 'windows' | 'linux';
  readonly osName: string;
  readonly osSku: string;
  readonly osVersion: string;
  readonly supported: boolean;
}

export const ARC_OSES: readonly ArcOs[] = Object.freeze([
  { key: 'win2012r2', osType: 'windows', osName: 'windows', osSku: 'Windows Server 2012 R2 Standard', osVersion: '6.3.9600', supported: true },
  { key: 'win2019', osType: 'windows', osName: 'windows', osSku: 'Windows Server 2019 Datacenter', osVersion: '10.0.17763', supported: true },
  { key: 'win2022', osType: 'windows', osName: 'windows', osSku: 'Windows Server 2022 Standard', osVersion: '10.0.20348', supported: true },
  { key: 'ubuntu2004', osType: 'linux', osName: 'ubuntu', osSku: 'Ubuntu 20.04.6 LTS', osVersion: '5.15.0-1057-azure', supported: true },
  { key: 'ubuntu2204', osType: 'linux', osName: 'ubuntu', osSku: 'Ubuntu 22.04.4 LTS', osVersion: '6.5.0-1016-azure', supported: false },
  { key: 'sles15sp4', osType: 'linux', osName: 'sles', osSku: 'SUSE Linux Enterprise Server 15 SP4', osVersion: '5.14.21-150400.24.46-default', supported: true },
  { key: 'amzn2', osType: 'linux', osName: 'amzn', osSku: 'Amazon Linux 2', osVersion: '4.14.336-257.566.amzn2.x86_64', supported: true },
  { key: 'rhel86', osType: 'linux', osName: 'rhel', osSku: 'Red Hat Enterprise Linux 8.6 (Ootpa)', osVersion: '4.18.0-372.9.1.el8.x86_64', supported: false },
  { key: 'rocky93', osType: 'linux', osName: 'rocky', osSku: 'Rocky Linux 9.3 (Blue Onyx)', osVersion: '5.14.0-362.8.1.el9_3.x86_64', supported: false },
] satisfies readonly ArcOs[]);

// ── containers ────────────────────────────────────────────────────────────────────────────────────────────

export function buildManagementGroup(o: { name: string; displayName: string; tenantId: string; parent?: string }): RawResource {
  return {
    id: `${MG_PREFIX}${o.name}`,
    type: 'Microsoft.Management/managementGroups',
    name: o.name,
    properties: {
      tenantId: o.tenantId,
      displayName: o.displayName,
      details: { parent: o.parent !== undefined ? { id: `${MG_PREFIX}${o.parent}`, name: o.parent } : null },
    },
  };
}

/** A subscription, with its management-group chain nearest first (Resource Graph's managementGroupAncestorsChain). */
export function buildSubscription(o: {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  ancestors: readonly { name: string; displayName: string }[];
  tags?: Record<string, string>;
}): RawResource {
  return {
    id: `/subscriptions/${o.subscriptionId}`,
    type: 'Microsoft.Resources/subscriptions',
    name: o.subscriptionId,
    subscriptionId: o.subscriptionId,
    tenantId: o.tenantId,
    displayName: o.displayName,
    state: 'Enabled',
    tags: o.tags ?? {},
    properties: {
      state: 'Enabled',
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
      managementGroupAncestorsChain: o.ancestors.map((a) => ({ name: a.name, displayName: a.displayName })),
    },
  };
}

export function buildResourceGroup(o: { subscriptionId: string; name: string; location: string; tags?: Record<string, string> }): RawResource {
  return {
    id: `/subscriptions/${o.subscriptionId}/resourceGroups/${o.name}`,
    type: 'Microsoft.Resources/subscriptions/resourceGroups',
    name: o.name,
    location: o.location,
    tags: o.tags ?? {},
    properties: { provisioningState: 'Succeeded' },
  };
}

/** Defender plan for servers on a subscription: Microsoft.Security/pricings/VirtualMachines. */
export function buildServersPricing(o: { subscriptionId: string; tier: 'Standard' | 'Free' }): RawResource {
  return {
    id: `/subscriptions/${o.subscriptionId}/providers/Microsoft.Security/pricings/VirtualMachines`,
    type: 'Microsoft.Security/pricings',
    name: 'VirtualMachines',
    properties: o.tier === 'Standard' ? { pricingTier: 'Standard', subPlan: 'P2', freeTrialRemainingTime: 'PT0S' } : { pricingTier: 'Free', freeTrialRemainingTime: 'PT0S' },
  };
}

// ── machines ──────────────────────────────────────────────────────────────────────────────────────────────

export interface MachineCommon {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tags?: Record<string, string>;
  /** A stable GUID for vmId. */
  readonly vmId: string;
  /** ISO timestamp written into timeCreated / lastStatusChange (the caller passes it: no clock here). */
  readonly created: string;
}

const rgId = (m: { subscriptionId: string; resourceGroup: string }): string => `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}`;

export function buildVirtualMachine(m: MachineCommon & { image: VmImage; vmSize?: string }): RawResource {
  const base = rgId(m);
  const id = `${base}/providers/Microsoft.Compute/virtualMachines/${m.name}`;
  const osProfile =
    m.image.osType === 'Windows'
      ? { computerName: m.name.slice(0, 15), adminUsername: 'azureadmin', windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true, patchSettings: { patchMode: 'AutomaticByOS' } }, secrets: [] }
      : { computerName: m.name, adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true }, secrets: [] };
  return {
    name: m.name,
    id,
    type: 'Microsoft.Compute/virtualMachines',
    location: m.location,
    tags: m.tags ?? {},
    properties: {
      vmId: m.vmId,
      hardwareProfile: { vmSize: m.vmSize ?? 'Standard_D2s_v5' },
      storageProfile: {
        imageReference: { publisher: m.image.publisher, offer: m.image.offer, sku: m.image.sku, version: 'latest' },
        osDisk: {
          osType: m.image.osType,
          name: `${m.name}_OsDisk_1`,
          createOption: 'FromImage',
          caching: 'ReadWrite',
          managedDisk: { storageAccountType: 'Premium_LRS', id: `${base}/providers/Microsoft.Compute/disks/${m.name}_OsDisk_1` },
          diskSizeGB: m.image.osType === 'Windows' ? 127 : 30,
        },
        dataDisks: [],
      },
      osProfile,
      networkProfile: { networkInterfaces: [{ id: `${base}/providers/Microsoft.Network/networkInterfaces/${m.name}-nic` }] },
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      provisioningState: 'Succeeded',
      timeCreated: m.created,
    },
  };
}

export function buildArcMachine(m: MachineCommon & { os: ArcOs; tenantId: string; country?: string }): RawResource {
  const id = `${rgId(m)}/providers/Microsoft.HybridCompute/machines/${m.name}`;
  return {
    id,
    name: m.name,
    location: m.location,
    tags: m.tags ?? {},
    identity: { type: 'SystemAssigned', principalId: m.vmId, tenantId: m.tenantId },
    type: 'Microsoft.HybridCompute/machines',
    kind: null,
    properties: {
      provisioningState: 'Succeeded',
      agentVersion: '1.41.02664.1629',
      status: 'Connected',
      lastStatusChange: m.created,
      displayName: m.name,
      machineFqdn: `${m.name}.corp.contoso.com`,
      osName: m.os.osName,
      osSku: m.os.osSku,
      osVersion: m.os.osVersion,
      osType: m.os.osType,
      domainName: 'corp.contoso.com',
      dnsFqdn: `${m.name}.corp.contoso.com`,
      vmId: m.vmId,
      vmUuid: m.vmId.toUpperCase(),
      locationData: { name: m.location, city: null, district: null, countryOrRegion: m.country ?? null },
      detectedProperties: { cloudprovider: m.tags?.['MDFCSecurityConnector'] !== undefined ? 'AWS' : 'N/A', manufacturer: 'Microsoft Corporation', model: 'Virtual Machine' },
      agentConfiguration: { extensionsEnabled: 'true', guestConfigurationEnabled: 'true', configMode: 'full' },
    },
  };
}

// ── Defender data on a machine ────────────────────────────────────────────────────────────────────────────

export type AssessmentState =
  | { code: 'Healthy'; cause: 'default' | 'mdeTvm' }
  | { code: 'Unhealthy' }
  | { code: 'NotApplicable'; description: string };

/** Defender for Cloud assessment ffff0522 ("Machines should have a vulnerability assessment solution") on a machine. */
export function buildVaAssessment(machineId: string, state: AssessmentState, evaluated: string): RawResource {
  const status: Record<string, unknown> =
    state.code === 'Healthy'
      ? { code: 'Healthy', cause: state.cause }
      : state.code === 'NotApplicable'
        ? { code: 'NotApplicable', description: state.description }
        : { code: 'Unhealthy' };
  status['firstEvaluationDate'] = evaluated;
  status['statusChangeDate'] = evaluated;
  return {
    id: `${machineId}/providers/Microsoft.Security/assessments/${VA_ASSESSMENT_KEY}`,
    name: VA_ASSESSMENT_KEY,
    type: 'Microsoft.Security/assessments',
    properties: {
      resourceDetails: { Source: 'Azure', Id: machineId },
      displayName: 'Machines should have a vulnerability assessment solution',
      status,
    },
  };
}

/** The integrated scanner deployed on a machine: Microsoft.Security/serverVulnerabilityAssessments/default. */
export function buildServerVulnerabilityAssessment(machineId: string, provisioningState: 'Succeeded' | 'Provisioning' = 'Succeeded'): RawResource {
  return {
    id: `${machineId}/providers/Microsoft.Security/serverVulnerabilityAssessments/default`,
    name: 'default',
    type: 'Microsoft.Security/serverVulnerabilityAssessments',
    properties: { provisioningState },
  };
}

// ── Resource Graph export form ────────────────────────────────────────────────────────────────────────────

/**
 * The same resource as an Azure Resource Graph row: lower-case `type`, plus `subscriptionId`, `resourceGroup`
 * (lower case, as ARG returns it) and `tenantId`. Property bags are unchanged.
 */
export function toResourceGraphRow(r: RawResource, tenantId: string): RawResource {
  const id = String(r['id']);
  const m = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(id);
  const row: RawResource = { ...r, type: String(r['type']).toLowerCase(), tenantId };
  if (m) {
    row['subscriptionId'] = m[1];
    row['resourceGroup'] = m[2] !== undefined ? m[2].toLowerCase() : '';
  }
  return row;
}
