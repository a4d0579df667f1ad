// Architecture checks with ts-morph: data flows one way between engine folders, only the I/O
// layers touch the disk, no code is generated from input, every folder says what it owns, and the
// public API keeps the names the issues promise.
import { join } from 'node:path';
import { Project, SyntaxKind } from 'ts-morph';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from './support/paths.js';

const project = new Project({ tsConfigFilePath: join(REPO_ROOT, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
project.addSourceFilesAtPaths(join(REPO_ROOT, 'engine/**/*.ts'));
const files = project.getSourceFiles();
const folderOf = (path: string) => path.split('/engine/')[1]!.split('/')[0]!;
const rel = (path: string) => 'engine/' + path.split('/engine/')[1];

const CORE = ['diagnostics', 'model'];
const VOCABULARY = [...CORE, 'functions', 'expressions', 'aliases', 'operators', 'scope', 'parse', 'effects'];
const ENGINE = [...VOCABULARY, 'compile', 'evaluate'];
/** Which engine folders each folder may import (type-only imports from `typeOnly` too). */
const ALLOWED: Record<string, { imports: string[]; typeOnly?: string[] }> = {
  diagnostics: { imports: [] },
  model: { imports: CORE },
  operators: { imports: CORE },
  aliases: { imports: CORE },
  scope: { imports: CORE },
  parse: { imports: CORE },
  // effects: the related-resource index matches and hashes ids with scope's id helpers.
  effects: { imports: [...CORE, 'scope'] },
  functions: { imports: CORE, typeOnly: ['expressions'] },
  expressions: { imports: [...CORE, 'functions'] },
  compile: { imports: VOCABULARY },
  evaluate: { imports: ENGINE, typeOnly: ['load'] },
  load: { imports: [...CORE, 'parse', 'scope'] },
  remediation: { imports: ENGINE, typeOnly: ['load'] },
  report: { imports: [...ENGINE, 'remediation', 'scanner'] },
  scanner: { imports: [...ENGINE, 'remediation', 'report', 'load'] },
  // scale: the I/O pipelines; its bounded scan (scale/scan.ts) makes the scanner's pure decisions one machine at a time.
  scale: { imports: [...ENGINE, 'load', 'remediation', 'scanner'] },
  explain: { imports: [...ENGINE, 'load'] },
  validate: { imports: [...ENGINE, 'load', 'report'] },
  testkit: { imports: [...ENGINE, 'load', 'remediation', 'report', 'explain', 'validate'] },
  generate: { imports: [...CORE, 'scope', 'scanner', 'load'] },
  cli: { imports: ['*'] },
  // engine/index.ts: the public API re-exports every layer.
  'index.ts': { imports: ['*'] },
};

/** Node modules that reach the disk, the network or other processes. */
const IO_MODULES = /^(node:)?(fs|fs\/promises|child_process|net|http|https|readline|worker_threads|dgram|tls)$/;
/** Where such modules may be imported: the I/O layers, and tools that are not part of evaluation. */
const IO_ALLOWED = (path: string) =>
  ['load', 'cli', 'generate', 'scale', 'testkit'].includes(folderOf(path)) ||
  ['engine/aliases/asset.ts', 'engine/aliases/derive-catalogue.ts', 'engine/scanner/data/build-pack.ts'].includes(rel(path));

test('engine folders import only what the layering allows', () => {
  const violations: string[] = [];
  for (const f of files) {
    const from = folderOf(f.getFilePath());
    const rule = ALLOWED[from];
    if (rule === undefined) {
      violations.push(`${rel(f.getFilePath())}: folder "${from}" has no layering rule`);
      continue;
    }
    for (const d of f.getImportDeclarations()) {
      const target = d.getModuleSpecifierSourceFile();
      if (target === undefined || !target.getFilePath().includes('/engine/')) continue;
      const to = folderOf(target.getFilePath());
      if (to === from || rule.imports.includes('*') || rule.imports.includes(to)) continue;
      if (d.isTypeOnly() && rule.typeOnly?.includes(to)) continue;
      violations.push(`${rel(f.getFilePath())} imports ${rel(target.getFilePath())}`);
    }
  }
  assert.equal(violations, []);
});

test('only the I/O layers and build tools touch the disk or processes', () => {
  const violations: string[] = [];
  for (const f of files) {
    if (IO_ALLOWED(f.getFilePath())) continue;
    for (const d of f.getImportDeclarations()) if (IO_MODULES.test(d.getModuleSpecifierValue())) violations.push(`${rel(f.getFilePath())} imports ${d.getModuleSpecifierValue()}`);
  }
  assert.equal(violations, []);
});

test('no code is generated from input: no eval, no new Function', () => {
  const violations: string[] = [];
  for (const f of files) {
    for (const c of f.getDescendantsOfKind(SyntaxKind.CallExpression)) if (c.getExpression().getText() === 'eval') violations.push(`${rel(f.getFilePath())}:${c.getStartLineNumber()}`);
    for (const n of f.getDescendantsOfKind(SyntaxKind.NewExpression)) if (n.getExpression().getText() === 'Function') violations.push(`${rel(f.getFilePath())}:${n.getStartLineNumber()}`);
  }
  assert.equal(violations, []);
});

test('every engine folder index says in its first line what it owns', () => {
  const missing: string[] = [];
  for (const f of files) {
    const p = rel(f.getFilePath());
    if (!/^engine\/[^/]+\/index\.ts$/.test(p)) continue;
    if (!/^\/\/ \S/.test(f.getFullText())) missing.push(p);
  }
  assert.equal(missing, []);
});

test('the public API keeps the names the issues promise', () => {
  const index = project.getSourceFileOrThrow(join(REPO_ROOT, 'engine/index.ts'));
  const exported = new Set(index.getExportedDeclarations().keys());
  for (const name of ['compilePolicy', 'evaluatePolicyRule', 'evaluateExpression', 'loadSnapshot', 'evaluate', 'PolicyError', 'EvaluationError', 'CODES']) {
    assert.ok(exported.has(name), `engine/index.ts does not export ${name}`);
  }
});

test.run();
