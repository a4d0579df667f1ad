// The COMMANDS registry: every `dine` subcommand, in --help order. Later commands (scan, remediate, validate, test,
// explain, convert, merge) are added here.
import { EVALUATE_COMMAND } from './evaluate.js';
import { SCAN_COMMAND } from './scan.js';
import type { CommandSpec } from './types.js';

export type { CommandContext, CommandSpec } from './types.js';

export const COMMANDS: readonly CommandSpec[] = Object.freeze([EVALUATE_COMMAND, SCAN_COMMAND]);

export function lookupCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
