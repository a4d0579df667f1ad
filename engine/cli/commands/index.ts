// The COMMANDS registry: every `dine` subcommand, in --help order.
import { EVALUATE_COMMAND } from './evaluate.js';
import { SCAN_COMMAND } from './scan.js';
import { REMEDIATE_COMMAND } from './remediate.js';
import { VALIDATE_COMMAND } from './validate.js';
import { TEST_COMMAND } from './test.js';
import { EXPLAIN_COMMAND } from './explain.js';
import { CONVERT_COMMAND } from './convert.js';
import { MERGE_COMMAND } from './merge.js';
import type { CommandSpec } from './types.js';

export type { CommandContext, CommandSpec } from './types.js';

export const COMMANDS: readonly CommandSpec[] = Object.freeze([EVALUATE_COMMAND, SCAN_COMMAND, REMEDIATE_COMMAND, VALIDATE_COMMAND, TEST_COMMAND, EXPLAIN_COMMAND, CONVERT_COMMAND, MERGE_COMMAND]);

export function lookupCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
