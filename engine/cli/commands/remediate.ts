// `dine remediate`: evaluate like `dine evaluate`, then plan the DeployIfNotExists remediation Azure
// would run, write one ARM deployment per non-compliant resource (plus the plan, an az script and the
// REST requests) to --out, and optionally simulate whether the deployments make the estate compliant.
import { Option, type Command } from 'commander';
import { planRemediation, simulate, writeRemediationOutputs, diagnostic, type Diagnostic, type RemediationOptions } from '../../index.js';
import { EXIT, formatProblem } from '../problems.js';
import { writeFilesUnder } from '../output.js';
import { configureInputs, fail, loadAndEvaluate, progressReporter, usage, type EvaluationInputs } from './evaluate.js';
import type { CommandContext, CommandSpec } from './types.js';

interface RemediateOptions extends EvaluationInputs {
  out: string;
  selectIds?: string[];
  selectScope?: string;
  selectLocations?: string[];
  filter?: string;
  assignment?: string[];
  reference?: string[];
  resourceDiscoveryMode: 'ExistingNonCompliant' | 'ReEvaluateCompliance';
  resourceCount?: string;
  parallelDeployments?: string;
  failureThreshold?: string;
  simulate?: boolean;
  format: 'text' | 'json';
}

const EXAMPLES = `
Examples:
  # every DeployIfNotExists deployment the demo estate needs, written to ./remediation
  dine remediate --policies policies --assignments fixtures/estates/contoso/assignments --exemptions fixtures/estates/contoso/exemptions \\
    --snapshot fixtures/estates/contoso/management-groups.json fixtures/estates/contoso/subscriptions.json fixtures/estates/contoso/resources \\
    --out remediation --simulate

  # only machines in European regions, 20 deployments at a time
  dine remediate -p policies -s export.json --out out --select-locations westeurope northeurope --parallel-deployments 20

  # a JSON Logic filter over the resource (plus complianceState, effect, policyDefinitionReferenceId)
  dine remediate -p policies -s export.json --out out --filter '{"==":[{"var":"properties.storageProfile.osDisk.osType"},"Linux"]}'

Writes: deployments/<name>.json and .parameters.json, plan.json, deploy.sh (az deployment … create), requests.http/.json (REST PUTs).
Exit codes: 0 nothing to remediate (or, with --simulate, every remediation converges), 1 deployments planned (or some do not converge),
2 bad input or usage, 3 internal error.`;

function integer(name: string, text: string | undefined, problems: Diagnostic[]): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    problems.push(usage(`--${name} must be a whole number, got "${text}"`));
    return undefined;
  }
  return Number(text);
}

async function runRemediate(ctx: CommandContext, raw: Record<string, unknown>): Promise<number> {
  const { host } = ctx;
  const o = raw as unknown as RemediateOptions;
  const progress = progressReporter(host);
  const problems: Diagnostic[] = [];
  const options: RemediationOptions = { resourceDiscoveryMode: o.resourceDiscoveryMode };
  const resourceCount = integer('resource-count', o.resourceCount, problems);
  const parallelDeployments = integer('parallel-deployments', o.parallelDeployments, problems);
  if (resourceCount !== undefined) options.resourceCount = resourceCount;
  if (parallelDeployments !== undefined) options.parallelDeployments = parallelDeployments;
  if (o.failureThreshold !== undefined) {
    const n = Number(o.failureThreshold);
    if (o.failureThreshold.trim() === '' || Number.isNaN(n)) problems.push(usage(`--failure-threshold must be a number (0–1 or 0–100), got "${o.failureThreshold}"`));
    else options.failureThreshold = n;
  }
  if (o.selectIds !== undefined) options.resourceIds = o.selectIds;
  if (o.selectScope !== undefined) options.scope = o.selectScope;
  if (o.selectLocations !== undefined) options.locations = o.selectLocations;
  if (o.assignment !== undefined) options.assignmentIds = o.assignment;
  if (o.reference !== undefined) options.policyDefinitionReferenceIds = o.reference;
  if (o.filter !== undefined) {
    try {
      options.filter = JSON.parse(o.filter);
    } catch (e) {
      problems.push(diagnostic('remediate.invalid-filter', { reason: `--filter is not JSON: ${(e as Error).message}` }));
    }
  }
  if (problems.length > 0) return fail(ctx, problems);

  const loaded = await loadAndEvaluate(ctx, o, progress);
  if ('problems' in loaded) return fail(ctx, loaded.problems);
  progress('planning remediation…');
  const plan = planRemediation(loaded.report, options);
  const invalid = plan.errors.filter((e) => e.code === 'remediate.invalid-option' || e.code === 'remediate.invalid-filter');
  if (invalid.length > 0) return fail(ctx, invalid.map((e) => diagnostic(e.code as 'remediate.invalid-option', { reason: e.message })));
  const simulation = o.simulate ? simulate(loaded.input.snapshot, plan, loaded.input) : undefined;

  // Everything is computed before anything is written.
  const files = writeRemediationOutputs(plan).files;
  if (simulation !== undefined) {
    const outcomes = { converged: simulation.converged, remaining: simulation.remaining, added: simulation.added };
    files.push({ path: 'simulation.json', content: JSON.stringify(outcomes, null, 2) + '\n' });
  }
  try {
    await writeFilesUnder(host, o.out, files);
  } catch (e) {
    return fail(ctx, [diagnostic('cli.write-failed', { file: o.out, reason: (e as Error).message })]);
  }
  for (const err of plan.errors) host.stderr(formatProblem({ code: 'deploy.expand-failed', severity: 'warning', message: `${err.resourceId ?? ''}: ${err.message}` }));

  const summary = {
    out: o.out,
    tasks: plan.tasks.length,
    deployments: plan.deployments.length,
    errors: plan.errors.length,
    files: files.length,
    ...(simulation !== undefined ? { converged: simulation.converged.length, remaining: simulation.remaining.map((r) => ({ resourceId: r.resourceId, state: r.complianceState, reason: r.reason })) } : {}),
  };
  if (o.format === 'json') host.stdout(JSON.stringify(summary, null, 2) + '\n');
  else {
    const lines = [`${plan.deployments.length} deployment(s) in ${plan.tasks.length} remediation task(s), ${plan.errors.length} error(s); ${files.length} files written to ${o.out}`];
    for (const t of plan.tasks) lines.push(`  task ${t.name}: ${t.policyAssignmentId}${t.policyDefinitionReferenceId ? ` / ${t.policyDefinitionReferenceId}` : ''} (parallelDeployments ${t.parallelDeployments}, resourceCount ${t.resourceCount})`);
    if (simulation !== undefined) {
      lines.push(`simulation: ${simulation.converged.length} converge, ${simulation.remaining.length} do not`);
      for (const r of simulation.remaining) lines.push(`  ${r.resourceId}: ${r.complianceState ?? 'no record'} — ${r.reason}`);
    }
    host.stdout(lines.join('\n') + '\n');
  }
  const pending = simulation !== undefined ? simulation.remaining.length > 0 : plan.deployments.length > 0;
  return pending ? EXIT.findings : EXIT.ok;
}

export const REMEDIATE_COMMAND: CommandSpec = {
  name: 'remediate',
  summary: 'plan DeployIfNotExists remediation: one ARM deployment per non-compliant resource, an az script, REST requests, a simulation',
  configure(cmd: Command): void {
    configureInputs(cmd)
      .requiredOption('--out <dir>', 'folder for the deployments, plan.json, deploy.sh and requests (created if needed)')
      .option('--select-ids <ids...>', 'remediate only these resources')
      .option('--select-scope <id>', 'remediate only resources at or below this scope')
      .option('--select-locations <locations...>', 'filters.locations: only resources in these locations')
      .option('--filter <jsonlogic>', 'a JSON Logic rule over each resource (plus complianceState, effect, policyDefinitionReferenceId)')
      .option('--assignment <ids...>', 'only these assignments')
      .option('--reference <ids...>', 'only these initiative members (policyDefinitionReferenceId)')
      .addOption(new Option('--resource-discovery-mode <mode>', 'as Azure remediation tasks').choices(['ExistingNonCompliant', 'ReEvaluateCompliance']).default('ExistingNonCompliant'))
      .option('--resource-count <n>', 'resources per task (default 500, at most 50000)')
      .option('--parallel-deployments <n>', 'deployments at once (1–30, default 10)')
      .option('--failure-threshold <x>', 'failureThreshold.percentage: 0–1, or 0–100')
      .option('--simulate', 'apply the planned resources to a copy of the snapshot and re-evaluate')
      .addOption(new Option('-f, --format <name>', 'summary format').choices(['text', 'json']).default('text'))
      .addHelpText('after', EXAMPLES);
  },
  run: (ctx, options) => runRemediate(ctx, options),
};
