// What the CLI needs from its process, as one object: the real one (nodeHost) and, in tests, a recording one.
import { readFile, writeFile } from 'node:fs/promises';
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

export const nodeHost: Host = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (file) => (file === '-' ? readStdin() : readFile(path.resolve(process.cwd(), file), 'utf8')),
  writeFile: (file, text) => writeFile(path.resolve(process.cwd(), file), text, 'utf8'),
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
