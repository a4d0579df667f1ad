// Builds the committed alias catalogue asset from the shared alias corpus. Run after a build:
//
//   cd /work/main && npx tsc -p . && node dist/engine/aliases/derive-catalogue.js [corpusDir]
//
// corpusDir defaults to ../shared/corpora/aliases (relative to the repository root) and must hold
// derived/aliases-by-type.json.gz and jeircul-azure-policy-aliases/{LICENSE,SOURCE.md}. Writes
// engine/aliases/catalogue.json.gz and engine/aliases/CATALOGUE-LICENSE. The output is deterministic (sorted,
// gzip level 9 with no timestamp), so re-running on the same corpus gives the same bytes.
//
// Asset format "dine-alias-catalogue/1" (decoded by catalogue.ts):
//   { format, attribution: {...}, counts: {...}, types: { "<Namespace>/<type>": { p?: "<name prefix>", a: [entry…] } } }
// p is the prefix alias names of this type share (default "<type>/"; the dump spells some types differently
// from their alias names, e.g. Microsoft.AAD/DomainServices vs Microsoft.AAD/domainServices/…).
// entry:  "suffix"            → alias p+suffix, path "properties."+suffix   (the convention; most aliases)
//         ["suffix"]          → alias p+suffix, path = suffix               (envelope members: sku.name, zones[*])
//         "sub.^suffix"       → sub-resource flattening: alias p+suffix without '^', path "properties."+suffix with
//                                each '^' replaced by "properties." (`a[*].^b` ↔ `properties.a[*].properties.b`)
//         ["name", "path"]    → explicit path; name is a full alias name when it contains "/", else a suffix of p
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const OUT_DIR = join(REPO, 'engine', 'aliases');

type Entry = string | [string] | [string, string];

function mostCommonPrefix(type: string, names: string[]): string {
  const wanted = (type + '/').toLowerCase();
  const counts = new Map<string, number>();
  for (const n of names) {
    const p = n.slice(0, wanted.length);
    if (p.toLowerCase() === wanted) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  let best = type + '/';
  let bestCount = counts.get(best) ?? 0;
  for (const [p, c] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (c > bestCount) [best, bestCount] = [p, c];
  return best;
}

/** Splits at '.' outside brackets: `a[*].b['c.d']` → ['a[*]', "b['c.d']"]. */
function splitSegments(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '.' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/**
 * Sub-resource flattening (`a[*].b` ↔ `properties.a[*].properties.b`): when the path is the conventional path
 * with extra `properties.` segments inserted, returns the suffix with a '^' before each inserted place.
 */
function markInsertions(suffix: string, path: string): string | undefined {
  if (!path.startsWith('properties.')) return undefined;
  const want = splitSegments(suffix);
  const have = splitSegments(path.slice('properties.'.length));
  const parts: string[] = [];
  let i = 0;
  let pending = 0;
  for (const seg of have) {
    if (i < want.length && seg === want[i]) {
      parts.push('^'.repeat(pending) + seg);
      pending = 0;
      i++;
    } else if (seg === 'properties') pending++;
    else return undefined;
  }
  if (i !== want.length || pending !== 0) return undefined;
  const marked = parts.join('.');
  return marked.includes('^') ? marked : undefined;
}

function encodeEntry(prefix: string, name: string, path: string): Entry {
  if (name.startsWith(prefix)) {
    const suffix = name.slice(prefix.length);
    if (!suffix.includes('/')) {
      if (path === 'properties.' + suffix) return suffix;
      if (path === suffix) return [suffix];
      const marked = markInsertions(suffix, path);
      if (marked !== undefined) return marked;
      return [suffix, path];
    }
  }
  if (!name.includes('/')) throw new Error(`alias "${name}" has no "/"; the asset format cannot hold it`);
  return [name, path];
}

function main(): void {
  const corpus = resolve(process.argv[2] ?? join(REPO, '..', 'shared', 'corpora', 'aliases'));
  const input = JSON.parse(gunzipSync(readFileSync(join(corpus, 'derived', 'aliases-by-type.json.gz'))).toString('utf8')) as {
    resourceTypes: Record<string, Record<string, string>>;
  };
  const license = readFileSync(join(corpus, 'jeircul-azure-policy-aliases', 'LICENSE'), 'utf8');
  const sourceMd = readFileSync(join(corpus, 'jeircul-azure-policy-aliases', 'SOURCE.md'), 'utf8');
  const commit = /Commit: `([0-9a-f]{40})`(?: \((.*)\))?\s*$/m.exec(sourceMd);
  const copyright = /Copyright \(c\)[^\n]*/.exec(license)?.[0] ?? 'see CATALOGUE-LICENSE';

  const types: Record<string, { p?: string; a: Entry[] }> = {};
  let aliasCount = 0;
  let conventional = 0;
  let flattened = 0;
  let envelope = 0;
  for (const type of Object.keys(input.resourceTypes).sort()) {
    const map = input.resourceTypes[type]!;
    const names = Object.keys(map).sort();
    const prefix = mostCommonPrefix(type, names);
    const seen = new Set<string>();
    const a: Entry[] = [];
    for (const name of names) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) continue; // same alias in two casings: keep the first in sorted order
      seen.add(lower);
      const path = map[name]!;
      if (typeof path !== 'string' || path === '') continue; // the catalogue needs a path to be useful
      const e = encodeEntry(prefix, name, path);
      if (typeof e === 'string') {
        if (e.includes('^')) flattened++;
        else conventional++;
      } else if (e.length === 1) envelope++;
      a.push(e);
      aliasCount++;
    }
    types[type] = prefix === type + '/' ? { a } : { p: prefix, a };
  }

  const asset = {
    format: 'dine-alias-catalogue/1',
    attribution: {
      source: 'https://github.com/jeircul/azure-policy-aliases (daily Get-AzPolicyAlias -ListAvailable dump)',
      commit: commit?.[1],
      snapshot: commit?.[2],
      licence: 'MIT',
      copyright,
      licenceText: 'engine/aliases/CATALOGUE-LICENSE',
      note: 'Alias names and default paths only; API-version paths and alias metadata are not in the source dump.',
    },
    counts: { resourceTypes: Object.keys(types).length, aliases: aliasCount, conventional, flattened, envelope },
    types,
  };
  const gz = gzipSync(Buffer.from(JSON.stringify(asset), 'utf8'), { level: 9 });
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'catalogue.json.gz'), gz);
  writeFileSync(
    join(OUT_DIR, 'CATALOGUE-LICENSE'),
    'The alias catalogue catalogue.json.gz in this folder is derived from jeircul/azure-policy-aliases\n' +
      `(https://github.com/jeircul/azure-policy-aliases${commit ? `, commit ${commit[1]}` : ''}), used under this licence:\n\n` +
      license,
  );
  process.stdout.write(
    `catalogue.json.gz: ${gz.length} bytes; ${asset.counts.resourceTypes} resource types, ${aliasCount} aliases ` +
      `(${conventional} conventional properties.<suffix>, ${flattened} sub-resource flattened, ${envelope} envelope, ` +
      `explicit path stored for ${aliasCount - conventional - flattened - envelope})\n`,
  );
}

main();
