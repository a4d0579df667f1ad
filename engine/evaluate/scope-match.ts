// Scope membership compiled once per scope (assignment scope, notScopes, exemption scope, --scope):
// a case-insensitive prefix test for subscriptions, resource groups and resources, and the set of
// subscriptions below a management group — no id parsing per resource (digest §8.1).
import type { Hierarchy } from '../scope/hierarchy.js';
import type { ResourceView } from '../model/index.js';

export type ScopeMatcher = (view: ResourceView) => boolean;

const MG_PREFIX = '/providers/microsoft.management/managementgroups/';

/** `id` equals `prefix` or continues it at a segment boundary, ignoring case; allocates nothing. */
export function underPrefix(id: string, prefixLower: string): boolean {
  const n = prefixLower.length;
  if (id.length < n) return false;
  for (let i = 0; i < n; i++) {
    let c = id.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== prefixLower.charCodeAt(i)) return false;
  }
  return id.length === n || id.charCodeAt(n) === 47; // '/'
}

export function compileScope(scopeId: string, hierarchy: Hierarchy): ScopeMatcher {
  const s = scopeId.replace(/\/+$/, '').toLowerCase();
  if (s === '' || s === '/') return () => true;
  if (s.startsWith(MG_PREFIX) && !s.slice(MG_PREFIX.length).includes('/')) {
    // A management group: everything written under it, and every subscription below it in the tree.
    const subscriptions = new Set(hierarchy.subscriptionsUnder(scopeId).map((id) => id.slice('/subscriptions/'.length).toLowerCase()));
    return (view) => {
      if (view.subscriptionId !== undefined) return subscriptions.has(view.subscriptionId.toLowerCase());
      return underPrefix(view.id, s) || hierarchy.contains(scopeId, view.id);
    };
  }
  return (view) => underPrefix(view.id, s);
}
