// scale/: streaming evaluation (the input read once, projected to what the rules read), worker-thread shards by subscription, and merging shard reports.
export { evaluateStream, planEvaluation, closeWorkers, inputBytes, type EvaluateStreamInput } from './stream.js';
export { mergeReports, mergeScopes } from './merge.js';
export { keepPlanFor, Projector, unitePlans, type KeepPlan } from './plan.js';
export { streamSnapshot, type StreamedSnapshot, type StreamSnapshotOptions } from './snapshot.js';
export { evaluateBounded, asReport, type EvaluateBoundedInput, type BoundedEvaluation } from './pipeline.js';
