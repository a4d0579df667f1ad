// `dine explain`: the evaluation trace of one resource under one policy definition — each condition, the value it
// read and from which path, its outcome, and for IfNotExists effects the related resources considered and why each
// did or did not satisfy the existence condition.
import { Option, type Command } from 'commander';
import {
  compilePolicy, diagnostic, explainResource, formatExplanationJson, formatExplanationText, loadSnapshot, parseSourceText, PolicyError, RelatedIndex,
  type Diagnostic, type RelatedLookup, type ResourceView,
} from '../../index.js';
import { EXIT, formatProblem } from '../problems.js';
import type { CommandContext, CommandSpec } from './types.js';

const FORMATS = ['text', 'json'] as const;

const EXAMPLES = `
Examples:
  # why is this VM non-compliant with the VA audit? (related assessments from the snapshot)
  dine explain --policy policies/builtin/501541f7-f7e7-4cd6-868c-4190fdad3ac9.json \\
    --resource vm.json --snapshot fixtures/estates/contoso/resources

  # one resource picked from a snapshot file, with parameters, as JSON
  dine explain --policy policies/builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json --resource export.json \\
    --resource-id /subscriptions/…/virtualMachines/vm1 --parameters vaType=mdeTvm --snapshot export.json --format json

Exit codes: 0 explained, 2 bad input or usage, 3 internal error.`;

function parseParameters(list: string[], problems: Diagnostic[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      problems.push(diagnostic('cli.usage', { reason: `--parameters takes name=value, got "${item}"` }));
      continue;
    }
    const text = item.slice(eq + 1);
    let value: unknown = text;
    try {
      // JSON values (numbers, booleans, arrays, objects, quoted strings); anything else is a string.
      if (/^[[{"\d-]|^(true|false|null)$/.test(text)) value = JSON.parse(text);
    } catch {
      value = text;
    }
    out[item.slice(0, eq)] = value;
  }
  return out;
}

export async function runExplain(ctx: CommandContext, o: Record<string, unknown>): Promise<number> {
  const { host } = ctx;
  const problems: Diagnostic[] = [];
  const policyFile = o['policy'] as string | undefined;
  const resourceFile = o['resource'] as string | undefined;
  if (policyFile === undefined || resourceFile === undefined) {
    host.stderr(formatProblem(diagnostic('cli.usage', { reason: '--policy and --resource are required' })));
    return EXIT.input;
  }
  const parameters = parseParameters((o['parameters'] as string[] | undefined) ?? [], problems);
  let policy;
  try {
    const text = await host.readFile(policyFile);
    const parsed = parseSourceText(text, policyFile);
    problems.push(...parsed.diagnostics.filter((d) => d.severity === 'error'));
    if (parsed.value !== undefined) policy = compilePolicy(parsed.value, { parameters, locate: parsed.locate });
  } catch (e) {
    if (e instanceof PolicyError) problems.push(...e.diagnostics);
    else if ((e as NodeJS.ErrnoException).code === 'ENOENT') problems.push(diagnostic('load.file-not-found', { file: policyFile }));
    else throw e;
  }
  const primary = await loadSnapshot([resourceFile], { cwd: host.cwd });
  problems.push(...primary.diagnostics.filter((d) => d.severity === 'error'));
  const snapshotFiles = (o['snapshot'] as string[] | undefined) ?? [];
  const related = snapshotFiles.length > 0 ? await loadSnapshot(snapshotFiles, { cwd: host.cwd }) : undefined;
  if (related) problems.push(...related.diagnostics.filter((d) => d.severity === 'error'));
  let resource: ResourceView | undefined;
  const wanted = o['resourceId'] as string | undefined;
  if (wanted !== undefined) {
    resource = primary.resources.find((r) => r.id.toLowerCase() === wanted.toLowerCase());
    if (resource === undefined) problems.push(diagnostic('cli.usage', { reason: `no resource ${wanted} in ${resourceFile}` }));
  } else if (primary.resources.length === 1) resource = primary.resources[0];
  else if (primary.resources.length > 1) problems.push(diagnostic('cli.usage', { reason: `${resourceFile} holds ${primary.resources.length} resources; pick one with --resource-id` }));
  else problems.push(diagnostic('cli.usage', { reason: `${resourceFile} holds no resource` }));
  if (policy !== undefined && policy.details !== undefined && policy.effect.family === 'ifNotExists' && related === undefined) {
    host.stderr(`dine: warning: no --snapshot given, so the related ${'resources'} of this IfNotExists rule are unknown\n`);
  }
  for (const p of problems) host.stderr(formatProblem(p));
  if (problems.some((p) => p.severity === 'error') || policy === undefined || resource === undefined) return EXIT.input;

  let lookup: RelatedLookup | undefined;
  if (related !== undefined) {
    // The resource's own file may also be part of the snapshot: index each id once.
    const known = new Set(related.resources.map((r) => r.id.toLowerCase()));
    const index = new RelatedIndex([...related.resources, ...primary.resources.filter((r) => !known.has(r.id.toLowerCase()))]);
    lookup = o['complete'] === true ? { knows: () => true, find: (q) => index.find(q) } : index;
  }
  const now = o['now'] as string | undefined;
  const explanation = explainResource({ policy, resource, ...(lookup ? { related: lookup } : {}), context: now !== undefined ? { now } : {} });
  host.stdout(o['format'] === 'json' ? formatExplanationJson(explanation) : formatExplanationText(explanation));
  return EXIT.ok;
}

export const EXPLAIN_COMMAND: CommandSpec = {
  name: 'explain',
  summary: 'show, condition by condition, how one resource is evaluated by one policy',
  configure(cmd: Command) {
    cmd
      .requiredOption('-p, --policy <file>', 'the policy definition (JSON or YAML)')
      .requiredOption('-r, --resource <file>', 'the resource (a file with one resource, or a snapshot with --resource-id)')
      .option('--resource-id <id>', 'which resource of --resource to explain')
      .option('-s, --snapshot <files...>', 'files or folders of related resources (for auditIfNotExists / deployIfNotExists)')
      .option('--parameters <name=value...>', 'parameter values (JSON values, else strings)')
      .option('--complete', 'the snapshot holds every resource: an absent related type means none exist')
      .option('--now <instant>', 'evaluation instant for utcNow() (ISO-8601)')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
      .addHelpText('after', EXAMPLES);
  },
  run: (ctx, o) => runExplain(ctx, o),
};
