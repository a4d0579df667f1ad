// The alias catalogue: (resource type, alias name) → JSON path, both keys case-insensitive (digest §4.4).
// Built from the committed asset (jeircul/azure-policy-aliases, MIT — see CATALOGUE-LICENSE) plus optional
// caller-supplied aliases in ARM's provider format, which override built-in entries of the same type and name.
import { diagnostic, joinPointer, PolicyError, type Diagnostic } from '../diagnostics/index.js';
import { readCatalogueAsset } from './asset.js';
import { parsePath, type PathSegment } from './path.js';

/** One alias of one resource type. */
export interface AliasDefinition {
  /** Alias name as the catalogue spells it. */
  readonly name: string;
  /** Resource type as the catalogue spells it (`Microsoft.Compute/virtualMachines`). */
  readonly resourceType: string;
  readonly defaultPath: string;
  /** API-version-specific paths (custom aliases only: the shipped dump has none). */
  readonly paths: readonly AliasPath[];
  readonly source: 'built-in' | 'custom';
}

export interface AliasPath {
  readonly path: string;
  readonly apiVersions: readonly string[];
}

/** Caller-supplied aliases: ARM's `GET /providers?$expand=resourceTypes/aliases` shape (or `{ value: [...] }`). */
export interface ProviderAliases {
  namespace: string;
  resourceTypes: { resourceType: string; aliases?: { name: string; defaultPath?: string; paths?: { path: string; apiVersions?: string[] }[] }[] }[];
}

export interface AliasCatalogue {
  /** Number of (type, alias) entries. */
  readonly size: number;
  /** The definition of `aliasName` for `resourceType` (both case-insensitive), if any. */
  lookup(resourceType: string, aliasName: string): AliasDefinition | undefined;
  /** Every definition of `aliasName`, one per resource type that defines it (sorted by type). */
  definitions(aliasName: string): readonly AliasDefinition[];
  /** Resource types (as spelled in the catalogue, sorted) that define `aliasName`; empty when unknown. */
  typesDefining(aliasName: string): readonly string[];
  /** Does any alias exist for this resource type? */
  hasType(resourceType: string): boolean;
  /**
   * The path string to read for `aliasName` on a resource of `resourceType` read with `apiVersion`: a versioned
   * path listing that API version, else defaultPath (digest §4.4 rule 3, §15 A-18); undefined when the type
   * does not define the alias (§15 A-17: the field is missing).
   */
  pathFor(resourceType: string, aliasName: string, apiVersion?: string): string | undefined;
  /** Same, compiled (cached per path string inside the catalogue). */
  segmentsFor(resourceType: string, aliasName: string, apiVersion?: string): readonly PathSegment[] | undefined;
  /** Attribution of the built-in data (source, commit, licence). */
  readonly attribution: Readonly<Record<string, unknown>> | undefined;
}

export interface AliasCatalogueOptions {
  /** Include the shipped catalogue (default true). False gives a catalogue of the custom aliases only. */
  builtIn?: boolean;
}

/** An alias definition with its look-up keys (the definition object itself is what callers see). */
interface Entry extends AliasDefinition {
  readonly typeLower: string;
  /** Lower-cased api versions → path, for custom aliases with versioned paths. */
  byApiVersion: Map<string, string> | undefined;
}

/** Decoded asset data. */
interface Decoded {
  entries: Entry[];
  attribution: Record<string, unknown> | undefined;
}

/** The shipped catalogue, built lazily once: the only module-level state of aliases/. */
let builtInCache: Catalogue | undefined;

const NO_PATHS: readonly AliasPath[] = Object.freeze([]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes asset format dine-alias-catalogue/1 (see derive-catalogue.ts for the encoding). */
function decodeCatalogueAsset(asset: unknown): Decoded {
  if (!isRecord(asset) || asset.format !== 'dine-alias-catalogue/1' || !isRecord(asset.types)) {
    throw new Error('dine: the alias catalogue asset has an unknown format');
  }
  const entries: Entry[] = [];
  for (const type of Object.keys(asset.types)) {
    const t = asset.types[type];
    if (!isRecord(t) || !Array.isArray(t.a)) throw new Error(`dine: alias catalogue asset: bad entry for ${type}`);
    const prefix = typeof t.p === 'string' ? t.p : type + '/';
    const typeLower = type.toLowerCase();
    for (const e of t.a as unknown[]) {
      let name: string;
      let path: string;
      if (typeof e === 'string') {
        if (e.includes('^')) {
          name = prefix + e.replaceAll('^', '');
          path = 'properties.' + e.replaceAll('^', 'properties.');
        } else {
          name = prefix + e;
          path = 'properties.' + e;
        }
      } else if (Array.isArray(e) && typeof e[0] === 'string' && (e.length === 1 || typeof e[1] === 'string')) {
        name = e[0].includes('/') ? e[0] : prefix + e[0];
        path = e.length === 1 ? e[0] : (e[1] as string);
      } else throw new Error(`dine: alias catalogue asset: bad alias entry for ${type}`);
      entries.push({ name, resourceType: type, defaultPath: path, paths: NO_PATHS, source: 'built-in', typeLower, byApiVersion: undefined });
    }
  }
  return { entries, attribution: isRecord(asset.attribution) ? asset.attribution : undefined };
}

/**
 * Validates caller-supplied aliases (ARM provider format) and turns them into entries. Every fault is a
 * 'compile.invalid-alias-catalogue' diagnostic whose pointer addresses the offending value.
 */
function customEntries(custom: unknown, diagnostics: Diagnostic[]): Entry[] {
  const out: Entry[] = [];
  const bad = (pointer: string, reason: string) => diagnostics.push(diagnostic('compile.invalid-alias-catalogue', { reason }, { pointer }));
  let providers: unknown = custom;
  let base = '';
  if (isRecord(custom) && Array.isArray(custom.value)) {
    providers = custom.value;
    base = '/value';
  } else if (isRecord(custom) && typeof custom.namespace === 'string') {
    providers = [custom];
  }
  if (!Array.isArray(providers)) {
    bad(base, 'expected an array of providers [{ namespace, resourceTypes: [...] }]');
    return out;
  }
  providers.forEach((prov, pi) => {
    const pp = providers === custom || base !== '' ? joinPointer(base, pi) : '';
    if (!isRecord(prov)) return bad(pp, 'a provider must be an object');
    if (typeof prov.namespace !== 'string' || !/^[A-Za-z0-9.]+$/.test(prov.namespace)) return bad(joinPointer(pp, 'namespace'), 'namespace must be a string such as "Microsoft.Compute"');
    if (!Array.isArray(prov.resourceTypes)) return bad(joinPointer(pp, 'resourceTypes'), 'resourceTypes must be an array');
    prov.resourceTypes.forEach((rt, ti) => {
      const tp = joinPointer(pp, 'resourceTypes', ti);
      if (!isRecord(rt)) return bad(tp, 'a resource type must be an object');
      if (typeof rt.resourceType !== 'string' || rt.resourceType === '' || rt.resourceType.startsWith('/') || rt.resourceType.endsWith('/')) {
        return bad(joinPointer(tp, 'resourceType'), 'resourceType must be a type name such as "virtualMachines"');
      }
      const type = `${prov.namespace}/${rt.resourceType}`;
      if (rt.aliases === undefined) return;
      if (!Array.isArray(rt.aliases)) return bad(joinPointer(tp, 'aliases'), 'aliases must be an array');
      rt.aliases.forEach((al, ai) => {
        const ap = joinPointer(tp, 'aliases', ai);
        if (!isRecord(al)) return bad(ap, 'an alias must be an object');
        if (typeof al.name !== 'string' || !al.name.includes('/')) return bad(joinPointer(ap, 'name'), 'name must be an alias name such as "Microsoft.Compute/virtualMachines/sku.name"');
        const checkPath = (p: unknown, pointer: string): p is string => {
          if (typeof p !== 'string') return bad(pointer, 'a path must be a string'), false;
          const r = parsePath(p);
          if (typeof r === 'string') return bad(pointer, `invalid path "${p}": ${r}`), false;
          return true;
        };
        if (al.defaultPath !== undefined && !checkPath(al.defaultPath, joinPointer(ap, 'defaultPath'))) return;
        const paths: AliasPath[] = [];
        if (al.paths !== undefined) {
          if (!Array.isArray(al.paths)) return bad(joinPointer(ap, 'paths'), 'paths must be an array');
          let ok = true;
          al.paths.forEach((vp, vi) => {
            const vpp = joinPointer(ap, 'paths', vi);
            if (!isRecord(vp)) return (ok = false), bad(vpp, 'a path entry must be an object { path, apiVersions }');
            if (!checkPath(vp.path, joinPointer(vpp, 'path'))) return (ok = false);
            const versions = vp.apiVersions ?? [];
            if (!Array.isArray(versions) || !versions.every((v) => typeof v === 'string')) {
              return (ok = false), bad(joinPointer(vpp, 'apiVersions'), 'apiVersions must be an array of strings');
            }
            paths.push(Object.freeze({ path: vp.path, apiVersions: Object.freeze([...versions]) }));
          });
          if (!ok) return;
        }
        let defaultPath = al.defaultPath as string | undefined;
        if (defaultPath === undefined) {
          // ARM always sends defaultPath; without it, take the path of the newest API version listed.
          let newest: { v: string; p: string } | undefined;
          for (const vp of paths) for (const v of vp.apiVersions) if (newest === undefined || v > newest.v) newest = { v, p: vp.path };
          if (newest === undefined) return bad(ap, 'an alias needs a defaultPath or a path with apiVersions');
          defaultPath = newest.p;
        }
        let byApiVersion: Map<string, string> | undefined;
        for (const vp of paths) {
          for (const v of vp.apiVersions) {
            byApiVersion ??= new Map();
            const k = v.toLowerCase();
            if (!byApiVersion.has(k)) byApiVersion.set(k, vp.path);
          }
        }
        out.push({ name: al.name, resourceType: type, defaultPath, paths: Object.freeze(paths), source: 'custom', typeLower: type.toLowerCase(), byApiVersion });
      });
    });
  });
  return out;
}

function byType(a: Entry, b: Entry): number {
  return a.typeLower < b.typeLower ? -1 : a.typeLower > b.typeLower ? 1 : 0;
}

class Catalogue implements AliasCatalogue {
  /** alias name (lower) → its entry, or its entries (one per type, sorted by type) when several types define it. */
  private readonly byAlias = new Map<string, Entry | Entry[]>();
  private readonly types = new Set<string>();
  private readonly compiled = new Map<string, readonly PathSegment[]>();
  readonly attribution: Readonly<Record<string, unknown>> | undefined;
  readonly size: number;

  /** `base` (the shared built-in catalogue) answers whatever `entries` do not override. */
  constructor(entries: readonly Entry[], private readonly base: Catalogue | undefined, attribution?: Record<string, unknown>) {
    this.attribution = base?.attribution ?? (attribution === undefined ? undefined : Object.freeze({ ...attribution }));
    let added = 0;
    for (const e of entries) {
      const key = e.name.toLowerCase();
      const had = this.byAlias.get(key);
      if (had === undefined) {
        // An overridden base alias: start from the base's entries so one list answers for the name.
        const inherited = base?.byAlias.get(key);
        this.byAlias.set(key, inherited === undefined ? e : Array.isArray(inherited) ? [...inherited] : [inherited]);
        if (inherited === undefined) {
          added++;
          this.types.add(e.typeLower);
          continue;
        }
      }
      let list = this.byAlias.get(key)!;
      if (!Array.isArray(list)) this.byAlias.set(key, (list = [list]));
      const i = list.findIndex((x) => x.typeLower === e.typeLower);
      if (i >= 0) {
        if (list[i]!.source === 'built-in' && e.source === 'custom') list[i] = e; // custom overrides built-in
        else if (list[i]!.source === e.source) list[i] = e; // a later duplicate wins
      } else {
        list.push(e);
        list.sort(byType);
        added++;
      }
      this.types.add(e.typeLower);
    }
    this.size = (base?.size ?? 0) + added;
  }

  private list(aliasLower: string): Entry | Entry[] | undefined {
    return this.byAlias.get(aliasLower) ?? this.base?.byAlias.get(aliasLower);
  }

  private entry(resourceType: string, aliasName: string): Entry | undefined {
    const found = this.list(aliasName.toLowerCase());
    if (found === undefined) return undefined;
    const t = resourceType.toLowerCase();
    if (!Array.isArray(found)) return found.typeLower === t ? found : undefined;
    for (const e of found) if (e.typeLower === t) return e;
    return undefined;
  }

  lookup(resourceType: string, aliasName: string): AliasDefinition | undefined {
    return this.entry(resourceType, aliasName);
  }

  definitions(aliasName: string): readonly AliasDefinition[] {
    const found = this.list(aliasName.toLowerCase());
    return found === undefined ? [] : Array.isArray(found) ? [...found] : [found];
  }

  typesDefining(aliasName: string): readonly string[] {
    return this.definitions(aliasName).map((d) => d.resourceType);
  }

  hasType(resourceType: string): boolean {
    const t = resourceType.toLowerCase();
    return this.types.has(t) || (this.base?.hasType(t) ?? false);
  }

  pathFor(resourceType: string, aliasName: string, apiVersion?: string): string | undefined {
    const e = this.entry(resourceType, aliasName);
    if (e === undefined) return undefined;
    if (apiVersion !== undefined && e.byApiVersion !== undefined) {
      const p = e.byApiVersion.get(apiVersion.toLowerCase());
      if (p !== undefined) return p;
    }
    return e.defaultPath;
  }

  segmentsFor(resourceType: string, aliasName: string, apiVersion?: string): readonly PathSegment[] | undefined {
    const path = this.pathFor(resourceType, aliasName, apiVersion);
    if (path === undefined) return undefined;
    let segs = this.compiled.get(path);
    if (segs === undefined) {
      const r = parsePath(path);
      // Custom paths are validated on entry and the shipped ones by the test suite; a bad one cannot be read.
      if (typeof r === 'string') throw new PolicyError([diagnostic('compile.invalid-alias-catalogue', { reason: `alias ${aliasName}: invalid path "${path}": ${r}` })]);
      segs = Object.freeze(r);
      this.compiled.set(path, segs);
    }
    return segs;
  }
}

/**
 * Builds a catalogue from the shipped data plus `custom` aliases (ARM provider format; validated). Throws
 * PolicyError carrying every 'compile.invalid-alias-catalogue' diagnostic when `custom` is malformed.
 */
export function createAliasCatalogue(custom?: unknown, options: AliasCatalogueOptions = {}): AliasCatalogue {
  const diagnostics: Diagnostic[] = [];
  const extra = custom === undefined ? [] : customEntries(custom, diagnostics);
  if (diagnostics.length > 0) throw new PolicyError(diagnostics);
  if (options.builtIn === false) return new Catalogue(extra, undefined);
  const base = builtInCatalogue();
  return extra.length === 0 ? base : new Catalogue(extra, base);
}

/** The catalogue of the shipped data alone, decoded on first use and shared. */
function builtInCatalogue(): Catalogue {
  if (builtInCache === undefined) {
    const { entries, attribution } = decodeCatalogueAsset(readCatalogueAsset());
    builtInCache = new Catalogue(entries, undefined, attribution);
  }
  return builtInCache;
}

/** The shipped catalogue, built on first use and shared (the only module-level cache of aliases/). */
export function defaultAliasCatalogue(): AliasCatalogue {
  return builtInCatalogue();
}

/** Resource types that define `aliasName` (for `type` guards and the Indexed mode). */
export function typesDefining(aliasName: string, catalogue: AliasCatalogue = defaultAliasCatalogue()): readonly string[] {
  return catalogue.typesDefining(aliasName);
}
