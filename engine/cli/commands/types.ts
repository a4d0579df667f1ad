// The shape of one `dine` command. Commands live in the COMMANDS registry (commands/index.ts).
import type { Command } from 'commander';
import type { Host } from '../host.js';

export interface CommandContext {
  host: Host;
  /** dine's version (package.json). */
  version: string;
}

export interface CommandSpec {
  name: string;
  /** One line for `dine --help`. */
  summary: string;
  /** Declares arguments, options and help text on the commander command. */
  configure(cmd: Command): void;
  /** Runs with commander's parsed options and positional arguments; resolves to the exit code. */
  run(ctx: CommandContext, options: Record<string, unknown>, args: string[]): Promise<number>;
}
