// Where the repository and the shared corpora are, wherever the compiled tests run from.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'engine'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found from ' + start);
    dir = up;
  }
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const FIXTURES = join(REPO_ROOT, 'fixtures');
/** ../shared beside the repository (present on developer machines and in CI). */
export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const SHARED_PRESENT = existsSync(SHARED);

/** Tests that need ../shared call this first; it prints a notice and returns false when it is absent. */
export function requireShared(what: string): boolean {
  if (SHARED_PRESENT) return true;
  console.log(`notice: ${what} skipped: ${SHARED} is absent`);
  return false;
}
