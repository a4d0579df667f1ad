// cli/: the `dine` command line — main(argv, host), the COMMANDS registry, exit codes and problem lines.
export { main, buildProgram, readVersion } from './main.js';
export { nodeHost, wantsColour, type Host } from './host.js';
export { COMMANDS, lookupCommand, type CommandSpec, type CommandContext } from './commands/index.js';
export { EXIT, formatProblem, isInputError } from './problems.js';
export { reportFails, canonicalInstant, FAIL_ON, type FailOn } from './commands/evaluate.js';
