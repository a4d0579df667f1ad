// `dine` entry point: argv → exit code. Parses with commander (every subcommand from COMMANDS), routes usage
// errors to one stderr line (exit 2) and turns unexpected faults into exit 3. Runs in-process for tests.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import type { Host } from './host.js';
import { EXIT } from './problems.js';

/** dine's version, from the package.json next to dist/ (or the source tree). */
export function readVersion(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dine' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export function buildProgram(host: Host, version: string, onExit: (code: number) => void): Command {
  const program = new Command('dine');
  program
    .description('Offline Azure Policy engine: evaluate policy JSON against resource snapshots and explain every result.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => host.stdout(s),
      writeErr: (s) => host.stderr(s),
      outputError: (s, write) => write(`dine: cli.usage ${s.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim()}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', `
Run "dine <command> --help" for a command's options and examples.
Exit codes: 0 compliant, 1 findings, 2 bad input or usage, 3 internal error.`);
  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).description(spec.summary);
    spec.configure(cmd);
    cmd.action(async (...args: unknown[]) => {
      // commander passes (…positional, options, command)
      const command = args[args.length - 1] as Command;
      const positional = args.slice(0, -2).flat().filter((a): a is string => typeof a === 'string');
      onExit(await spec.run({ host, version }, command.opts(), positional));
    });
  }
  return program;
}

export async function main(argv: readonly string[], host: Host): Promise<number> {
  const version = readVersion();
  let code: number = EXIT.ok;
  try {
    const program = buildProgram(host, version, (c) => (code = c));
    if (argv.length === 0) {
      host.stderr(program.helpInformation());
      return EXIT.input;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help, --version and `dine help` exit 0; every parse error is a usage error
      return e.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    host.stderr(`dine: cli.internal Internal error: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (host.env['DINE_DEBUG'] !== undefined && err.stack !== undefined) host.stderr(`${err.stack}\n`);
    return EXIT.internal;
  }
}
