// Parameter declarations of definitions and initiatives (definition-structure-parameters.md).
import { joinPointer } from '../diagnostics/index.js';
import { dataMap, deepEqual, record, type Prepared } from './document.js';
import { isObject } from './keywords.js';
import type { ParameterDefinition, ParameterType, ParameterValue } from './types.js';

/**
 * Reads `properties.parameters` of a prepared definition/initiative. A defaultValue outside allowedValues is a
 * warning 'compile.parameter-not-allowed' (Azure compares case-sensitively; for an array parameter each element
 * must be allowed, or the whole array must equal an allowed value). An empty allowedValues list restricts nothing:
 * built-ins ship `"allowedValues": []` with a defaultValue (Guest Configuration AdministratorsGroupMembers_AINE).
 */
export function readParameterDefinitions(prep: Prepared): Record<string, ParameterDefinition> {
  return dataMap(prep.props['parameters'], (raw, name) => {
    const p = raw as Record<string, unknown>;
    const def: ParameterDefinition = { type: p['type'] as ParameterType };
    if (Object.hasOwn(p, 'defaultValue')) def.defaultValue = p['defaultValue'];
    if (Array.isArray(p['allowedValues'])) def.allowedValues = p['allowedValues'];
    const metadata = record(p['metadata']);
    if (metadata) def.metadata = metadata;
    const schema = record(p['schema']);
    if (schema) def.schema = schema;
    if (def.allowedValues && def.allowedValues.length > 0 && Object.hasOwn(def, 'defaultValue') && !isAllowed(def.defaultValue, def.allowedValues, def.type)) {
      prep.report('compile.parameter-not-allowed', { name }, joinPointer('/properties/parameters', name, 'defaultValue'), 'warning');
    }
    return def;
  });
}

function isAllowed(value: unknown, allowed: unknown[], type: ParameterType): boolean {
  if (allowed.some((a) => deepEqual(a, value))) return true;
  return type === 'array' && Array.isArray(value) && value.every((v) => allowed.some((a) => deepEqual(a, v)));
}

/** `{ name: { value } }` maps of initiative members and assignments, as null-prototype objects. */
export function readParameterValues(v: unknown): Record<string, ParameterValue> {
  return dataMap(v, (entry) => ({ value: isObject(entry) ? entry['value'] : undefined }));
}
