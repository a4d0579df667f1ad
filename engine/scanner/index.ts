// scanner/: Defender for Cloud's "Machines should have a vulnerability assessment solution" reproduced offline — scanEstate() groups every machine Healthy / Unhealthy / Not applicable with its reason, Qualys data centre, on-demand scan command and deployment; data/ holds the scanner facts.
export { scanEstate, scanEvaluations, SCANNER_READS, getScanPlan, getScanEvaluation, RECOMMENDATION_NAME, CONNECTOR_TAG, REST_API_VERSION, DINE_VM_POLICY, DINE_ARC_POLICY, DINE_DEFENDER_POLICY, PROVISION_POLICY, type ScanInput } from './scan.js';
export { scanRemediationFiles, type ScanPlan } from './remediation.js';
export * from './types.js';
