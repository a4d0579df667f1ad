// `dine scan`: which machines lack a vulnerability assessment solution, grouped as Defender for Cloud does (Healthy /
// Unhealthy / Not applicable), with the Qualys data centre, the on-demand scan command and the deployment for each
// Unhealthy one. With no snapshot it scans the bundled Contoso demo estate with the bundled pack. Nothing is written
// until everything has loaded and been scanned; input problems are one stderr line each (exit 2).
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import {
  diagnostic, getScanPlan, loadPolicyDocuments, loadSnapshot, PolicyError, scanEstate, scanRemediationFiles, SCAN_FORMATS, VA_TYPES,
  type Diagnostic, type PolicyDocumentEntry, type ScanInput, type ScanReport, type VaType,
} from '../../index.js';
import { wantsColour } from '../host.js';
import { EXIT, formatProblem, isInputError } from '../problems.js';
import { boundedRunFailed, canonicalInstant, fail, STREAM_AUTO_BYTES, streams, usage } from './evaluate.js';
import { closeWorkers, planEvaluation, scanBounded, streamSnapshot, unitePlans, type BoundedScan } from '../../scale/index.js';
import { scanTrailerLine } from '../../report/scan/index.js';
import type { Snapshot } from '../../load/snapshot.js';
import { scanEvaluations, SCANNER_READS } from '../../scanner/index.js';
import type { CommandContext, CommandSpec } from './types.js';
import { packageRoot } from '../../load/package-root.js';
import { openOutput, renderReport, writeFilesUnder, writeReport } from '../output.js';

/** The demo estate and the pack, relative to the package root. */
export const DEMO_ESTATE = 'fixtures/estates/contoso';
const DEMO_SNAPSHOT = [`${DEMO_ESTATE}/management-groups.json`, `${DEMO_ESTATE}/subscriptions.json`, `${DEMO_ESTATE}/resources`];
const DEMO_ASSIGNMENTS = `${DEMO_ESTATE}/assignments`;
const DEMO_EXEMPTIONS = `${DEMO_ESTATE}/exemptions`;
/** The pack's definitions and initiatives (the folders also hold policy tests, *.test.yaml). */
const PACK = ['policies/builtin/*.json', 'policies/dine/*.json', 'policies/initiatives/*.json'];


const EXAMPLES = `
Examples:
  # the bundled Contoso demo estate (what "npm start" runs)
  dine scan

  # your own export (Resource Graph or ARM JSON), with the bundled pack, as a self-contained HTML page
  dine scan export.json --format html --output va-report.html

  # one management group, deploying Defender Vulnerability Management instead, with the remediation files
  dine scan snapshot/ --scope /providers/Microsoft.Management/managementGroups/corp --va-type mdeTvm --out remediation/

  # a million machines in bounded memory: one line per machine as it is scanned, the totals and plan last
  dine scan export.ndjson --bounded --format ndjson --output machines.ndjson --out remediation/ [--workers 4]

Groups: Healthy (a vulnerability assessment solution is running), Unhealthy (the scanner can be deployed),
Not applicable (not offered: no Defender for Servers, unsupported OS, multicloud connector machine).
Decided by Defender's assessment ffff0522 when the snapshot holds Defender assessments, else by dine's own policies.
Exit codes: 0 no machine Unhealthy, 1 some Unhealthy (unless --fail-on never), 2 bad input or usage, 3 internal error.`;

interface ScanOptions {
  policies?: string[];
  assignments?: string[];
  exemptions?: string[];
  vaType: string;
  scope?: string;
  now?: string;
  format: string;
  output?: string;
  out?: string;
  failOn: 'unhealthy' | 'never';
  stream?: boolean;
  bounded?: boolean;
  workers?: string;
}

/**
 * The snapshot, whole or streamed (--stream, or by default above STREAM_AUTO_BYTES): streamed, it keeps what every
 * evaluation the scan may run reads, and what the scan reads itself (SCANNER_READS) — the same report.
 */
async function readScanSnapshot(cwd: string, inputs: string[], stream: boolean | undefined, scanning: Omit<ScanInput, 'snapshot'>, diagnostics: readonly Diagnostic[]): Promise<Snapshot> {
  if (!(await streams(cwd, inputs, stream, diagnostics))) return loadSnapshot(inputs, { cwd });
  const plan = unitePlans(
    scanEvaluations(scanning).map((e) => planEvaluation(e, scanning.now)),
    { types: [...SCANNER_READS.keys()], paths: SCANNER_READS },
  );
  return (await streamSnapshot(inputs, { plan, load: { cwd } })).snapshot;
}

async function runScan(ctx: CommandContext, raw: Record<string, unknown>, snapshotArgs: string[]): Promise<number> {
  const { host } = ctx;
  const o = raw as unknown as ScanOptions;
  const problems: Diagnostic[] = [];

  // ── options ─────────────────────────────────────────────────────────────────────────
  const format = SCAN_FORMATS.find((f) => f.name === o.format.toLowerCase());
  if (format === undefined) problems.push(usage(`unknown --format "${o.format}" (one of ${SCAN_FORMATS.map((f) => f.name).join(', ')})`));
  if (!(VA_TYPES as readonly string[]).includes(o.vaType)) problems.push(usage(`unknown --va-type "${o.vaType}" (one of ${VA_TYPES.join(', ')})`));
  let now: string | undefined;
  if (o.now !== undefined) {
    now = canonicalInstant(o.now);
    if (now === undefined) problems.push(usage(`--now "${o.now}" is not an ISO-8601 date or date-time (e.g. 2025-01-01T00:00:00Z)`));
  }
  if (o.scope !== undefined && !o.scope.startsWith('/')) problems.push(usage(`--scope "${o.scope}" is not a resource id (it starts with "/": /subscriptions/<id>, /providers/Microsoft.Management/managementGroups/<name>)`));
  if (snapshotArgs.includes('-')) problems.push(usage('scan does not read the snapshot from standard input; give files, folders or globs'));
  if (o.bounded === true && format !== undefined && format.name !== 'ndjson') problems.push(usage(`--bounded writes machines as they are scanned: --format ndjson (not ${format.name})`));
  if (o.bounded === true && o.stream === false) problems.push(usage('--bounded reads the snapshot in two streamed passes: --no-stream does not go with it'));
  const workers = o.workers === undefined ? 1 : Number(o.workers);
  if (o.workers !== undefined && o.bounded !== true) problems.push(usage('--workers goes with --bounded'));
  else if (!Number.isInteger(workers) || workers < 1 || workers > 64) problems.push(usage(`--workers "${o.workers}" is not a number of threads (1–64)`));
  if (problems.length > 0) return fail(ctx, problems);

  // ── inputs: the demo estate and the bundled pack unless told otherwise ─────────────
  const demo = snapshotArgs.length === 0;
  let root: string | undefined;
  const bundled = (): string => (root ??= packageRoot());
  const policyCwd = o.policies === undefined ? bundled() : host.cwd;
  const policyInputs = o.policies ?? PACK;
  // Bundled files are read from the package root; the user's through the host, relative to the working directory.
  const optionsFor = (cwd: string) => ({ cwd, readFile: (f: string) => (cwd === host.cwd ? host.readFile(f) : readFile(path.resolve(cwd, f), 'utf8')) });
  const docs = await loadPolicyDocuments(policyInputs, optionsFor(policyCwd));
  const definitions: PolicyDocumentEntry[] = [...docs.definitions];
  const setDefinitions: PolicyDocumentEntry[] = [...docs.setDefinitions];
  const assignments: PolicyDocumentEntry[] = [...docs.assignments];
  const exemptions: PolicyDocumentEntry[] = [...docs.exemptions];
  const diagnostics: Diagnostic[] = [...docs.diagnostics];
  const extras: [string[] | undefined, string][] = [
    [o.assignments ?? (demo ? [DEMO_ASSIGNMENTS] : undefined), o.assignments === undefined ? 'bundled' : 'cwd'],
    [o.exemptions ?? (demo ? [DEMO_EXEMPTIONS] : undefined), o.exemptions === undefined ? 'bundled' : 'cwd'],
  ];
  for (const [inputs, where] of extras) {
    if (inputs === undefined || inputs.length === 0) continue;
    const more = await loadPolicyDocuments(inputs, optionsFor(where === 'bundled' ? bundled() : host.cwd));
    definitions.push(...more.definitions);
    setDefinitions.push(...more.setDefinitions);
    assignments.push(...more.assignments);
    exemptions.push(...more.exemptions);
    diagnostics.push(...more.diagnostics);
  }
  const scanning: Omit<ScanInput, 'snapshot'> = { definitions, setDefinitions, assignments, exemptions, vaType: o.vaType as VaType, now: now ?? host.now?.() ?? new Date().toISOString() };
  if (o.scope !== undefined) scanning.scope = o.scope;
  const snapshotInputs = demo ? DEMO_SNAPSHOT : snapshotArgs;
  const snapshotCwd = demo ? bundled() : host.cwd;
  if (o.bounded === true && !diagnostics.some((d) => d.severity === 'error')) return runScanBounded(ctx, o, scanning, { inputs: snapshotInputs, cwd: snapshotCwd, workers }, diagnostics);
  let snapshot: Snapshot;
  try {
    snapshot = demo ? await loadSnapshot(DEMO_SNAPSHOT, { cwd: bundled() }) : await readScanSnapshot(host.cwd, snapshotArgs, o.stream, scanning, diagnostics);
  } catch (e) {
    if (e instanceof PolicyError) return fail(ctx, [...diagnostics, ...e.diagnostics]);
    throw e;
  }
  diagnostics.push(...snapshot.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return fail(ctx, diagnostics);

  // ── scan ────────────────────────────────────────────────────────────────────────────
  const input: ScanInput = { ...scanning, snapshot };
  let report: ScanReport;
  try {
    report = scanEstate(input);
  } catch (e) {
    if (e instanceof PolicyError) return fail(ctx, [...diagnostics, ...e.diagnostics]);
    throw e;
  }
  const all = [...diagnostics, ...report.diagnostics];
  if (all.some((d) => isInputError(d) || (d.severity === 'error' && d.code.startsWith('scan.')))) {
    return fail(ctx, all.filter((d) => isInputError(d) || d.code.startsWith('scan.') || d.severity === 'warning'));
  }

  // ── output: everything is rendered before anything is written (json is made in pieces as it is written) ──────
  const rendered = renderReport(host, format!, report, { color: o.output === undefined && format!.name === 'text' && wantsColour(host) });
  const files = o.out === undefined ? [] : scanRemediationFiles(getScanPlan(report) ?? { tasks: [], deployments: [], errors: [] });
  for (const d of all) if (d.severity === 'warning') host.stderr(formatProblem(d));
  try {
    if (o.out !== undefined) await writeFilesUnder(host, o.out, files);
    if (o.output !== undefined) {
      await mkdir(path.dirname(path.resolve(host.cwd, o.output)), { recursive: true });
      await writeReport(host, o.output, rendered);
    }
  } catch (e) {
    return fail(ctx, [diagnostic('cli.write-failed', { file: o.output ?? o.out ?? '', reason: (e as Error).message })]);
  }
  if (o.output === undefined) await writeReport(host, undefined, rendered);
  if (host.stderrIsTTY ?? host.isTTY) {
    if (o.output !== undefined) host.stderr(`dine: wrote ${o.output}\n`);
    if (o.out !== undefined) host.stderr(`dine: wrote ${files.length} remediation files to ${o.out}\n`);
  }
  return report.totals.Unhealthy > 0 && o.failOn !== 'never' ? EXIT.findings : EXIT.ok;
}

/**
 * --bounded: scanBounded (docs/scale.md §5): each machine's line is written as it is scanned, not held — file order —
 * and the last line carries the totals, scope counts and remediation. A file given with --output is put in place only
 * when the run succeeds.
 */
async function runScanBounded(ctx: CommandContext, o: ScanOptions, scanning: Omit<ScanInput, 'snapshot'>, read: { inputs: string[]; cwd: string; workers: number }, diagnostics: readonly Diagnostic[]): Promise<number> {
  const { host } = ctx;
  try {
    if (o.output !== undefined) await mkdir(path.dirname(path.resolve(host.cwd, o.output)), { recursive: true });
  } catch (e) {
    return fail(ctx, [diagnostic('cli.write-failed', { file: o.output!, reason: (e as Error).message })]);
  }
  const out = openOutput(host, o.output);
  let result: BoundedScan;
  try {
    result = await scanBounded({
      ...scanning,
      inputs: read.inputs,
      load: { cwd: read.cwd },
      workers: read.workers,
      // The machines' NDJSON lines, made where they are scanned: with --workers, on the workers.
      onMachineLines: (lines) => out.write(lines),
      ...(out.behind !== undefined ? { backpressure: () => out.behind!() } : {}),
    });
  } catch (e) {
    return await boundedRunFailed(ctx, out, e, diagnostics, o.output);
  } finally {
    await closeWorkers();
  }
  const all = [...diagnostics, ...result.loadDiagnostics, ...result.report.diagnostics];
  if (all.some((d) => isInputError(d) || (d.severity === 'error' && d.code.startsWith('scan.')))) {
    await out.abandon();
    return fail(ctx, all.filter((d) => isInputError(d) || d.code.startsWith('scan.') || d.severity === 'warning'));
  }
  out.write(scanTrailerLine(result.report));
  const files = o.out === undefined ? [] : scanRemediationFiles(result.plan);
  for (const d of all) if (d.severity === 'warning') host.stderr(formatProblem(d));
  try {
    if (o.out !== undefined) await writeFilesUnder(host, o.out, files);
    await out.end();
  } catch (e) {
    await out.abandon();
    return fail(ctx, [diagnostic('cli.write-failed', { file: o.output ?? o.out ?? 'stdout', reason: (e as Error).message })]);
  }
  if (host.stderrIsTTY ?? host.isTTY) {
    if (o.output !== undefined) host.stderr(`dine: wrote ${o.output} (${result.report.totals.total} machines)\n`);
    if (o.out !== undefined) host.stderr(`dine: wrote ${files.length} remediation files to ${o.out}\n`);
  }
  return result.report.totals.Unhealthy > 0 && o.failOn !== 'never' ? EXIT.findings : EXIT.ok;
}

export const SCAN_COMMAND: CommandSpec = {
  name: 'scan',
  summary: 'group machines as Defender for Cloud\'s "Machines should have a vulnerability assessment solution" does, and plan the scanner',
  configure(cmd: Command): void {
    cmd
      .argument('[snapshot...]', 'resources: ARM / Resource Graph JSON, NDJSON or YAML files, folders or globs (default: the bundled Contoso demo estate)')
      .option('-p, --policies <paths...>', 'definitions and initiatives (default: the bundled pack, policies/)')
      .option('-a, --assignments <paths...>', 'the estate\'s policy assignments: the remediation plan is theirs (default: 13ce0167 at the root)')
      .option('-e, --exemptions <paths...>', 'policy exemptions')
      .addOption(new Option('--va-type <type>', 'the provider to deploy (13ce0167 vaType)').choices([...VA_TYPES]).default('default'))
      .option('--scope <id>', 'only machines at or below this management group, subscription or resource group')
      .option('--now <iso>', 'the evaluation instant (exemption expiry); default: the current time')
      .addOption(new Option('-f, --format <name>', 'output format').choices(SCAN_FORMATS.map((f) => f.name)).default('text'))
      .option('-o, --output <file>', 'write the report to this file (only when the run succeeds) instead of stdout')
      .option('--out <dir>', 'write the remediation outputs here: deployments, plan.json, the az script, the REST requests')
      .addOption(new Option('--fail-on <when>', 'exit 1 when some machine is Unhealthy (unhealthy), or never (the demo: npm start)').choices(['unhealthy', 'never']).default('unhealthy'))
      .option('--stream', `read the snapshot keeping only the resource types and fields the scan reads: same output, less memory (default above ${STREAM_AUTO_BYTES / 1024 / 1024} MiB of snapshot)`)
      .option('--no-stream', 'hold the whole snapshot in memory, whatever its size')
      .option('--bounded', 'large estates in bounded memory: two streamed passes, each machine written as it is scanned (--format ndjson, file order), the totals, scope counts and plan last')
      .option('--workers <n>', 'with --bounded: worker threads, one shard of subscriptions each (default 1: the least memory; with 2 or more cores, more workers finish sooner, each holding its own heap)')
      .addHelpText('after', `\nFormats:\n${SCAN_FORMATS.map((f) => `  ${f.name.padEnd(9)} ${f.doc}`).join('\n')}\n${EXAMPLES}`);
  },
  run: (ctx, options, args) => runScan(ctx, options, args),
};
