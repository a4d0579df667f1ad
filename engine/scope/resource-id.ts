// ARM resource ids: parse, format and test containment. Pure string work, no I/O.
//
// Grammar (MicrosoftDocs "Resource ID" / azure-resource-manager management docs; digest §4.2, §8.1, §12.4):
//   id        := container ( provider )*   |   provider+            (tenant-level, incl. management groups)
//   container := /subscriptions/{S} [ /resourceGroups/{G} ]
//   provider  := /providers/{Namespace}/{type1}/{name1}[/{type2}/{name2}]*
// Fixed segments (subscriptions, resourceGroups, providers) are matched case-insensitively; names keep their case.
// A provider segment that follows another resource (or a management group) is an extension resource: its type is
// the extension type, its fullName the name chain after the last /providers/ (digest A-16).
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';

/** The tenant scope ("/"): above every management group, and where tenant-level resources live. */
export const TENANT_SCOPE_ID = '/';
/** Longest id accepted. ARM documents no single limit; real ids stay far below this. Longer input is hostile. */
export const MAX_RESOURCE_ID_LENGTH = 8192;

export const SUBSCRIPTION_TYPE = 'Microsoft.Resources/subscriptions';
export const RESOURCE_GROUP_TYPE = 'Microsoft.Resources/subscriptions/resourceGroups';
export const MANAGEMENT_GROUP_TYPE = 'Microsoft.Management/managementGroups';

export type ResourceIdKind = 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

/** One `/providers/{Namespace}/{type}/{name}…` segment of an id. */
export interface ProviderSegment {
  readonly namespace: string;
  /** Type segments after the namespace (`['servers', 'databases']`). */
  readonly types: readonly string[];
  /** One name per type segment (`['s1', 'd1']`). */
  readonly names: readonly string[];
}

export interface ParsedResourceId {
  /** The id exactly as given. */
  readonly id: string;
  readonly kind: ResourceIdKind;
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  /** Set for a management group and for anything written under one (`/providers/Microsoft.Management/managementGroups/mg/...`). */
  readonly managementGroup: string | undefined;
  /** Namespace of `type` (`Microsoft.Sql`; `Microsoft.Resources` for subscriptions and resource groups). */
  readonly namespace: string;
  /** Full type: `Microsoft.Sql/servers/databases`; the extension type for extension resources. */
  readonly type: string;
  /** Last name segment. */
  readonly name: string;
  /** Names of the resource's own provider segment joined with '/' (`s1/d1`); containers: their name. */
  readonly fullName: string;
  /** Every provider segment, outermost first (empty for subscriptions and resource groups). */
  readonly providers: readonly ProviderSegment[];
  /** The resource sits on another resource or on a management group (a provider segment before its own). */
  readonly isExtension: boolean;
  /**
   * The textual parent: child → parent resource, extension → the resource (or RG / subscription / MG) it extends,
   * top-level resource → its RG or subscription, RG → subscription. Undefined for subscriptions, management
   * groups and top-level tenant resources (their parents come from the hierarchy, not from the id).
   */
  readonly parentId: string | undefined;
  /**
   * What the resource's own provider segment is attached to: the id before its last `/providers/` (an exemption's
   * scope, digest §9). Containers: their parent container; tenant-level resources and MGs: `/`.
   */
  readonly scopeId: string;
  /** Every id on the path from the outermost container down to this id (inclusive), outermost first. */
  readonly scopes: readonly string[];
}

export type ParseResult = ParsedResourceId | Diagnostic;

export function isDiagnostic(v: unknown): v is Diagnostic {
  return typeof v === 'object' && v !== null && 'code' in v && 'severity' in v && 'message' in v && !('kind' in v);
}

function fail(id: string, reason: string): Diagnostic {
  const shown = id.length > 200 ? id.slice(0, 200) + '…' : id;
  return diagnostic('load.invalid-resource-id', { id: shown, reason });
}

/**
 * `a.toLowerCase() === lower` for the ASCII literals below, without allocating: a non-ASCII character never lower-cases
 * to one of their letters (the Kelvin sign's 'k' appears in none of them).
 */
function eq(a: string | undefined, lower: string): boolean {
  if (a === undefined || a.length !== lower.length) return false;
  for (let i = 0; i < a.length; i++) {
    let c = a.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** eq(id.slice(at, at + lower.length), lower), without the slice. */
function eqAt(id: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = id.charCodeAt(at + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** What String.prototype.trim removes (WhiteSpace and LineTerminator). */
function isTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Lower-case key for maps keyed by resource id (ids compare case-insensitively). */
export function resourceIdKey(id: string): string {
  return id.toLowerCase();
}

/** Splits an id into segments and rejects hostile shapes; returns the segments after the leading '/'. */
function segmentsOf(id: unknown): string[] | string {
  if (typeof id !== 'string') return 'not a string';
  if (id.length === 0) return 'empty';
  if (id.length > MAX_RESOURCE_ID_LENGTH) return `longer than ${MAX_RESOURCE_ID_LENGTH} characters`;
  if (id[0] !== '/') return 'must start with "/"';
  if (id === '/') return 'the tenant scope "/" is not a resource id';
  const segs = id.slice(1).split('/');
  // One scan of the whole (flat) id first: without a forbidden character the per-segment scan is skipped.
  let clean = true;
  for (let k = 0; k < id.length && clean; k++) {
    const c = id.charCodeAt(k);
    clean = !(c < 0x20 || c === 0x7f || c === 0x3f || c === 0x23 || c === 0x5c);
  }
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.length === 0) return i === segs.length - 1 ? 'ends with "/"' : `empty segment at position ${i + 1}`;
    if (s === '.' || s === '..') return `relative segment "${s}"`;
    if (isTrimmed(s.charCodeAt(0)) || isTrimmed(s.charCodeAt(s.length - 1))) return `segment "${s}" has leading or trailing whitespace`;
    for (let k = 0; !clean && k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c < 0x20 || c === 0x7f) return 'contains a control character';
      if (c === 0x3f /* ? */ || c === 0x23 /* # */ || c === 0x5c /* \ */) return `segment "${s}" contains "${s[k]}"`;
    }
  }
  return segs;
}

/** Parses an ARM resource id. Never throws: a malformed id gives a 'load.invalid-resource-id' diagnostic. */
export function parseResourceId(id: string): ParseResult {
  return parseCommonResourceId(id) ?? parseAnyResourceId(id);
}

/**
 * The commonest ids, `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}]…`,
 * optionally extended (`…/providers/{ns}/{type}/{name}…` again: assessments on machines), parsed in one pass over
 * the characters: the same object parseAnyResourceId gives. undefined for any other id, valid or not (a forbidden
 * character, an empty, '.' or '..' segment, whitespace at a segment's end, another shape): the general parser
 * decides it and words its diagnostic.
 */
export function parseCommonResourceId(id: string): ParsedResourceId | undefined {
  if (typeof id !== 'string' || id.length > MAX_RESOURCE_ID_LENGTH || id.charCodeAt(0) !== 47) return undefined;
  // Segment k is id.slice(starts[k], ends[k]).
  const starts: number[] = [];
  const ends: number[] = [];
  let from = 1;
  for (let i = 1; i <= id.length; i++) {
    const c = i === id.length ? 47 : id.charCodeAt(i);
    if (c !== 47) {
      if (c < 0x20 || c === 0x7f || c === 0x3f /* ? */ || c === 0x23 /* # */ || c === 0x5c /* \ */) return undefined;
      continue;
    }
    if (i === from || isTrimmed(id.charCodeAt(from)) || isTrimmed(id.charCodeAt(i - 1))) return undefined;
    if (id.charCodeAt(from) === 46 && (i - from === 1 || (i - from === 2 && id.charCodeAt(from + 1) === 46))) return undefined;
    starts.push(from);
    ends.push(i);
    from = i + 1;
  }
  const n = starts.length;
  const seg = (k: number): string => id.slice(starts[k], ends[k]);
  const is = (k: number, lower: string): boolean => ends[k]! - starts[k]! === lower.length && eqAt(id, starts[k]!, lower);
  if (n < 8 || n % 2 !== 0 || !is(0, 'subscriptions') || !is(2, 'resourcegroups') || !is(4, 'providers')) return undefined;
  const scopes: string[] = [id.slice(0, ends[1]), id.slice(0, ends[3])];
  const providers: ProviderSegment[] = [];
  // Provider segments: providers/{ns}/{type}/{name}[/{type}/{name}]*, repeated; k is at "providers".
  for (let k = 4; k < n; ) {
    if (k + 2 >= n || is(k + 1, 'providers') || is(k + 2, 'providers')) return undefined;
    const namespace = seg(k + 1);
    const types: string[] = [];
    const names: string[] = [];
    let j = k + 2;
    for (; j < n && !is(j, 'providers'); j += 2) {
      types.push(seg(j));
      names.push(seg(j + 1));
      scopes.push(j + 1 === n - 1 ? id : id.slice(0, ends[j + 1]));
    }
    providers.push({ namespace, types, names });
    k = j;
  }
  return resourceOf(id, seg(1), seg(3), undefined, providers, scopes);
}

/** The parsed id of a resource (not a container), from its provider segments and the scopes down to it. */
function resourceOf(id: string, subscriptionId: string | undefined, resourceGroup: string | undefined, managementGroup: string | undefined, providers: ProviderSegment[], scopes: string[]): ParsedResourceId {
  const own = providers[providers.length - 1]!;
  const ownStart = scopes.length - own.types.length; // index in `scopes` of the own segment's first resource
  return Object.freeze({
    id, kind: 'resource', subscriptionId, resourceGroup, managementGroup,
    namespace: own.namespace,
    type: own.types.length === 1 ? `${own.namespace}/${own.types[0]}` : `${own.namespace}/${own.types.join('/')}`,
    name: own.names[own.names.length - 1]!,
    fullName: own.names.length === 1 ? own.names[0]! : own.names.join('/'),
    providers: Object.freeze(providers),
    isExtension: providers.length > 1,
    parentId: scopes.length >= 2 ? scopes[scopes.length - 2] : undefined,
    scopeId: ownStart > 0 ? scopes[ownStart - 1]! : TENANT_SCOPE_ID,
    scopes: Object.freeze(scopes),
  } satisfies ParsedResourceId);
}

/** The general parser: every shape, and the diagnostic of a malformed id. */
export function parseAnyResourceId(id: string): ParseResult {
  const segs = segmentsOf(id);
  if (typeof segs === 'string') return fail(String(id), segs);

  let i = 0;
  let subscriptionId: string | undefined;
  let resourceGroup: string | undefined;
  let managementGroup: string | undefined;
  let prefix = ''; // id text consumed so far (original case): a slice of the id, never a concatenation
  let pos = 0; // its length
  const scopes: string[] = [];
  const providers: ProviderSegment[] = [];

  if (eq(segs[0], 'subscriptions')) {
    if (segs.length < 2) return fail(id, 'subscription id missing after "subscriptions"');
    subscriptionId = segs[1]!;
    pos = 2 + segs[0]!.length + segs[1]!.length;
    prefix = id.slice(0, pos);
    scopes.push(prefix);
    i = 2;
    if (eq(segs[i], 'resourcegroups')) {
      if (segs.length < i + 2) return fail(id, 'resource group name missing after "resourceGroups"');
      resourceGroup = segs[i + 1]!;
      pos += 2 + segs[i]!.length + segs[i + 1]!.length;
      prefix = id.slice(0, pos);
      scopes.push(prefix);
      i += 2;
    }
    if (i < segs.length && !eq(segs[i], 'providers')) {
      return fail(id, `expected "${resourceGroup === undefined ? 'resourceGroups" or "' : ''}providers" after "${prefix}", found "${segs[i]}"`);
    }
  } else if (!eq(segs[0], 'providers')) {
    return fail(id, `must start with "/subscriptions/" or "/providers/", found "/${segs[0]}"`);
  }

  // Provider segments: providers/{ns}/{type}/{name}[/{type}/{name}]* … repeated.
  while (i < segs.length) {
    // segs[i] is "providers" (checked by the caller of each iteration)
    const ns = segs[i + 1];
    if (ns === undefined) return fail(id, '"providers" without a namespace');
    if (eq(ns, 'providers')) return fail(id, '"providers" followed by "providers"');
    const types: string[] = [];
    const names: string[] = [];
    let j = i + 2;
    let end = pos + 2 + segs[i]!.length + ns.length;
    if (j >= segs.length) return fail(id, `namespace "${ns}" without a resource type`);
    while (j < segs.length && !eq(segs[j], 'providers')) {
      const t = segs[j]!;
      const n = segs[j + 1];
      if (n === undefined) return fail(id, `resource type "${t}" has no name`);
      types.push(t);
      names.push(n);
      end += 2 + t.length + n.length;
      scopes.push(id.slice(0, end));
      j += 2;
    }
    if (types.length === 0) return fail(id, `namespace "${ns}" without a resource type`);
    providers.push({ namespace: ns, types, names });
    pos = end;
    prefix = id.slice(0, pos);
    i = j;
  }

  // Containers.
  if (providers.length === 0) {
    if (resourceGroup !== undefined) {
      return Object.freeze({
        id, kind: 'resourceGroup', subscriptionId, resourceGroup, managementGroup: undefined,
        namespace: 'Microsoft.Resources', type: RESOURCE_GROUP_TYPE, name: resourceGroup, fullName: resourceGroup,
        providers: Object.freeze([]), isExtension: false, parentId: scopes[0], scopeId: scopes[0]!, scopes: Object.freeze(scopes),
      } satisfies ParsedResourceId);
    }
    return Object.freeze({
      id, kind: 'subscription', subscriptionId, resourceGroup: undefined, managementGroup: undefined,
      namespace: 'Microsoft.Resources', type: SUBSCRIPTION_TYPE, name: subscriptionId!, fullName: subscriptionId!,
      providers: Object.freeze([]), isExtension: false, parentId: undefined, scopeId: TENANT_SCOPE_ID, scopes: Object.freeze(scopes),
    } satisfies ParsedResourceId);
  }

  const first = providers[0]!;
  if (subscriptionId === undefined && eq(first.namespace, 'microsoft.management') && eq(first.types[0], 'managementgroups')) {
    managementGroup = first.names[0];
    if (providers.length === 1 && first.types.length === 1) {
      return Object.freeze({
        id, kind: 'managementGroup', subscriptionId: undefined, resourceGroup: undefined, managementGroup,
        namespace: first.namespace, type: `${first.namespace}/${first.types[0]}`, name: managementGroup!, fullName: managementGroup!,
        providers: Object.freeze(providers), isExtension: false, parentId: undefined, scopeId: TENANT_SCOPE_ID, scopes: Object.freeze(scopes),
      } satisfies ParsedResourceId);
    }
  }

  return resourceOf(id, subscriptionId, resourceGroup, managementGroup, providers, scopes);
}

// ── formatting ─────────────────────────────────────────────────────────────────────────

export function formatSubscriptionId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function formatResourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function formatManagementGroupId(managementGroup: string): string {
  return `/providers/Microsoft.Management/managementGroups/${managementGroup}`;
}

/**
 * Forms the id of a resource of `type` named `name` deployed at `scopeId` (digest §12.4):
 * `type: NS/t1/t2`, `name: n1/n2` → `{scope}/providers/NS/t1/n1/t2/n2`; the legacy extension form
 * `type: NS/t1/providers/et1`, `name: n1/ExtNS/en1` → `{scope}/providers/NS/t1/n1/providers/ExtNS/et1/en1`.
 * `scopeId` may be `/` (tenant). Gives a diagnostic when the type and name segments do not pair up.
 */
export function formatResourceId(scopeId: string, type: string, name: string): string | Diagnostic {
  const base = scopeId === TENANT_SCOPE_ID ? '' : scopeId.replace(/\/+$/, '');
  const typeSegs = type.split('/');
  const nameSegs = name.split('/');
  const shown = `${base}/providers/${type} (name "${name}")`;
  if (typeSegs.some((s) => s.length === 0) || nameSegs.some((s) => s.length === 0)) {
    return fail(shown, 'type and name must not have empty segments');
  }
  if (typeSegs.length < 2) return fail(shown, `type "${type}" has no namespace`);
  let out = `${base}/providers/${typeSegs[0]}`;
  let n = 0;
  for (let t = 1; t < typeSegs.length; t++) {
    const seg = typeSegs[t]!;
    if (seg.toLowerCase() === 'providers') {
      // legacy extension form: the next name segment is the extension namespace
      const extNs = nameSegs[n++];
      if (extNs === undefined || t === typeSegs.length - 1) return fail(shown, 'extension "providers" form needs a namespace name and a type');
      out += `/providers/${extNs}`;
      continue;
    }
    const nm = nameSegs[n++];
    if (nm === undefined) return fail(shown, `type has more segments than name "${name}"`);
    out += `/${seg}/${nm}`;
  }
  if (n !== nameSegs.length) return fail(shown, `name "${name}" has more segments than type "${type}"`);
  return out;
}

// ── containment ────────────────────────────────────────────────────────────────────────

/** Anything that can answer management-group containment (a `Hierarchy`). */
export interface ScopeContainer {
  contains(scopeId: string, resourceId: string): boolean;
}

/** True when `id` has no hostile segment (empty, '.', '..'); cheap pre-check for textual containment. */
function isWellFormed(id: string): boolean {
  return typeof segmentsOf(id) !== 'string';
}

/**
 * Is `resourceId` at or below `scopeId`? Case-insensitive, on segment boundaries (`…/rg1` does not contain
 * `…/rg10`). `/` contains everything. A management-group scope contains the subscriptions below it only through
 * the hierarchy: pass one (a `Hierarchy`) or only ids written under the MG's own id match.
 */
export function isUnderScope(resourceId: string, scopeId: string, hierarchy?: ScopeContainer): boolean {
  if (typeof resourceId !== 'string' || typeof scopeId !== 'string') return false;
  if (!isWellFormed(resourceId)) return false;
  if (scopeId === TENANT_SCOPE_ID) return true;
  if (!isWellFormed(scopeId)) return false;
  const r = resourceId.toLowerCase();
  const s = scopeId.toLowerCase();
  if (r === s || r.startsWith(s + '/')) return true;
  if (hierarchy !== undefined && s.startsWith('/providers/microsoft.management/managementgroups/')) {
    return hierarchy.contains(scopeId, resourceId);
  }
  return false;
}

/** Case-insensitive order of strings (ids, names), as comparing their toLowerCase(), without allocating for ASCII. */
export function compareIdsIgnoringCase(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 128 || y >= 128) {
      const la = a.toLowerCase();
      const lb = b.toLowerCase();
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return x - y;
  }
  if (a.length === b.length) return 0;
  // A longer string whose extra part is non-ASCII may lower-case to other lengths: compare exactly then.
  const rest = a.length > b.length ? a.slice(n) : b.slice(n);
  for (let i = 0; i < rest.length; i++) {
    if (rest.charCodeAt(i) >= 128) {
      const la = a.toLowerCase();
      const lb = b.toLowerCase();
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
  }
  return a.length - b.length;
}

/** `id` starts with `prefix`, ignoring case as toLowerCase does, without allocating for ASCII. */
export function startsWithIgnoringCase(id: string, prefix: string): boolean {
  if (id.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let x = id.charCodeAt(i);
    let y = prefix.charCodeAt(i);
    if (x === y) continue;
    if (x >= 128 || y >= 128) return id.toLowerCase().startsWith(prefix.toLowerCase());
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}
