// Compiled-rule throughput and in-memory estate evaluation on one generated estate (the first bench; npm run bench runs run.ts).
//   node dist/test/bench/rules.js [--machines N]   (default 40000 machines ≈ 100k resources)
// Figures are printed as a table; nothing is asserted (speed is measured here, never in tests).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compilePolicy, evaluate, evaluateResource, RelatedIndex, type CompiledPolicy } from '../../engine/index.js';
import { loadSnapshot } from '../../engine/load/index.js';
import { REPO_ROOT } from '../support/paths.js';
import { cachedEstate } from './estate-cache.js';

const args = process.argv.slice(2);
const machinesArg = args.indexOf('--machines');
const MACHINES = machinesArg >= 0 ? Number(args[machinesArg + 1]) : 40000;

const readPolicy = (rel: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'policies', rel), 'utf8'));
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

function row(cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(14))).join(' ');
}

const { file, bytes } = await cachedEstate(MACHINES);
console.log(`estate: ${MACHINES.toLocaleString('en-US')} machines, ${file} (${mb(bytes)})`);

// ── whole estate: load + evaluate the two built-in vulnerability-assessment policies ──────
const t0 = performance.now();
const snapshot = await loadSnapshot([file]);
const t1 = performance.now();
const definitions = [readPolicy('builtin/501541f7-f7e7-4cd6-868c-4190fdad3ac9.json'), readPolicy('builtin/13ce0167-8ca6-4048-8e6b-f996402e3c1b.json')];
const report = evaluate({ snapshot, definitions, now: '2026-01-01T00:00:00Z' });
const t2 = performance.now();
const resources = snapshot.resources.length;
console.log('');
console.log(row(['estate (2 built-in VA policies at the root)', 'resources', 'records', 'load', 'evaluate', 'total', 'resources/s']));
console.log(
  row(['', resources.toLocaleString('en-US'), report.results.length.toLocaleString('en-US'), `${((t1 - t0) / 1000).toFixed(2)} s`, `${((t2 - t1) / 1000).toFixed(2)} s`, `${((t2 - t0) / 1000).toFixed(2)} s`, rate(resources, t2 - t0)]),
);

// ── compiled rules: evaluations per second on the estate's machines ─────────────────────────
const index = new RelatedIndex(snapshot.resources);
const machines = snapshot.resources.filter((r) => r.typeLower === 'microsoft.compute/virtualmachines' || r.typeLower === 'microsoft.hybridcompute/machines');
const rules: [string, CompiledPolicy][] = [
  ['501541f7 auditIfNotExists (assessment)', compilePolicy(definitions[0])],
  ['13ce0167 deployIfNotExists (assessment)', compilePolicy(definitions[1])],
  ['dine-va-deploy-vm (support matrix)', compilePolicy(readPolicy('dine/dine-va-deploy-vm.json'), { parameters: { effect: 'DeployIfNotExists' } })],
  [
    'audit: tag + location + name pattern',
    compilePolicy({
      properties: {
        mode: 'Indexed',
        policyRule: {
          if: { allOf: [{ field: 'type', equals: 'Microsoft.Compute/virtualMachines' }, { anyOf: [{ field: "tags['env']", exists: false }, { not: { field: 'location', in: ['westeurope', 'northeurope'] } }, { field: 'name', notLike: 'vm-*' }] }] },
          then: { effect: 'audit' },
        },
      },
    }),
  ],
];
console.log('');
console.log(row(['compiled rule on ' + machines.length.toLocaleString('en-US') + ' machines', 'evaluations', 'time', 'throughput']));
for (const [name, policy] of rules) {
  for (const m of machines.slice(0, 2000)) evaluateResource(policy, m, { related: index }); // warm-up
  const start = performance.now();
  for (const m of machines) evaluateResource(policy, m, { related: index });
  const ms = performance.now() - start;
  console.log(row([name, machines.length.toLocaleString('en-US'), `${ms.toFixed(0)} ms`, rate(machines.length, ms)]));
}
console.log('');
console.log(`peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}; node ${process.version}`);
