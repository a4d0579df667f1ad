// Writing generated files under an output folder: every path is resolved and checked to stay inside
// the folder, so a hostile resource name can never write elsewhere.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Host } from './host.js';

export interface OutputFile {
  path: string;
  content: string;
}

export async function writeFilesUnder(host: Host, folder: string, files: readonly OutputFile[]): Promise<void> {
  const base = path.resolve(host.cwd, folder);
  for (const f of files) {
    const target = path.resolve(base, f.path);
    if (target !== base && !target.startsWith(base + path.sep)) throw new Error(`refusing to write ${f.path} outside ${folder}`);
    await mkdir(path.dirname(target), { recursive: true });
    await host.writeFile(target, f.content);
  }
}
