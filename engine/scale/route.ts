// Shards by subscription: which shard reads a resource (by the text of its id, so NDJSON lines can be routed without
// parsing) and which one evaluates it.
import { idHash } from '../scope/id-hash.js';

export interface ShardSpec {
  index: number;
  count: number;
}

const SUBS = '/subscriptions/';

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

/** Every shard reads this resource (a subscription, or a resource outside subscriptions). */
export function readByEveryShard(id: string): boolean {
  const s = subscriptionOf(id);
  return s === undefined || s.self;
}
