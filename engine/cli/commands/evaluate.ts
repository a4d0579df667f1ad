// `dine evaluate`: policy documents + a resource snapshot → a compliance report in one of the REPORTERS formats.
// Nothing is written until everything has loaded and evaluated; input problems are one stderr line each (exit 2).
import { Option, type Command } from 'commander';
import {
  describeDefinitions, diagnostic, evaluate, loadPolicyDocuments, loadSnapshot, lookupReporter, PolicyError, REPORTERS,
  type ComplianceRecord, type ComplianceState, type ComplianceReport, type Diagnostic, type EvaluateInput, type PolicyDocumentEntry,
} from '../../index.js';
import { closeWorkers, evaluateBounded, inputBytes, planEvaluation, streamSnapshot } from '../../scale/index.js';
import { ndjsonTrailerLine } from '../../report/index.js';
import type { Snapshot } from '../../load/snapshot.js';
import { OutputError, wantsColour, type OutputWriter } from '../host.js';
import { openOutput, renderReport, writeReport } from '../output.js';
import { EXIT, formatProblem, isInputError } from '../problems.js';
import type { CommandContext, CommandSpec } from './types.js';

export const FAIL_ON = Object.freeze(['noncompliant', 'error', 'never'] as const);
export type FailOn = (typeof FAIL_ON)[number];

const EXAMPLES = `
Examples:
  # the Contoso demo estate, as a table
  dine evaluate --policies policies fixtures/estates/contoso/assignments --exemptions fixtures/estates/contoso/exemptions \\
    --snapshot fixtures/estates/contoso/management-groups.json fixtures/estates/contoso/subscriptions.json fixtures/estates/contoso/resources

  # SARIF for GitHub code scanning, at a fixed instant, written only when the run succeeds
  dine evaluate --policies 'policies/**/*.json' --snapshot export.json --now 2025-01-01T00:00:00Z --format sarif --output dine.sarif

  # JUnit for Azure DevOps, failing the step only on evaluation errors
  dine evaluate --policies policies --snapshot snapshot/ --format junit --output TEST-dine.xml --fail-on error

  # a million resources on a small machine: records as NDJSON while they are evaluated, the summary on the last line
  dine evaluate --policies policies --snapshot export.ndjson --bounded --format ndjson --output records.ndjson

  # definitions from standard input
  cat policy.json | dine evaluate --policies - --snapshot resources.json --format json

Exit codes: 0 compliant, 1 findings (see --fail-on), 2 bad input or usage, 3 internal error.
Without assignments, each definition and initiative is assigned at the tenant root with its default parameters.`;

interface EvaluateOptions extends EvaluationInputs {
  format: string;
  output?: string;
  failOn: FailOn;
  bounded?: boolean;
  workers?: string;
}

/** Does the report fail the run under --fail-on? */
export function reportFails(report: ComplianceReport, failOn: FailOn): boolean {
  return report.results.some((r) => recordFails(r, failOn));
}

function recordFails(r: ComplianceRecord, failOn: FailOn): boolean {
  return stateFails(r.complianceState, failOn);
}

function stateFails(s: ComplianceState, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return s === 'Error' || s === 'Conflict' || (failOn === 'noncompliant' && s === 'NonCompliant');
}

/** --now: an ISO-8601 date or date-time → its canonical UTC form; undefined when it is not one. */
export function canonicalInstant(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function usage(reason: string): Diagnostic {
  return diagnostic('cli.usage', { reason });
}

/** The inputs evaluate and remediate share: policy documents, the snapshot, and the evaluation options. */
export interface EvaluationInputs {
  policies: string[];
  snapshot: string[];
  assignments?: string[];
  exemptions?: string[];
  scope?: string;
  now?: string;
  complete?: boolean;
  lenient?: boolean;
  /** true: keep only what the rules read while reading (docs/scale.md); false: hold it all; undefined: by size. */
  stream?: boolean;
}

/** Snapshots larger than this are streamed unless --no-stream says otherwise. */
export const STREAM_AUTO_BYTES = 64 * 1024 * 1024;

export type LoadedEvaluation = { report: ComplianceReport; input: EvaluateInput; definitions: PolicyDocumentEntry[] } | { problems: Diagnostic[] };

/** The policy documents and evaluation options the command line names, before any snapshot is read. */
type LoadedInputs = { evaluation: Omit<EvaluateInput, 'snapshot'>; definitions: PolicyDocumentEntry[]; diagnostics: Diagnostic[] } | { problems: Diagnostic[] };

/**
 * Loads everything the options name and evaluates it. Input problems come back as diagnostics (the
 * caller prints them and exits 2); warnings go to stderr.
 */
export async function loadAndEvaluate(ctx: CommandContext, o: EvaluationInputs, progress: (text: string) => void): Promise<LoadedEvaluation> {
  const { host } = ctx;
  const inputs = await loadInputs(ctx, o, progress);
  if ('problems' in inputs) return inputs;
  const { evaluation, definitions, diagnostics } = inputs;
  progress('loading the snapshot…');
  let snapshot: Snapshot;
  try {
    snapshot = await readSnapshot(host.cwd, o, evaluation, diagnostics);
  } catch (e) {
    if (e instanceof PolicyError) return { problems: [...diagnostics, ...e.diagnostics] };
    throw e;
  }
  diagnostics.push(...snapshot.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { problems: diagnostics };

  // ── evaluate ────────────────────────────────────────────────────────────────────────
  const setCount = (evaluation.setDefinitions ?? []).length;
  progress(`evaluating ${definitions.length + setCount} definitions, ${(evaluation.assignments ?? []).length} assignments on ${snapshot.resources.length} resources…`);
  const input: EvaluateInput = { ...evaluation, snapshot };
  let report: ComplianceReport;
  try {
    report = evaluate(input);
  } catch (e) {
    if (e instanceof PolicyError) return { problems: [...diagnostics, ...e.diagnostics] };
    throw e;
  }
  const problems = triage(host, [...diagnostics, ...report.diagnostics]);
  if (problems !== undefined) return { problems };
  return { report, input, definitions };
}

/** An evaluation's diagnostics: the problems to report (input errors, with the warnings) or, when none, warnings printed. */
function triage(host: CommandContext['host'], all: readonly Diagnostic[]): Diagnostic[] | undefined {
  if (all.some(isInputError)) return all.filter((d) => isInputError(d) || d.severity === 'warning');
  for (const d of all) if (d.severity === 'warning') host.stderr(formatProblem(d));
  return undefined;
}

async function loadInputs(ctx: CommandContext, o: EvaluationInputs, progress: (text: string) => void): Promise<LoadedInputs> {
  const { host } = ctx;
  const problems: Diagnostic[] = [];
  let now: string | undefined;
  if (o.now !== undefined) {
    now = canonicalInstant(o.now);
    if (now === undefined) problems.push(usage(`--now "${o.now}" is not an ISO-8601 date or date-time (e.g. 2025-01-01T00:00:00Z)`));
  }
  if (o.scope !== undefined && !o.scope.startsWith('/')) problems.push(usage(`--scope "${o.scope}" is not a resource id (it starts with "/": /subscriptions/<id>, /providers/Microsoft.Management/managementGroups/<name>)`));
  if (o.snapshot.includes('-')) problems.push(usage('--snapshot does not read standard input; give files, folders or globs'));
  const stdinUses = [o.policies, o.assignments ?? [], o.exemptions ?? []].filter((list) => list.includes('-')).length;
  if (stdinUses > 1) problems.push(usage('standard input ("-") can be given once'));
  if (problems.length > 0) return { problems };

  // ── load ────────────────────────────────────────────────────────────────────────────
  progress('loading policies…');
  const loadOptions = { cwd: host.cwd, readFile: (f: string) => host.readFile(f) };
  const docs = await loadPolicyDocuments(o.policies, loadOptions);
  const definitions: PolicyDocumentEntry[] = [...docs.definitions];
  const setDefinitions: PolicyDocumentEntry[] = [...docs.setDefinitions];
  const assignments: PolicyDocumentEntry[] = [...docs.assignments];
  const exemptions: PolicyDocumentEntry[] = [...docs.exemptions];
  const diagnostics: Diagnostic[] = [...docs.diagnostics];
  for (const extra of [o.assignments, o.exemptions]) {
    if (extra === undefined || extra.length === 0) continue;
    const more = await loadPolicyDocuments(extra, loadOptions);
    definitions.push(...more.definitions);
    setDefinitions.push(...more.setDefinitions);
    assignments.push(...more.assignments);
    exemptions.push(...more.exemptions);
    diagnostics.push(...more.diagnostics);
  }
  if (definitions.length === 0 && setDefinitions.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(diagnostic('cli.no-policies', { inputs: o.policies.join(' ') }));
  }
  const evaluation: Omit<EvaluateInput, 'snapshot'> = { definitions, setDefinitions, assignments, exemptions, now: now ?? host.now?.() ?? new Date().toISOString() };
  if (o.scope !== undefined) evaluation.scope = o.scope;
  if (o.complete) evaluation.complete = true;
  if (o.lenient) evaluation.lenient = true;
  return { evaluation, definitions, diagnostics };
}

/**
 * The snapshot, whole or streamed: streamed (--stream, or by default above STREAM_AUTO_BYTES) it holds only the
 * resource types and fields the compiled rules read, which gives the same report (docs/scale.md §1). Policies with
 * errors are not compiled into a plan: the snapshot is then read whole, so its own problems are reported too.
 */
async function readSnapshot(cwd: string, o: EvaluationInputs, evaluation: Omit<EvaluateInput, 'snapshot'>, diagnostics: readonly Diagnostic[]): Promise<Snapshot> {
  if (!(await streams(cwd, o.snapshot, o.stream, diagnostics))) return loadSnapshot(o.snapshot, { cwd });
  const plan = planEvaluation(evaluation, evaluation.now!);
  return (await streamSnapshot(o.snapshot, { plan, load: { cwd } })).snapshot;
}

/** Is the snapshot streamed: --stream / --no-stream, else by size; not when the policies already have errors. */
export async function streams(cwd: string, inputs: readonly string[], stream: boolean | undefined, diagnostics: readonly Diagnostic[]): Promise<boolean> {
  if (diagnostics.some((d) => d.severity === 'error')) return false;
  return stream ?? (await inputBytes(inputs, { cwd })) > STREAM_AUTO_BYTES;
}

export function progressReporter(host: CommandContext['host']): (text: string) => void {
  return (text) => {
    if (host.stderrIsTTY ?? host.isTTY) host.stderr(`dine: ${text}\n`);
  };
}

async function runEvaluate(ctx: CommandContext, raw: Record<string, unknown>): Promise<number> {
  const { host } = ctx;
  const o = raw as unknown as EvaluateOptions;
  const progress = progressReporter(host);
  const reporter = lookupReporter(o.format);
  if (reporter === undefined) return fail(ctx, [usage(`unknown --format "${o.format}" (one of ${REPORTERS.map((r) => r.name).join(', ')})`)]);
  if (o.bounded === true) return runBounded(ctx, o, progress);
  if (o.workers !== undefined) return fail(ctx, [usage('--workers goes with --bounded')]);
  const loaded = await loadAndEvaluate(ctx, o, progress);
  if ('problems' in loaded) return fail(ctx, loaded.problems);
  const { report, definitions } = loaded;

  // ── output ──────────────────────────────────────────────────────────────────────────
  const formatOptions = {
    color: o.output === undefined && wantsColour(host),
    toolVersion: ctx.version,
    definitions: describeDefinitions(definitions.map((d) => d.document)),
  };
  const rendered = renderReport(host, reporter, report, formatOptions);
  if (o.output !== undefined) {
    try {
      await writeReport(host, o.output, rendered);
    } catch (e) {
      return fail(ctx, [diagnostic('cli.write-failed', { file: o.output, reason: (e as Error).message })]);
    }
    progress(`wrote ${o.output} (${report.results.length} results)`);
  } else {
    await writeReport(host, undefined, rendered);
  }
  return reportFails(report, o.failOn) ? EXIT.findings : EXIT.ok;
}

/**
 * --bounded: evaluateBounded (docs/scale.md §4): records are written as they are evaluated, not held — held resources'
 * first, in report order, then the rest in file order — and the last line carries the summary. Memory stays bounded
 * whatever the number of resources. A file given with --output is put in place only when the run succeeds.
 */
async function runBounded(ctx: CommandContext, o: EvaluateOptions, progress: (text: string) => void): Promise<number> {
  const { host } = ctx;
  const problems: Diagnostic[] = [];
  if (o.format !== 'ndjson') problems.push(usage(`--bounded writes records as they are evaluated: --format ndjson (not ${o.format})`));
  if (o.stream === false) problems.push(usage('--bounded reads the snapshot in two streamed passes: --no-stream does not go with it'));
  const workers = o.workers === undefined ? 1 : Number(o.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) problems.push(usage(`--workers "${o.workers}" is not a number of threads (1–64)`));
  if (problems.length > 0) return fail(ctx, problems);
  const inputs = await loadInputs(ctx, o, progress);
  if ('problems' in inputs) return fail(ctx, inputs.problems);
  const { evaluation, diagnostics } = inputs;
  if (diagnostics.some((d) => d.severity === 'error')) {
    // As without --bounded: the snapshot is still read (whole), so that its own problems are reported with these.
    try {
      const snapshot = await readSnapshot(host.cwd, o, evaluation, diagnostics);
      return fail(ctx, [...diagnostics, ...snapshot.diagnostics]);
    } catch (e) {
      if (e instanceof PolicyError) return fail(ctx, [...diagnostics, ...e.diagnostics]);
      throw e;
    }
  }

  progress('evaluating in two passes (--bounded)…');
  const out = openOutput(host, o.output);
  let fails = false;
  let result: Awaited<ReturnType<typeof evaluateBounded>>;
  try {
    result = await evaluateBounded({
      ...evaluation,
      inputs: o.snapshot,
      load: { cwd: host.cwd },
      workers,
      keepRemediable: false,
      ...(out.behind !== undefined ? { backpressure: () => out.behind!() } : {}),
      // The records' NDJSON lines (ndjsonRecordLine's), made where they are evaluated: with --workers, on the workers.
      onRecordLines: (lines, states) => {
        out.write(lines);
        if (!fails && states.some((s) => stateFails(s, o.failOn))) fails = true;
      },
    });
  } catch (e) {
    return await boundedRunFailed(ctx, out, e, diagnostics, o.output);
  } finally {
    await closeWorkers();
  }
  const found = triage(host, [...diagnostics, ...result.diagnostics]);
  if (found !== undefined) {
    await out.abandon();
    return fail(ctx, found);
  }
  out.write(ndjsonTrailerLine(result));
  try {
    await out.end();
  } catch (e) {
    return fail(ctx, [diagnostic('cli.write-failed', { file: o.output ?? 'stdout', reason: (e as Error).message })]);
  }
  if (o.output !== undefined) progress(`wrote ${o.output} (${result.counts.records} results)`);
  return fails ? EXIT.findings : EXIT.ok;
}

/**
 * A bounded run (evaluate or scan --bounded) that threw: its output is dropped; bad input (PolicyError) or a failed
 * write (OutputError) is reported with exit 2, anything else rethrown (an internal error).
 */
export async function boundedRunFailed(ctx: CommandContext, out: OutputWriter, e: unknown, diagnostics: readonly Diagnostic[], file: string | undefined): Promise<number> {
  await out.abandon();
  if (e instanceof PolicyError) return fail(ctx, [...diagnostics, ...e.diagnostics]);
  if (e instanceof OutputError) return fail(ctx, [diagnostic('cli.write-failed', { file: file ?? 'stdout', reason: e.message })]);
  throw e;
}

/** Prints the problems (errors first, in their order; then warnings) and returns exit code 2. */
export function fail(ctx: CommandContext, problems: readonly Diagnostic[]): number {
  const errors = problems.filter((d) => d.severity === 'error');
  const others = problems.filter((d) => d.severity === 'warning');
  for (const d of [...errors, ...others]) ctx.host.stderr(formatProblem(d));
  return EXIT.input;
}

/** The input options evaluate and remediate share. */
export function configureInputs(cmd: Command): Command {
  return cmd
    .requiredOption('-p, --policies <paths...>', 'definitions, initiatives (and assignments, exemptions): files, folders, globs, or - for stdin')
    .requiredOption('-s, --snapshot <paths...>', 'resources: ARM / Resource Graph JSON, NDJSON or YAML files, folders or globs')
    .option('-a, --assignments <paths...>', 'policy assignments (files, folders, globs); default: each definition assigned at the root')
    .option('-e, --exemptions <paths...>', 'policy exemptions (files, folders, globs)')
    .option('--scope <id>', 'evaluate only resources at or below this scope (management group, subscription, resource group)')
    .option('--now <iso>', 'the evaluation instant (exemption expiry, utcNow()); default: the current time')
    .option('--complete', 'the snapshot holds every resource: a related type with no resources means NonCompliant, not Unknown')
    .option('--lenient', 'an alias missing from the catalogue is read as a plain property path instead of being an error')
    .option('--stream', `read the snapshot keeping only the resource types and fields the policies read: same output, less memory (default above ${STREAM_AUTO_BYTES / 1024 / 1024} MiB of snapshot)`)
    .option('--no-stream', 'hold the whole snapshot in memory, whatever its size');
}

export const EVALUATE_COMMAND: CommandSpec = {
  name: 'evaluate',
  summary: 'evaluate policy definitions, initiatives and assignments against a resource snapshot',
  configure(cmd: Command): void {
    configureInputs(cmd)
      .addOption(new Option('-f, --format <name>', 'output format').choices(REPORTERS.map((r) => r.name)).default('table'))
      .option('-o, --output <file>', 'write the report to this file (only when the run succeeds) instead of stdout')
      .addOption(new Option('--fail-on <when>', 'exit 1 on: noncompliant (also evaluation errors), error (evaluation errors only), never').choices([...FAIL_ON]).default('noncompliant'))
      .option('--bounded', 'large estates in bounded memory: two streamed passes, records written as they are evaluated (--format ndjson; held resources first, then file order), the summary last')
      .option('--workers <n>', 'with --bounded: worker threads, one shard of subscriptions each (default 1: the least memory; with 2 or more cores, more workers finish sooner, each holding its own heap)')
      .addHelpText('after', `\nFormats:\n${REPORTERS.map((r) => `  ${r.name.padEnd(9)} ${r.doc}`).join('\n')}\n${EXAMPLES}`);
  },
  run: (ctx, options) => runEvaluate(ctx, options),
};
