// `field` strings (digest §4.1–4.6): classified and resolved once at compile time into a FieldRef, then read
// per resource with no parsing and no alias look-up (paths are cached per resource type and API version).
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { MISSING, type ResourceView } from '../model/index.js';
import type { AliasCatalogue } from './catalogue.js';
import { formatPath, getKey, parsePath, readPath, selectPath, type PathSegment } from './path.js';

export type FieldKind = 'root' | 'tags' | 'tag' | 'alias' | 'path';

/** The root fields (§4.2), by lower-cased name. `identity.<x>` is accepted for any x. */
export type RootField = 'name' | 'fullName' | 'kind' | 'type' | 'location' | 'id' | 'apiVersion' | 'identity';

/**
 * How an alias was resolved: from the catalogue, by the naming convention (lenient mode, unknown alias name:
 * flagged), or as a plain property path standing in for an alias (lenient mode).
 */
export type FieldResolution = 'catalogue' | 'convention' | 'plain-path' | 'builtin-field';

export interface FieldRef {
  readonly kind: FieldKind;
  /** The field exactly as written in the rule. */
  readonly text: string;
  /** The field contains `[*]`: it selects a collection (selectField), not one value (readField). */
  readonly wildcard: boolean;
  readonly resolution: FieldResolution;
  /** root: which root field; identity.<x> → 'identity' with `member` = x. */
  readonly root?: RootField;
  readonly member?: string;
  /** tag: the tag name (unquoted). */
  readonly tagName?: string;
  /**
   * Resource types (as spelled in the catalogue, sorted) that define this alias; undefined for fields every
   * resource has (root fields, tags, plain paths).
   */
  readonly types: readonly string[] | undefined;
  /**
   * The compiled path for this resource's type and API version, or undefined when the alias is not defined for
   * the type (the field is MISSING, digest §15 A-17). Root fields and tags give their path in the raw resource
   * (readField reads name/fullName/type/id/apiVersion from the ResourceView itself). Cached per (type, apiVersion).
   */
  pathFor(view: ResourceView): readonly PathSegment[] | undefined;
  /** The resolved JSON path as text (Azure's reason `path`), or undefined when the alias is not defined for the type. */
  displayPath(view: ResourceView): string | undefined;
}

export interface ResolveFieldOptions {
  catalogue: AliasCatalogue;
  /** Unknown alias names are 'compile.unknown-alias' errors (default behaviour). */
  strict: boolean;
  /**
   * Plain property paths (`properties.x.y`, `sku.name`) stand in for aliases, and (like strict: false) an
   * unknown alias name falls back to the naming convention `<type>/<suffix>` → `properties.<suffix>`.
   */
  lenient?: boolean;
}

export type ResolveFieldResult = { ref: FieldRef; warning?: Diagnostic } | { diagnostic: Diagnostic };

const ROOT_FIELDS: Readonly<Record<string, RootField>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, RootField>, {
    name: 'name',
    fullname: 'fullName',
    kind: 'kind',
    type: 'type',
    location: 'location',
    id: 'id',
    apiversion: 'apiVersion',
  }),
);

function invalid(field: string, reason: string): ResolveFieldResult {
  return { diagnostic: diagnostic('compile.invalid-field', { field, reason }) };
}

function freezeSegs(segs: PathSegment[]): readonly PathSegment[] {
  return Object.freeze(segs);
}

/** A FieldRef over a fixed raw path (root fields, tags, plain paths): the same for every resource. */
function fixedRef(
  kind: FieldKind,
  text: string,
  segments: readonly PathSegment[],
  resolution: FieldResolution,
  extra: { root?: RootField; member?: string; tagName?: string; display?: string },
): FieldRef {
  const display = extra.display ?? formatPath(segments);
  const wildcard = segments.some((s) => s.kind === 'wildcard');
  return Object.freeze({
    kind,
    text,
    wildcard,
    resolution,
    ...(extra.root !== undefined ? { root: extra.root } : {}),
    ...(extra.member !== undefined ? { member: extra.member } : {}),
    ...(extra.tagName !== undefined ? { tagName: extra.tagName } : {}),
    types: undefined,
    pathFor: () => segments,
    displayPath: () => display,
  });
}

/** An alias FieldRef: the path depends on the resource's type (and API version), cached per pair. */
function aliasRef(
  text: string,
  resolution: FieldResolution,
  types: readonly string[],
  resolve: (typeLower: string, apiVersion: string | undefined) => readonly PathSegment[] | undefined,
): FieldRef {
  // typeLower → path without an API version, plus per-version paths; two levels so a read builds no key string.
  const cache = new Map<string, { plain?: readonly PathSegment[] | null; byVersion?: Map<string, readonly PathSegment[] | null> }>();
  const display = new Map<readonly PathSegment[], string>();
  const pathFor = (view: ResourceView): readonly PathSegment[] | undefined => {
    let slot = cache.get(view.typeLower);
    if (slot === undefined) cache.set(view.typeLower, (slot = {}));
    const v = view.apiVersion;
    let hit: readonly PathSegment[] | null | undefined;
    if (v === undefined) {
      hit = slot.plain;
      if (hit === undefined) slot.plain = hit = resolve(view.typeLower, undefined) ?? null;
    } else {
      const byVersion = (slot.byVersion ??= new Map());
      hit = byVersion.get(v);
      if (hit === undefined) byVersion.set(v, (hit = resolve(view.typeLower, v) ?? null));
    }
    return hit ?? undefined;
  };
  return Object.freeze({
    kind: 'alias' as const,
    text,
    wildcard: text.includes('[*]'),
    resolution,
    types: Object.freeze([...types]),
    pathFor,
    displayPath(view: ResourceView): string | undefined {
      const segs = pathFor(view);
      if (segs === undefined) return undefined;
      let s = display.get(segs);
      if (s === undefined) display.set(segs, (s = formatPath(segs)));
      return s;
    },
  });
}

/**
 * Parses the tag part of a field that starts with `tags` (case-insensitive): `tags`, `tags.name`,
 * `tags['name']`, `tags['''quoted''']`, `tags[name]`, `tags[tag.with.dots]` (digest §4.3).
 * Returns the tag name, null for the whole tags object, or a reason string.
 */
function parseTagField(field: string): string | null | { reason: string } {
  const rest = field.slice(4);
  if (rest === '') return null;
  if (rest[0] === '.') {
    const name = rest.slice(1);
    return name === '' ? { reason: 'the tag name is empty' } : name;
  }
  if (rest[0] !== '[' || rest[rest.length - 1] !== ']') return { reason: "expected tags, tags.<name>, tags['<name>'] or tags[<name>]" };
  const inner = rest.slice(1, -1);
  let name: string;
  if (inner.length >= 2 && inner[0] === "'" && inner[inner.length - 1] === "'") {
    const quoted = inner.slice(1, -1);
    // Inside the quotes an apostrophe is written twice; a lone one would have ended the string.
    if (quoted.replace(/''/g, '').includes("'")) return { reason: "an apostrophe inside a quoted tag name must be doubled ('')" };
    name = quoted.replace(/''/g, "'");
  } else {
    name = inner;
  }
  // `tags[]` arises from "[concat('tags[', parameters('tagName'), ']')]" with an empty default (16 built-ins):
  // Azure accepts such definitions; the field names the tag '', which is missing on every real resource.
  if (inner === '*') return { reason: "tags cannot be enumerated with [*]; use the field 'tags'" };
  return name;
}

/**
 * Splits an alias name into the resource type it names and its suffix, at the last '/' outside brackets:
 * `Microsoft.Foo/bars/a.b[*].c` → ['Microsoft.Foo/bars', 'a.b[*].c'].
 */
function splitAliasName(alias: string): [string, string] | undefined {
  let depth = 0;
  for (let i = alias.length - 1; i >= 0; i--) {
    const c = alias[i];
    if (c === ']') depth++;
    else if (c === '[') depth--;
    else if (c === '/' && depth === 0) {
      const type = alias.slice(0, i);
      const suffix = alias.slice(i + 1);
      return type.includes('/') && suffix !== '' ? [type, suffix] : undefined;
    }
  }
  return undefined;
}

/**
 * Classifies and resolves a `field` string at compile time (digest §4.1): tags, root fields, property aliases
 * (contain '/'), and in lenient mode plain property paths. Never throws.
 */
export function resolveField(field: string, options: ResolveFieldOptions): ResolveFieldResult {
  // One FieldRef per (catalogue, options, text): policies that read the same field share its path cache and the
  // readers' per-view memo (engine/compile/fields.ts).
  let byText = RESOLVED.get(options.catalogue);
  if (byText === undefined) RESOLVED.set(options.catalogue, (byText = new Map()));
  const key = `${options.strict ? 1 : 0}${options.lenient ? 1 : 0}${field}`;
  let res = byText.get(key);
  if (res === undefined) {
    res = resolveFieldOnce(field, options);
    if (byText.size < MAX_RESOLVED) byText.set(key, res);
  }
  return res;
}

const RESOLVED = new WeakMap<AliasCatalogue, Map<string, ResolveFieldResult>>();
/** Field names computed at run time (field() with an expression) could be many: the cache stops growing here. */
const MAX_RESOLVED = 65536;

function resolveFieldOnce(field: string, options: ResolveFieldOptions): ResolveFieldResult {
  if (typeof field !== 'string' || field === '') return invalid(String(field), 'the field is empty');
  const lower = field.toLowerCase();

  // 1. Tags.
  if (lower.startsWith('tags') && (field.length === 4 || field[4] === '.' || field[4] === '[')) {
    const t = parseTagField(field);
    if (t !== null && typeof t === 'object') return invalid(field, t.reason);
    const tagsKey = freezeSegs([{ kind: 'key', name: 'tags', lower: 'tags' }]);
    if (t === null) return { ref: fixedRef('tags', field, tagsKey, 'builtin-field', { display: 'tags' }) };
    const segs = freezeSegs([tagsKey[0]!, { kind: 'key', name: t, lower: t.toLowerCase() }]);
    return { ref: fixedRef('tag', field, segs, 'builtin-field', { tagName: t, display: formatPath(segs) }) };
  }

  // 2. Property aliases: contain '/'.
  if (field.includes('/')) {
    const { catalogue } = options;
    const types = catalogue.typesDefining(field);
    if (types.length > 0) {
      const ref = aliasRef(field, 'catalogue', types, (typeLower, apiVersion) => catalogue.segmentsFor(typeLower, field, apiVersion));
      return { ref };
    }
    if (options.strict && !options.lenient) return { diagnostic: diagnostic('compile.unknown-alias', { alias: field }) };
    const split = splitAliasName(field);
    if (split === undefined) return invalid(field, 'not an alias name of the form <Namespace>/<type>/<property path>');
    const segs = parsePath('properties.' + split[1]);
    if (typeof segs === 'string') return invalid(field, segs);
    const frozen = freezeSegs(segs);
    const typeLower = split[0].toLowerCase();
    const ref = aliasRef(field, 'convention', [split[0]], (t) => (t === typeLower ? frozen : undefined));
    return { ref, warning: diagnostic('compile.alias-by-convention', { alias: field, path: formatPath(frozen), type: split[0] }) };
  }

  // 3. Root fields (case-insensitive).
  const root = ROOT_FIELDS[lower];
  if (root !== undefined) {
    return { ref: fixedRef('root', field, freezeSegs([{ kind: 'key', name: root, lower }]), 'builtin-field', { root, display: root }) };
  }
  if (lower.startsWith('identity.') && field.length > 9) {
    const member = field.slice(9);
    const segs = parsePath(field);
    if (typeof segs === 'string') return invalid(field, segs);
    const display = lower === 'identity.type' ? 'identity.type' : formatPath(segs);
    return { ref: fixedRef('root', field, freezeSegs(segs), 'builtin-field', { root: 'identity', member, display }) };
  }

  // 4. Lenient: a plain property path stands in for an alias.
  if (options.lenient) {
    const segs = parsePath(field);
    if (typeof segs === 'string') return invalid(field, segs);
    return { ref: fixedRef('path', field, freezeSegs(segs), 'plain-path', {}) };
  }
  return invalid(field, 'not a root field (name, fullName, kind, type, location, id, identity.type, apiVersion), a tag or an alias');
}

/**
 * The value of a field without `[*]` on `view`, or MISSING (digest §2.3, §4.2–4.5). Hot path. Root fields come
 * from the ResourceView (`location` as written); tags are looked up ignoring case. Given a `[*]` field it
 * returns the selectField array.
 */
export function readField(ref: FieldRef, view: ResourceView): unknown {
  if (ref.kind === 'root') {
    switch (ref.root) {
      case 'name':
        return view.name;
      case 'fullName':
        return view.fullName;
      case 'type':
        return view.type;
      case 'id':
        return view.id;
      case 'location':
        return view.location === undefined ? readPath(view.raw, ref.pathFor(view)!) : view.location;
      case 'apiVersion':
        return view.apiVersion === undefined ? MISSING : view.apiVersion;
      default:
        break; // kind, identity.<x>: read from the raw resource
    }
  } else if (ref.kind === 'tag') {
    const tags = getKey(view.raw, 'tags', 'tags');
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return MISSING;
    const segs = ref.pathFor(view)!;
    const seg = segs[1] as { name: string; lower: string };
    return getKey(tags, seg.name, seg.lower);
  }
  const segs = ref.pathFor(view);
  if (segs === undefined) return MISSING;
  if (ref.wildcard) return selectPath(view.raw, segs);
  return readPath(view.raw, segs);
}

/**
 * The values a `[*]` field selects on `view` (digest §4.6): a missing array or an alias the type does not
 * define gives []; a member lacking the property contributes MISSING. For a field without `[*]`, `[value]`.
 */
export function selectField(ref: FieldRef, view: ResourceView): unknown[] {
  if (!ref.wildcard) return [readField(ref, view)];
  const segs = ref.pathFor(view);
  if (segs === undefined) return [];
  return selectPath(view.raw, segs);
}

/**
 * The value of field('<ref>') in a template expression: a `[*]` field gives the array of selected values
 * (missing array → [], a member lacking the property → null in its place, so positions line up with the
 * array); any other field gives its value, or null when missing. Choice: the docs' table shows "" for a
 * missing non-[*] array alias; null is returned instead (coalesce() and empty() patterns rely on null, and
 * the docs' value cannot be told apart from a real empty string).
 */
export function fieldArray(ref: FieldRef, view: ResourceView): unknown {
  if (ref.wildcard) {
    const values = selectField(ref, view);
    for (let i = 0; i < values.length; i++) if (values[i] === MISSING) values[i] = null;
    return values;
  }
  const v = readField(ref, view);
  return v === MISSING ? null : v;
}
