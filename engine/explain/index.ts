// explain/: the step-by-step evaluation of one policy on one resource (conditions, values, paths, related resources).
export {
  explainResource, traceCondition, formatExplanationText, formatExplanationJson,
  type Explanation, type ExplainInput, type ConditionStep, type RelatedCandidate, type ExistenceExplanation,
} from './explain.js';
