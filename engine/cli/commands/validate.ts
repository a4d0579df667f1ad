// `dine validate`: schema, compile and authoring checks of definitions, initiatives, assignments and exemptions.
// Findings go to stdout (text, json or sarif); exit 2 when any finding is an error, else 0.
import { Option, type Command } from 'commander';
import { diagnostic, formatValidation, resolvePolicyFiles, validateSources, VALIDATE_FORMATS, type Diagnostic, type ValidateFormat, type ValidationSource } from '../../index.js';
import { EXIT, formatProblem } from '../problems.js';
import type { CommandContext, CommandSpec } from './types.js';

const EXAMPLES = `
Examples:
  # the whole pack, as text
  dine validate policies

  # definitions written in YAML, and an assignment next to them
  dine validate my-policy.yaml assignments/prod.json

  # SARIF for GitHub code scanning (annotations on the lines at fault)
  dine validate 'policies/**/*.json' --format sarif --output validate.sarif

Exit codes: 0 no errors (warnings allowed), 2 errors in the input or bad usage, 3 internal error.`;

export async function runValidate(ctx: CommandContext, o: Record<string, unknown>, args: string[]): Promise<number> {
  const { host } = ctx;
  const format = String(o['format'] ?? 'text') as ValidateFormat;
  if (!VALIDATE_FORMATS.includes(format)) {
    host.stderr(formatProblem(diagnostic('cli.usage', { reason: `unknown --format "${format}" (one of ${VALIDATE_FORMATS.join(', ')})` })));
    return EXIT.input;
  }
  if (args.length === 0) {
    host.stderr(formatProblem(diagnostic('cli.usage', { reason: 'give the files, folders or globs to validate' })));
    return EXIT.input;
  }
  const resolved = await resolvePolicyFiles(args, { cwd: host.cwd });
  const problems: Diagnostic[] = [...resolved.diagnostics];
  const sources: ValidationSource[] = [];
  for (const file of resolved.files) {
    try {
      sources.push({ file, text: await host.readFile(file) });
    } catch (e) {
      problems.push(diagnostic('load.read-failed', { file, reason: (e as Error).message }));
    }
  }
  for (const p of problems) host.stderr(formatProblem(p));
  if (problems.some((p) => p.severity === 'error')) return EXIT.input;
  const result = validateSources(sources);
  const text = formatValidation(result, format, ctx.version);
  const output = o['output'];
  if (typeof output === 'string') {
    try {
      await host.writeFile(output, text);
    } catch (e) {
      host.stderr(formatProblem(diagnostic('cli.write-failed', { file: output, reason: (e as Error).message })));
      return EXIT.input;
    }
    if (format !== 'text') host.stderr(formatValidation(result, 'text').split('\n').filter((l) => l !== '').pop() + '\n');
  } else host.stdout(text);
  return result.summary.errors > 0 ? EXIT.input : EXIT.ok;
}

export const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  summary: 'check definitions, initiatives, assignments and exemptions (schema, aliases, parameters, effects)',
  configure(cmd: Command) {
    cmd
      .argument('<inputs...>', 'files, folders or globs of JSON / YAML policy documents')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...VALIDATE_FORMATS]).default('text'))
      .option('-o, --output <file>', 'write the output to a file instead of stdout')
      .addHelpText('after', EXAMPLES);
  },
  run: runValidate,
};
