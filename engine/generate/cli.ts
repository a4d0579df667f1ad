// Command line for the estate generator:
//   node dist/engine/generate/cli.js --machines N --out file [--seed S] [--format ndjson|json]
//     [--machines-per-subscription N] [--machines-per-resource-group N] [--arc-share X] [--free-share X] [--europe-share X]
// Writes the file in chunks with back-pressure; prints the counts as JSON on stderr. Exit 2 on bad usage.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyCounts, generateEstate, type GenerateEstateOptions } from './estate.js';
import { serializeEstate, type EstateFormat } from './serialize.js';

const USAGE = 'usage: generate --machines N --out file [--seed S] [--format ndjson|json] [--machines-per-subscription N] [--machines-per-resource-group N] [--arc-share X] [--free-share X] [--europe-share X]';

interface Parsed {
  options: GenerateEstateOptions;
  out: string;
  format: EstateFormat;
}

export function parseGenerateArgs(argv: readonly string[]): Parsed | string {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) return `unexpected argument "${a}"`;
    const eq = a.indexOf('=');
    if (eq > 0) values.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const v = argv[i + 1];
      if (v === undefined) return `missing value for ${a}`;
      values.set(a.slice(2), v);
      i++;
    }
  }
  const known = new Set(['machines', 'out', 'seed', 'format', 'machines-per-subscription', 'machines-per-resource-group', 'arc-share', 'free-share', 'europe-share']);
  for (const k of values.keys()) if (!known.has(k)) return `unknown option --${k}`;
  const int = (k: string): number | undefined | string => {
    const v = values.get(k);
    if (v === undefined) return undefined;
    return /^\d+$/.test(v) ? Number(v) : `--${k} must be a whole number, got "${v}"`;
  };
  const share = (k: string): number | undefined | string => {
    const v = values.get(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    return v.trim() !== '' && n >= 0 && n <= 1 ? n : `--${k} must be a number from 0 to 1, got "${v}"`;
  };
  const machines = int('machines');
  if (machines === undefined) return '--machines is required';
  const out = values.get('out');
  if (out === undefined) return '--out is required';
  const format = values.get('format') ?? 'ndjson';
  if (format !== 'ndjson' && format !== 'json') return `--format must be ndjson or json, got "${format}"`;
  const perSub = int('machines-per-subscription');
  const perRg = int('machines-per-resource-group');
  const arc = share('arc-share');
  const free = share('free-share');
  const europe = share('europe-share');
  for (const v of [machines, perSub, perRg, arc, free, europe]) if (typeof v === 'string') return v;
  const options: GenerateEstateOptions = {
    machines: machines as number,
    ...(values.has('seed') ? { seed: values.get('seed')! } : {}),
    ...(perSub !== undefined ? { machinesPerSubscription: perSub as number } : {}),
    ...(perRg !== undefined ? { machinesPerResourceGroup: perRg as number } : {}),
    ...(arc !== undefined ? { arcShare: arc as number } : {}),
    ...(free !== undefined ? { freeShare: free as number } : {}),
    ...(europe !== undefined ? { europeShare: europe as number } : {}),
  };
  if ((options.machinesPerSubscription ?? 1) < 1 || (options.machinesPerResourceGroup ?? 1) < 1) return 'per-subscription and per-resource-group sizes must be at least 1';
  return { options, out, format };
}

export async function runGenerate(argv: readonly string[]): Promise<number> {
  const parsed = parseGenerateArgs(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`generate: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const counts = emptyCounts();
  const stream = createWriteStream(resolve(parsed.out), { encoding: 'utf8' });
  const failed = once(stream, 'error').then(([e]) => e as Error);
  try {
    for await (const chunk of serializeEstate(generateEstate(parsed.options, counts), parsed.format)) {
      if (!stream.write(chunk)) {
        const r = await Promise.race([once(stream, 'drain').then(() => undefined), failed]);
        if (r instanceof Error) throw r;
      }
    }
    stream.end();
    const r = await Promise.race([once(stream, 'finish').then(() => undefined), failed]);
    if (r instanceof Error) throw r;
  } catch (e) {
    stream.destroy();
    process.stderr.write(`generate: cannot write ${parsed.out}: ${(e as Error).message}\n`);
    return 3;
  }
  process.stderr.write(JSON.stringify({ out: parsed.out, format: parsed.format, ...counts }) + '\n');
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runGenerate(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
