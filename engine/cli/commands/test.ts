// `dine test`: runs declarative policy tests (*.test.yaml / *.test.json) found below the given folders (default:
// the current folder), reports ✓/✗ per case and a summary line, or JUnit / JSON; exit 1 on any failure or when
// condition coverage is below --coverage-threshold. --watch reruns when a file below the folders changes.
import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import fg from 'fast-glob';
import { Option, type Command } from 'commander';
import { diagnostic, formatTestJson, formatTestJunit, formatTestText, isPolicyTestFile, runPolicyTests, testRunFailed, type TestHost } from '../../index.js';
import { EXIT, formatProblem } from '../problems.js';
import type { CommandContext, CommandSpec } from './types.js';

const FORMATS = ['text', 'junit', 'json'] as const;

const EXAMPLES = `
Examples:
  # the pack's own tests, with the condition coverage of each rule
  dine test policies --coverage

  # JUnit for Azure DevOps PublishTestResults; fail under 60 % condition coverage
  dine test policies --format junit --output TEST-policies.xml --coverage-threshold 60

  # write (or refresh) the golden DINE deployments the tests point at
  dine test fixtures/policy-tests --update-golden

  # rerun on every change while editing a policy
  dine test my-policies --watch

A test file names the policy (a path), parameters, resources and related resources (inline or files), and the
expected state, effect, reasons (subset match), deploymentParameters and golden deployment of each case.
Exit codes: 0 all passed, 1 a case failed or coverage is below the threshold, 2 no tests or bad usage.`;

async function discover(inputs: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = (await stat(path.resolve(cwd, input))).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) {
      const found = await fg('**/*.test.{yaml,yml,json}', { cwd: path.resolve(cwd, input), onlyFiles: true, ignore: ['**/node_modules/**', '**/dist/**'], caseSensitiveMatch: false });
      for (const f of found.sort()) out.push(path.join(input, f));
    } else if (isPolicyTestFile(input)) out.push(input);
    else if (fg.isDynamicPattern(input)) out.push(...(await fg(input, { cwd, onlyFiles: true })).filter(isPolicyTestFile).sort());
  }
  return [...new Set(out)];
}

async function runOnce(ctx: CommandContext, o: Record<string, unknown>, inputs: string[]): Promise<number> {
  const { host } = ctx;
  const format = String(o['format'] ?? 'text') as (typeof FORMATS)[number];
  const files = await discover(inputs, host.cwd);
  if (files.length === 0) {
    host.stderr(formatProblem(diagnostic('cli.usage', { reason: `no *.test.yaml or *.test.json files in ${inputs.join(', ')}` })));
    return EXIT.input;
  }
  const testHost: TestHost = { readFile: (f) => host.readFile(f), writeFile: (f, t) => host.writeFile(f, t) };
  const result = await runPolicyTests(files, testHost, { updateGolden: o['updateGolden'] === true });
  const text = format === 'junit' ? formatTestJunit(result) : format === 'json' ? formatTestJson(result) : formatTestText(result, { coverage: o['coverage'] === true });
  const output = o['output'];
  if (typeof output === 'string') {
    await host.writeFile(output, text);
    host.stderr(formatTestText(result).split('\n').filter((l) => l !== '').pop() + '\n');
  } else host.stdout(text);
  let failed = testRunFailed(result);
  const threshold = o['coverageThreshold'];
  if (threshold !== undefined) {
    const t = Number(threshold);
    if (result.coveragePercent < t) {
      host.stderr(formatProblem(diagnostic('test.coverage-below-threshold', { coverage: result.coveragePercent.toFixed(1), threshold: t })));
      failed = true;
    }
  }
  return failed ? EXIT.findings : EXIT.ok;
}

export async function runTest(ctx: CommandContext, o: Record<string, unknown>, args: string[]): Promise<number> {
  const inputs = args.length > 0 ? args : ['.'];
  const t = o['coverageThreshold'];
  if (t !== undefined && (Number.isNaN(Number(t)) || Number(t) < 0 || Number(t) > 100)) {
    ctx.host.stderr(formatProblem(diagnostic('cli.usage', { reason: `--coverage-threshold must be a percentage from 0 to 100, got "${String(t)}"` })));
    return EXIT.input;
  }
  const first = await runOnce(ctx, o, inputs);
  if (o['watch'] !== true) return first;
  // Watch: rerun (debounced) on any change below the inputs until interrupted.
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let last = first;
    const watchers = inputs.map((input) =>
      watch(path.resolve(ctx.host.cwd, input), { recursive: true }, () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          ctx.host.stderr('dine: change detected, rerunning\n');
          void runOnce(ctx, o, inputs).then((code) => (last = code));
        }, 200);
      }),
    );
    process.once('SIGINT', () => {
      for (const w of watchers) w.close();
      if (timer) clearTimeout(timer);
      resolve(last);
    });
  });
}

export const TEST_COMMAND: CommandSpec = {
  name: 'test',
  summary: 'run declarative policy tests (*.test.yaml / *.test.json) with condition coverage',
  configure(cmd: Command) {
    cmd
      .argument('[dirs...]', 'folders (searched recursively) or test files; default: the current folder')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
      .option('-o, --output <file>', 'write the output to a file instead of stdout')
      .option('--coverage', 'list each rule\'s condition coverage and the conditions never seen true or false')
      .option('--coverage-threshold <percent>', 'fail when the condition coverage over all rules is below this')
      .option('--update-golden', 'write missing or changed golden deployment files instead of failing')
      .option('-w, --watch', 'rerun when a file below the folders changes')
      .addHelpText('after', EXAMPLES);
  },
  run: runTest,
};
