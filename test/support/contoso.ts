// The Contoso demo estate and the policy pack, loaded the way the CLI loads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { loadSnapshot } from '../../engine/load/index.js';
import type { Snapshot } from '../../engine/load/snapshot.js';
import { REPO_ROOT } from './paths.js';

export const CONTOSO = join(REPO_ROOT, 'fixtures', 'estates', 'contoso');

export function readJson(glob: string, cwd = REPO_ROOT): unknown[] {
  return fg.sync(glob, { cwd }).sort().map((f) => JSON.parse(readFileSync(join(cwd, f), 'utf8')));
}

export function loadContoso(): Promise<Snapshot> {
  return loadSnapshot([join(CONTOSO, 'management-groups.json'), join(CONTOSO, 'subscriptions.json'), join(CONTOSO, 'resources')]);
}

export const pack = () => ({ definitions: readJson('policies/{builtin,dine}/*.json'), setDefinitions: readJson('policies/initiatives/*.json') });
export const contosoAssignments = () => readJson('assignments/*.json', CONTOSO);
export const contosoExemptions = () => readJson('exemptions/*.json', CONTOSO);
