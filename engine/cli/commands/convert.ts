// `dine convert`: a policy document written in YAML (or JSON) → the JSON Azure accepts, the same document with
// stable 2-space indentation and keys in the order written.
import type { Command } from 'commander';
import { diagnostic, parseSourceText } from '../../index.js';
import { EXIT, formatProblem } from '../problems.js';
import type { CommandContext, CommandSpec } from './types.js';

const EXAMPLES = `
Examples:
  # print the JSON of a definition authored in YAML
  dine convert policy.yaml

  # write it next to the YAML, for az policy definition create --rules / a pipeline
  dine convert policy.yaml --output policy.json

Exit codes: 0 converted, 2 unreadable or malformed input, 3 internal error.`;

export async function runConvert(ctx: CommandContext, o: Record<string, unknown>, args: string[]): Promise<number> {
  const { host } = ctx;
  const file = args[0];
  if (file === undefined) {
    host.stderr(formatProblem(diagnostic('cli.usage', { reason: 'give the YAML file to convert' })));
    return EXIT.input;
  }
  let text: string;
  try {
    text = await host.readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    host.stderr(formatProblem(err.code === 'ENOENT' ? diagnostic('load.file-not-found', { file }) : diagnostic('load.read-failed', { file, reason: err.message })));
    return EXIT.input;
  }
  const parsed = parseSourceText(text, file);
  for (const d of parsed.diagnostics) host.stderr(formatProblem(d));
  if (parsed.value === undefined || parsed.diagnostics.some((d) => d.severity === 'error')) return EXIT.input;
  const json = JSON.stringify(parsed.value, null, 2) + '\n';
  const output = o['output'];
  if (typeof output === 'string') {
    try {
      await host.writeFile(output, json);
    } catch (e) {
      host.stderr(formatProblem(diagnostic('cli.write-failed', { file: output, reason: (e as Error).message })));
      return EXIT.input;
    }
  } else host.stdout(json);
  return EXIT.ok;
}

export const CONVERT_COMMAND: CommandSpec = {
  name: 'convert',
  summary: 'write the JSON of a policy document authored in YAML',
  configure(cmd: Command) {
    cmd.argument('<file>', 'the YAML (or JSON) document').option('-o, --output <file>', 'write the JSON to a file instead of stdout').addHelpText('after', EXAMPLES);
  },
  run: runConvert,
};
