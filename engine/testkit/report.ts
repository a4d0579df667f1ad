// Running many policy test files and reporting them: a test-runner text (✓/✗ per case, a summary line),
// JUnit XML (one testsuite per file) and JSON. Deterministic: files in the given order, no timings.
import type { Diagnostic } from '../diagnostics/index.js';
import { CoverageCollector, coveragePercent, runPolicyTestFile, type RuleCoverage, type RunTestOptions, type TestFileResult, type TestHost } from './run.js';

export interface TestRunResult {
  files: TestFileResult[];
  coverage: RuleCoverage[];
  /** Condition coverage over all rules, percent (one decimal). */
  coveragePercent: number;
  summary: { files: number; cases: number; passed: number; failed: number; fileErrors: number };
}

export async function runPolicyTests(files: readonly string[], host: TestHost, options: RunTestOptions = {}): Promise<TestRunResult> {
  const coverage = new CoverageCollector();
  const results: TestFileResult[] = [];
  for (const f of files) results.push(await runPolicyTestFile(f, host, options, coverage));
  const all = results.flatMap((r) => r.cases);
  const rules = coverage.report();
  return {
    files: results,
    coverage: rules,
    coveragePercent: coveragePercent(rules),
    summary: {
      files: results.length,
      cases: all.length,
      passed: all.filter((c) => c.passed).length,
      failed: all.filter((c) => !c.passed).length,
      fileErrors: results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length,
    },
  };
}

/** The run failed: a case failed or a file could not be run. */
export function testRunFailed(r: TestRunResult): boolean {
  return r.summary.failed > 0 || r.summary.fileErrors > 0;
}

function where(d: Diagnostic): string {
  return d.source !== undefined ? `${d.source.file}:${d.source.line}:${d.source.column}: ` : '';
}

export function formatTestText(r: TestRunResult, options: { coverage?: boolean } = {}): string {
  const lines: string[] = [];
  for (const f of r.files) {
    lines.push(`${f.file}${f.policy !== '' ? ` (${f.policy})` : ''}`);
    for (const d of f.diagnostics) lines.push(`  ✗ ${where(d)}${d.code}: ${d.message}`);
    for (const c of f.cases) {
      lines.push(`  ${c.passed ? '✓' : '✗'} ${c.name}${c.member !== undefined ? ` [${c.member}]` : ''}`);
      for (const x of c.failures) lines.push(`      ${x}`);
    }
  }
  if (options.coverage) {
    lines.push('', 'condition coverage (each leaf seen true and false)');
    for (const rule of r.coverage) {
      const pct = coveragePercent([rule]);
      lines.push(`  ${pct.toFixed(1).padStart(5)}%  ${rule.displayName ?? rule.policy}`);
      for (const l of rule.leaves) if (!l.true || !l.false) lines.push(`          ${l.pointer}: never ${!l.true && !l.false ? 'evaluated' : l.true ? 'false' : 'true'}`);
    }
  }
  const s = r.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.fileErrors > 0) parts.push(`${s.fileErrors} file${s.fileErrors === 1 ? '' : 's'} with errors`);
  lines.push('', `${parts.join(', ')} (${s.cases} cases in ${s.files} files); condition coverage ${r.coveragePercent.toFixed(1)}%`);
  return lines.join('\n') + '\n';
}

export function formatTestJson(r: TestRunResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // characters XML 1.0 cannot hold
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

export function formatTestJunit(r: TestRunResult): string {
  const s = r.summary;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="dine test" tests="${s.cases + s.fileErrors}" failures="${s.failed}" errors="${s.fileErrors}">`);
  for (const f of r.files) {
    const failed = f.cases.filter((c) => !c.passed).length;
    const errors = f.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
    out.push(`  <testsuite name="${xml(f.file)}" tests="${f.cases.length + errors}" failures="${failed}" errors="${errors}">`);
    if (errors > 0) {
      const text = f.diagnostics.map((d) => `${where(d)}${d.code}: ${d.message}`).join('\n');
      out.push(`    <testcase classname="${xml(f.file)}" name="(test file)">`, `      <error message="${xml(f.diagnostics[0]!.message)}">${xml(text)}</error>`, '    </testcase>');
    }
    for (const c of f.cases) {
      const name = `${c.name}${c.member !== undefined ? ` [${c.member}]` : ''}`;
      if (c.passed) out.push(`    <testcase classname="${xml(f.policy || f.file)}" name="${xml(name)}"/>`);
      else {
        out.push(`    <testcase classname="${xml(f.policy || f.file)}" name="${xml(name)}">`);
        out.push(`      <failure message="${xml(c.failures[0] ?? 'failed')}">${xml(c.failures.join('\n'))}</failure>`);
        out.push('    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
