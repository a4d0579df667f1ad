// The 53-bit id hash the streamed snapshot, the related index and the shard router key by (no lower-cased copy kept).
// In-memory only: nothing stores these hashes, so the function may change between versions.

/**
 * 53-bit hash (two 32-bit multiply-xor lanes, two UTF-16 units per step, a final avalanche) of a string lower-cased:
 * ASCII letters are folded while hashing, so an id and its lower-cased form hash alike without allocating; a string
 * with other characters is lower-cased first. Two units per step halve the multiply chain (ids are ≈ 130 chars and
 * every id is hashed at least once).
 */
export function idHash(s: string): number {
  return hashFolded(s, false);
}

function hashFolded(s: string, lowered: boolean): number {
  const n = s.length;
  let h1 = 0x811c9dc5 ^ n;
  let h2 = 0x01000193;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let a = s.charCodeAt(i);
    let b = s.charCodeAt(i + 1);
    if ((a | b) >= 128 && !lowered) return hashFolded(s.toLowerCase(), true);
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    const k = a | (b << 16);
    h1 = Math.imul(h1 ^ k, 0x01000193);
    h2 = Math.imul(h2 ^ k, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  if (i < n) {
    let a = s.charCodeAt(i);
    if (a >= 128 && !lowered) return hashFolded(s.toLowerCase(), true);
    if (a >= 65 && a <= 90) a += 32;
    h1 = Math.imul(h1 ^ a, 0x01000193);
    h2 = Math.imul(h2 ^ a, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  // FNV's last step leaves the low bits weak; the slots (low 30 bits) and routes (modulo) need them mixed.
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}
