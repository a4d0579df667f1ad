// scale/: streaming evaluation (the input read once, projected to what the rules read), worker-thread shards by subscription, the two-pass bounded evaluation and scan, and merging shard reports.
export { evaluateStream, planEvaluation, closeWorkers, inputBytes, type EvaluateStreamInput } from './stream.js';
export { mergeReports, mergeScopes } from './merge.js';
export { keepPlanFor, Projector, unitePlans, type KeepPlan } from './plan.js';
export { streamSnapshot, type StreamedSnapshot, type StreamSnapshotOptions } from './snapshot.js';
export { evaluateBounded, asReport, type EvaluateBoundedInput, type BoundedEvaluation } from './pipeline.js';
export { scanBounded, type ScanBoundedInput, type BoundedScan } from './scan.js';
