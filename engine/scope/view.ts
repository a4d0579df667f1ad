// ResourceView: a raw resource prepared once per snapshot — id parsed, root fields read — so evaluation does no
// string work on them.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { RawResource, ResourceView } from '../model/index.js';
import { isDiagnostic, parseResourceId, type ParsedResourceId } from './resource-id.js';

/** A ResourceView that also keeps its parsed id (scope, parents) for hierarchy and scope tests. */
export interface ScopedResourceView extends ResourceView {
  readonly parsedId: ParsedResourceId;
}

function stringField(raw: RawResource, key: string): string | undefined {
  if (!Object.hasOwn(raw, key)) return undefined;
  const v = raw[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Builds the view of one resource. The id is required and must parse; the type is the resource's own `type`
 * when it has one (kept as written: Resource Graph rows are lower-case, evaluation compares case-insensitively),
 * else the type the id implies. `name` is the last id segment, `fullName` the name chain of the resource's own
 * provider segment (digest §4.2, A-16); a subscription's name is its GUID, a resource group's
 * `resourceGroup` is itself.
 */
export function toResourceView(raw: RawResource): ScopedResourceView | Diagnostic {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return diagnostic('load.invalid-resource', { reason: 'a resource must be a JSON object' });
  }
  if (!Object.hasOwn(raw, 'id')) return diagnostic('load.invalid-resource', { reason: 'the resource has no "id"' });
  const id = raw['id'];
  if (typeof id !== 'string') return diagnostic('load.invalid-resource', { reason: '"id" must be a string' });
  const parsed = parseResourceId(id);
  if (isDiagnostic(parsed)) return parsed;

  const rawType = stringField(raw, 'type');
  const type = rawType !== undefined && rawType.length > 0 ? rawType : parsed.type;
  const view: ScopedResourceView = {
    raw,
    id,
    type,
    typeLower: type.toLowerCase(),
    name: parsed.name,
    fullName: parsed.fullName,
    location: stringField(raw, 'location'),
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    apiVersion: stringField(raw, 'apiVersion'),
    parsedId: parsed,
  };
  return Object.freeze(view);
}
