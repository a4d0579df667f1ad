// Writes (or checks) dine's policy pack: policies/dine, policies/initiatives and, when the reference copies are
// available, policies/builtin. The content comes from pack.ts (pure); this file only reads and writes files.
//
//   node dist/engine/scanner/data/build-pack.js                 write the pack into the repository
//   node dist/engine/scanner/data/build-pack.js --check         exit 1 if a committed file differs
//   node dist/engine/scanner/data/build-pack.js --scope /providers/Microsoft.Management/managementGroups/contoso --out /tmp/pack
//                                                               re-based copy for deployment to Azure
//   --reference <dir>   built-in reference copies (default ../shared/reference/builtins next to the repository)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTINS, buildPack } from './pack.js';
import { packageRoot } from '../../load/package-root.js';


/** Reads the built-in reference copies; undefined when the folder is absent (then policies/builtin is left alone). */
export function readBuiltinReferences(dir: string): Map<string, unknown> | undefined {
  if (!existsSync(dir)) return undefined;
  const refs = new Map<string, unknown>();
  for (const b of BUILTINS) refs.set(b.referenceFile, JSON.parse(readFileSync(join(dir, b.referenceFile), 'utf8')));
  return refs;
}

function main(argv: readonly string[]): number {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
  const referenceDir = resolve(arg('--reference') ?? join(root, '..', 'shared', 'reference', 'builtins'));
  const builtinReferences = readBuiltinReferences(referenceDir);
  const scope = arg('--scope');
  const out = arg('--out');
  if (scope !== undefined && out === undefined) {
    process.stderr.write('build-pack: --scope needs --out (the committed pack keeps tenant-level ids)\n');
    return 2;
  }
  const files = buildPack({ ...(scope !== undefined ? { scope } : {}), ...(builtinReferences ? { builtinReferences } : {}) });
  if (!builtinReferences) process.stderr.write(`build-pack: ${referenceDir} not found; policies/builtin not rebuilt\n`);
  const base = out !== undefined ? resolve(out) : root;
  if (argv.includes('--check')) {
    const stale = [...files].filter(([path, text]) => !existsSync(join(base, path)) || readFileSync(join(base, path), 'utf8') !== text).map(([p]) => p);
    for (const p of stale) process.stderr.write(`build-pack: out of date: ${p}\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
