// The related-resource lookup of auditIfNotExists / deployIfNotExists (digest §7.5): an index built
// once over a snapshot, queried per evaluated resource by (type, placement) — never a scan.
import type { ResourceView } from '../model/index.js';
import { startsWithIgnoringCase } from '../scope/resource-id.js';
import { idHash } from '../scope/id-hash.js';

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
 * Where a resource hangs, lower-cased: its parent resource (child types), the resource it extends (extension
 * resources), or its container (resource group, subscription, management group, tenant).
 */
export function attachmentOf(id: string): { parent: string; extendsResource: boolean } {
  const lower = id.toLowerCase();
  const at = lower.lastIndexOf(PROVIDERS);
  if (at === -1) {
    // A container: a resource group hangs under its subscription.
    const rg = lower.indexOf('/resourcegroups/');
    return { parent: rg === -1 ? '' : lower.slice(0, rg), extendsResource: false };
  }
  // NS/t1/n1/t2/n2…: a child's parent is the same id without its last type/name pair.
  let slashes = 0;
  for (let i = at + PROVIDERS.length; i < lower.length; i++) if (lower.charCodeAt(i) === 47) slashes++;
  if (slashes > 2) {
    const last = lower.lastIndexOf('/');
    return { parent: lower.slice(0, lower.lastIndexOf('/', last - 1)), extendsResource: false };
  }
  const base = lower.slice(0, at);
  return { parent: base, extendsResource: base.includes(PROVIDERS) };
}

function push(byKey: Map<string, ResourceView[]>, key: string, view: ResourceView): void {
  const list = byKey.get(key);
  if (list === undefined) byKey.set(key, [view]);
  else list.push(view);
}

/** Resource-group id of a resource (lower-case), or undefined outside resource groups. */
function resourceGroupKey(view: ResourceView): string | undefined {
  if (view.subscriptionId === undefined || view.resourceGroup === undefined) return undefined;
  return `/subscriptions/${view.subscriptionId}/resourcegroups/${view.resourceGroup}`.toLowerCase();
}

/**
 * Resources by the id they hang under, keyed by a hash of that id (ignoring case) rather than by the id:
 * a key string would keep a lower-cased copy of every related id alive (≈ 200 B each). A single resource is stored
 * as itself, several as a list; a lookup checks that each one's id continues the parent's.
 */
class ByParent {
  readonly #slots = new Map<number, ResourceView | ResourceView[]>();
  add(parentLower: string, view: ResourceView): void {
    const h = slotOf(parentLower);
    const at = this.#slots.get(h);
    if (at === undefined) this.#slots.set(h, view);
    else if (Array.isArray(at)) at.push(view);
    else this.#slots.set(h, [at, view]);
  }
  /** The last id looked up and its slot: the IfNotExists members of one resource look up the same id in turn. */
  #lastId: string | undefined;
  #lastSlot = 0;
  get(parentId: string): readonly ResourceView[] | undefined {
    if (parentId !== this.#lastId) {
      this.#lastId = parentId;
      this.#lastSlot = slotOf(parentId);
    }
    const at = this.#slots.get(this.#lastSlot);
    if (at === undefined) return undefined;
    const list = Array.isArray(at) ? at : [at];
    return list.every((v) => continues(v.id, parentId)) ? list : list.filter((v) => continues(v.id, parentId));
  }
}

/** 30 bits of the id hash: a small-integer key (no heap number per entry); hits are checked by `continues`. */
function slotOf(id: string): number {
  return idHash(id) % 0x40000000;
}

/** `id` starts with `parent` (ignoring case) followed by '/'. */
function continues(id: string, parent: string): boolean {
  return id.length > parent.length && id.charCodeAt(parent.length) === 47 && startsWithIgnoringCase(id, parent);
}

/** The placements of one related type, built the first time the type is looked up. */
class TypeIndex {
  readonly byParent = new ByParent();
  #byResourceGroup: Map<string, ResourceView[]> | undefined;
  #bySubscription: Map<string, ResourceView[]> | undefined;
  /** Instances extend other resources (Microsoft.Security/assessments …). */
  readonly extension: boolean;
  constructor(readonly views: readonly ResourceView[]) {
    let extension = false;
    for (const v of views) {
      const { parent, extendsResource } = attachmentOf(v.id);
      if (extendsResource) extension = true;
      this.byParent.add(parent, v);
    }
    this.extension = extension;
  }
  get byResourceGroup(): Map<string, ResourceView[]> {
    if (this.#byResourceGroup === undefined) {
      this.#byResourceGroup = new Map();
      for (const v of this.views) {
        const rg = resourceGroupKey(v);
        if (rg !== undefined) push(this.#byResourceGroup, rg, v);
      }
    }
    return this.#byResourceGroup;
  }
  get bySubscription(): Map<string, ResourceView[]> {
    if (this.#bySubscription === undefined) {
      this.#bySubscription = new Map();
      for (const v of this.views) if (v.subscriptionId !== undefined) push(this.#bySubscription, v.subscriptionId.toLowerCase(), v);
    }
    return this.#bySubscription;
  }
}

/**
 * The related-resource index: resources grouped by type once; a type's placements (by parent, resource group,
 * subscription) are indexed when the type is first looked up, so types no rule relates to cost one list push each.
 */
export class RelatedIndex implements RelatedLookup {
  private readonly byType = new Map<string, ResourceView[]>();
  private readonly indexes = new Map<string, TypeIndex>();
  private readonly matchers = new Map<string, (r: ResourceView) => boolean>();

  constructor(resources: Iterable<ResourceView>) {
    for (const r of resources) this.add(r);
  }

  add(view: ResourceView): void {
    const list = this.byType.get(view.typeLower);
    if (list === undefined) this.byType.set(view.typeLower, [view]);
    else list.push(view);
    this.indexes.delete(view.typeLower);
  }

  knows(type: string): boolean {
    return this.byType.has(type.toLowerCase());
  }

  private index(type: string): TypeIndex | undefined {
    let ix = this.indexes.get(type);
    if (ix === undefined) {
      const views = this.byType.get(type);
      if (views === undefined) return undefined;
      this.indexes.set(type, (ix = new TypeIndex(views)));
    }
    return ix;
  }

  find(q: RelatedQuery): readonly ResourceView[] {
    const type = q.type.toLowerCase();
    const ix = this.index(type);
    if (ix === undefined) return EMPTY;
    const p = q.primary;
    let pool: readonly ResourceView[] | undefined;
    if (ix.extension || (type.length > p.typeLower.length && type.charCodeAt(p.typeLower.length) === 47 && type.startsWith(p.typeLower))) {
      // Underneath the evaluated resource: a child type or an extension resource on it.
      pool = ix.byParent.get(p.id);
    } else if (q.existenceScope === 'subscription') {
      pool = p.subscriptionId === undefined ? undefined : ix.bySubscription.get(p.subscriptionId.toLowerCase());
    } else if (p.subscriptionId !== undefined && (q.resourceGroupName !== undefined || p.resourceGroup !== undefined)) {
      const rg = q.resourceGroupName ?? p.resourceGroup!;
      pool = ix.byResourceGroup.get(`/subscriptions/${p.subscriptionId}/resourcegroups/${rg}`.toLowerCase());
    } else if (p.subscriptionId !== undefined) {
      // A subscription evaluated with the default scope: resources directly under it.
      pool = ix.byParent.get(`/subscriptions/${p.subscriptionId}`);
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
