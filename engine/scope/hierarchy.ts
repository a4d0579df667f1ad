// The management group → subscription → resource group tree of a snapshot, for management-group scopes
// (digest §8.1: a resource is in an MG scope when its subscription is a transitive descendant of the MG).
//
// Sources of parent links, first statement wins (a later, different one is a 'load.hierarchy-conflict' warning):
//   - management groups (ARM GET): properties.details.parent.{id|name}; with $expand=children: properties.children[]
//     (child type Microsoft.Management/managementGroups or /subscriptions), recursively;
//   - management groups (Resource Graph resourcecontainers): properties.details.managementGroupAncestorsChain;
//   - subscriptions (Resource Graph resourcecontainers): properties.managementGroupAncestorsChain, [{name, displayName}]
//     ordered from the nearest management group to the root.
// Containers are also implied by ids (a resource's subscription and resource group, an MG named in a chain).
// A subscription or MG with no known parent hangs under the tenant root "/", except that a subscription whose
// tenantId names a parentless management group (the Tenant Root Group's name is the tenant id) hangs under it.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { RawResource, ResourceView } from '../model/index.js';
import {
  TENANT_SCOPE_ID,
  formatManagementGroupId,
  isDiagnostic,
  parseResourceId,
  resourceIdKey,
  type ParsedResourceId,
  type ScopeContainer,
} from './resource-id.js';

export type HierarchyNodeKind = 'tenant' | 'managementGroup' | 'subscription' | 'resourceGroup';

export interface HierarchyNode {
  /** Canonical id: as written by the container's own resource, else by the first id that implied it. */
  readonly id: string;
  readonly kind: HierarchyNodeKind;
  /** MG name, subscription GUID, resource-group name; '' for the tenant root. */
  readonly name: string;
  readonly displayName: string | undefined;
  /** Parent container id; undefined only for the tenant root. */
  readonly parentId: string | undefined;
  /** True when the snapshot holds no resource for this container (it was implied by other ids or chains). */
  readonly implied: boolean;
}

interface MutableNode {
  id: string;
  kind: HierarchyNodeKind;
  name: string;
  displayName: string | undefined;
  parentKey: string | undefined;
  parentSource: string | undefined;
  implied: boolean;
  tenantId: string | undefined;
}

const TENANT_KEY = TENANT_SCOPE_ID;

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function prop(o: Record<string, unknown> | undefined, key: string): unknown {
  return o !== undefined && Object.hasOwn(o, key) ? o[key] : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Input to the builder: views (preferred, their ids are parsed once) or raw resources. */
export type HierarchyInput = ResourceView | (ResourceView & { parsedId: ParsedResourceId }) | RawResource;

export class Hierarchy implements ScopeContainer {
  readonly #nodes: Map<string, HierarchyNode>;
  /** container key → ancestor keys, nearest first, ending with '/'. */
  readonly #ancestors: Map<string, readonly string[]>;
  readonly #ancestorSets: Map<string, ReadonlySet<string>>;
  readonly #subsUnder = new Map<string, readonly string[]>();

  /** @internal use buildHierarchy */
  constructor(nodes: Map<string, HierarchyNode>) {
    this.#nodes = nodes;
    this.#ancestors = new Map();
    this.#ancestorSets = new Map();
    for (const key of nodes.keys()) {
      const chain: string[] = [];
      let p = nodes.get(key)!.parentId;
      while (p !== undefined) {
        const pk = resourceIdKey(p);
        chain.push(pk);
        p = nodes.get(pk)?.parentId;
      }
      this.#ancestors.set(key, chain);
      this.#ancestorSets.set(key, new Set(chain));
    }
  }

  get root(): HierarchyNode {
    return this.#nodes.get(TENANT_KEY)!;
  }

  /** The node of a container id (ci), or undefined. */
  node(id: string): HierarchyNode | undefined {
    return this.#nodes.get(resourceIdKey(id));
  }

  /** Every node, sorted by lower-cased id (the tenant root "/" first). */
  nodes(): HierarchyNode[] {
    return [...this.#nodes.keys()].sort(compareKeys).map((k) => this.#nodes.get(k)!);
  }

  managementGroups(): HierarchyNode[] {
    return this.nodes().filter((n) => n.kind === 'managementGroup');
  }
  subscriptions(): HierarchyNode[] {
    return this.nodes().filter((n) => n.kind === 'subscription');
  }
  resourceGroups(): HierarchyNode[] {
    return this.nodes().filter((n) => n.kind === 'resourceGroup');
  }

  /** Direct children of a container, sorted by lower-cased id. */
  childrenOf(id: string): HierarchyNode[] {
    const key = resourceIdKey(id);
    return this.nodes().filter((n) => n.parentId !== undefined && resourceIdKey(n.parentId) === key);
  }

  /**
   * Every scope above `resourceId`, nearest first: parent resources (for child and extension resources), the
   * resource group, the subscription, its management groups up to the root, and finally "/". The id itself is
   * not included. An invalid id has no ancestors.
   */
  ancestorsOf(resourceId: string): string[] {
    if (resourceId === TENANT_SCOPE_ID) return [];
    const parsed = parseResourceId(resourceId);
    if (isDiagnostic(parsed)) return [];
    const out: string[] = [];
    for (let i = parsed.scopes.length - 2; i >= 0; i--) {
      const s = parsed.scopes[i]!;
      out.push(this.#nodes.get(resourceIdKey(s))?.id ?? s);
    }
    const top = resourceIdKey(parsed.scopes[0]!);
    const topNode = this.#nodes.get(top);
    if (topNode === undefined || topNode.kind === 'resourceGroup') {
      // tenant-level resource (top is a resource), or a container the hierarchy never saw
      out.push(TENANT_SCOPE_ID);
      return out;
    }
    for (const k of this.#ancestors.get(top)!) out.push(this.#nodes.get(k)!.id);
    return out;
  }

  /**
   * Is `resourceId` at or below `scopeId`? Textual containment (ci, segment boundaries) for every scope, plus
   * the hierarchy for management groups and "/".
   */
  contains(scopeId: string, resourceId: string): boolean {
    if (typeof scopeId !== 'string' || typeof resourceId !== 'string') return false;
    const parsed = resourceId === TENANT_SCOPE_ID ? undefined : parseResourceId(resourceId);
    if (scopeId === TENANT_SCOPE_ID) return parsed === undefined || !isDiagnostic(parsed);
    if (parsed === undefined || isDiagnostic(parsed)) return false;
    const scope = parseResourceId(scopeId);
    if (isDiagnostic(scope)) return false;
    const r = resourceId.toLowerCase();
    const s = scopeId.toLowerCase();
    if (r === s || r.startsWith(s + '/')) return true;
    if (scope.kind !== 'managementGroup') return false;
    const top = resourceIdKey(parsed.scopes[0]!);
    return this.#ancestorSets.get(top)?.has(s) ?? false;
  }

  /** Subscriptions at any depth below a management group (or below "/"), sorted by lower-cased id. */
  subscriptionsUnder(managementGroupId: string): string[] {
    const key = resourceIdKey(managementGroupId);
    const cached = this.#subsUnder.get(key);
    if (cached !== undefined) return [...cached];
    const out: string[] = [];
    for (const k of [...this.#nodes.keys()].sort(compareKeys)) {
      const n = this.#nodes.get(k)!;
      if (n.kind === 'subscription' && this.#ancestorSets.get(k)!.has(key)) out.push(n.id);
    }
    this.#subsUnder.set(key, Object.freeze(out));
    return [...out];
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds the tree. Never throws; conflicting or cyclic parent links give diagnostics and are resolved. */
export function buildHierarchy(resources: Iterable<HierarchyInput>): { hierarchy: Hierarchy; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<string, MutableNode>();
  nodes.set(TENANT_KEY, {
    id: TENANT_SCOPE_ID, kind: 'tenant', name: '', displayName: undefined,
    parentKey: undefined, parentSource: undefined, implied: true, tenantId: undefined,
  });

  const ensure = (id: string, kind: HierarchyNodeKind, name: string): MutableNode => {
    const key = resourceIdKey(id);
    let n = nodes.get(key);
    if (n === undefined) {
      n = { id, kind, name, displayName: undefined, parentKey: undefined, parentSource: undefined, implied: true, tenantId: undefined };
      nodes.set(key, n);
    }
    return n;
  };
  const ensureMg = (name: string): MutableNode => ensure(formatManagementGroupId(name), 'managementGroup', name);
  const setParent = (child: MutableNode, parentId: string, source: string): void => {
    const pk = resourceIdKey(parentId);
    if (pk === resourceIdKey(child.id)) {
      diagnostics.push(diagnostic('load.hierarchy-cycle', { id: child.id }));
      return;
    }
    if (child.parentKey === undefined) {
      child.parentKey = pk;
      child.parentSource = source;
    } else if (child.parentKey !== pk) {
      diagnostics.push(
        diagnostic('load.hierarchy-conflict', { id: child.id, first: nodes.get(child.parentKey)?.id ?? child.parentKey, second: parentId }),
      );
    }
  };
  /** ancestors chain, nearest first: child → chain[0] → chain[1] … */
  const applyChain = (child: MutableNode, chain: unknown, source: string): void => {
    if (!Array.isArray(chain)) return;
    let cur = child;
    for (const entry of chain) {
      const name = str(prop(obj(entry), 'name'));
      if (name === undefined) break;
      const mg = ensureMg(name);
      const dn = str(prop(obj(entry), 'displayName'));
      if (mg.displayName === undefined && dn !== undefined) mg.displayName = dn;
      setParent(cur, mg.id, source);
      cur = mg;
    }
  };
  const parentRef = (v: unknown): string | undefined => {
    const o = obj(v);
    const id = str(prop(o, 'id'));
    if (id !== undefined) {
      const p = parseResourceId(id);
      if (!isDiagnostic(p) && p.kind === 'managementGroup') return p.id;
      if (id === TENANT_SCOPE_ID) return TENANT_SCOPE_ID;
    }
    const name = str(prop(o, 'name'));
    return name !== undefined ? formatManagementGroupId(name) : undefined;
  };
  const applyChildren = (parent: MutableNode, children: unknown, depth: number): void => {
    if (!Array.isArray(children) || depth > 64) return;
    for (const c of children) {
      const co = obj(c);
      const id = str(prop(co, 'id'));
      if (id === undefined) continue;
      const p = parseResourceId(id);
      if (isDiagnostic(p)) {
        diagnostics.push(p);
        continue;
      }
      if (p.kind === 'managementGroup') {
        const mg = ensureMg(p.name);
        const dn = str(prop(co, 'displayName'));
        if (mg.displayName === undefined && dn !== undefined) mg.displayName = dn;
        setParent(mg, parent.id, 'children');
        applyChildren(mg, prop(co, 'children'), depth + 1);
      } else if (p.kind === 'subscription') {
        const sub = ensure(p.id, 'subscription', p.subscriptionId!);
        const dn = str(prop(co, 'displayName'));
        if (sub.displayName === undefined && dn !== undefined) sub.displayName = dn;
        setParent(sub, parent.id, 'children');
      }
    }
  };

  for (const r of resources) {
    const view = r as Partial<ResourceView> & { parsedId?: ParsedResourceId };
    let parsed: ParsedResourceId | undefined = view.parsedId;
    const raw: RawResource | undefined = view.raw !== undefined && typeof view.id === 'string' ? view.raw : (r as RawResource);
    if (parsed === undefined) {
      const id = view.id ?? (raw !== undefined ? raw['id'] : undefined);
      if (typeof id !== 'string') continue;
      const p = parseResourceId(id);
      if (isDiagnostic(p)) continue; // the loader already reported it
      parsed = p;
    }
    const props = obj(prop(raw, 'properties'));

    if (parsed.subscriptionId !== undefined) {
      const subId = parsed.scopes[0]!;
      const sub = ensure(subId, 'subscription', parsed.subscriptionId);
      if (parsed.resourceGroup !== undefined) {
        const rg = ensure(parsed.scopes[1]!, 'resourceGroup', parsed.resourceGroup);
        if (rg.parentKey === undefined) rg.parentKey = resourceIdKey(sub.id);
      }
      if (parsed.kind === 'subscription') {
        sub.id = parsed.id;
        sub.implied = false;
        sub.displayName ??= str(prop(raw, 'displayName')) ?? str(prop(props, 'displayName'));
        sub.tenantId ??= str(prop(raw, 'tenantId')) ?? str(prop(props, 'tenantId'));
        applyChain(sub, prop(props, 'managementGroupAncestorsChain'), 'managementGroupAncestorsChain');
      } else if (parsed.kind === 'resourceGroup') {
        const rg = nodes.get(resourceIdKey(parsed.id))!;
        rg.id = parsed.id;
        rg.implied = false;
      }
    } else if (parsed.managementGroup !== undefined) {
      const mgId = parsed.scopes[0]!;
      const mg = ensure(mgId, 'managementGroup', parsed.managementGroup);
      if (parsed.kind === 'managementGroup') {
        mg.id = parsed.id;
        mg.implied = false;
        mg.displayName ??= str(prop(props, 'displayName')) ?? str(prop(raw, 'displayName'));
        mg.tenantId ??= str(prop(props, 'tenantId')) ?? str(prop(raw, 'tenantId'));
        const details = obj(prop(props, 'details'));
        const parent = parentRef(prop(details, 'parent')) ?? parentRef(prop(props, 'parent'));
        if (parent !== undefined) {
          if (parent === TENANT_SCOPE_ID) setParent(mg, TENANT_SCOPE_ID, 'parent');
          else {
            ensureMg(parseResourceIdName(parent));
            setParent(mg, parent, 'parent');
          }
        }
        applyChain(mg, prop(details, 'managementGroupAncestorsChain'), 'managementGroupAncestorsChain');
        applyChildren(mg, prop(props, 'children'), 0);
      }
    }
  }

  // Parentless MGs that are a tenant's root group (name = tenant id) adopt that tenant's orphan subscriptions.
  const rootGroups = new Map<string, MutableNode>();
  for (const n of nodes.values()) {
    if (n.kind === 'managementGroup' && n.parentKey === undefined) rootGroups.set(n.name.toLowerCase(), n);
  }
  for (const key of [...nodes.keys()].sort(compareKeys)) {
    const n = nodes.get(key)!;
    if (n.kind === 'tenant' || n.parentKey !== undefined) continue;
    if (n.kind === 'subscription' && n.tenantId !== undefined) {
      const root = rootGroups.get(n.tenantId.toLowerCase());
      if (root !== undefined) {
        n.parentKey = resourceIdKey(root.id);
        continue;
      }
    }
    n.parentKey = TENANT_KEY;
  }

  // Break cycles deterministically: walk every MG (sorted); a walk that revisits a node detaches the
  // smallest-keyed member of the cycle to the tenant root.
  for (const key of [...nodes.keys()].sort(compareKeys)) {
    const seen: string[] = [];
    let k: string | undefined = key;
    while (k !== undefined && k !== TENANT_KEY) {
      const at = seen.indexOf(k);
      if (at >= 0) {
        const cycle = seen.slice(at).sort(compareKeys);
        const victim = nodes.get(cycle[0]!)!;
        diagnostics.push(diagnostic('load.hierarchy-cycle', { id: victim.id }));
        victim.parentKey = TENANT_KEY;
        break;
      }
      seen.push(k);
      k = nodes.get(k)?.parentKey;
    }
  }

  const frozen = new Map<string, HierarchyNode>();
  for (const [key, n] of nodes) {
    frozen.set(
      key,
      Object.freeze({
        id: n.id,
        kind: n.kind,
        name: n.name,
        displayName: n.displayName,
        parentId: n.parentKey === undefined ? undefined : nodes.get(n.parentKey)!.id,
        implied: n.implied,
      }),
    );
  }
  return { hierarchy: new Hierarchy(frozen), diagnostics };
}

function parseResourceIdName(mgId: string): string {
  const p = parseResourceId(mgId);
  return isDiagnostic(p) ? mgId : p.name;
}
