// One registry per vocabulary, each entry documented and exercised by at least one table-driven case.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EFFECTS, FUNCTIONS, OPERATORS } from '../engine/index.js';
import { FIXTURES } from './support/paths.js';

const caseText = fg
  .sync('cases/**/*.{yaml,yml}', { cwd: FIXTURES })
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'))
  .join('\n')
  .toLowerCase();

test('every function is documented and called in some case', () => {
  const undocumented = FUNCTIONS.filter((f) => f.doc.trim() === '').map((f) => f.name);
  assert.equal(undocumented, []);
  const uncovered = FUNCTIONS.filter((f) => !caseText.includes(f.name.toLowerCase() + '(')).map((f) => f.name);
  assert.equal(uncovered, [], 'functions no case calls');
});

test('every operator is documented and used in some case', () => {
  const specs = Object.values(OPERATORS);
  assert.equal(specs.filter((o) => o.doc.trim() === '').map((o) => o.name), []);
  const uncovered = specs.filter((o) => !new RegExp(`(operator: ${o.name.toLowerCase()}\\b|\\b${o.name.toLowerCase()}:)`).test(caseText)).map((o) => o.name);
  assert.equal(uncovered, []);
});

test('every effect that evaluates from snapshots appears in some rule case', () => {
  const uncovered = EFFECTS.filter((e) => e.family !== 'resourceProvider' && !caseText.includes(`effect: ${e.name.toLowerCase()}`)).map((e) => e.name);
  assert.equal(uncovered, []);
});

test.run();
