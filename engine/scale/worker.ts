// One shard of evaluateStream on a worker thread: stream the inputs, hold this shard's subscriptions (and every
// container), learn the estate's related types from the other shards, evaluate, and return what the merge needs.
import { once } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { evaluateDetailed } from '../evaluate/estate.js';
import { planEvaluation, type ShardResult, type ShardTask } from './stream.js';
import { streamSnapshot } from './snapshot.js';

export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const port = task.port as MessagePort;
  try {
    const now = task.evaluation.now!;
    const plan = planEvaluation(task.evaluation, now);
    const streamed = await streamSnapshot(task.inputs, { plan, shard: { index: task.shard, count: task.count }, load: task.load });
    const held = new Set<string>();
    for (const r of streamed.snapshot.resources) held.add(r.typeLower);
    const reply = once(port, 'message');
    port.postMessage({ types: [...held] });
    const [{ types }] = (await reply) as [{ types: string[] }];
    const details = evaluateDetailed({ ...task.evaluation, snapshot: streamed.snapshot }, { summary: false, knownTypes: new Set(types), owns: streamed.owns });
    return {
      records: details.report.results,
      scopes: details.report.scopes ?? [],
      loadDiagnostics: streamed.loadDiagnostics,
      hierarchyDiagnostics: streamed.hierarchyDiagnostics,
      recordDiagnostics: details.recordDiagnostics.map((o) => ({ key: [o.assignment, o.member, o.typeRank, ...streamed.keyOf(o.view)], diagnostic: o.diagnostic })),
      scopeCheck: details.scopeCheck,
      plan: { allTypes: plan.allTypes, wholeResources: plan.wholeResources, notes: plan.notes },
    };
  } finally {
    port.close();
  }
}
