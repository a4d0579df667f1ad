// ARM's deterministic hashes: uniqueString() (a Murmur-variant 64-bit hash, base32) and guid() (RFC 4122 v5).
//
// uniqueString: the arguments are joined with '-', UTF-8 encoded and hashed with the 64-bit Murmur variant of
// Microsoft.WindowsAzure.ResourceStack (two interleaved 32-bit lanes, seed 0, constants below); the hash is
// written as 13 characters of the alphabet a-z2-7, 5 bits at a time from the most significant bit. This is
// not MurmurHash64A (the digest's §12.3 guess): MurmurHash64A does not reproduce Azure's outputs, this does.
// Verified against published outputs (fixtures/cases/functions-deployment/unique-string.yaml): 'test' →
// rbgf3xv4ufgzg, the value Microsoft's own Azure.Deployments.Expression package returns.
//
// guid: UUID version 5 (SHA-1, RFC 4122 §4.3) over the UTF-8 of the '-'-joined arguments in the namespace
// 11fb06fb-712d-4ddd-98c7-e71bbd588830 (digest §12.3, §15 A-13).
import { createHash } from 'node:crypto';

const C1 = 0xab0e9789; // 2869860233
const C2 = 0x239b961b; // 597399067
const F1 = 0x85ebca6b; // 2246822507
const F2 = 0xc2b2ae35; // 3266489909

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0;

function readLE(data: Uint8Array, offset: number, count: number): number {
  let v = 0;
  for (let i = count - 1; i >= 0; i--) v = (v << 8) | (data[offset + i] ?? 0);
  return v >>> 0;
}

function finalMix(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = mul(h, F1);
  h = (h ^ (h >>> 13)) >>> 0;
  h = mul(h, F2);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The ResourceStack 64-bit Murmur variant, seed 0. Returns the hash as an unsigned 64-bit bigint. */
export function armMurmurHash64(data: Uint8Array): bigint {
  const length = data.length;
  let h1 = 0;
  let h2 = 0;
  let i = 0;
  for (; i + 7 < length; i += 8) {
    let k1 = readLE(data, i, 4);
    let k2 = readLE(data, i + 4, 4);
    k1 = mul(rotl(mul(k1, C2), 15), C1);
    h1 = (((mul((rotl((h1 ^ k1) >>> 0, 19) + h2) >>> 0, 5) + 0x561ccd1b) >>> 0)); // 1444728091
    k2 = mul(rotl(mul(k2, C1), 17), C2);
    h2 = (((mul((rotl((h2 ^ k2) >>> 0, 13) + h1) >>> 0, 5) + 0x0bcaa747) >>> 0)); // 197830471
  }
  const tail = length - i;
  if (tail > 0) {
    const k1 = mul(rotl(mul(readLE(data, i, Math.min(tail, 4)), C2), 15), C1);
    h1 = (h1 ^ k1) >>> 0;
    if (tail > 4) {
      const k2 = mul(rotl(mul(readLE(data, i + 4, tail - 4), C1), 17), C2);
      h2 = (h2 ^ k2) >>> 0;
    }
  }
  h1 = (h1 ^ length) >>> 0;
  h2 = (h2 ^ length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = finalMix(h1);
  h2 = finalMix(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return (BigInt(h2) << 32n) | BigInt(h1);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const MASK64 = (1n << 64n) - 1n;

/** ARM uniqueString() of already-stringified arguments. */
export function armUniqueString(parts: readonly string[]): string {
  let h = armMurmurHash64(new TextEncoder().encode(parts.join('-')));
  let out = '';
  for (let i = 0; i < 13; i++) {
    out += BASE32[Number(h >> 59n)];
    h = (h << 5n) & MASK64;
  }
  return out;
}

/** The namespace ARM's guid() hashes in, as RFC 4122 network-order bytes. */
export const ARM_GUID_NAMESPACE = '11fb06fb-712d-4ddd-98c7-e71bbd588830';
const NAMESPACE_BYTES = Uint8Array.from(Buffer.from(ARM_GUID_NAMESPACE.replace(/-/g, ''), 'hex'));

/** RFC 4122 version-5 UUID of `name` in `namespace` bytes, lower-case canonical text. */
export function uuidV5(namespace: Uint8Array, name: string): string {
  const digest = createHash('sha1').update(namespace).update(Buffer.from(name, 'utf8')).digest();
  const b = Uint8Array.from(digest.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** ARM guid() of already-stringified arguments. */
export function armGuid(parts: readonly string[]): string {
  return uuidV5(NAMESPACE_BYTES, parts.join('-'));
}
