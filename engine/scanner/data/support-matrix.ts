// The OS support matrix of Defender for Cloud's integrated (Qualys-powered) vulnerability scanner, as data,
// with how each supported OS is recognised on an Azure VM and on an Azure Arc machine. Sources: SOURCES.md.
//
// What is documented and what is ours:
// - `vendor`, `os`, `documentedVersions` are the rows of the table "not running one of the supported operating
//   systems" in MicrosoftDocs/azure-docs articles/defender-for-cloud/deploy-vulnerability-assessment-vm.md
//   (commit 028c1874, ms.date 2021-11-16), copied cell by cell. Later versions of that page point to a Qualys
//   support article instead of a table; the table above is the last one Microsoft published.
// - `versions` spells the documented ranges out as the version numbers they cover (ours, mechanical).
// - `azureImages` (marketplace publisher/offer/SKU) and `arc.osSkuPatterns` are OUR mapping of those versions to
//   what Azure reports; they are not documented by Microsoft. Marketplace names follow the images' publishers;
//   Arc `osSku` is the os-release PRETTY_NAME the Connected Machine agent reports [INF, see SOURCES.md].
// - A floating SKU (e.g. RHEL "8-LVM", which always moves to the newest 8.x) is listed only when every version it
//   can resolve to is supported ("7-LVM" under "7-7.9" yes, "8-LVM" under "8-8.3" no).

/** One marketplace image family: publisher, offer and the SKUs that are a supported version. */
export interface AzureImageMatch {
  /** `storageProfile.imageReference.publisher` (alias Microsoft.Compute/imagePublisher), compared case-insensitively. */
  readonly publisher: string;
  /** Exact offers (alias Microsoft.Compute/imageOffer). */
  readonly offers?: readonly string[];
  /** Offer patterns for `like` (one `*` at most, as Azure Policy allows). */
  readonly offerPatterns?: readonly string[];
  /** Exact SKUs (alias Microsoft.Compute/imageSku); absent = every SKU of the offers. */
  readonly skus?: readonly string[];
  /** SKU patterns for `like` (one `*` at most). */
  readonly skuPatterns?: readonly string[];
}

/** How an Arc machine running this OS is recognised. */
export interface ArcMatch {
  /** `properties.osType` (alias Microsoft.HybridCompute/machines/osType): 'windows' or 'linux'. */
  readonly osType: 'windows' | 'linux';
  /** `properties.osSku` patterns for `like` (one `*` at most) or exact values; absent = every machine of osType. */
  readonly osSkuPatterns?: readonly string[];
  /** `properties.osName` values the agent reports for this OS (for display; the policy does not test them). */
  readonly osNames?: readonly string[];
}

export interface SupportedOs {
  /** Stable id used in reports and tests. */
  readonly id: string;
  /** Table cell "Vendor" as documented. */
  readonly vendor: string;
  /** Table cell "OS" as documented. */
  readonly os: string;
  /** Table cell "Supported versions" as documented, verbatim. */
  readonly documentedVersions: string;
  readonly platform: 'Windows' | 'Linux';
  /** The documented ranges spelled out ('all' for Windows). */
  readonly versions: readonly string[] | 'all';
  /** Marketplace images of supported versions; empty when the OS has no Azure marketplace image. */
  readonly azureImages: readonly AzureImageMatch[];
  readonly arc: ArcMatch;
  /** Anything a reader should know about this row. */
  readonly note?: string;
}

export const SUPPORT_MATRIX_SOURCE = Object.freeze({
  repository: 'MicrosoftDocs/azure-docs',
  path: 'articles/defender-for-cloud/deploy-vulnerability-assessment-vm.md',
  commit: '028c1874c00fb3625b820758779dd9b1a624b6bf',
  msDate: '2021-11-16',
  url: 'https://learn.microsoft.com/azure/defender-for-cloud/deploy-vulnerability-assessment-vm',
  section: 'Deploy the integrated scanner to your Azure and hybrid machines → Not applicable resources (table)',
});

/** Reasons Defender for Cloud gives for "Not applicable" besides the OS (same page, FAQ "Why does my machine show as not applicable"). */
export const NOT_APPLICABLE_REASONS = Object.freeze([
  'not protected by Microsoft Defender for Servers (the integrated scanner needs Defender for Servers; Plan 2 per the 2023 page)',
  'a PaaS resource: an image in an AKS cluster or part of a virtual machine scale set',
  'not running one of the supported operating systems',
] as const);

const range = (major: number, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${major}.${from + i}`);

export const SUPPORT_MATRIX: readonly SupportedOs[] = Object.freeze([
  {
    id: 'windows',
    vendor: 'Microsoft',
    os: 'Windows',
    documentedVersions: 'All',
    platform: 'Windows',
    versions: 'all',
    // Every Windows VM qualifies: recognised by osDisk.osType = Windows (covers custom and gallery images too).
    azureImages: [],
    arc: { osType: 'windows', osNames: ['windows'] },
    note: 'All Windows versions: a VM is recognised by storageProfile.osDisk.osType = Windows, an Arc machine by osType = windows.',
  },
  {
    id: 'amazon-linux',
    vendor: 'Amazon',
    os: 'Amazon Linux',
    documentedVersions: '2015.09-2018.03',
    platform: 'Linux',
    versions: ['2015.09', '2016.03', '2016.09', '2017.03', '2017.09', '2018.03'],
    azureImages: [],
    arc: {
      osType: 'linux',
      osNames: ['amzn'],
      osSkuPatterns: ['Amazon Linux AMI 2015.09*', 'Amazon Linux AMI 2016.03*', 'Amazon Linux AMI 2016.09*', 'Amazon Linux AMI 2017.03*', 'Amazon Linux AMI 2017.09*', 'Amazon Linux AMI 2018.03*'],
    },
    note: 'No Azure marketplace image; reaches Defender through Azure Arc (AWS connector or manual onboarding).',
  },
  {
    id: 'amazon-linux-2',
    vendor: 'Amazon',
    os: 'Amazon Linux 2',
    documentedVersions: '2017.03-2.0.2021',
    platform: 'Linux',
    versions: ['2017.03', '2017.12', '2.0.2018', '2.0.2019', '2.0.2020', '2.0.2021'],
    azureImages: [],
    arc: { osType: 'linux', osNames: ['amzn'], osSkuPatterns: ['Amazon Linux 2'] },
    note: 'PRETTY_NAME is "Amazon Linux 2" for every release, so the version bound cannot be checked from osSku.',
  },
  {
    id: 'rhel',
    vendor: 'Red Hat',
    os: 'Enterprise Linux',
    documentedVersions: '5.4+, 6, 7-7.9, 8-8.3',
    platform: 'Linux',
    versions: [...range(5, 4, 11), ...range(6, 0, 10), ...range(7, 0, 9), ...range(8, 0, 3)],
    azureImages: [
      {
        publisher: 'RedHat',
        offers: ['RHEL'],
        skus: [
          '6.7', '6.8', '6.9', '6.10',
          '7.2', '7.3', '7.4', '7.5', '7.6', '7.7', '7.8', '7_9', '7-LVM', '7-RAW', '7lvm-gen2', '7-raw-gen2', '74-gen2', '75-gen2', '76-gen2', '77-gen2', '78-gen2', '79-gen2',
          '8', '8.1', '8.2', '8_3', '8-gen2', '81gen2', '82gen2', '83-gen2',
        ],
      },
    ],
    arc: {
      osType: 'linux',
      osNames: ['rhel', 'redhat'],
      osSkuPatterns: [
        'Red Hat Enterprise Linux Server 7.*',
        'Red Hat Enterprise Linux 8.0*', 'Red Hat Enterprise Linux 8.1*', 'Red Hat Enterprise Linux 8.2*', 'Red Hat Enterprise Linux 8.3*',
      ],
    },
    note: 'RHEL 5 and 6 have no os-release file and no Arc agent, so only their Azure images are recognised. "8" (unversioned) is the 8.0 GA image.',
  },
  {
    id: 'centos',
    vendor: 'Red Hat',
    os: 'CentOS',
    documentedVersions: '5.4+, 6, 7, 7.1-7.8, 8-8.4',
    platform: 'Linux',
    versions: [...range(5, 4, 11), ...range(6, 0, 10), ...range(7, 0, 8), ...range(8, 0, 4)],
    azureImages: [
      {
        publisher: 'OpenLogic',
        offers: ['CentOS'],
        skus: [
          '6.8', '6.9', '6.10',
          '7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '7.7', '7_8', '7_4-gen2', '7_5-gen2', '7_6-gen2', '7_7-gen2', '7_8-gen2',
          '8.0', '8_1', '8_2', '8_3', '8_4', '8_1-gen2', '8_2-gen2', '8_3-gen2', '8_4-gen2',
        ],
      },
    ],
    arc: { osType: 'linux', osNames: ['centos'], osSkuPatterns: ['CentOS Linux 7*', 'CentOS Linux 8*'] },
    note: 'CentOS 7.9 is not in the documented list. The PRETTY_NAME ("CentOS Linux 7 (Core)") carries no minor version, so on Arc every 7.x and 8.x matches.',
  },
  {
    id: 'fedora',
    vendor: 'Red Hat',
    os: 'Fedora',
    documentedVersions: '22-33',
    platform: 'Linux',
    versions: Array.from({ length: 12 }, (_, i) => String(22 + i)),
    azureImages: [],
    arc: { osType: 'linux', osNames: ['fedora'], osSkuPatterns: Array.from({ length: 12 }, (_, i) => `Fedora ${22 + i}*`) },
    note: 'No Azure marketplace image from the Fedora project; Arc only.',
  },
  {
    id: 'sles',
    vendor: 'SUSE',
    os: 'Linux Enterprise Server (SLES)',
    documentedVersions: '11, 12, 15',
    platform: 'Linux',
    versions: ['11', '12', '15'],
    azureImages: [
      { publisher: 'SUSE', offerPatterns: ['sles-11*', 'sles-12*', 'sles-15*', 'sles-sap-12*', 'sles-sap-15*'] },
      { publisher: 'SUSE', offers: ['SLES', 'SLES-SAP', 'SLES-BYOS'], skuPatterns: ['11*', '12*', '15*'] },
    ],
    arc: {
      osType: 'linux',
      osNames: ['sles'],
      osSkuPatterns: ['SUSE Linux Enterprise Server 11*', 'SUSE Linux Enterprise Server 12*', 'SUSE Linux Enterprise Server 15*'],
    },
  },
  {
    id: 'opensuse',
    vendor: 'SUSE',
    os: 'openSUSE',
    documentedVersions: '12, 13, 15.0-15.2',
    platform: 'Linux',
    versions: ['12', '13', '15.0', '15.1', '15.2'],
    azureImages: [
      { publisher: 'SUSE', offers: ['openSUSE-Leap'], skus: ['15-0', '15-1', '15-2'] },
      { publisher: 'SUSE', offers: ['opensuse-leap-15-0', 'opensuse-leap-15-1', 'opensuse-leap-15-2'] },
      { publisher: 'SUSE', offers: ['openSUSE'], skuPatterns: ['12*', '13*'] },
    ],
    arc: {
      osType: 'linux',
      osNames: ['opensuse-leap', 'opensuse'],
      osSkuPatterns: ['openSUSE 12*', 'openSUSE 13*', 'openSUSE Leap 15.0*', 'openSUSE Leap 15.1*', 'openSUSE Leap 15.2*'],
    },
  },
  {
    id: 'opensuse-leap-42',
    vendor: 'SUSE',
    os: 'Leap',
    documentedVersions: '42.1',
    platform: 'Linux',
    versions: ['42.1'],
    azureImages: [{ publisher: 'SUSE', offers: ['openSUSE-Leap'], skus: ['42.1'] }],
    arc: { osType: 'linux', osNames: ['opensuse-leap', 'opensuse'], osSkuPatterns: ['openSUSE Leap 42.1*'] },
  },
  {
    id: 'oracle-linux',
    vendor: 'Oracle',
    os: 'Enterprise Linux',
    documentedVersions: '5.11, 6, 7-7.9, 8-8.4',
    platform: 'Linux',
    versions: ['5.11', ...range(6, 0, 10), ...range(7, 0, 9), ...range(8, 0, 4)],
    azureImages: [
      {
        publisher: 'Oracle',
        offers: ['Oracle-Linux'],
        skus: [
          '6.8', '6.9', '6.10',
          '7.3', '7.4', '7.5', '7.6', 'ol7-lvm', 'ol7-lvm-gen2', 'ol77', 'ol77-gen2', 'ol78', 'ol78-gen2', 'ol79', 'ol79-gen2', 'ol79-lvm', 'ol79-lvm-gen2',
          '8', '8.1', '81', '81-ci', '81-gen2', 'ol82', 'ol82-gen2', 'ol83-lvm', 'ol83-lvm-gen2', 'ol84-lvm', 'ol84-lvm-gen2',
        ],
      },
    ],
    arc: {
      osType: 'linux',
      osNames: ['ol', 'oracle'],
      osSkuPatterns: [
        'Oracle Linux Server 6.*', 'Oracle Linux Server 7.*',
        'Oracle Linux Server 8.0*', 'Oracle Linux Server 8.1*', 'Oracle Linux Server 8.2*', 'Oracle Linux Server 8.3*', 'Oracle Linux Server 8.4*',
      ],
    },
  },
  {
    id: 'debian',
    vendor: 'Debian',
    os: 'Debian',
    documentedVersions: '7.x-10.x',
    platform: 'Linux',
    versions: ['7', '8', '9', '10'],
    azureImages: [
      { publisher: 'credativ', offers: ['Debian'], skuPatterns: ['7*', '8*', '9*'] },
      { publisher: 'Debian', offers: ['debian-10'] },
    ],
    arc: {
      osType: 'linux',
      osNames: ['debian'],
      osSkuPatterns: ['Debian GNU/Linux 7*', 'Debian GNU/Linux 8*', 'Debian GNU/Linux 9*', 'Debian GNU/Linux 10*'],
    },
  },
  {
    id: 'ubuntu',
    vendor: 'Ubuntu',
    os: 'Ubuntu',
    documentedVersions: '12.04 LTS, 14.04 LTS, 15.x, 16.04 LTS, 18.04 LTS, 19.10, 20.04 LTS',
    platform: 'Linux',
    versions: ['12.04', '14.04', '15.04', '15.10', '16.04', '18.04', '19.10', '20.04'],
    azureImages: [
      { publisher: 'Canonical', offers: ['UbuntuServer'], skuPatterns: ['12.04*', '14.04*', '15.*', '16.04*', '16_04*', '18.04*', '18_04*'] },
      { publisher: 'Canonical', offers: ['0001-com-ubuntu-server-eoan'], skuPatterns: ['19_10*'] },
      { publisher: 'Canonical', offers: ['0001-com-ubuntu-server-focal', '0001-com-ubuntu-pro-focal'] },
      { publisher: 'Canonical', offers: ['0001-com-ubuntu-pro-bionic'] },
    ],
    arc: {
      osType: 'linux',
      osNames: ['ubuntu'],
      osSkuPatterns: ['Ubuntu 12.04*', 'Ubuntu 14.04*', 'Ubuntu 15.*', 'Ubuntu 16.04*', 'Ubuntu 18.04*', 'Ubuntu 19.10*', 'Ubuntu 20.04*'],
    },
  },
] satisfies readonly SupportedOs[]);

// ── Recognition (plain functions over plain data, used by the generator and tests) ──────────────────────────

/** Case-insensitive Azure-Policy-style `like` with at most one `*` (the pack never uses more). */
export function matchesLike(value: string, pattern: string): boolean {
  const v = value.toLowerCase();
  const p = pattern.toLowerCase();
  const star = p.indexOf('*');
  if (star < 0) return v === p;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

const eqi = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function matchesImage(m: AzureImageMatch, publisher: string, offer: string, sku: string): boolean {
  if (!eqi(m.publisher, publisher)) return false;
  const offerOk = (m.offers ?? []).some((o) => eqi(o, offer)) || (m.offerPatterns ?? []).some((p) => matchesLike(offer, p));
  if (!offerOk) return false;
  if (m.skus === undefined && m.skuPatterns === undefined) return true;
  return (m.skus ?? []).some((s) => eqi(s, sku)) || (m.skuPatterns ?? []).some((p) => matchesLike(sku, p));
}

/** The supported-OS row an Azure VM falls under, or undefined (Not applicable for the integrated scanner). */
export function findSupportedOsForVm(vm: {
  osType?: string | undefined;
  publisher?: string | undefined;
  offer?: string | undefined;
  sku?: string | undefined;
}): SupportedOs | undefined {
  if (vm.osType !== undefined && eqi(vm.osType, 'Windows')) return SUPPORT_MATRIX.find((r) => r.platform === 'Windows');
  if (vm.osType === undefined || !eqi(vm.osType, 'Linux')) return undefined;
  if (vm.publisher === undefined || vm.offer === undefined || vm.sku === undefined) return undefined;
  const { publisher, offer, sku } = vm;
  return SUPPORT_MATRIX.find((r) => r.platform === 'Linux' && r.azureImages.some((m) => matchesImage(m, publisher, offer, sku)));
}

/** The supported-OS row an Arc machine falls under, or undefined. */
export function findSupportedOsForArc(machine: { osType?: string | undefined; osSku?: string | undefined }): SupportedOs | undefined {
  const { osType, osSku } = machine;
  if (osType === undefined) return undefined;
  return SUPPORT_MATRIX.find((r) => {
    if (!eqi(r.arc.osType, osType)) return false;
    if (r.arc.osSkuPatterns === undefined) return true;
    return osSku !== undefined && r.arc.osSkuPatterns.some((p) => matchesLike(osSku, p));
  });
}
