// The built-in corpus (../shared/corpora/azure-policy-builtins) as a compile corpus: every definition
// compiles with its default parameters (required parameters get a typed sample value), and every
// initiative compiles with each member resolved against the built-in definitions. Failures must be
// listed, with a reason, in fixtures/known-failures/compile.txt — a list that may only shrink.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PolicyError, compilePolicy, compilePolicySet } from '../engine/index.js';
import { FIXTURES, SHARED, requireShared } from './support/paths.js';

const CORPUS = join(SHARED, 'corpora', 'azure-policy-builtins');

function knownFailures(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(FIXTURES, 'known-failures', 'compile.txt'), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [file, ...reason] = line.split('\t');
    out.set(file!.trim(), reason.join(' ').trim());
  }
  return out;
}

/** A typed stand-in for a parameter that has no defaultValue (the assignment would give one). */
function sample(p: { type?: string; allowedValues?: unknown[] }): unknown {
  const type = (p.type ?? 'string').toLowerCase();
  if (Array.isArray(p.allowedValues) && p.allowedValues.length > 0) return type === 'array' && !Array.isArray(p.allowedValues[0]) ? [p.allowedValues[0]] : p.allowedValues[0];
  return type === 'array' ? [] : type === 'object' ? {} : type === 'boolean' ? false : type === 'integer' || type === 'float' ? 0 : 'sample';
}

function requiredParameters(doc: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries<any>(doc?.properties?.parameters ?? {})) if (!Object.hasOwn(p, 'defaultValue')) out[k] = sample(p);
  return out;
}

test('every built-in definition and initiative compiles, or is a listed known failure', () => {
  if (!requireShared('corpus compile test')) return;
  const known = knownFailures();
  // Azure Government initiatives reference the Government copies of definitions first.
  const definitions = new Map<string, unknown>();
  const government = new Map<string, unknown>();
  const failures: string[] = [];
  const passedKnown: string[] = [];
  let compiled = 0;
  const defFiles = fg.sync('policyDefinitions/**/*.json', { cwd: CORPUS }).sort();
  for (const file of defFiles) {
    const doc = JSON.parse(readFileSync(join(CORPUS, file), 'utf8'));
    if (typeof doc.id === 'string') (file.startsWith('policyDefinitions/Azure Government/') ? government : definitions).set(doc.id.toLowerCase(), doc);
    try {
      compilePolicy(doc, { parameters: requiredParameters(doc) });
      compiled++;
      if (known.has(file)) passedKnown.push(file);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw new Error(`${file}: ${(e as Error).stack}`);
      if (!known.has(file)) failures.push(`${file}\t${e.message}`);
    }
  }
  let setsCompiled = 0;
  const setFiles = fg.sync('policySetDefinitions/**/*.json', { cwd: CORPUS }).sort();
  for (const file of setFiles) {
    const doc = JSON.parse(readFileSync(join(CORPUS, file), 'utf8'));
    try {
      const gov = file.startsWith('policySetDefinitions/Azure Government/');
      const resolveDefinition = (id: string) => (gov ? government.get(id.toLowerCase()) ?? definitions.get(id.toLowerCase()) : definitions.get(id.toLowerCase()));
      const set = compilePolicySet(doc, { parameters: requiredParameters(doc), resolveDefinition });
      const broken = set.members.filter((m) => m.policy === undefined);
      if (broken.length > 0) {
        if (!known.has(file)) failures.push(`${file}\t${broken.length} member(s): ${broken[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code + ' ' + d.message)[0]}`);
        continue;
      }
      setsCompiled++;
      if (known.has(file)) passedKnown.push(file);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw new Error(`${file}: ${(e as Error).stack}`);
      if (!known.has(file)) failures.push(`${file}\t${e.message}`);
    }
  }
  console.log(`corpus: ${compiled}/${defFiles.length} definitions and ${setsCompiled}/${setFiles.length} initiatives compile; ${known.size} listed known failures`);
  assert.equal(failures, [], 'unlisted compile failures');
  assert.equal(passedKnown, [], 'known failures that now compile: remove them from fixtures/known-failures/compile.txt');
});

test.run();
