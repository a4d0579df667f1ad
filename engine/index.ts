// dine's public API: everything a library user or the CLI may call. Nothing here touches the disk
// except the loaders, which say so in their names.
export { compilePolicy, type CompiledPolicy, type CompileOptions } from './compile/policy.js';
export { compilePolicySet, type CompiledPolicySet, type CompiledMember, type CompilePolicySetOptions, type DefinitionResolver } from './compile/policy-set.js';
export { evaluatePolicyRule, evaluateCondition, type EvaluatePolicyRuleInput, type EvaluateConditionInput } from './evaluate/rule.js';
export { evaluateResource, evaluateDeploymentParameters, type EvaluateOptions } from './evaluate/resource.js';
export { evaluate, getEstateContext, type EvaluateInput, type EstateContext } from './evaluate/estate.js';
export type { DocumentEntry, DocumentInput } from './evaluate/documents.js';
export { evaluateExpression } from './expressions/evaluate.js';
export { RelatedIndex, type RelatedLookup, type RelatedQuery } from './effects/existence.js';
export { EFFECTS, lookupEffect, type EffectSpec } from './effects/registry.js';
export { OPERATORS, lookupOperator, type OperatorSpec, type OperatorOptions } from './operators/index.js';
export { FUNCTIONS, lookupFunction } from './functions/index.js';
export { createAliasCatalogue, defaultAliasCatalogue, type AliasCatalogue, type ProviderAliases } from './aliases/index.js';
export { toResourceView } from './scope/view.js';
export type { EvaluationContext } from './evaluate/runtime.js';
export { CODES, PolicyError, EvaluationError, type Code, type Diagnostic, type SourceLocation } from './diagnostics/index.js';
export type { ComplianceState, Reason, RuleEvaluation, RawResource, ResourceView, ComplianceRecord, ComplianceReport, ComplianceSummary, RollUp, StateCounts } from './model/index.js';
// Loaders: the only API that reads the disk.
export { loadSnapshot, readResources, type Snapshot } from './load/index.js';
// Policy documents from files and the report formats: the CLI's building blocks.
export { loadPolicyDocuments, resolvePolicyFiles, type PolicyDocuments, type PolicyDocumentEntry, type LoadPolicyOptions } from './load/policies.js';
export {
  REPORTERS, lookupReporter, formatReport, describeDefinitions, buildSarif, STATE_OUTCOME,
  type Reporter, type ReportFormatOptions, type DefinitionInfo, type Outcome,
} from './report/index.js';
export { diagnostic } from './diagnostics/index.js';
// The vulnerability-assessment scan (`dine scan`): Defender for Cloud's groups per machine, and its renderers.
export {
  scanEstate, getScanPlan, getScanEvaluation, scanRemediationFiles, SCAN_GROUPS, SCAN_GROUP_LABEL, VA_TYPES, RECOMMENDATION_NAME,
  type ScanInput, type ScanReport, type ScanGroup, type ScanCounts, type MachineResult, type ScopeCount, type VaType, type DecisionSource, type ScanPlan,
} from './scanner/index.js';
export { SCAN_FORMATS, formatScan, lookupScanFormat, scanMachineLine, scanTrailerLine, type ScanFormat, type ScanFormatOptions } from './report/scan/index.js';
export {
  expandDeployment, buildDeployment, planRemediation, writeRemediationOutputs, simulate, stableStringify, safeFileStem, normalizeLocation,
  REMEDIATION_DEFAULTS, DEPLOYMENT_NAME_SOURCE, DEPLOYMENTS_API_VERSION,
  type Deployment, type DeploymentInput, type ExpandOptions, type ExpandResult, type ExpandedResource, type SkippedResource, type FailedResource,
  type RemediationError, type RemediationOptions, type RemediationPlan, type RemediationTask, type RemediationFile, type RoleAssignmentNeed,
  type SimulationResult, type SimulationOutcome, type SymbolicValue, type BuildDeploymentOptions,
} from './remediation/index.js';
// Authoring (`dine validate`, `dine test`, `dine explain`, `dine convert`): checks, declarative policy tests, traces.
export {
  validateSources, formatValidation, buildValidationSarif, VALIDATE_FORMATS,
  type ValidationSource, type ValidateOptions, type ValidationResult, type ValidatedDocument, type ValidateFormat,
} from './validate/index.js';
export {
  runPolicyTests, runPolicyTestFile, isPolicyTestFile, testRunFailed, formatTestText, formatTestJson, formatTestJunit, coveragePercent,
  type TestHost, type RunTestOptions, type TestRunResult, type TestFileResult, type CaseResult, type RuleCoverage, type LeafCoverage,
} from './testkit/index.js';
export { explainResource, traceCondition, formatExplanationText, formatExplanationJson, type Explanation, type ExplainInput, type ConditionStep } from './explain/index.js';
export { parseSourceText, type ParsedSource } from './load/source.js';
export { viewOf } from './evaluate/rule.js';
// Scale: streaming evaluation, worker shards, merging shard reports (docs/scale.md).
export { evaluateStream, evaluateBounded, asReport, closeWorkers, mergeReports, scanBounded, type EvaluateStreamInput, type EvaluateBoundedInput, type BoundedEvaluation, type ScanBoundedInput, type BoundedScan } from './scale/index.js';
export type { ScopeNode } from './model/index.js';
