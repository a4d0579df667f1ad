// Policy documents as the estate evaluator receives them: plain objects, or entries that remember
// the file and position they came from (the CLI's loader), so diagnostics can name file:line.
import type { SourceLocation } from '../diagnostics/index.js';

export interface DocumentEntry {
  document: unknown;
  file?: string;
  /** Pointer of the document inside its file. */
  pointer?: string;
  locate?: (pointer: string) => SourceLocation | undefined;
}

export type DocumentInput = unknown | DocumentEntry;

export function isDocumentEntry(v: unknown): v is DocumentEntry {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, 'document') && !Object.hasOwn(v, 'properties');
}

export function toEntry(v: DocumentInput): DocumentEntry {
  return isDocumentEntry(v) ? v : { document: v };
}

/** Stored id of a definition, or the built-in form of its name when it has no id. */
export function definitionId(doc: unknown, fallbackName: string, kind: 'policyDefinitions' | 'policySetDefinitions'): string {
  if (typeof doc === 'object' && doc !== null) {
    const d = doc as Record<string, unknown>;
    if (typeof d['id'] === 'string' && d['id'] !== '') return d['id'];
    if (typeof d['name'] === 'string' && d['name'] !== '') return `/providers/Microsoft.Authorization/${kind}/${d['name']}`;
  }
  return `/providers/Microsoft.Authorization/${kind}/${fallbackName}`;
}
