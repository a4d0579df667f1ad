// Shards by subscription: which shard reads a resource (by the text of its id, so NDJSON lines can be routed without
// parsing), which one evaluates it, and the 53-bit id hash the streamed snapshot uses for its indexes.

export interface ShardSpec {
  index: number;
  count: number;
}

const SUBS = '/subscriptions/';

/**
 * 53-bit FNV-1a-style hash (two 32-bit lanes) of a string lower-cased: ASCII letters are folded while hashing, so an
 * id and its lower-cased form hash alike without allocating; a string with other characters is lower-cased first.
 */
export function idHash(s: string): number {
  return hashFolded(s, false);
}

function hashFolded(s: string, lowered: boolean): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    else if (c >= 128 && !lowered) return hashFolded(s.toLowerCase(), true);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** The subscription GUID (lower-cased) of an id under /subscriptions/, and whether the id is the subscription itself. */
function subscriptionOf(id: string): { sub: string; self: boolean } | undefined {
  if (id.length < SUBS.length || id.slice(0, SUBS.length).toLowerCase() !== SUBS) return undefined;
  const end = id.indexOf('/', SUBS.length);
  return { sub: id.slice(SUBS.length, end === -1 ? id.length : end).toLowerCase(), self: end === -1 };
}

function shardOfSubscription(sub: string, count: number): number {
  return idHash(sub) % count;
}

/**
 * The shard that evaluates a resource: its subscription's; resources outside subscriptions (management groups,
 * tenant-level resources) and ids that are not strings: shard 0.
 */
export function ownerShard(id: unknown, count: number): number {
  if (typeof id !== 'string') return 0;
  const s = subscriptionOf(id);
  return s === undefined ? 0 : shardOfSubscription(s.sub, count);
}

/**
 * Does this shard read a resource with this id? Its own subscriptions' resources, and every container above
 * resource groups (subscriptions, management groups) and tenant-level resource, which the hierarchy needs everywhere.
 */
export function routeId(id: unknown, shard: ShardSpec): boolean {
  if (typeof id !== 'string') return shard.index === 0;
  const s = subscriptionOf(id);
  if (s === undefined || s.self) return true;
  return shardOfSubscription(s.sub, shard.count) === shard.index;
}
