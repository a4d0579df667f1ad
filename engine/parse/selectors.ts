// resourceSelectors and overrides: shape is schema-checked; the cross-selector rules of assignment-structure.md
// are checked here ("each kind can only be used once in a single resource selector"; resourceWithoutLocation
// "can't be used in the same resource selector as resourceLocation"; policyVersion overrides select by
// resourceLocation only).
import { joinPointer } from '../diagnostics/index.js';
import type { Prepared } from './document.js';
import type { Override, ResourceSelector, Selector } from './types.js';

function readSelectors(prep: Prepared, raw: unknown, at: string): Selector[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  const selectors = (raw as Record<string, unknown>[]).map((s, i) => {
    const sel: Selector = { kind: s['kind'] as string };
    if (Array.isArray(s['in'])) sel.in = s['in'] as string[];
    if (Array.isArray(s['notIn'])) sel.notIn = s['notIn'] as string[];
    if (seen.has(sel.kind)) prep.report('parse.selector-conflict', { reason: `kind "${sel.kind}" is used more than once in one selector list` }, joinPointer(at, i, 'kind'));
    seen.add(sel.kind);
    return sel;
  });
  if (seen.has('resourceLocation') && seen.has('resourceWithoutLocation')) {
    prep.report('parse.selector-conflict', { reason: 'resourceLocation and resourceWithoutLocation cannot be combined' }, at);
  }
  return selectors;
}

export function readResourceSelectors(prep: Prepared, raw: unknown, at: string): ResourceSelector[] {
  if (!Array.isArray(raw)) return [];
  return (raw as Record<string, unknown>[]).map((g, i) => ({
    name: g['name'] as string,
    selectors: readSelectors(prep, g['selectors'], joinPointer(at, i, 'selectors')),
  }));
}

export function readOverrides(prep: Prepared, raw: unknown, at: string): Override[] {
  if (!Array.isArray(raw)) return [];
  return (raw as Record<string, unknown>[]).map((o, i) => {
    const kind = o['kind'] as Override['kind'];
    const selectorsAt = joinPointer(at, i, 'selectors');
    const selectors = readSelectors(prep, o['selectors'], selectorsAt);
    if (kind === 'policyVersion') {
      selectors.forEach((s, j) => {
        if (s.kind !== 'resourceLocation') prep.report('parse.selector-conflict', { reason: `a policyVersion override selects by resourceLocation only, not ${s.kind}` }, joinPointer(selectorsAt, j, 'kind'));
      });
    } else {
      selectors.forEach((s, j) => {
        if (s.kind !== 'resourceLocation' && s.kind !== 'policyDefinitionReferenceId') {
          prep.report('parse.selector-conflict', { reason: `a policyEffect override selects by policyDefinitionReferenceId or resourceLocation, not ${s.kind}` }, joinPointer(selectorsAt, j, 'kind'));
        }
      });
    }
    return { kind, value: o['value'] as string, selectors };
  });
}
