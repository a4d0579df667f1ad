// A definition with several faults of different kinds reports all of them at once, each with its
// code, JSON pointer and line:column (a user fixes ten typos in one go).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PolicyError, compilePolicy } from '../engine/index.js';
import { parseSourceText } from '../engine/load/source.js';
import { FIXTURES } from './support/paths.js';

test('structural and semantic faults come together, located', () => {
  const file = join(FIXTURES, 'compile', 'three-faults.json');
  const source = parseSourceText(readFileSync(file, 'utf8'), file);
  try {
    compilePolicy(source.value, { locate: source.locate });
    assert.unreachable('expected a PolicyError');
  } catch (e) {
    assert.instance(e, PolicyError);
    const found = (e as PolicyError).diagnostics.map((d) => `${d.code} ${d.pointer} ${d.source?.line}:${d.source?.column}`).sort();
    assert.equal(found, [
      'compile.unknown-alias /properties/policyRule/if/allOf/1/field 9:13',
      'expr.unknown-function /properties/policyRule/if/allOf/2/value 10:13',
      'parse.unknown-operator /properties/policyRule/if/allOf/3/lessThan 11:30',
    ]);
  }
});

test.run();
