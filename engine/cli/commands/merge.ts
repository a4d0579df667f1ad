// `dine merge`: compliance reports of shards (JSON reports of `dine evaluate --format json`, one per subscription or
// management group, run as separate pipeline jobs) → the report of a single run over their union (mergeReports).
import type { Command } from 'commander';
import { diagnostic, mergeReports, type ComplianceReport, type Diagnostic } from '../../index.js';
import { EXIT, formatProblem } from '../problems.js';
import type { CommandContext, CommandSpec } from './types.js';

function isReport(v: unknown): v is ComplianceReport {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o['evaluatedAt'] === 'string' && Array.isArray(o['results']) && Array.isArray(o['diagnostics']) && (o['scopes'] === undefined || Array.isArray(o['scopes']));
}

async function runMerge(ctx: CommandContext, raw: Record<string, unknown>, files: string[]): Promise<number> {
  const { host } = ctx;
  const problems: Diagnostic[] = [];
  if (files.length === 0) problems.push(diagnostic('cli.usage', { reason: 'give at least one report (dine merge <report.json…>)' }));
  const reports: ComplianceReport[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await host.readFile(file);
    } catch (e) {
      problems.push((e as NodeJS.ErrnoException).code === 'ENOENT' ? diagnostic('load.file-not-found', { file }) : diagnostic('load.read-failed', { file, reason: (e as Error).message }));
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      problems.push(diagnostic('load.invalid-json', { reason: `${(e as Error).message} (${file})` }));
      continue;
    }
    if (!isReport(doc)) {
      problems.push(diagnostic('load.unknown-document', { reason: `${file} is not a dine compliance report (dine evaluate --format json): it needs evaluatedAt, results and diagnostics` }));
      continue;
    }
    reports.push(doc);
  }
  let merged: ComplianceReport | undefined;
  if (problems.length === 0) {
    try {
      merged = mergeReports(reports);
    } catch (e) {
      problems.push(diagnostic('cli.usage', { reason: (e as Error).message.replace(/^mergeReports: /, '') }));
    }
  }
  if (problems.length > 0 || merged === undefined) {
    for (const d of problems) host.stderr(formatProblem(d));
    return EXIT.input;
  }
  const text = `${JSON.stringify(merged, null, 2)}\n`;
  const output = raw['output'] as string | undefined;
  if (output !== undefined) {
    try {
      await host.writeFile(output, text);
    } catch (e) {
      host.stderr(formatProblem(diagnostic('cli.write-failed', { file: output, reason: (e as Error).message })));
      return EXIT.input;
    }
  } else host.stdout(text);
  return EXIT.ok;
}

export const MERGE_COMMAND: CommandSpec = {
  name: 'merge',
  summary: 'merge the JSON reports of shards (subscriptions, management groups) into the report of one run',
  configure(cmd: Command): void {
    cmd
      .argument('<reports...>', 'JSON reports written by dine evaluate --format json (each run with the same --now)')
      .option('-o, --output <file>', 'write the merged report to this file instead of stdout')
      .addHelpText(
        'after',
        `\nExamples:\n  # one job per subscription, then one merge job\n  dine evaluate -p policies -s export/sub-a -f json --now 2026-01-01T00:00:00Z -o a.json\n  dine evaluate -p policies -s export/sub-b -f json --now 2026-01-01T00:00:00Z -o b.json\n  dine merge a.json b.json -o estate.json\n\nRecords are deduplicated by (assignment, reference, resource); the summary is recomputed over the united hierarchy (report.scopes). See docs/scale.md.`,
      );
  },
  run: (ctx, options, args) => runMerge(ctx, options, args),
};
