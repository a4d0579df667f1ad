// Inputs named on a command line → the files they denote: files as given, directories scanned for
// the given extensions, globs expanded; sorted byte-wise, each file once. Shared by the snapshot and
// policy-document loaders.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import fg from 'fast-glob';
import { diagnostic, type Diagnostic, type Severity } from '../diagnostics/index.js';

/** '-' names standard input where a loader accepts it. */
export const STDIN = '-';

export interface ResolveInputOptions {
  cwd?: string;
  /** Extensions a directory scan picks up (without the dot). */
  extensions: readonly string[];
  /** Files a directory scan skips (relative paths). */
  exclude?: RegExp;
  /** Accept '-' for standard input. */
  stdin?: boolean;
  /** How an empty directory is reported. */
  emptyDirectory: Severity;
}

export interface ResolvedInputs {
  files: string[];
  diagnostics: Diagnostic[];
  /** Files found by a directory scan or a glob (not named on the command line). */
  discovered: Set<string>;
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function resolveInputs(inputs: readonly string[], options: ResolveInputOptions): Promise<ResolvedInputs> {
  const cwd = options.cwd ?? process.cwd();
  const out: ResolvedInputs = { files: [], diagnostics: [], discovered: new Set() };
  const seen = new Set<string>();
  const add = (f: string, found = false): void => {
    const key = f === STDIN ? STDIN : path.resolve(cwd, f);
    if (seen.has(key)) return;
    seen.add(key);
    out.files.push(f);
    if (found) out.discovered.add(f);
  };
  for (const input of inputs) {
    if (options.stdin === true && input === STDIN) {
      add(STDIN);
      continue;
    }
    let st: Awaited<ReturnType<typeof stat>> | undefined;
    try {
      st = await stat(path.resolve(cwd, input));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        out.diagnostics.push(diagnostic('load.read-failed', { file: input, reason: (e as Error).message }));
        continue;
      }
    }
    if (st?.isDirectory()) {
      const found = (await fg(`**/*.{${options.extensions.join(',')}}`, { cwd: path.resolve(cwd, input), onlyFiles: true, caseSensitiveMatch: false, followSymbolicLinks: false }))
        .filter((f) => options.exclude === undefined || !options.exclude.test(f))
        .sort(byteOrder);
      if (found.length === 0) out.diagnostics.push(diagnostic('load.no-files-matched', { pattern: `${input} (directory)` }, { severity: options.emptyDirectory }));
      for (const f of found) add(path.join(input, f), true);
    } else if (st !== undefined) {
      add(input);
    } else if (fg.isDynamicPattern(input)) {
      const found = (await fg(input, { cwd, onlyFiles: true, followSymbolicLinks: false })).sort(byteOrder);
      if (found.length === 0) out.diagnostics.push(diagnostic('load.no-files-matched', { pattern: input }));
      for (const f of found) add(f, true);
    } else {
      out.diagnostics.push(diagnostic('load.file-not-found', { file: input }));
    }
  }
  return out;
}
