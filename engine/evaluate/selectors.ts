// resourceSelectors (assignments, exemptions) and overrides (digest §8.6, §8.7).
import type { ResourceSelector, Selector, Override } from '../parse/index.js';
import type { ResourceView } from '../model/index.js';

const norm = (s: string) => s.replace(/ /g, '').toLowerCase();

function selectorMatches(sel: Selector, view: ResourceView, referenceId: string | undefined): boolean {
  const kind = sel.kind.toLowerCase();
  let value: string | undefined;
  let normalise = (s: string) => s.toLowerCase();
  if (kind === 'resourcelocation') {
    normalise = norm;
    value = view.location === undefined || view.location === '' ? undefined : norm(view.location);
  } else if (kind === 'resourcetype') value = view.typeLower;
  else if (kind === 'resourcewithoutlocation') value = view.location === undefined || view.location === '' ? 'subscriptionlevelresources' : undefined;
  else if (kind === 'policydefinitionreferenceid') value = referenceId?.toLowerCase();
  else return false;
  // A resource without a value (e.g. no location) matches no `in` and every `notIn` (digest §15 A-9).
  if (sel.in !== undefined) return value !== undefined && sel.in.some((v) => normalise(v) === value);
  if (sel.notIn !== undefined) return value === undefined || !sel.notIn.some((v) => normalise(v) === value);
  return true;
}

/** No selectors → everything; otherwise any group whose selectors all match. */
export function resourceSelectorsMatch(groups: readonly ResourceSelector[], view: ResourceView): boolean {
  if (groups.length === 0) return true;
  return groups.some((g) => g.selectors.every((s) => selectorMatches(s, view, undefined)));
}

/** The effect of the first policyEffect override whose selectors all match (digest §15 A-8), if any. */
export function overrideEffect(overrides: readonly Override[], view: ResourceView, referenceId: string | undefined): string | undefined {
  for (const o of overrides) {
    if (o.kind !== 'policyEffect') continue;
    if (o.selectors.every((s) => selectorMatches(s, view, referenceId))) return o.value;
  }
  return undefined;
}

/** Could this override ever apply to this member? Only its reference-id selectors can rule that out up front. */
export function overrideMayApply(o: Override, referenceId: string | undefined): boolean {
  if (o.kind !== 'policyEffect') return false;
  const ref = referenceId?.toLowerCase();
  return o.selectors.every((s) => {
    if (s.kind.toLowerCase() !== 'policydefinitionreferenceid') return true;
    if (s.in !== undefined) return ref !== undefined && s.in.some((v) => v.toLowerCase() === ref);
    if (s.notIn !== undefined) return ref === undefined || !s.notIn.some((v) => v.toLowerCase() === ref);
    return true;
  });
}
