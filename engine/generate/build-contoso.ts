// Writes (or with --check compares) fixtures/estates/contoso/ from contoso.ts. README.md there is hand-written.
//   node dist/engine/generate/build-contoso.js [--check]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContosoEstate } from './contoso.js';
import { packageRoot } from '../load/package-root.js';


function main(argv: readonly string[]): number {
  const base = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'fixtures', 'estates', 'contoso');
  const files = buildContosoEstate();
  if (argv.includes('--check')) {
    const stale = [...files].filter(([p, t]) => !existsSync(join(base, p)) || readFileSync(join(base, p), 'utf8') !== t).map(([p]) => p);
    for (const p of stale) process.stderr.write(`build-contoso: out of date: ${p}\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const [p, t] of files) {
    mkdirSync(dirname(join(base, p)), { recursive: true });
    writeFileSync(join(base, p), t);
  }
  process.stdout.write(`wrote ${files.size} files to ${base}\n`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
