// remediation/: DeployIfNotExists deployments, their static template expansion, remediation plans, output files and the post-remediation simulation.
export * from './types.js';
export { expandDeployment, targetOf } from './expand.js';
export { isSymbolic, containsSymbolic, symbolic, SYMBOLIC_KEY, MAX_COPY_COUNT } from './template-runtime.js';
export { buildDeployment, DEPLOYMENT_NAME_SOURCE, type BuildDeploymentOptions } from './deployment.js';
export { stableStringify } from './stable-json.js';
export { planRemediation, normalizeLocation, REMEDIATION_DEFAULTS, type RemediationOptions, type RemediationPlan, type RemediationTask, type ResourceDiscoveryMode } from './plan.js';
export { writeRemediationOutputs, safeFileStem, DEPLOYMENTS_API_VERSION, type RemediationFile } from './outputs.js';
export { simulate, toArmResource, type SimulationOutcome, type SimulationResult } from './simulate.js';
