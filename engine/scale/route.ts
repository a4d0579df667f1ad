// Shards by subscription: which shard reads a resource (by the text of its id, so NDJSON lines can be routed without
// parsing) and which one evaluates it.
import { idHash } from '../scope/id-hash.js';

export interface ShardSpec {
  index: number;
  count: number;
}

const SUBS = '/subscriptions/';

/**
 * Where the subscription GUID of an id under /subscriptions/ ends, and whether the id is the subscription itself;
 * undefined for other ids. Read in place: every line a shard reads is routed, so no lower-cased copies.
 */
function subscriptionEnd(id: string): { end: number; self: boolean } | undefined {
  if (id.length <= SUBS.length) return undefined;
  for (let i = 0; i < SUBS.length; i++) {
    let c = id.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== SUBS.charCodeAt(i)) return undefined;
  }
  const end = id.indexOf('/', SUBS.length);
  return { end: end === -1 ? id.length : end, self: end === -1 };
}

/** The last subscription hashed (as written) and its hash: lines come grouped by subscription, mostly. */
let lastSubscription = '';
let lastHash = idHash('');

/** The shard of the subscription id.slice(SUBS.length, end), its case ignored. */
function shardOfSubscription(id: string, end: number, count: number): number {
  if (end - SUBS.length !== lastSubscription.length || !id.startsWith(lastSubscription, SUBS.length)) {
    lastSubscription = id.slice(SUBS.length, end);
    lastHash = idHash(lastSubscription);
  }
  return lastHash % count;
}

/**
 * The shard that evaluates a resource: its subscription's; resources outside subscriptions (management groups,
 * tenant-level resources) and ids that are not strings: shard 0.
 */
export function ownerShard(id: unknown, count: number): number {
  if (typeof id !== 'string') return 0;
  const s = subscriptionEnd(id);
  return s === undefined ? 0 : shardOfSubscription(id, s.end, count);
}

/**
 * Does this shard read a resource with this id? Its own subscriptions' resources, and every container above
 * resource groups (subscriptions, management groups) and tenant-level resource, which the hierarchy needs everywhere.
 */
export function routeId(id: unknown, shard: ShardSpec): boolean {
  if (typeof id !== 'string') return shard.index === 0;
  const s = subscriptionEnd(id);
  if (s === undefined || s.self) return true;
  return shardOfSubscription(id, s.end, shard.count) === shard.index;
}

/** Every shard reads this resource (a subscription, or a resource outside subscriptions). */
export function readByEveryShard(id: string): boolean {
  const s = subscriptionEnd(id);
  return s === undefined || s.self;
}

/** The last subscription prefix routed from bytes ('/subscriptions/<id>/'), its shard count and answer. */
let lastPrefix = Buffer.alloc(0);
let lastCount = 0;
let lastShard = -1;

/**
 * The shard that reads the resource whose id is the UTF-8 buf[start..end), or -1 when every shard reads it
 * (routeId's rule). Only the id's subscription segment is decoded (latin1 is exact for ASCII), not the whole id.
 */
export function shardOfIdBytes(buf: Buffer, start: number, end: number, count: number): number {
  let stop = end;
  if (end - start > SUBS.length) {
    for (let k = start + SUBS.length; k < end; k++) {
      if (buf[k] === 47 /* / */) {
        stop = k + 1;
        break;
      }
    }
  }
  if (stop < end && stop - start === lastPrefix.length && count === lastCount && buf.compare(lastPrefix, 0, lastPrefix.length, start, stop) === 0) return lastShard;
  let ascii = true;
  for (let k = start; k < stop && ascii; k++) ascii = buf[k]! < 128;
  const id = ascii ? buf.toString('latin1', start, stop) : buf.toString('utf8', start, end);
  const shard = readByEveryShard(id) ? -1 : ownerShard(id, count);
  if (stop < end && ascii) {
    // The answer for this subscription prefix, for the next line (lines come grouped by subscription, mostly).
    lastPrefix = Buffer.from(buf.subarray(start, stop));
    lastCount = count;
    lastShard = shard;
  }
  return shard;
}
