// The Contoso demo estate (fixtures/estates/contoso/) as a hand-written table, rendered to snapshot files by the
// shape builders. The expectations in fixtures/estates/contoso/README.md are written against this table.
import {
  ARC_OSES,
  VM_IMAGES,
  buildArcMachine,
  buildManagementGroup,
  buildResourceGroup,
  buildServerVulnerabilityAssessment,
  buildServersPricing,
  buildSubscription,
  buildVaAssessment,
  buildVirtualMachine,
  toResourceGraphRow,
  type AssessmentState,
  type RawResource,
} from './shapes.js';

export const CONTOSO_TENANT = '3d2a6f1e-8c4b-4f7a-9e21-0c05000c0de0';
const TS = '2024-03-01T08:00:00.0000000Z';

const MGS = [
  { name: 'contoso', displayName: 'Contoso' },
  { name: 'platform', displayName: 'Platform', parent: 'contoso' },
  { name: 'landing-zones', displayName: 'Landing zones', parent: 'contoso' },
  { name: 'corp', displayName: 'Corp', parent: 'landing-zones' },
  { name: 'online', displayName: 'Online', parent: 'landing-zones' },
] as const;

interface Sub {
  key: string;
  id: string;
  displayName: string;
  chain: readonly string[];
  tier: 'Standard' | 'Free';
  /** Written as a Resource Graph export instead of ARM JSON. */
  arg?: boolean;
  rgs: readonly { name: string; location: string }[];
}

export const CONTOSO_SUBSCRIPTIONS: readonly Sub[] = [
  { key: 'platform-mgmt', id: '6f1c2b3a-1111-4a1a-8a1a-000000000001', displayName: 'Contoso Platform Management', chain: ['platform', 'contoso'], tier: 'Standard', rgs: [{ name: 'rg-mgmt', location: 'eastus' }] },
  {
    key: 'corp-prod', id: '6f1c2b3a-2222-4b2b-8b2b-000000000002', displayName: 'Contoso Corp Production', chain: ['corp', 'landing-zones', 'contoso'], tier: 'Standard',
    rgs: [{ name: 'rg-corp-app', location: 'eastus' }, { name: 'rg-corp-data', location: 'centralus' }, { name: 'rg-corp-legacy', location: 'eastus' }],
  },
  {
    key: 'online-eu', id: '6f1c2b3a-3333-4c3c-8c3c-000000000003', displayName: 'Contoso Online EU', chain: ['online', 'landing-zones', 'contoso'], tier: 'Standard', arg: true,
    rgs: [{ name: 'rg-online-web', location: 'westeurope' }, { name: 'rg-online-api', location: 'swedencentral' }],
  },
  { key: 'corp-dev', id: '6f1c2b3a-4444-4d4d-8d4d-000000000004', displayName: 'Contoso Corp Dev', chain: ['corp', 'landing-zones', 'contoso'], tier: 'Free', rgs: [{ name: 'rg-dev', location: 'eastus2' }] },
];

const OS_NA: AssessmentState = { code: 'NotApplicable', description: 'The operating system of this machine is not supported by the integrated vulnerability scanner.' };
const FREE_NA: AssessmentState = { code: 'NotApplicable', description: 'This machine is not protected by Microsoft Defender for Servers.' };
const H_DEFAULT: AssessmentState = { code: 'Healthy', cause: 'default' };
const H_MDVM: AssessmentState = { code: 'Healthy', cause: 'mdeTvm' };
const UNHEALTHY: AssessmentState = { code: 'Unhealthy' };

export interface ContosoMachine {
  n: number;
  name: string;
  sub: string;
  rg: string;
  location: string;
  kind: 'vm' | 'arc';
  /** VM_IMAGES key (vm) or ARC_OSES key (arc). */
  os: string;
  tags?: Record<string, string>;
  assessment?: AssessmentState;
  /** serverVulnerabilityAssessments/default present, and its provisioning state. */
  va?: 'Succeeded' | 'Provisioning';
}

export const CONTOSO_MACHINES: readonly ContosoMachine[] = [
  { n: 1, name: 'vm-mgmt-win19', sub: 'platform-mgmt', rg: 'rg-mgmt', location: 'eastus', kind: 'vm', os: 'win2019', assessment: H_DEFAULT, va: 'Succeeded' },
  { n: 2, name: 'vm-mgmt-ubu18', sub: 'platform-mgmt', rg: 'rg-mgmt', location: 'eastus', kind: 'vm', os: 'ubuntu1804', assessment: UNHEALTHY },
  { n: 3, name: 'arc-onprem-win12', sub: 'platform-mgmt', rg: 'rg-mgmt', location: 'eastus', kind: 'arc', os: 'win2012r2', assessment: H_DEFAULT, va: 'Succeeded' },
  { n: 4, name: 'arc-aws-amzn2', sub: 'platform-mgmt', rg: 'rg-mgmt', location: 'eastus', kind: 'arc', os: 'amzn2', tags: { MDFCSecurityConnector: 'contoso-aws' }, assessment: H_MDVM },
  { n: 5, name: 'vm-app-01', sub: 'corp-prod', rg: 'rg-corp-app', location: 'eastus', kind: 'vm', os: 'win2022', assessment: H_DEFAULT, va: 'Succeeded' },
  { n: 6, name: 'vm-app-02', sub: 'corp-prod', rg: 'rg-corp-app', location: 'eastus', kind: 'vm', os: 'rhel79', assessment: UNHEALTHY },
  { n: 7, name: 'vm-app-03', sub: 'corp-prod', rg: 'rg-corp-app', location: 'eastus', kind: 'vm', os: 'debian11', assessment: OS_NA },
  { n: 8, name: 'vm-db-01', sub: 'corp-prod', rg: 'rg-corp-data', location: 'centralus', kind: 'vm', os: 'ubuntu2204', assessment: OS_NA },
  { n: 9, name: 'vm-db-02', sub: 'corp-prod', rg: 'rg-corp-data', location: 'centralus', kind: 'vm', os: 'ubuntu2004' },
  { n: 10, name: 'vm-web-01', sub: 'corp-prod', rg: 'rg-corp-data', location: 'centralus', kind: 'vm', os: 'win2016', assessment: H_MDVM },
  { n: 11, name: 'arc-dc-sles15', sub: 'corp-prod', rg: 'rg-corp-data', location: 'centralus', kind: 'arc', os: 'sles15sp4', assessment: UNHEALTHY },
  { n: 12, name: 'arc-dc-rocky9', sub: 'corp-prod', rg: 'rg-corp-data', location: 'centralus', kind: 'arc', os: 'rocky93', assessment: OS_NA },
  { n: 13, name: 'vm-legacy-01', sub: 'corp-prod', rg: 'rg-corp-legacy', location: 'eastus', kind: 'vm', os: 'centos79', assessment: OS_NA },
  { n: 14, name: 'vm-legacy-02', sub: 'corp-prod', rg: 'rg-corp-legacy', location: 'eastus', kind: 'vm', os: 'centos78', assessment: UNHEALTHY, va: 'Provisioning' },
  { n: 15, name: 'vm-shop-web-01', sub: 'online-eu', rg: 'rg-online-web', location: 'westeurope', kind: 'vm', os: 'win2019', assessment: H_DEFAULT, va: 'Succeeded' },
  { n: 16, name: 'vm-shop-web-02', sub: 'online-eu', rg: 'rg-online-web', location: 'northeurope', kind: 'vm', os: 'ubuntu2004', assessment: UNHEALTHY, va: 'Succeeded' },
  { n: 17, name: 'vm-shop-api-01', sub: 'online-eu', rg: 'rg-online-api', location: 'swedencentral', kind: 'vm', os: 'sles15sp2' },
  { n: 18, name: 'vm-shop-cache-01', sub: 'online-eu', rg: 'rg-online-api', location: 'uksouth', kind: 'vm', os: 'rhel92', assessment: OS_NA },
  { n: 19, name: 'arc-eu-store-01', sub: 'online-eu', rg: 'rg-online-api', location: 'germanywestcentral', kind: 'arc', os: 'win2022', assessment: H_MDVM },
  { n: 20, name: 'vm-dev-01', sub: 'corp-dev', rg: 'rg-dev', location: 'eastus2', kind: 'vm', os: 'win2022', assessment: FREE_NA },
  { n: 21, name: 'vm-dev-02', sub: 'corp-dev', rg: 'rg-dev', location: 'eastus2', kind: 'vm', os: 'ubuntu2004' },
];

/** A stable vmId per machine number (no randomness in the demo estate). */
const vmIdOf = (n: number): string => `0c05000c-0000-4000-8000-${String(n).padStart(12, '0')}`;

function subByKey(key: string): Sub {
  const s = CONTOSO_SUBSCRIPTIONS.find((x) => x.key === key);
  if (!s) throw new Error(`contoso: unknown subscription ${key}`);
  return s;
}

export function contosoMachineId(m: ContosoMachine): string {
  const sub = subByKey(m.sub);
  const provider = m.kind === 'vm' ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.HybridCompute/machines';
  return `/subscriptions/${sub.id}/resourceGroups/${m.rg}/providers/${provider}/${m.name}`;
}

function machineResources(m: ContosoMachine): RawResource[] {
  const sub = subByKey(m.sub);
  const common = { subscriptionId: sub.id, resourceGroup: m.rg, name: m.name, location: m.location, vmId: vmIdOf(m.n), created: TS, ...(m.tags ? { tags: m.tags } : {}) };
  let machine: RawResource;
  if (m.kind === 'vm') {
    const image = VM_IMAGES.find((i) => i.key === m.os);
    if (!image) throw new Error(`contoso: unknown image ${m.os}`);
    machine = buildVirtualMachine({ ...common, image });
  } else {
    const os = ARC_OSES.find((o) => o.key === m.os);
    if (!os) throw new Error(`contoso: unknown Arc OS ${m.os}`);
    machine = buildArcMachine({ ...common, os, tenantId: CONTOSO_TENANT });
  }
  const id = String(machine['id']);
  const out = [machine];
  if (m.assessment) out.push(buildVaAssessment(id, m.assessment, TS));
  if (m.va) out.push(buildServerVulnerabilityAssessment(id, m.va));
  return out;
}

const text = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';

/** Assignments and exemptions, in the ARM GET shape. */
function governance(): Map<string, unknown> {
  const root = '/providers/Microsoft.Management/managementGroups/contoso';
  const corpProd = subByKey('corp-prod');
  const corpDev = subByKey('corp-dev');
  const initiativeAssignmentId = `${root}/providers/Microsoft.Authorization/policyAssignments/dine-va`;
  const files = new Map<string, unknown>();
  files.set('assignments/dine-va-root.json', {
    id: initiativeAssignmentId,
    type: 'Microsoft.Authorization/policyAssignments',
    name: 'dine-va',
    location: 'westeurope',
    identity: { type: 'SystemAssigned', principalId: '0c05000c-aaaa-4000-8000-000000000001', tenantId: CONTOSO_TENANT },
    properties: {
      displayName: 'Vulnerability assessment on machines (dine initiative)',
      scope: root,
      policyDefinitionId: '/providers/Microsoft.Authorization/policySetDefinitions/dine-vulnerability-assessment',
      enforcementMode: 'Default',
      notScopes: [],
      parameters: { vaType: { value: 'default' } },
      nonComplianceMessages: [
        { message: 'Machines need a vulnerability assessment solution.' },
        { message: 'Subscription is not on Defender for Servers: the integrated scanner is not offered.', policyDefinitionReferenceId: 'auditDefenderForServers' },
      ],
      metadata: { assignedBy: 'Contoso Cloud Platform team' },
    },
  });
  files.set('assignments/va-audit-corp-prod.json', {
    id: `/subscriptions/${corpProd.id}/providers/Microsoft.Authorization/policyAssignments/va-audit`,
    type: 'Microsoft.Authorization/policyAssignments',
    name: 'va-audit',
    properties: {
      displayName: 'Audit VMs for a vulnerability assessment solution (corp production)',
      scope: `/subscriptions/${corpProd.id}`,
      policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/501541f7-f7e7-4cd6-868c-4190fdad3ac9',
      enforcementMode: 'Default',
      notScopes: [`/subscriptions/${corpProd.id}/resourceGroups/rg-corp-legacy`],
      parameters: { effect: { value: 'AuditIfNotExists' } },
    },
  });
  // An assignment at each level: MG (the initiative), subscription (va-audit) and resource group.
  const onlineEu = subByKey('online-eu');
  const webRg = `/subscriptions/${onlineEu.id}/resourceGroups/rg-online-web`;
  files.set('assignments/va-audit-online-web.json', {
    id: `${webRg}/providers/Microsoft.Authorization/policyAssignments/va-audit-web`,
    type: 'Microsoft.Authorization/policyAssignments',
    name: 'va-audit-web',
    properties: {
      displayName: 'Audit the shop web tier for a vulnerability assessment solution',
      scope: webRg,
      policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/501541f7-f7e7-4cd6-868c-4190fdad3ac9',
      enforcementMode: 'DoNotEnforce',
      notScopes: [],
      parameters: {},
      nonComplianceMessages: [{ message: 'Web servers must be scanned for vulnerabilities.' }],
    },
  });
  const vmApp02 = contosoMachineId(CONTOSO_MACHINES.find((m) => m.name === 'vm-app-02')!);
  files.set('exemptions/vm-app-02-waiver.json', {
    id: `${vmApp02}/providers/Microsoft.Authorization/policyExemptions/rhel-migration-waiver`,
    type: 'Microsoft.Authorization/policyExemptions',
    name: 'rhel-migration-waiver',
    properties: {
      displayName: 'vm-app-02 is being rebuilt on a new image',
      policyAssignmentId: initiativeAssignmentId,
      policyDefinitionReferenceIds: ['configureVaProvider', 'auditVaSolution'],
      exemptionCategory: 'Waiver',
      expiresOn: '2030-12-31T23:59:59.0000000Z',
      assignmentScopeValidation: 'Default',
    },
  });
  files.set('exemptions/rg-dev-expired.json', {
    id: `/subscriptions/${corpDev.id}/resourceGroups/rg-dev/providers/Microsoft.Authorization/policyExemptions/dev-pilot`,
    type: 'Microsoft.Authorization/policyExemptions',
    name: 'dev-pilot',
    properties: {
      displayName: 'Dev pilot (expired)',
      policyAssignmentId: initiativeAssignmentId,
      exemptionCategory: 'Waiver',
      expiresOn: '2024-06-30T00:00:00.0000000Z',
      assignmentScopeValidation: 'Default',
    },
  });
  return files;
}

/** Every file of fixtures/estates/contoso except README.md. Keys are relative to that folder. */
export function buildContosoEstate(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('management-groups.json', text(MGS.map((mg) => buildManagementGroup({ ...mg, tenantId: CONTOSO_TENANT }))));
  const mgName = (n: string): { name: string; displayName: string } => {
    const mg = MGS.find((x) => x.name === n);
    if (!mg) throw new Error(`contoso: unknown MG ${n}`);
    return { name: mg.name, displayName: mg.displayName };
  };
  files.set(
    'subscriptions.json',
    text(CONTOSO_SUBSCRIPTIONS.map((s) => buildSubscription({ subscriptionId: s.id, displayName: s.displayName, tenantId: CONTOSO_TENANT, ancestors: s.chain.map(mgName) }))),
  );
  for (const s of CONTOSO_SUBSCRIPTIONS) {
    const resources: RawResource[] = [buildServersPricing({ subscriptionId: s.id, tier: s.tier })];
    for (const rg of s.rgs) {
      resources.push(buildResourceGroup({ subscriptionId: s.id, name: rg.name, location: rg.location, tags: { owner: 'contoso' } }));
      for (const m of CONTOSO_MACHINES) if (m.sub === s.key && m.rg === rg.name) resources.push(...machineResources(m));
    }
    if (s.arg) {
      // The shape `az graph query -q "resources | union resourcecontainers | …" --first 1000` prints.
      const data = resources.map((r) => toResourceGraphRow(r, CONTOSO_TENANT));
      files.set(`resources/${s.key}.arg.json`, text({ count: data.length, data, skip_token: null, total_records: data.length }));
    } else {
      files.set(`resources/${s.key}.json`, text(resources));
    }
  }
  for (const [path, value] of governance()) files.set(path, text(value));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
