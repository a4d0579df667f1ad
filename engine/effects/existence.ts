// The related-resource lookup of auditIfNotExists / deployIfNotExists (digest §7.5): an index built
// once over a snapshot, queried per evaluated resource by (type, placement) — never a scan.
import type { ResourceView } from '../model/index.js';

export type ExistenceScope = 'resourceGroup' | 'subscription';

export interface RelatedQuery {
  /** details.type, evaluated. */
  type: string;
  /** details.name, evaluated; "parent/?" matches any last segment. */
  name?: string;
  primary: ResourceView;
  /** details.resourceGroupName, evaluated. */
  resourceGroupName?: string;
  existenceScope: ExistenceScope;
}

export interface RelatedLookup {
  /** False when the data holds no resource of this type at all (it was probably not exported). */
  knows(type: string): boolean;
  find(query: RelatedQuery): readonly ResourceView[];
}

const PROVIDERS = '/providers/';
const EMPTY: readonly ResourceView[] = Object.freeze([]);
const MAX_CACHED_MATCHERS = 256;

/**
 * Where a resource hangs: its parent resource (child types), the resource it extends (extension
 * resources), or its container (resource group, subscription, management group, tenant).
 */
export function attachmentOf(id: string): { parent: string; extendsResource: boolean } {
  const lower = id.toLowerCase();
  const at = lower.lastIndexOf(PROVIDERS);
  if (at === -1) {
    // A container: a resource group hangs under its subscription.
    const rg = lower.indexOf('/resourcegroups/');
    return { parent: rg === -1 ? '' : id.slice(0, rg), extendsResource: false };
  }
  const base = id.slice(0, at);
  const segments = id.slice(at + PROVIDERS.length).split('/');
  if (segments.length > 3) {
    // NS/t1/n1/t2/n2…: the parent is the same id without its last type/name pair.
    return { parent: base + PROVIDERS + segments.slice(0, segments.length - 2).join('/'), extendsResource: false };
  }
  return { parent: base, extendsResource: base.toLowerCase().includes(PROVIDERS) };
}

function push(map: Map<string, Map<string, ResourceView[]>>, type: string, key: string, view: ResourceView): void {
  let byKey = map.get(type);
  if (byKey === undefined) map.set(type, (byKey = new Map()));
  const list = byKey.get(key);
  if (list === undefined) byKey.set(key, [view]);
  else list.push(view);
}

/** Resource-group id of a resource (lower-case), or undefined outside resource groups. */
function resourceGroupKey(view: ResourceView): string | undefined {
  if (view.subscriptionId === undefined || view.resourceGroup === undefined) return undefined;
  return `/subscriptions/${view.subscriptionId}/resourcegroups/${view.resourceGroup}`.toLowerCase();
}

export class RelatedIndex implements RelatedLookup {
  private readonly byParent = new Map<string, Map<string, ResourceView[]>>();
  private readonly byResourceGroup = new Map<string, Map<string, ResourceView[]>>();
  private readonly bySubscription = new Map<string, Map<string, ResourceView[]>>();
  /** Types whose instances extend other resources (Microsoft.Security/assessments …). */
  private readonly extensionTypes = new Set<string>();
  private readonly matchers = new Map<string, (r: ResourceView) => boolean>();

  constructor(resources: Iterable<ResourceView>) {
    for (const r of resources) this.add(r);
  }

  add(view: ResourceView): void {
    const type = view.typeLower;
    const { parent, extendsResource } = attachmentOf(view.id);
    if (extendsResource) this.extensionTypes.add(type);
    push(this.byParent, type, parent.toLowerCase(), view);
    const rg = resourceGroupKey(view);
    if (rg !== undefined) push(this.byResourceGroup, type, rg, view);
    if (view.subscriptionId !== undefined) push(this.bySubscription, type, view.subscriptionId.toLowerCase(), view);
  }

  knows(type: string): boolean {
    return this.byParent.has(type.toLowerCase());
  }

  find(q: RelatedQuery): readonly ResourceView[] {
    const type = q.type.toLowerCase();
    const p = q.primary;
    let pool: readonly ResourceView[] | undefined;
    if (type.startsWith(p.typeLower + '/') || this.extensionTypes.has(type)) {
      // Underneath the evaluated resource: a child type or an extension resource on it.
      pool = this.byParent.get(type)?.get(p.id.toLowerCase());
    } else if (q.existenceScope === 'subscription') {
      pool = p.subscriptionId === undefined ? undefined : this.bySubscription.get(type)?.get(p.subscriptionId.toLowerCase());
    } else if (p.subscriptionId !== undefined && (q.resourceGroupName !== undefined || p.resourceGroup !== undefined)) {
      const rg = q.resourceGroupName ?? p.resourceGroup!;
      pool = this.byResourceGroup.get(type)?.get(`/subscriptions/${p.subscriptionId}/resourcegroups/${rg}`.toLowerCase());
    } else if (p.subscriptionId !== undefined) {
      // A subscription evaluated with the default scope: resources directly under it.
      pool = this.byParent.get(type)?.get(`/subscriptions/${p.subscriptionId}`.toLowerCase());
    }
    if (pool === undefined) return EMPTY;
    if (q.name === undefined) return pool;
    // details.name is usually a constant: its matcher is built once. Names that vary per resource
    // ("[concat(field('name'), '/?')]") stop being cached past a bound, so the cache cannot grow with the estate.
    let matches = this.matchers.get(q.name);
    if (matches === undefined) {
      matches = nameMatcher(q.name);
      if (this.matchers.size < MAX_CACHED_MATCHERS) this.matchers.set(q.name, matches);
    }
    return matchingName(pool, matches);
  }
}

/** The pool's resources whose name matches, without allocating when none or all do (the common cases). */
function matchingName(pool: readonly ResourceView[], matches: (r: ResourceView) => boolean): readonly ResourceView[] {
  let out: ResourceView[] | undefined;
  for (let i = 0; i < pool.length; i++) {
    const ok = matches(pool[i]!);
    if (ok && out !== undefined) out.push(pool[i]!);
    else if (!ok && out === undefined) out = pool.slice(0, i);
  }
  return out ?? pool;
}

/** details.name: exact (case-insensitive) on name or, with '/', on fullName; a last segment '?' is a wildcard. */
export function nameMatcher(name: string): (r: ResourceView) => boolean {
  const lower = name.toLowerCase();
  if (!lower.includes('/')) return (r) => r.name.length === lower.length && r.name.toLowerCase() === lower;
  if (lower.endsWith('/?')) {
    const prefix = lower.slice(0, -1);
    return (r) => {
      const full = r.fullName.toLowerCase();
      return full.startsWith(prefix) && !full.slice(prefix.length).includes('/') && full.length > prefix.length;
    };
  }
  return (r) => r.fullName.toLowerCase() === lower;
}
