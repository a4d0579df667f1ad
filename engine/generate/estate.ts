// A deterministic, seeded estate generator. It yields raw ARM resources one at a time (management groups,
// subscriptions with their ancestor chains, pricings, resource groups, machines and the Defender data on them),
// holding only the current subscription's small state, so it scales to millions of machines.
import { findRegion } from '../scanner/data/data-centres.js';
import { createRandom, type Random } from './prng.js';
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
  type ArcOs,
  type AssessmentState,
  type RawResource,
  type VmImage,
} from './shapes.js';

export interface GenerateEstateOptions {
  /** Number of machines (VMs + Arc machines), exactly. */
  readonly machines: number;
  /** Seed; the same seed and options give the same resources in the same order. Default 'dine'. */
  readonly seed?: string | number;
  /** Machines per subscription (default 5000; the last subscription takes the remainder). */
  readonly machinesPerSubscription?: number;
  /** Machines per resource group (default 250). */
  readonly machinesPerResourceGroup?: number;
  /** Share of Arc machines, 0..1 (default 0.25). */
  readonly arcShare?: number;
  /** Share of subscriptions without Defender for Servers (pricing Free), 0..1 (default 0.15). */
  readonly freeShare?: number;
  /** Share of subscriptions whose resources are in European regions, 0..1 (default 0.35). */
  readonly europeShare?: number;
  /** Timestamp written into the resources (the generator reads no clock). Default 2024-03-01T00:00:00Z. */
  readonly timestamp?: string;
}

export interface EstateCounts {
  managementGroups: number;
  subscriptions: number;
  resourceGroups: number;
  virtualMachines: number;
  arcMachines: number;
  assessments: number;
  serverVulnerabilityAssessments: number;
  pricings: number;
}

const EUROPE_REGIONS = ['westeurope', 'northeurope', 'swedencentral', 'uksouth', 'germanywestcentral', 'francecentral'];
const OTHER_REGIONS = ['eastus', 'eastus2', 'centralus', 'westus2', 'southeastasia', 'australiaeast', 'japaneast', 'canadacentral'];

const MANAGEMENT_GROUPS: readonly { name: string; displayName: string; parent?: string }[] = [
  { name: 'gen-root', displayName: 'Generated root' },
  { name: 'gen-platform', displayName: 'Platform', parent: 'gen-root' },
  { name: 'gen-landing-zones', displayName: 'Landing zones', parent: 'gen-root' },
  { name: 'gen-corp', displayName: 'Corp', parent: 'gen-landing-zones' },
  { name: 'gen-online', displayName: 'Online', parent: 'gen-landing-zones' },
];
/** Leaf MGs subscriptions go under, with their chain nearest first. */
const LEAVES: readonly (readonly { name: string; displayName: string }[])[] = [
  [MANAGEMENT_GROUPS[1]!, MANAGEMENT_GROUPS[0]!],
  [MANAGEMENT_GROUPS[3]!, MANAGEMENT_GROUPS[2]!, MANAGEMENT_GROUPS[0]!],
  [MANAGEMENT_GROUPS[4]!, MANAGEMENT_GROUPS[2]!, MANAGEMENT_GROUPS[0]!],
];

function checkOptions(o: GenerateEstateOptions): void {
  const int = (name: string, v: number | undefined, min: number): void => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) throw new RangeError(`generateEstate: ${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int('machines', o.machines, 0);
  int('machinesPerSubscription', o.machinesPerSubscription, 1);
  int('machinesPerResourceGroup', o.machinesPerResourceGroup, 1);
  for (const [name, v] of [['arcShare', o.arcShare], ['freeShare', o.freeShare], ['europeShare', o.europeShare]] as const) {
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`generateEstate: ${name} must be in [0, 1], got ${v}`);
  }
}

/** Seeded mix of Defender assessment states for one machine (undefined = no assessment in the snapshot). */
function drawAssessment(rnd: Random, supported: boolean, standard: boolean, tagged: boolean): AssessmentState | undefined {
  if (!standard) {
    return rnd.next() < 0.7 ? { code: 'NotApplicable', description: 'This machine is not protected by Microsoft Defender for Servers.' } : undefined;
  }
  if (!supported) {
    return rnd.next() < 0.9 ? { code: 'NotApplicable', description: 'The operating system of this machine is not supported by the integrated vulnerability scanner.' } : undefined;
  }
  if (tagged) return { code: 'Healthy', cause: 'mdeTvm' };
  return rnd.weighted<AssessmentState | undefined>([
    [{ code: 'Healthy', cause: 'default' }, 45],
    [{ code: 'Healthy', cause: 'mdeTvm' }, 15],
    [{ code: 'Unhealthy' }, 30],
    [undefined, 10],
  ]);
}

/** The estate as an async iterator of raw resources. Pass `counts` to have it tallied as it goes. */
export async function* generateEstate(options: GenerateEstateOptions, counts?: EstateCounts): AsyncGenerator<RawResource, void, undefined> {
  checkOptions(options);
  const rnd = createRandom(options.seed ?? 'dine');
  const perSub = options.machinesPerSubscription ?? 5000;
  const perRg = options.machinesPerResourceGroup ?? 250;
  const arcShare = options.arcShare ?? 0.25;
  const freeShare = options.freeShare ?? 0.15;
  const europeShare = options.europeShare ?? 0.35;
  const ts = options.timestamp ?? '2024-03-01T00:00:00.0000000Z';
  const tenantId = rnd.guid();
  const tally = (k: keyof EstateCounts): void => {
    if (counts) counts[k]++;
  };

  for (const mg of MANAGEMENT_GROUPS) {
    tally('managementGroups');
    yield buildManagementGroup({ ...mg, tenantId });
  }

  const subscriptions = Math.max(1, Math.ceil(options.machines / perSub));
  let remaining = options.machines;
  for (let s = 0; s < subscriptions; s++) {
    const subscriptionId = rnd.guid();
    const chain = LEAVES[s % LEAVES.length]!;
    // The first subscription is always Standard, the second (if any) always Free, so small estates show both.
    const standard = s === 0 ? true : s === 1 ? false : rnd.next() >= freeShare;
    const european = rnd.next() < europeShare;
    const regions = european ? EUROPE_REGIONS : OTHER_REGIONS;
    tally('subscriptions');
    yield buildSubscription({ subscriptionId, displayName: `Generated subscription ${String(s + 1).padStart(4, '0')}`, tenantId, ancestors: chain });
    tally('pricings');
    yield buildServersPricing({ subscriptionId, tier: standard ? 'Standard' : 'Free' });

    const machinesHere = Math.min(perSub, remaining);
    remaining -= machinesHere;
    for (let first = 0; first < machinesHere; first += perRg) {
      const rgIndex = first / perRg;
      const resourceGroup = `rg-gen-${String(rgIndex + 1).padStart(4, '0')}`;
      const rgLocation = rnd.pick(regions);
      tally('resourceGroups');
      yield buildResourceGroup({ subscriptionId, name: resourceGroup, location: rgLocation, tags: { generatedBy: 'dine' } });
      const inRg = Math.min(perRg, machinesHere - first);
      for (let i = 0; i < inRg; i++) {
        const n = s * perSub + first + i;
        const location = rnd.next() < 0.8 ? rgLocation : rnd.pick(regions);
        const isArc = rnd.next() < arcShare;
        const common = { subscriptionId, resourceGroup, location, vmId: rnd.guid(), created: ts };
        let machine: RawResource;
        let supported: boolean;
        let tagged = false;
        if (isArc) {
          const os: ArcOs = rnd.pick(ARC_OSES);
          tagged = rnd.next() < 0.05;
          supported = os.supported;
          const tags: Record<string, string> = tagged ? { MDFCSecurityConnector: 'aws-connector', env: 'multicloud' } : { env: rnd.pick(['prod', 'dev', 'test']) };
          machine = buildArcMachine({ ...common, name: `arc-${String(n).padStart(8, '0')}`, tags, os, tenantId, country: findRegion(location)?.geography });
          tally('arcMachines');
        } else {
          const image: VmImage = rnd.pick(VM_IMAGES);
          supported = image.supported;
          machine = buildVirtualMachine({ ...common, name: `vm-${String(n).padStart(8, '0')}`, tags: { env: rnd.pick(['prod', 'dev', 'test']) }, image, vmSize: rnd.pick(['Standard_D2s_v5', 'Standard_B2ms', 'Standard_E4s_v5']) });
          tally('virtualMachines');
        }
        yield machine;
        const machineId = String(machine['id']);
        const state = drawAssessment(rnd, supported, standard, tagged);
        if (state !== undefined) {
          tally('assessments');
          yield buildVaAssessment(machineId, state, ts);
        }
        // The scanner resource: almost always there when Healthy via the Qualys provider, sometimes already deployed
        // while the assessment is still Unhealthy (Defender has not re-assessed yet), rarely elsewhere.
        const vaChance = state?.code === 'Healthy' && state.cause === 'default' ? 0.95 : state?.code === 'Unhealthy' ? 0.1 : 0.02;
        if (rnd.next() < vaChance) {
          tally('serverVulnerabilityAssessments');
          yield buildServerVulnerabilityAssessment(machineId);
        }
      }
    }
  }
}

export function emptyCounts(): EstateCounts {
  return { managementGroups: 0, subscriptions: 0, resourceGroups: 0, virtualMachines: 0, arcMachines: 0, assessments: 0, serverVulnerabilityAssessments: 0, pricings: 0 };
}
