// Builds dine's policy pack (policies/**) from the scanner data, in memory and deterministically. No I/O here:
// build-pack.ts writes the result, test/pack.test.ts checks the committed files equal it.
import { SUPPORT_MATRIX, SUPPORT_MATRIX_SOURCE, type AzureImageMatch, type SupportedOs } from './support-matrix.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export const SECURITY_ADMIN_ROLE_ID = '/providers/Microsoft.Authorization/roleDefinitions/fb1c8493-542b-48eb-b624-b4c8fea62acd';
export const VA_ASSESSMENT_KEY = 'ffff0522-1e88-47fc-8382-2a80ba848f5d';

/** The three Microsoft built-ins the pack ships, with the text we write for them (not Microsoft's). */
export const BUILTINS = Object.freeze([
  {
    name: '501541f7-f7e7-4cd6-868c-4190fdad3ac9',
    referenceFile: 'ASC_ServerVulnerabilityAssessment_Audit.json',
    displayName: 'Azure VMs report a vulnerability assessment solution (Defender assessment ffff0522)',
    description:
      "Audit only. An Azure or classic VM is compliant when Defender for Cloud's assessment ffff0522-1e88-47fc-8382-2a80ba848f5d " +
      "('Machines should have a vulnerability assessment solution') on it is Healthy (a scanner is running) or NotApplicable " +
      '(the machine cannot get one); Unhealthy or a missing assessment is non-compliant. Azure Arc machines are outside its scope.',
  },
  {
    name: '13ce0167-8ca6-4048-8e6b-f996402e3c1b',
    referenceFile: 'ASC_VulnerabilityAssessment_ProvisionQualysAgent_DINE.json',
    displayName: 'Provision the chosen vulnerability assessment provider on VMs and Arc machines',
    description:
      'For every Azure VM and every Azure Arc machine not tagged MDFCSecurityConnector, reads Defender assessment ffff0522; unless it is ' +
      'NotApplicable, or Healthy with the selected provider as its cause (vaType: default = integrated Qualys scanner, mdeTvm = Defender ' +
      'Vulnerability Management), deploys the serverVulnerabilityAssessments extension resource for that provider. Needs Security Admin.',
  },
  {
    name: '766e621d-ba95-4e43-a6f2-e945db3d7888',
    referenceFile: 'ASC_VulnerabilityAssessmentsSettings_DINE.json',
    displayName: 'Switch subscriptions to Defender Vulnerability Management as the server VA provider',
    description:
      "Checks each subscription's Microsoft.Security/serverVulnerabilityAssessmentsSettings/AzureServersSetting and, unless its " +
      'selectedProvider is MdeTvm, deploys that setting at subscription scope (location eastus) so Defender for Cloud uses ' +
      'Microsoft Defender Vulnerability Management findings for the subscription machines. Preview in Azure. Needs Security Admin.',
  },
]);

export interface BuildPackOptions {
  /**
   * Where dine's own definitions live. Default: '' → ids `/providers/Microsoft.Authorization/policyDefinitions/<name>`
   * (a tenant-level id; see policies/README.md). Give a management-group or subscription id to re-base them for
   * deployment to Azure, e.g. `/providers/Microsoft.Management/managementGroups/contoso`.
   */
  readonly scope?: string;
  /** Reference copies of the built-ins (file name → parsed JSON), to (re)build policies/builtin. Absent → not built. */
  readonly builtinReferences?: ReadonlyMap<string, unknown>;
}

/** Relative path (POSIX) → file text. Sorted by path. */
export type PackFiles = ReadonlyMap<string, string>;

const toText = (v: Json): string => JSON.stringify(v, null, 2) + '\n';

function definitionId(scope: string, kind: 'policyDefinitions' | 'policySetDefinitions', name: string): string {
  return `${scope}/providers/Microsoft.Authorization/${kind}/${name}`;
}

// ── conditions generated from the support matrix ───────────────────────────────────────────────────────────

const IMAGE_PUBLISHER = 'Microsoft.Compute/imagePublisher';
const IMAGE_OFFER = 'Microsoft.Compute/imageOffer';
const IMAGE_SKU = 'Microsoft.Compute/imageSku';
const VM_OS_TYPE = 'Microsoft.Compute/virtualMachines/storageProfile.osDisk.osType';
const ARC_OS_TYPE = 'Microsoft.HybridCompute/machines/osType';
const ARC_OS_NAME = 'Microsoft.HybridCompute/machines/osName';
const ARC_OS_SKU = 'Microsoft.HybridCompute/machines/osSku';

/** `field in [exact…]` and `field like p` for each pattern, joined by anyOf when there is more than one. */
function matchAny(field: string, exact: readonly string[], patterns: readonly string[]): JsonObject {
  const parts: JsonObject[] = [];
  if (exact.length === 1) parts.push({ field, equals: exact[0]! });
  else if (exact.length > 1) parts.push({ field, in: [...exact] });
  for (const p of patterns) parts.push(p.includes('*') ? { field, like: p } : { field, equals: p });
  if (parts.length === 0) throw new Error(`support matrix: nothing to match for ${field}`);
  return parts.length === 1 ? parts[0]! : { anyOf: parts };
}

function imageCondition(m: AzureImageMatch): JsonObject {
  const all: JsonObject[] = [{ field: IMAGE_PUBLISHER, equals: m.publisher }];
  all.push(matchAny(IMAGE_OFFER, m.offers ?? [], m.offerPatterns ?? []));
  if (m.skus !== undefined || m.skuPatterns !== undefined) all.push(matchAny(IMAGE_SKU, m.skus ?? [], m.skuPatterns ?? []));
  return { allOf: all };
}

function linuxRows(): SupportedOs[] {
  return SUPPORT_MATRIX.filter((r) => r.platform === 'Linux');
}

/** The VM half of "runs a supported OS": any Windows VM, or a Linux VM from a supported marketplace image. */
export function buildVmSupportedCondition(): JsonObject {
  const images = linuxRows().flatMap((r) => r.azureImages.map(imageCondition));
  return {
    anyOf: [
      { field: VM_OS_TYPE, equals: 'Windows' },
      { allOf: [{ field: VM_OS_TYPE, equals: 'Linux' }, { anyOf: images }] },
    ],
  };
}

/** The Arc half: any Windows machine (osType, or osName on agents that predate osType), or a Linux osSku we recognise. */
export function buildArcSupportedCondition(): JsonObject {
  const exact: string[] = [];
  const patterns: string[] = [];
  for (const r of linuxRows()) for (const p of r.arc.osSkuPatterns ?? []) (p.includes('*') ? patterns : exact).push(p);
  return {
    anyOf: [
      { field: ARC_OS_TYPE, equals: 'windows' },
      { allOf: [{ field: ARC_OS_TYPE, notEquals: 'linux' }, { field: ARC_OS_NAME, equals: 'windows' }] },
      matchAny(ARC_OS_SKU, exact, patterns),
    ],
  };
}

// ── the deployment both DINE definitions use (same shape as 13ce0167's, provider fixed to Qualys 'default') ─

function scannerDeployment(): JsonObject {
  const resource = (baseType: string, lower: string): JsonObject => ({
    condition: `[equals(toLower(parameters('resourceType')), toLower('${lower}'))]`,
    type: `${baseType}/providers/serverVulnerabilityAssessments`,
    name: "[concat(parameters('vmName'), '/Microsoft.Security/default')]",
    apiVersion: '2020-01-01',
  });
  return {
    properties: {
      mode: 'Incremental',
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { vmName: { type: 'string' }, resourceType: { type: 'string' } },
        resources: [
          resource('Microsoft.Compute/virtualMachines', 'microsoft.compute/virtualmachines'),
          resource('Microsoft.HybridCompute/machines', 'microsoft.hybridcompute/machines'),
        ],
      },
      parameters: { vmName: { value: "[field('name')]" }, resourceType: { value: "[field('type')]" } },
    },
  };
}

const effectParameter = (allowed: string[], def: string): JsonObject => ({
  type: 'String',
  metadata: { displayName: 'Effect', description: 'DeployIfNotExists deploys the scanner, AuditIfNotExists only reports, Disabled turns the policy off.' },
  allowedValues: allowed,
  defaultValue: def,
});

const generatedBy = { generatedBy: 'engine/scanner/data/build-pack.ts', supportMatrix: `${SUPPORT_MATRIX_SOURCE.repository}/${SUPPORT_MATRIX_SOURCE.path}@${SUPPORT_MATRIX_SOURCE.commit.slice(0, 8)}` };

function dineDefinition(scope: string, name: string, body: JsonObject): JsonObject {
  return { properties: body, id: definitionId(scope, 'policyDefinitions', name), name, type: 'Microsoft.Authorization/policyDefinitions' };
}

function vaDeployDefinition(scope: string, kind: 'vm' | 'arc'): JsonObject {
  const isVm = kind === 'vm';
  const typeCondition: JsonObject = { field: 'type', equals: isVm ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.HybridCompute/machines' };
  const conditions: JsonObject[] = isVm
    ? [typeCondition, buildVmSupportedCondition()]
    : [typeCondition, { field: 'tags', notContainsKey: 'MDFCSecurityConnector' }, buildArcSupportedCondition()];
  return dineDefinition(scope, `dine-va-deploy-${kind}`, {
    displayName: isVm
      ? 'dine: deploy the integrated vulnerability scanner to Azure VMs on supported operating systems'
      : 'dine: deploy the integrated vulnerability scanner to Azure Arc machines on supported operating systems',
    policyType: 'Custom',
    mode: 'Indexed',
    description: isVm
      ? 'For snapshots without Defender assessments. An Azure VM whose OS is in the integrated scanner support matrix (any Windows; ' +
        'Linux from a listed marketplace image) must carry Microsoft.Security/serverVulnerabilityAssessments/default; if it does not, ' +
        'the deployment creates it. Unsupported OSes are not applicable. Needs Security Admin.'
      : 'For snapshots without Defender assessments. An Azure Arc machine not tagged MDFCSecurityConnector whose OS is in the ' +
        'integrated scanner support matrix (any Windows; Linux recognised by osSku) must carry ' +
        'Microsoft.Security/serverVulnerabilityAssessments/default; if it does not, the deployment creates it. Needs Security Admin.',
    metadata: { category: 'Security Center', version: '1.0.0', dine: generatedBy },
    version: '1.0.0',
    parameters: { effect: effectParameter(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'DeployIfNotExists') },
    policyRule: {
      if: { allOf: conditions },
      then: {
        effect: "[parameters('effect')]",
        details: {
          type: 'Microsoft.Security/serverVulnerabilityAssessments',
          name: 'default',
          roleDefinitionIds: [SECURITY_ADMIN_ROLE_ID],
          deployment: scannerDeployment(),
        },
      },
    },
  });
}

function defenderServersAudit(scope: string): JsonObject {
  return dineDefinition(scope, 'dine-defender-servers-audit', {
    displayName: 'dine: subscriptions have Defender for Servers (pricing VirtualMachines = Standard)',
    policyType: 'Custom',
    mode: 'All',
    description:
      'The integrated vulnerability scanner is only offered to machines covered by Microsoft Defender for Servers. A subscription is ' +
      'compliant when its Microsoft.Security/pricings/VirtualMachines has pricingTier Standard; Free or no pricing is non-compliant.',
    metadata: { category: 'Security Center', version: '1.0.0', dine: { generatedBy: generatedBy.generatedBy } },
    version: '1.0.0',
    parameters: { effect: { ...effectParameter(['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists'), metadata: { displayName: 'Effect', description: 'AuditIfNotExists reports, Disabled turns the policy off.' } } },
    policyRule: {
      if: { field: 'type', equals: 'Microsoft.Resources/subscriptions' },
      then: {
        effect: "[parameters('effect')]",
        details: {
          type: 'Microsoft.Security/pricings',
          name: 'VirtualMachines',
          existenceScope: 'Subscription',
          existenceCondition: { field: 'Microsoft.Security/pricings/pricingTier', equals: 'Standard' },
        },
      },
    },
  });
}

function initiative(scope: string): JsonObject {
  const builtinId = (n: string): string => definitionId('', 'policyDefinitions', n);
  const dineId = (n: string): string => definitionId(scope, 'policyDefinitions', n);
  const effect = (allowed: string[], def: string, what: string): JsonObject => ({
    type: 'String',
    metadata: { displayName: `Effect: ${what}` },
    allowedValues: allowed,
    defaultValue: def,
  });
  const name = 'dine-vulnerability-assessment';
  return {
    properties: {
      displayName: 'dine: vulnerability assessment on machines (integrated scanner)',
      policyType: 'Custom',
      description:
        'Bundles the built-in provider DINE (13ce0167) and audit (501541f7) with dine definitions that work on snapshots without ' +
        'Defender assessments: scanner deployment for supported VMs and Arc machines, and the Defender for Servers prerequisite. ' +
        "dine's deploy members default to AuditIfNotExists so they do not deploy twice next to 13ce0167; set them to " +
        'DeployIfNotExists when the snapshot has no Defender assessments.',
      metadata: { category: 'Security Center', version: '1.0.0', dine: { generatedBy: generatedBy.generatedBy } },
      version: '1.0.0',
      parameters: {
        vaType: {
          type: 'String',
          metadata: { displayName: 'Vulnerability assessment provider', description: 'default = integrated Qualys scanner; mdeTvm = Microsoft Defender Vulnerability Management.' },
          allowedValues: ['default', 'mdeTvm'],
          defaultValue: 'default',
        },
        configureVaProviderEffect: effect(['DeployIfNotExists', 'Disabled'], 'DeployIfNotExists', 'provision the VA provider (13ce0167)'),
        auditVaSolutionEffect: effect(['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists', 'audit VMs for a VA solution (501541f7)'),
        deployScannerVmEffect: effect(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'AuditIfNotExists', 'scanner on supported VMs (dine)'),
        deployScannerArcEffect: effect(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'AuditIfNotExists', 'scanner on supported Arc machines (dine)'),
        auditDefenderForServersEffect: effect(['AuditIfNotExists', 'Disabled'], 'AuditIfNotExists', 'Defender for Servers on subscriptions (dine)'),
      },
      policyDefinitionGroups: [
        { name: 'deploy', category: 'Security Center', displayName: 'Deploy the scanner', description: 'DeployIfNotExists members that put a vulnerability assessment provider on machines.' },
        { name: 'audit', category: 'Security Center', displayName: 'Report coverage', description: 'Members that report machines without a vulnerability assessment solution.' },
        { name: 'prerequisites', category: 'Security Center', displayName: 'Prerequisites', description: 'What the integrated scanner needs: Defender for Servers on the subscription.' },
      ],
      policyDefinitions: [
        {
          policyDefinitionId: builtinId('13ce0167-8ca6-4048-8e6b-f996402e3c1b'),
          policyDefinitionReferenceId: 'configureVaProvider',
          parameters: { effect: { value: "[parameters('configureVaProviderEffect')]" }, vaType: { value: "[parameters('vaType')]" } },
          groupNames: ['deploy'],
        },
        {
          policyDefinitionId: builtinId('501541f7-f7e7-4cd6-868c-4190fdad3ac9'),
          policyDefinitionReferenceId: 'auditVaSolution',
          parameters: { effect: { value: "[parameters('auditVaSolutionEffect')]" } },
          groupNames: ['audit'],
        },
        {
          policyDefinitionId: dineId('dine-va-deploy-vm'),
          policyDefinitionReferenceId: 'deployScannerVm',
          parameters: { effect: { value: "[parameters('deployScannerVmEffect')]" } },
          groupNames: ['deploy', 'audit'],
        },
        {
          policyDefinitionId: dineId('dine-va-deploy-arc'),
          policyDefinitionReferenceId: 'deployScannerArc',
          parameters: { effect: { value: "[parameters('deployScannerArcEffect')]" } },
          groupNames: ['deploy', 'audit'],
        },
        {
          policyDefinitionId: dineId('dine-defender-servers-audit'),
          policyDefinitionReferenceId: 'auditDefenderForServers',
          parameters: { effect: { value: "[parameters('auditDefenderForServersEffect')]" } },
          groupNames: ['prerequisites'],
        },
      ],
    },
    id: definitionId(scope, 'policySetDefinitions', name),
    name,
    type: 'Microsoft.Authorization/policySetDefinitions',
  };
}

/** A built-in as dine ships it: Microsoft's id, name, mode, parameters and policyRule unchanged; our displayName and description. */
export function buildBuiltin(reference: unknown, text: { displayName: string; description: string }): JsonObject {
  if (typeof reference !== 'object' || reference === null) throw new Error('built-in reference is not an object');
  const ref = reference as { properties?: Record<string, Json>; id?: string; name?: string };
  const p = ref.properties;
  if (!p || typeof ref.id !== 'string' || typeof ref.name !== 'string') throw new Error('built-in reference lacks properties/id/name');
  const properties: JsonObject = {
    displayName: text.displayName,
    policyType: p['policyType'] ?? 'BuiltIn',
    mode: p['mode'] ?? null,
    description: text.description,
    metadata: { ...(p['metadata'] as JsonObject), dine: { source: 'Azure/azure-policy built-in-policies/policyDefinitions/Security Center', textBy: 'dine' } },
    version: p['version'] ?? null,
    parameters: p['parameters'] ?? {},
    policyRule: p['policyRule'] ?? null,
  };
  if (p['versions'] !== undefined) properties['versions'] = p['versions'];
  return { properties, id: ref.id, name: ref.name, type: 'Microsoft.Authorization/policyDefinitions' };
}

/** The whole pack. Keys are paths relative to the repository root. */
export function buildPack(options: BuildPackOptions = {}): PackFiles {
  const scope = options.scope ?? '';
  const files = new Map<string, string>();
  files.set('policies/dine/dine-va-deploy-vm.json', toText(vaDeployDefinition(scope, 'vm')));
  files.set('policies/dine/dine-va-deploy-arc.json', toText(vaDeployDefinition(scope, 'arc')));
  files.set('policies/dine/dine-defender-servers-audit.json', toText(defenderServersAudit(scope)));
  files.set('policies/initiatives/dine-vulnerability-assessment.json', toText(initiative(scope)));
  if (options.builtinReferences) {
    for (const b of BUILTINS) {
      const ref = options.builtinReferences.get(b.referenceFile);
      if (ref === undefined) throw new Error(`missing built-in reference ${b.referenceFile}`);
      files.set(`policies/builtin/${b.name}.json`, toText(buildBuiltin(ref, b)));
    }
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
