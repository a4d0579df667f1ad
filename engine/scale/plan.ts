// What a streamed estate must keep for the compiled policies: the resource types the members evaluate and the
// related types their IfNotExists details name, and per resource type the fields the rules read (the projection).
import type { FieldRef, PathSegment } from '../aliases/index.js';
import type { CompiledPolicy } from '../compile/policy.js';
import type { RawResource, ResourceView } from '../model/index.js';
import type { PreparedAssignment } from '../evaluate/assignments.js';

export interface KeepPlan {
  /** Some member has no type filter, or some related type is computed: every resource type is kept. */
  readonly allTypes: boolean;
  /** Lower-cased types kept (members' types and constant related types). */
  readonly types: ReadonlySet<string>;
  /** The members' types alone, and the related types alone (lower-cased). */
  readonly memberTypes: ReadonlySet<string>;
  readonly relatedTypes: ReadonlySet<string>;
  /** Some rule reads a field named at run time: resources are kept whole. */
  readonly wholeResources: boolean;
  /** Every field any rule reads. */
  readonly refs: readonly FieldRef[];
  /** Why allTypes / wholeResources hold, for the caller to say so. */
  readonly notes: readonly string[];
  /** Plain key paths kept besides the rules' reads, by lower-cased type (what a caller reads itself: dine scan). */
  readonly paths?: ReadonlyMap<string, readonly (readonly string[])[]>;
}

/**
 * One plan keeping what each of `plans` keeps, plus `extra` types and key paths: for a caller that runs several
 * evaluations over one streamed estate and reads some fields itself.
 */
export function unitePlans(plans: readonly KeepPlan[], extra: { types?: readonly string[]; paths?: ReadonlyMap<string, readonly (readonly string[])[]> } = {}): KeepPlan {
  const union = <T>(pick: (p: KeepPlan) => Iterable<T>, more: Iterable<T> = []): Set<T> => new Set([...plans.flatMap((p) => [...pick(p)]), ...more]);
  const paths = new Map<string, (readonly string[])[]>();
  for (const source of [...plans.map((p) => p.paths), extra.paths]) {
    for (const [type, list] of source ?? []) paths.set(type, [...(paths.get(type) ?? []), ...list]);
  }
  return {
    allTypes: plans.some((p) => p.allTypes),
    types: union((p) => p.types, extra.types),
    memberTypes: union((p) => p.memberTypes),
    relatedTypes: union((p) => p.relatedTypes),
    wholeResources: plans.some((p) => p.wholeResources),
    refs: [...union((p) => p.refs)],
    notes: [...union((p) => p.notes)],
    paths,
  };
}

export function keepPlanFor(assignments: readonly PreparedAssignment[]): KeepPlan {
  let allTypes = false;
  let wholeResources = false;
  const types = new Set<string>();
  const memberTypes = new Set<string>();
  const relatedTypes = new Set<string>();
  const refs = new Set<FieldRef>();
  const notes: string[] = [];
  const addPolicy = (p: CompiledPolicy, member: string): void => {
    for (const r of p.reads.refs) refs.add(r);
    if (p.reads.wholeResource && !wholeResources) {
      wholeResources = true;
      notes.push(`${member} calls field() with a computed name: resources are kept whole`);
    }
    const t = p.details?.type;
    if (p.effect.family === 'ifNotExists' && t !== undefined) {
      if (t.constant && typeof t.value === 'string') {
        types.add(t.value.toLowerCase());
        relatedTypes.add(t.value.toLowerCase());
      }
      else if (!allTypes) {
        allTypes = true;
        notes.push(`${member} names its related type with an expression: every resource type is kept`);
      }
    }
  };
  for (const a of assignments) {
    for (const m of a.members) {
      const name = `${a.id}${m.referenceId !== undefined ? ` / ${m.referenceId}` : ''}`;
      if (m.types === undefined) {
        if (!allTypes) notes.push(`${name} has no type condition: every resource type is kept`);
        allTypes = true;
      } else
        for (const t of m.types) {
          types.add(t);
          memberTypes.add(t);
        }
      addPolicy(m.policy, name);
      for (const v of m.variants.values()) addPolicy(v, name);
    }
  }
  return { allTypes, types, memberTypes, relatedTypes, wholeResources, refs: [...refs], notes };
}

// ── projection ──────────────────────────────────────────────────────────────────────────

/**
 * A node of the keep-tree: lower-cased key → subtree, or ALL (keep the value whole). Keys as written in the data are
 * added as they are met (→ their subtree, or SKIP), so most lookups need no lower-casing; at most MAX_ALIASES each.
 */
type KeepNode = Map<string, KeepNode | typeof ALL | typeof SKIP> & { aliases?: number };
const ALL = Symbol('all');
const SKIP = Symbol('skip');
const MAX_ALIASES = 256;

/** Root fields every kept resource keeps whole (the view and the records read them). */
const ROOT_KEEP = ['id', 'type', 'name', 'location', 'kind', 'apiversion', 'tags'];

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function childOf(node: KeepNode, key: string): KeepNode | typeof ALL | undefined {
  const hit = node.get(key);
  if (hit !== undefined) return hit === SKIP ? undefined : hit;
  const lower = key.toLowerCase();
  const child = lower === key ? undefined : node.get(lower);
  const aliases = node.aliases ?? 0;
  if (aliases < MAX_ALIASES) {
    node.aliases = aliases + 1;
    node.set(key, child ?? SKIP);
  }
  return child === SKIP ? undefined : child;
}

/** Projected string values up to this length are shared (status codes, types, SKUs …), up to MAX_SHARED of them. */
const MAX_SHARED_LENGTH = 128;
const MAX_SHARED = 1 << 16;

function projectObject(obj: Record<string, unknown>, node: KeepNode, shared: Map<string, string>, root: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const child = childOf(node, k);
    if (child === undefined) continue;
    const v = obj[k];
    // A root id or name is the resource's own (heldView shares names where it can).
    if (typeof v === 'string') setKey(out, k, v.length <= MAX_SHARED_LENGTH && !(root && (k === 'name' || k === 'id')) ? share(shared, v) : v);
    else if (child === ALL || v === null || typeof v !== 'object' || Array.isArray(v)) setKey(out, k, v);
    else setKey(out, k, projectObject(v as Record<string, unknown>, child, shared, false));
  }
  return out;
}

/** One copy of a short string value across projections: each parse makes its own copy of "Healthy". */
function share(shared: Map<string, string>, v: string): string {
  const hit = shared.get(v);
  if (hit !== undefined) return hit;
  if (shared.size < MAX_SHARED) shared.set(v, v);
  return v;
}

/**
 * Projects resources to what the plan's rules read: the root fields above, plus for every field read the subtree at
 * its longest plain-key prefix (a `[*]` or an index keeps the whole array). Keys match ignoring case, as field reads
 * do, and keep their order, so every read gives the same value on the projection as on the resource.
 */
export class Projector {
  readonly #refs: readonly FieldRef[];
  readonly #paths: ReadonlyMap<string, readonly (readonly string[])[]> | undefined;
  /** null: keep the resource whole (a path that does not start with a key). */
  readonly #trees = new Map<string, KeepNode | null>();
  readonly #shared = new Map<string, string>();
  constructor(plan: KeepPlan) {
    this.#refs = plan.refs;
    this.#paths = plan.paths;
  }
  treeFor(typeLower: string, apiVersion: string | undefined): KeepNode | null {
    const key = apiVersion === undefined ? typeLower : `${typeLower}@${apiVersion}`;
    const hit = this.#trees.get(key);
    if (hit !== undefined) return hit;
    const tree: KeepNode = new Map();
    for (const k of ROOT_KEEP) tree.set(k, ALL);
    const probe = { typeLower, apiVersion } as ResourceView;
    const plain = (this.#paths?.get(typeLower) ?? []).map((keys) => keys.map((k): PathSegment => ({ kind: 'key', name: k, lower: k.toLowerCase() }) as PathSegment));
    for (const segs of [...this.#refs.map((ref) => ref.pathFor(probe)), ...plain]) {
      if (segs === undefined || segs.length === 0) continue;
      if (segs[0]!.kind !== 'key') {
        this.#trees.set(key, null);
        return null;
      }
      let node: KeepNode = tree;
      for (let i = 0; i < segs.length; i++) {
        const s = segs[i]!;
        if (s.kind !== 'key') break; // the caller (below) marks the parent ALL
        const lower = s.lower;
        const last = i === segs.length - 1 || segs[i + 1]!.kind !== 'key';
        const existing = node.get(lower);
        if (existing === ALL) break;
        if (last) {
          node.set(lower, ALL);
          break;
        }
        // A tree is built whole before any projection adds SKIP aliases: a present entry is a subtree here.
        let next = existing as KeepNode | undefined;
        if (next === undefined) node.set(lower, (next = new Map()));
        node = next;
      }
    }
    this.#trees.set(key, tree);
    return tree;
  }
  project(raw: RawResource, typeLower: string, apiVersion: string | undefined): RawResource {
    const tree = this.treeFor(typeLower, apiVersion);
    return tree === null ? raw : projectObject(raw, tree, this.#shared, true);
  }
}
