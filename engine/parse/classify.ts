// What a document is, by its content (and its ARM `type` when given), and how a file's value splits into documents.
import { joinPointer } from '../diagnostics/index.js';
import { getMember, isObject } from './keywords.js';
import type { DocumentKind } from './validate.js';

const TYPES: Record<string, DocumentKind> = {
  'microsoft.authorization/policydefinitions': 'policyDefinition',
  'microsoft.authorization/policysetdefinitions': 'policySetDefinition',
  'microsoft.authorization/policyassignments': 'policyAssignment',
  'microsoft.authorization/policyexemptions': 'policyExemption',
};

function classifyOne(value: unknown): DocumentKind | undefined {
  if (!isObject(value)) return undefined;
  const type = getMember(value, 'type')?.value;
  if (typeof type === 'string' && TYPES[type.toLowerCase()]) return TYPES[type.toLowerCase()];
  const env = getMember(value, 'properties');
  const props = env && isObject(env.value) ? env.value : value;
  if (getMember(props, 'policyRule')) return 'policyDefinition';
  if (getMember(props, 'policyDefinitions')) return 'policySetDefinition';
  if (getMember(props, 'policyAssignmentId')) return 'policyExemption';
  if (getMember(props, 'policyDefinitionId')) {
    const id = getMember(value, 'id')?.value;
    if (getMember(props, 'scope') || (typeof id === 'string' && /\/providers\/microsoft\.authorization\/policyassignments\//i.test(id))) return 'policyAssignment';
  }
  return undefined;
}

/**
 * The kind of a document: a policy definition has properties.policyRule, an initiative properties.policyDefinitions,
 * an exemption properties.policyAssignmentId, an assignment properties.policyDefinitionId plus a scope (or an
 * assignment id); with or without the `properties` envelope; an ARM `type` decides when present. For an array or
 * an ARM list `{ value: [...] }`: the kind shared by every element (undefined if empty or mixed).
 */
export function classifyDocument(value: unknown): DocumentKind | undefined {
  const items = listItems(value);
  if (!items) return classifyOne(value);
  if (items.length === 0) return undefined;
  const kinds = new Set(items.map(classifyOne));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

function listItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isObject(value) && !getMember(value, 'properties')) {
    const list = getMember(value, 'value');
    const keys = Object.keys(value).filter((k) => k.toLowerCase() !== 'nextlink');
    if (list && Array.isArray(list.value) && keys.length === 1) return list.value;
  }
  return undefined;
}

export interface DocumentEntry {
  value: unknown;
  /** Pointer of the document in the file's value. */
  pointer: string;
  kind: DocumentKind | undefined;
}

/**
 * Splits a file's value into documents: an array (of documents or of ARM lists), an ARM list `{ value: [...],
 * nextLink? }`, or one document.
 */
export function listDocuments(value: unknown, pointerBase = ''): DocumentEntry[] {
  const out: DocumentEntry[] = [];
  const visit = (v: unknown, p: string, nested: number): void => {
    const items = nested < 2 ? listItems(v) : undefined;
    if (!items) {
      out.push({ value: v, pointer: p, kind: classifyOne(v) });
      return;
    }
    const key = Array.isArray(v) ? undefined : getMember(v, 'value')!.key;
    items.forEach((item, i) => visit(item, key === undefined ? joinPointer(p, i) : joinPointer(p, key, i), nested + 1));
  };
  visit(value, pointerBase, 0);
  return out;
}
