// testkit/: declarative policy tests (*.test.yaml / *.test.json): run, condition coverage, text / JUnit / JSON output.
export {
  runPolicyTestFile, isPolicyTestFile, subsetMatch, coveragePercent, deploymentGolden, CoverageCollector,
  type TestHost, type RunTestOptions, type CaseResult, type LeafCoverage, type RuleCoverage, type TestFileResult,
} from './run.js';
export { runPolicyTests, testRunFailed, formatTestText, formatTestJson, formatTestJunit, type TestRunResult } from './report.js';
