// The 53-bit id hash the streamed snapshot, the related index and the shard router key by (no lower-cased copy kept).

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
