// Where the dine package itself is (the folder whose package.json is named "dine"): the bundled policy pack,
// demo estate and build tools are found from here, whether the code runs from engine/ or dist/engine/.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dine') return dir;
      } catch {
        // not ours; keep going up
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the dine package root (package.json named "dine")');
    dir = up;
  }
}
