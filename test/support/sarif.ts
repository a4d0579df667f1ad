// Validates a SARIF log against the official OASIS SARIF 2.1.0 JSON schema (docs/sarif-2.1.0.schema.json, draft-07)
// with ajv's draft-07 validator. The schema's three formats get small real checks (ajv ships no format validators).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { REPO_ROOT } from './paths.js';

const FORMATS: Record<string, (s: string) => boolean> = {
  uri: (s) => {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) return false;
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  },
  'uri-reference': (s) => {
    if (/[\s\\]/.test(s)) return false;
    try {
      new URL(s, 'http://base.invalid/');
      return true;
    } catch {
      return false;
    }
  },
  'date-time': (s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)),
};

let validator: ValidateFunction | undefined;

export function sarifValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs/sarif-2.1.0.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
  validator = ajv.compile(schema);
  return validator;
}

/** Schema errors of a SARIF log as readable lines ([] when it is valid). */
export function sarifErrors(log: unknown): string[] {
  const validate = sarifValidator();
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}
