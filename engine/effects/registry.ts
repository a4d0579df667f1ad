// The one EFFECTS table: every effect name Azure Policy knows, and how each turns an evaluation
// into a compliance state for an existing resource (digest §7.1–7.3).

export type EffectFamily =
  /** Compliance follows the if-condition; applicability from type/name/kind leaves only (§7.2). */
  | 'conditional'
  /** Applicable iff the whole if holds; compliance from the related-resource existence check (§7.5). */
  | 'ifNotExists'
  /** details.defaultState decides (§7.3). */
  | 'manual'
  /** Protected when the if holds. */
  | 'denyAction'
  /** No evaluation at all. */
  | 'disabled'
  /** Evaluated by a resource provider on data-plane components; never from ARM snapshots. */
  | 'resourceProvider';

export interface EffectSpec {
  /** Lower camel, as results report it. */
  readonly name: string;
  readonly doc: string;
  readonly family: EffectFamily;
  /** details properties that must be present. */
  readonly requiredDetails: readonly string[];
}

function effect(name: string, family: EffectFamily, doc: string, requiredDetails: readonly string[] = []): EffectSpec {
  return Object.freeze({ name, family, doc, requiredDetails });
}

export const EFFECTS: readonly EffectSpec[] = Object.freeze([
  effect('disabled', 'disabled', 'The rule is not evaluated; no compliance record.'),
  effect('audit', 'conditional', 'NonCompliant when the if-condition holds.'),
  effect('deny', 'conditional', 'Blocks requests at request time; in a scan, NonCompliant when the if-condition holds.'),
  effect('append', 'conditional', 'Adds fields at request time; in a scan, NonCompliant when the if-condition holds.', ['details']),
  effect('modify', 'conditional', 'Alters properties or tags at request time; in a scan, NonCompliant when the if-condition holds.', ['details', 'roleDefinitionIds', 'operations']),
  effect('auditIfNotExists', 'ifNotExists', 'When the if-condition holds, NonCompliant unless a related resource satisfies the existence condition.', ['details', 'type']),
  effect('deployIfNotExists', 'ifNotExists', 'As auditIfNotExists, and remediation deploys details.deployment.', ['details', 'type', 'deployment', 'roleDefinitionIds']),
  effect('manual', 'manual', 'Compliance is attested; until then the state is details.defaultState (Unknown by default).'),
  effect('denyAction', 'denyAction', 'Blocks the listed actions (delete); matching resources are Protected.', ['details']),
  effect('auditAction', 'resourceProvider', 'Resource-provider action audit (data plane).'),
  effect('mutate', 'resourceProvider', 'Kubernetes mutation (Microsoft.Kubernetes.Data mode).'),
  effect('addToNetworkGroup', 'resourceProvider', 'Azure Virtual Network Manager membership (Microsoft.Network.Data mode).'),
  effect('enforceRegoPolicy', 'resourceProvider', 'Legacy AKS Rego enforcement.'),
  effect('enforceOPAConstraint', 'resourceProvider', 'Legacy Kubernetes OPA constraint enforcement.'),
  effect('enforceSetting', 'resourceProvider', 'Resource-provider setting enforcement (data plane).'),
]);

const BY_LOWER_NAME: ReadonlyMap<string, EffectSpec> = new Map(EFFECTS.map((e) => [e.name.toLowerCase(), e]));

/** Effect names are case-insensitive ('AuditIfNotExists', 'deployifnotexists'). */
export function lookupEffect(name: string): EffectSpec | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}
