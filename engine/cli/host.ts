// What the CLI needs from its process, as one object: the real one (nodeHost) and, in tests, a recording one.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import * as path from 'node:path';

export interface Host {
  /** Machine output (the report). */
  stdout(text: string): void;
  /** Diagnostics, usage errors and (on a TTY) progress. */
  stderr(text: string): void;
  /** Reads a file relative to cwd; '-' reads standard input. */
  readFile(file: string): Promise<string>;
  /** Writes a file relative to cwd. */
  writeFile(file: string, text: string): Promise<void>;
  /**
   * Writes text given in pieces to a file relative to cwd, or to stdout (`file` undefined), without joining it into
   * one string (a report may be longer than a string can be). Hosts without it get the pieces joined.
   */
  writeChunks?(file: string | undefined, chunks: Iterable<string>): Promise<void>;
  /**
   * An output written while it is produced (dine evaluate --bounded): to a file relative to cwd, put in place only when
   * ended, or to stdout (`file` undefined). Hosts without it get the pieces gathered and written at the end.
   */
  openWriter?(file: string | undefined): OutputWriter;
  /** Standard output is a terminal (the table format may use colour). */
  isTTY: boolean;
  /** Standard error is a terminal (progress lines are shown). Defaults to isTTY. */
  stderrIsTTY?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The current instant (ISO-8601) when --now is not given. */
  now?: () => string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Pieces are gathered up to this many characters per write. */
const WRITE_BATCH = 1 << 20;
/** A stream writer with this much pending is behind: its producer waits (bounded memory for slow disks and pipes). */
const BEHIND_BYTES = 16 << 20;

/** The pieces through a stream writer, waiting whenever it falls behind (a pipe reader may be slower than dine). */
async function writeChunks(file: string | undefined, chunks: Iterable<string>): Promise<void> {
  const out = streamWriter(file);
  try {
    for (const c of chunks) {
      out.write(c);
      const wait = out.behind!();
      if (wait !== undefined) await wait;
    }
  } catch (e) {
    await out.abandon();
    throw e;
  }
  await out.end();
}

/** Writing the output failed (the disk, the path, a closed pipe): a cli.write-failed, not an internal error. */
export class OutputError extends Error {}

/** Text appended piece by piece. */
export interface OutputWriter {
  write(text: string): void;
  /** A promise when the writer is far behind (wait for it before producing more; rejected when it failed), else undefined. */
  behind?(): Promise<void> | undefined;
  /** Writes what is pending; a file is put in place only now. */
  end(): Promise<void>;
  /** Drops the output: a file is not written at all; stdout keeps what was already written. */
  abandon(): Promise<void>;
}

/**
 * Pieces gathered into WRITE_BATCH writes. A file is written under a temporary name beside it and renamed when ended,
 * so a run that fails leaves no partial report. Writes do not wait for the stream: the evaluation that produces them
 * awaits its own reads, which lets the writes proceed.
 */
function streamWriter(file: string | undefined): OutputWriter {
  const target = file === undefined ? undefined : path.resolve(process.cwd(), file);
  const partial = target === undefined ? undefined : `${target}.dine-partial-${process.pid}`;
  const out: Writable = partial === undefined ? process.stdout : createWriteStream(partial, { encoding: 'utf8' });
  let failed: Error | undefined;
  const onError = (e: Error): void => {
    failed ??= e;
  };
  out.on('error', onError);
  let batch: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (size === 0) return;
    out.write(batch.join(''));
    batch = [];
    size = 0;
  };
  const close = (): Promise<void> => new Promise<void>((resolve) => out.end(() => resolve()));
  // The temporary name is dine's business: the message names the file the user asked for.
  const failure = (): OutputError => new OutputError(failed === undefined ? 'the output stream failed' : partial === undefined ? failed.message : failed.message.replaceAll(partial, target!));
  return {
    write(text) {
      batch.push(text);
      size += text.length;
      if (size >= WRITE_BATCH) flush();
    },
    behind() {
      if (failed !== undefined) return Promise.reject(failure());
      if (out.writableLength <= BEHIND_BYTES) return undefined;
      return once(out, 'drain').then(
        () => undefined,
        () => Promise.reject(failure()),
      );
    },
    async end() {
      flush();
      if (partial !== undefined) {
        await close();
        if (failed === undefined) await rename(partial, target!);
        else await rm(partial, { force: true });
      }
      out.off('error', onError);
      if (failed !== undefined) throw failure();
    },
    async abandon() {
      batch = [];
      size = 0;
      if (partial !== undefined) {
        await close();
        await rm(partial, { force: true });
      }
      out.off('error', onError);
    },
  };
}

export const nodeHost: Host = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (file) => (file === '-' ? readStdin() : readFile(path.resolve(process.cwd(), file), 'utf8')),
  writeFile: (file, text) => writeFile(path.resolve(process.cwd(), file), text, 'utf8'),
  writeChunks,
  openWriter: streamWriter,
  isTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date().toISOString(),
};

/** Colour for the table format: a terminal, and NO_COLOR unset or empty (no-color.org). */
export function wantsColour(host: Host): boolean {
  const noColor = host.env['NO_COLOR'];
  return host.isTTY && (noColor === undefined || noColor === '');
}
