// Writing generated files under an output folder: every path is resolved and checked to stay inside
// the folder, so a hostile resource name can never write elsewhere.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Host, OutputWriter } from './host.js';

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

/** A report format as the CLI writes it: one string, or the same text in pieces when the format can give them. */
export interface ReportFormat<R, O> {
  format(report: R, options?: O): string;
  chunks?(report: R, options?: O): Iterable<string>;
}

/** A rendered report: its text, or its pieces (a report may be longer than a string can be: ≈ 2.5 GB at 10^6). */
export type RenderedReport = { text: string } | { chunks: Iterable<string> };

/** In pieces when both the format and the host can (the pieces are made as they are written), else one string. */
export function renderReport<R, O>(host: Host, format: ReportFormat<R, O>, report: R, options: O): RenderedReport {
  return format.chunks !== undefined && host.writeChunks !== undefined ? { chunks: format.chunks(report, options) } : { text: format.format(report, options) };
}

/** Writes a rendered report to `file` (relative to cwd), or to stdout when `file` is undefined. */
export async function writeReport(host: Host, file: string | undefined, rendered: RenderedReport): Promise<void> {
  if ('chunks' in rendered) await host.writeChunks!(file, rendered.chunks);
  else if (file !== undefined) await host.writeFile(file, rendered.text);
  else host.stdout(rendered.text);
}

/** The host's writer, or (hosts without one) pieces gathered and written when ended. */
export function openOutput(host: Host, file: string | undefined): OutputWriter {
  if (host.openWriter !== undefined) return host.openWriter(file);
  const pieces: string[] = [];
  return {
    write: (text) => void pieces.push(text),
    end: () => writeReport(host, file, host.writeChunks !== undefined ? { chunks: pieces } : { text: pieces.join('') }),
    abandon: async () => {
      pieces.length = 0;
    },
  };
}
