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
 * Where a resource hangs: the length of the id's prefix that is its parent resource (child types), the resource it
 * extends (extension resources), or its container (resource group, subscription; 0 for what hangs under the
 * tenant). Found in the id as written (ASCII case ignored), without a lower-cased copy.
 */
export function attachmentOf(id: string): { end: number; extendsResource: boolean } {
  const at = lastIndexIgnoringCase(id, PROVIDERS, id.length - PROVIDERS.length);
  if (at === -1) {
    // A container: a resource group hangs under its subscription.
    const rg = lastIndexIgnoringCase(id, RESOURCE_GROUPS, id.length - RESOURCE_GROUPS.length);
    return { end: rg === -1 ? 0 : rg, extendsResource: false };
  }
  // NS/t1/n1/t2/n2…: a child's parent is the same id without its last type/name pair.
  let slashes = 0;
  for (let q = id.indexOf('/', at + PROVIDERS.length); q !== -1 && slashes <= 2; q = id.indexOf('/', q + 1)) slashes++;
  if (slashes > 2) return { end: id.lastIndexOf('/', id.lastIndexOf('/') - 1), extendsResource: false };
  return { end: at, extendsResource: lastIndexIgnoringCase(id, PROVIDERS, at - PROVIDERS.length) !== -1 };
}

const RESOURCE_GROUPS = '/resourcegroups/';

/**
 * Start of the last occurrence of `lower` (lower-case ASCII, starting with '/') in `s` starting at or before `from`,
 * ignoring ASCII case; -1 if none. Only the slashes are candidates: found by the native lastIndexOf.
 */
function lastIndexIgnoringCase(s: string, lower: string, from: number): number {
  if (from < 0) return -1;
  outer: for (let start = s.lastIndexOf('/', from); start >= 0; start = start === 0 ? -1 : s.lastIndexOf('/', start - 1)) {
    if (start + lower.length > s.length) continue;
    for (let k = 1; k < lower.length; k++) {
      let c = s.charCodeAt(start + k);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== lower.charCodeAt(k)) continue outer;
    }
    return start;
  }
  return -1;
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
  add(slot: number, view: ResourceView): void {
    const at = this.#slots.get(slot);
    if (at === undefined) this.#slots.set(slot, view);
    else if (Array.isArray(at)) at.push(view);
    else this.#slots.set(slot, [at, view]);
  }
  /** The resources under `parentId`, whose slotOf() the caller gives (one hash per evaluated resource, not per look-up). */
  get(parentId: string, slot: number): readonly ResourceView[] | undefined {
    const at = this.#slots.get(slot);
    if (at === undefined) return undefined;
    if (!Array.isArray(at)) return continues(at.id, parentId) ? [at] : undefined;
    return at.every((v) => continues(v.id, parentId)) ? at : at.filter((v) => continues(v.id, parentId));
  }
}

/** 30 bits of the id hash: a small-integer key (no heap number per entry); hits are checked by `continues`. */
function slotOf(id: string): number {
  return idHash(id) % 0x40000000;
}

/** `id` starts with `parent` (ignoring case) followed by '/'. Exports spell an id alike throughout: the native
 * comparison decides first, the case-folding one only when it fails. */
function continues(id: string, parent: string): boolean {
  return id.length > parent.length && id.charCodeAt(parent.length) === 47 && (id.startsWith(parent) || startsWithIgnoringCase(id, parent));
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
      const { end, extendsResource } = attachmentOf(v.id);
      if (extendsResource) extension = true;
      this.byParent.add(slotOf(v.id.slice(0, end)), v);
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
  /** details.type as evaluated → lower-cased (usually one constant per policy). */
  private readonly typesLower = new Map<string, string>();
  /** The last evaluated resource looked up and its slot: its IfNotExists members look it up in turn. */
  private lastPrimary: string | undefined;
  private lastSlot = 0;
  /** The last question asked (its parts, not a copy of the query: no allocation per look-up) and its answer. */
  private lastQueryPrimary: ResourceView | undefined;
  private lastQueryType: string | undefined;
  private lastQueryName: string | undefined;
  private lastQueryScope: ExistenceScope | undefined;
  private lastQueryGroup: string | undefined;
  private lastFound: readonly ResourceView[] = EMPTY;

  constructor(resources: Iterable<ResourceView>) {
    for (const r of resources) this.add(r);
  }

  add(view: ResourceView): void {
    const list = this.byType.get(view.typeLower);
    if (list === undefined) this.byType.set(view.typeLower, [view]);
    else list.push(view);
    this.indexes.delete(view.typeLower);
    this.lastQueryPrimary = undefined;
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
    // Members of one initiative often ask the same question about the same resource (two built-ins look up the
    // same assessment): the last answer is kept.
    if (
      this.lastQueryPrimary === q.primary &&
      this.lastQueryType === q.type &&
      this.lastQueryName === q.name &&
      this.lastQueryScope === q.existenceScope &&
      this.lastQueryGroup === q.resourceGroupName
    ) {
      return this.lastFound;
    }
    const found = this.lookUp(q);
    this.lastQueryPrimary = q.primary;
    this.lastQueryType = q.type;
    this.lastQueryName = q.name;
    this.lastQueryScope = q.existenceScope;
    this.lastQueryGroup = q.resourceGroupName;
    this.lastFound = found;
    return found;
  }

  private lookUp(q: RelatedQuery): readonly ResourceView[] {
    let type = this.typesLower.get(q.type);
    if (type === undefined) {
      type = q.type.toLowerCase();
      if (this.typesLower.size < MAX_CACHED_MATCHERS) this.typesLower.set(q.type, type);
    }
    const ix = this.index(type);
    if (ix === undefined) return EMPTY;
    const p = q.primary;
    let pool: readonly ResourceView[] | undefined;
    if (ix.extension || (type.length > p.typeLower.length && type.charCodeAt(p.typeLower.length) === 47 && type.startsWith(p.typeLower))) {
      // Underneath the evaluated resource: a child type or an extension resource on it.
      if (p.id !== this.lastPrimary) {
        this.lastPrimary = p.id;
        this.lastSlot = slotOf(p.id);
      }
      pool = ix.byParent.get(p.id, this.lastSlot);
    } else if (q.existenceScope === 'subscription') {
      pool = p.subscriptionId === undefined ? undefined : ix.bySubscription.get(p.subscriptionId.toLowerCase());
    } else if (p.subscriptionId !== undefined && (q.resourceGroupName !== undefined || p.resourceGroup !== undefined)) {
      const rg = q.resourceGroupName ?? p.resourceGroup!;
      pool = ix.byResourceGroup.get(`/subscriptions/${p.subscriptionId}/resourcegroups/${rg}`.toLowerCase());
    } else if (p.subscriptionId !== undefined) {
      // A subscription evaluated with the default scope: resources directly under it.
      const sub = `/subscriptions/${p.subscriptionId}`;
      pool = ix.byParent.get(sub, slotOf(sub));
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
