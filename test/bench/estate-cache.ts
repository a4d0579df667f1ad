// Generated estates for benchmarks, cached on disk under .bench-cache/ (git-ignored): generating a
// large estate takes longer than evaluating it.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { generateEstate, serializeEstate, emptyCounts } from '../../engine/generate/index.js';
import { REPO_ROOT } from '../support/paths.js';

export const CACHE = join(REPO_ROOT, '.bench-cache');

/** Path of an NDJSON estate with `machines` machines (seed 'bench'), generating it when absent. */
export async function cachedEstate(machines: number): Promise<{ file: string; bytes: number }> {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `estate-${machines}.ndjson`);
  // generated with the default seed and shape; ≈ 2.04 resources per machine
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    const out = createWriteStream(tmp);
    for await (const chunk of serializeEstate(generateEstate({ machines, seed: 'bench' }, emptyCounts()), 'ndjson')) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    renameSync(tmp, file);
  }
  return { file, bytes: statSync(file).size };
}
