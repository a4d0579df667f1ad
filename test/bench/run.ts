// npm run bench: the scan path at scale. Generated estates of ≈10k, 100k and 1M resources (cached under .bench-cache/),
// each measured in a fresh child process per mode (so peak RSS is per size and mode):
//   stream-1   evaluateStream on one thread: load (stream + project) and evaluate timed apart, then planRemediation
//   bounded    evaluateBounded (two passes, records not held; the resources of the default plan's first 500 per task) + planRemediation
//   bounded-N  the same on worker threads (one shard of subscriptions each, both passes; load and evaluate overlap)
//   stream-N   evaluateStream on worker threads (one shard of subscriptions each; load and evaluate overlap)
//   memory     loadSnapshot + evaluate (the in-memory path), not run at 1M (it holds every resource whole)
//   scan, scan-N   the main job: the command `dine scan <file> --bounded --format ndjson -o <file> --out <dir>` in the
//              child (every machine's line written, the remediation plan and its files), on one thread or on workers
//   cli-bounded, cli-bounded-N   the command `dine evaluate --bounded --format ndjson -o <file>` in the child, on one
//              thread or on worker threads (records written as NDJSON; not in the default modes: pass --modes)
//   ndjson     reference: readline + JSON.parse per line, one core
//   hand       reference: a hand-written function computing Healthy / Unhealthy / Not applicable from parsed objects
//   rule       like for like: the compiled 501541f7 on every machine of the same parsed resources (index + evaluation)
// The policies: the dine-vulnerability-assessment initiative with the pack's definitions, assigned at the root.
//   node dist/test/bench/run.js [--sizes 10k,100k,1m] [--repeat N] [--modes stream-1,stream-N,memory,cli-bounded]
// Figures are printed; nothing is asserted (speed is measured here, never in tests).
import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { compilePolicy, evaluate, evaluateResource, loadSnapshot, planRemediation, RelatedIndex, REMEDIATION_DEFAULTS, toResourceView, type ResourceView } from '../../engine/index.js';
import { asReport, closeWorkers, evaluateBounded, evaluateStream, planEvaluation, streamSnapshot } from '../../engine/scale/index.js';
import { REPO_ROOT } from '../support/paths.js';
import { main } from '../../engine/cli/main.js';
import { nodeHost, type Host } from '../../engine/cli/host.js';
import { cachedEstate } from './estate-cache.js';

const NOW = '2026-01-01T00:00:00Z';
/** Machines per size: the generator writes ≈ 2.04 resources per machine (machines + assessments + containers). */
const SIZES: Record<string, number> = { '10k': 4900, '100k': 49000, '1m': 490000 };

interface Measure {
  mode: string;
  resources?: number;
  records?: number;
  load?: number;
  evaluate?: number;
  plan?: number;
  total: number;
  rss: number;
  note?: string;
}

function policies() {
  const read = (f: string) => JSON.parse(readFileSync(join(REPO_ROOT, f), 'utf8'));
  return {
    definitions: fg.sync('policies/{builtin,dine}/*.json', { cwd: REPO_ROOT }).sort().map(read),
    setDefinitions: [read('policies/initiatives/dine-vulnerability-assessment.json')],
  };
}

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (ms: number) => ms / 1000;

// ── child: one measurement ────────────────────────────────────────────────────────────────

async function child(mode: string, file: string): Promise<Measure> {
  const t0 = performance.now();
  if (mode === 'ndjson') {
    let n = 0;
    const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of rl) if (line !== '') (JSON.parse(line) as object) && n++;
    return { mode, resources: n, total: seconds(performance.now() - t0), rss: rssMb() };
  }
  if (mode === 'hand') return handWritten(file);
  if (mode === 'rule') return compiledRule(file);
  const input = { ...policies(), now: NOW };
  if (mode === 'stream-1') {
    const plan = planEvaluation(input, NOW);
    const streamed = await streamSnapshot([file], { plan });
    const t1 = performance.now();
    const report = evaluate({ ...input, snapshot: streamed.snapshot });
    const t2 = performance.now();
    const remediation = planRemediation(report);
    const t3 = performance.now();
    const m: Measure = { mode, resources: streamed.counts.read, records: report.results.length, load: seconds(t1 - t0), evaluate: seconds(t2 - t1), plan: seconds(t3 - t2), total: seconds(t3 - t0), rss: rssMb() };
    m.note = `${remediation.deployments.length} deployments`;
    return m;
  }
  if (mode === 'bounded') {
    // Two passes, records not held (engine/scale/pipeline.ts): load = reading and parsing, evaluate = rule evaluation
    // and roll-ups, as the pipeline times them; the remediation plan from the records it keeps.
    let records = 0;
    const result = await evaluateBounded({ ...input, inputs: [file], onRecord: () => records++, keepRemediable: { resourceCount: REMEDIATION_DEFAULTS.resourceCount } });
    const t1 = performance.now();
    const remediation = planRemediation(asReport(result), { estate: result.estate });
    const t2 = performance.now();
    const evaluateS = seconds(result.timings.evaluateMs);
    return {
      mode,
      resources: result.counts.read,
      records,
      load: seconds(t1 - t0) - evaluateS,
      evaluate: evaluateS,
      plan: seconds(t2 - t1),
      total: seconds(t2 - t0),
      rss: rssMb(),
      note: `${remediation.deployments.length} deployments; ${result.counts.deferred.toLocaleString('en-US')} resources deferred to the second pass${result.fallback ? `; ${result.fallback}` : ''}`,
    };
  }
  if (mode === 'bounded-N') {
    // evaluateBounded on worker threads (one shard of subscriptions each); no onRecord, so that records stay in the
    // workers (each would be copied to this thread); eval = the shards' evaluation time summed, load overlaps it.
    const result = await evaluateBounded({ ...input, inputs: [file], workers: Math.max(2, Math.min(availableParallelism(), 8)), keepRemediable: { resourceCount: REMEDIATION_DEFAULTS.resourceCount } });
    const t1 = performance.now();
    const remediation = planRemediation(asReport(result), { estate: result.estate });
    const t2 = performance.now();
    await closeWorkers();
    return {
      mode,
      resources: result.counts.read,
      records: result.counts.records,
      evaluate: seconds(result.timings.evaluateMs),
      plan: seconds(t2 - t1),
      total: seconds(t2 - t0),
      rss: rssMb(),
      note: `${remediation.deployments.length} deployments; ${Math.max(2, Math.min(availableParallelism(), 8))} workers (evaluation time summed over them)`,
    };
  }
  if (mode === 'stream-N') {
    const report = await evaluateStream({ ...input, inputs: [file], workers: Math.max(2, Math.min(availableParallelism(), 8)) });
    const t1 = performance.now();
    await closeWorkers();
    return { mode, records: report.results.length, total: seconds(t1 - t0), rss: rssMb(), note: 'no plan: workers return records only' };
  }
  if (mode === 'cli-bounded' || mode === 'cli-bounded-N') {
    // The command a user runs: dine evaluate --bounded --format ndjson (records written to a file as they are
    // evaluated), on one thread or on worker threads; the whole command timed, the file's size noted, then removed.
    const out = join(tmpdir(), `dine-bench-${process.pid}.ndjson`);
    const workers = mode === 'cli-bounded-N' ? Math.max(2, Math.min(availableParallelism(), 8)) : 1;
    const args = ['evaluate', '-p', ...['policies/builtin', 'policies/dine', 'policies/initiatives/dine-vulnerability-assessment.json'].map((p) => join(REPO_ROOT, p))];
    args.push('-s', file, '--bounded', '-f', 'ndjson', '--now', NOW, '--fail-on', 'never', '-o', out, '--workers', String(workers));
    const quiet: Host = { ...nodeHost, stderr: () => undefined };
    const code = await main(args, quiet);
    const t1 = performance.now();
    await closeWorkers();
    const bytes = statSync(out).size;
    const records = (await countLines(out)) - 1; // the last line is the summary
    rmSync(out);
    if (code !== 0) throw new Error(`dine evaluate exited ${code}`);
    return { mode, records, total: seconds(t1 - t0), rss: rssMb(), note: `${workers} thread(s); ${(bytes / 1048576).toFixed(0)} MB of NDJSON written` };
  }
  if (mode === 'scan' || mode === 'scan-N') {
    // The main job as a user runs it on a large estate: dine scan --bounded, each machine's line written as it is
    // scanned, then the totals, scope counts and plan, and the remediation files (--out).
    const out = join(tmpdir(), `dine-bench-scan-${process.pid}.ndjson`);
    const files = join(tmpdir(), `dine-bench-scan-${process.pid}`);
    const workers = mode === 'scan-N' ? Math.max(2, Math.min(availableParallelism(), 8)) : 1;
    const args = ['scan', file, '--bounded', '-f', 'ndjson', '--now', NOW, '--fail-on', 'never', '-o', out, '--out', files, '--workers', String(workers)];
    const quiet: Host = { ...nodeHost, stderr: () => undefined };
    const code = await main(args, quiet);
    const t1 = performance.now();
    const bytes = statSync(out).size;
    const machines = (await countLines(out)) - 1; // the last line is the report without its machines
    rmSync(out);
    rmSync(files, { recursive: true, force: true });
    if (code !== 0) throw new Error(`dine scan exited ${code}`);
    return { mode, records: machines, total: seconds(t1 - t0), rss: rssMb(), note: `${machines.toLocaleString('en-US')} machines (records column); ${workers} thread(s); ${(bytes / 1048576).toFixed(0)} MB of NDJSON written` };
  }
  if (mode === 'memory') {
    const snapshot = await loadSnapshot([file]);
    const t1 = performance.now();
    const report = evaluate({ ...input, snapshot });
    const t2 = performance.now();
    planRemediation(report);
    const t3 = performance.now();
    return { mode, resources: snapshot.resources.length, records: report.results.length, load: seconds(t1 - t0), evaluate: seconds(t2 - t1), plan: seconds(t3 - t2), total: seconds(t3 - t0), rss: rssMb() };
  }
  throw new Error(`unknown mode ${mode}`);
}

/** Lines of a file (newlines counted in its bytes; the summary line of a bounded run is too long to read as one string). */
async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * The reference computation, by hand: machines (VMs and Arc machines), the ffff0522 assessment on each, and the
 * subscription's Defender for Servers pricing tier → Healthy / Unhealthy / Not applicable. Only the function is
 * timed (parsing is the ndjson reference); `evaluate` holds its seconds.
 */
async function handWritten(file: string): Promise<Measure> {
  const machines: { id: string; sub: string }[] = [];
  const assessment = new Map<string, string>();
  const standard = new Set<string>();
  let fnMs = 0;
  let batch: Record<string, unknown>[] = [];
  const ASSESSMENT = '/providers/microsoft.security/assessments/ffff0522-1e88-47fc-8382-2a80ba848f5d';
  const run = (objs: Record<string, unknown>[]) => {
    const t = performance.now();
    for (const r of objs) {
      const type = String(r['type']).toLowerCase();
      const id = String(r['id']);
      if (type === 'microsoft.compute/virtualmachines' || type === 'microsoft.hybridcompute/machines') {
        machines.push({ id: id.toLowerCase(), sub: id.split('/')[2]!.toLowerCase() });
      } else if (type === 'microsoft.security/assessments') {
        const lower = id.toLowerCase();
        if (lower.endsWith(ASSESSMENT)) {
          const status = (r['properties'] as { status?: { code?: string } } | undefined)?.status?.code ?? 'Unknown';
          assessment.set(lower.slice(0, lower.length - ASSESSMENT.length), status);
        }
      } else if (type === 'microsoft.security/pricings' && String(r['name']) === 'VirtualMachines') {
        if ((r['properties'] as { pricingTier?: string } | undefined)?.pricingTier === 'Standard') standard.add(id.split('/')[2]!.toLowerCase());
      }
    }
    fnMs += performance.now() - t;
  };
  const t0 = performance.now();
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === '') continue;
    batch.push(JSON.parse(line) as Record<string, unknown>);
    if (batch.length === 10000) {
      run(batch);
      batch = [];
    }
  }
  run(batch);
  const t = performance.now();
  const counts = { Healthy: 0, Unhealthy: 0, NotApplicable: 0 };
  for (const m of machines) {
    const s = !standard.has(m.sub) ? 'NotApplicable' : assessment.get(m.id) ?? 'Unhealthy';
    if (s === 'Healthy' || s === 'Unhealthy' || s === 'NotApplicable') counts[s]++;
    else counts.Unhealthy++;
  }
  fnMs += performance.now() - t;
  return { mode: 'hand', resources: machines.length, evaluate: seconds(fnMs), total: seconds(performance.now() - t0), rss: rssMb(), note: JSON.stringify(counts) };
}

/**
 * Like for like with the hand-written function: dine's compiled 501541f7 (the assessment's status on every machine:
 * what the hand function reads for each machine, pricing aside) over the same parsed resources. Parsing and making the
 * views are not timed (the hand function is given parsed objects); the related index and the evaluations are.
 */
async function compiledRule(file: string): Promise<Measure> {
  const t0 = performance.now();
  const read = (f: string) => JSON.parse(readFileSync(join(REPO_ROOT, f), 'utf8'));
  const policy = compilePolicy(read('policies/builtin/501541f7-f7e7-4cd6-868c-4190fdad3ac9.json'));
  const keep = new Set(['microsoft.compute/virtualmachines', 'microsoft.hybridcompute/machines', 'microsoft.security/assessments']);
  const machines: ResourceView[] = [];
  const related: ResourceView[] = [];
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === '') continue;
    const raw = JSON.parse(line) as Record<string, unknown>;
    if (!keep.has(String(raw['type']).toLowerCase())) continue;
    const view = toResourceView(raw);
    if ('code' in view) continue;
    (view.typeLower === 'microsoft.security/assessments' ? related : machines).push(view);
  }
  const t = performance.now();
  const index = new RelatedIndex(related);
  const counts: Record<string, number> = {};
  for (const m of machines) {
    const state = evaluateResource(policy, m, { related: index }).complianceState;
    counts[state] = (counts[state] ?? 0) + 1;
  }
  const ms = performance.now() - t;
  return { mode: 'rule', resources: machines.length, evaluate: seconds(ms), total: seconds(performance.now() - t0), rss: rssMb(), note: `501541f7 on every machine: ${JSON.stringify(counts)}` };
}

// ── parent: sizes × modes, each in a fresh process ───────────────────────────────────────

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function measure(mode: string, file: string, repeat: number): Measure {
  const runs: Measure[] = [];
  for (let i = 0; i < repeat; i++) {
    const r = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) return { mode, total: NaN, rss: NaN, note: `failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}` };
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure);
  }
  // The run with the median total; its parts and RSS are reported.
  const mid = median(runs.map((m) => m.total));
  return runs.find((m) => m.total === mid)!;
}

function cell(v: number | undefined, digits = 2): string {
  return v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits);
}

async function parent(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (opt('--sizes') ?? '10k,100k,1m').toLowerCase().split(',');
  const repeat = Number(opt('--repeat') ?? 1);
  const modes = (opt('--modes') ?? 'scan,scan-N,bounded,bounded-N,stream-1,stream-N,memory').split(',');
  console.log(`dine bench: node ${process.version}, ${availableParallelism()} cores, repeat ${repeat} (median)`);
  console.log('policies: dine-vulnerability-assessment initiative + pack definitions, assigned at the root\n');
  const header = ['size', 'mode', 'resources', 'records', 'load s', 'eval s', 'plan s', 'total s', 'res/s', 'peak RSS', '÷ parse', 'eval ÷ hand'];
  const widths = [6, 13, 10, 10, 7, 7, 7, 8, 10, 9, 8, 11];
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' '));
  line(header);
  const verdicts: string[] = [];
  for (const size of sizes) {
    const machines = SIZES[size] ?? Number(size);
    const { file, bytes } = await cachedEstate(machines);
    const parse = measure('ndjson', file, repeat);
    const hand = measure('hand', file, repeat);
    const rule = measure('rule', file, repeat);
    const resources = parse.resources ?? 0;
    const results: Measure[] = [];
    for (const mode of modes) {
      if (mode === 'memory' && resources > 500000) continue;
      results.push(measure(mode, file, repeat));
    }
    const ref = [parse, hand, rule];
    for (const m of [...results, ...ref]) {
      const evalRatio = m.evaluate !== undefined && hand.evaluate !== undefined && m.mode !== 'hand' ? hand.evaluate / m.evaluate : undefined;
      line([
        size,
        m.mode,
        (m.resources ?? resources).toLocaleString('en-US'),
        m.records?.toLocaleString('en-US') ?? '—',
        cell(m.load),
        cell(m.evaluate),
        cell(m.plan),
        cell(m.total),
        Number.isFinite(m.total) ? Math.round(resources / m.total).toLocaleString('en-US') : '—',
        `${m.rss} MB`,
        m.mode === 'ndjson' ? '1.00' : cell(m.total / parse.total),
        evalRatio === undefined ? '—' : cell(evalRatio),
      ]);
      if (m.note !== undefined && m.mode !== 'ndjson') console.log(`${''.padEnd(16)}${m.mode}: ${m.note}`);
    }
    console.log(`${''.padEnd(16)}(${(bytes / 1048576).toFixed(0)} MB NDJSON, ${machines.toLocaleString('en-US')} machines)`);
    const s1 = results.find((m) => m.mode === 'stream-1');
    const sN = results.find((m) => m.mode === 'stream-N');
    const sB = results.find((m) => m.mode === 'bounded');
    const bN = results.find((m) => m.mode === 'bounded-N');
    const scan = results.find((m) => m.mode === 'scan');
    const scanN = results.find((m) => m.mode === 'scan-N');
    if (size === '1m') {
      const met = (ok: boolean) => (ok ? 'MET' : 'NOT met');
      for (const m of [scan, sB, s1]) {
        if (m === undefined) continue;
        verdicts.push(`1M end to end (${m.mode}, load+evaluate+plan${m === scan ? '+output' : ''}) ${cell(m.total)} s = ${cell(m.total / parse.total)} × parse: target ≤ 1.5 × ${met(m.total <= 1.5 * parse.total)}`);
      }
      for (const m of [scanN, bN, sN]) {
        if (m !== undefined) verdicts.push(`1M on worker threads (${m.mode}) ${cell(m.total)} s = ${cell(m.total / parse.total)} × parse: target < 1 × ${met(m.total < parse.total)}`);
      }
      for (const m of [sB, s1]) {
        if (m?.evaluate === undefined) continue;
        verdicts.push(`rule evaluation (${m.mode}: the initiative's 5 members, records, roll-ups) ${cell(hand.evaluate! / m.evaluate)} × the hand-written function's throughput: target ≥ 0.5 ${met(hand.evaluate! / m.evaluate >= 0.5)}`);
      }
      if (rule.evaluate !== undefined) {
        verdicts.push(`rule evaluation (rule: compiled 501541f7 alone, like for like) ${cell(hand.evaluate! / rule.evaluate)} × the hand-written function's throughput: target ≥ 0.5 ${met(hand.evaluate! / rule.evaluate >= 0.5)}`);
      }
      const cli = results.filter((m) => m.mode.startsWith('cli-'));
      for (const m of [scan, scanN, sB, bN, s1, sN, ...cli]) {
        if (m === undefined) continue;
        verdicts.push(`peak RSS 1M (${m.mode}${m.mode.endsWith('-N') ? ', the whole process' : ''}): ${m.rss} MB: target < 1024 MB ${met(m.rss < 1024)}`);
      }
    }
  }
  if (verdicts.length > 0) console.log('\n' + verdicts.join('\n'));
}

if (process.argv[2] === '--child') {
  const m = await child(process.argv[3]!, process.argv[4]!);
  console.log(JSON.stringify(m));
  process.exit(0);
} else {
  await parent();
}
