// Stable JSON: object keys sorted (code-unit order) at every level, two-space indent, a final newline — the
// form of every file remediation writes, so that the same plan gives byte-identical files.
import { isObject } from '../functions/values.js';

function sorted(v: unknown, depth: number): unknown {
  if (depth > 512) throw new Error('value nested too deeply to serialise');
  if (Array.isArray(v)) return v.map((x) => sorted(x, depth + 1));
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      if (v[k] === undefined) continue;
      Object.defineProperty(out, k, { value: sorted(v[k], depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

/** Keys sorted, 2-space indent, trailing newline. */
export function stableStringify(v: unknown): string {
  return JSON.stringify(sorted(v, 0), null, 2) + '\n';
}
