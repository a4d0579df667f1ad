// One entry point for a document of any kind: classify, then parse with the kind's parser.
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { classifyDocument } from './classify.js';
import { parseAssignment } from './assignment.js';
import { parseDefinition, type ParseOptions } from './definition.js';
import { parseExemption } from './exemption.js';
import { parsePolicySet } from './policySet.js';
import type { PolicyDocument } from './types.js';

export interface ParsedDocument {
  document?: PolicyDocument;
  diagnostics: Diagnostic[];
}

/** Classifies one document and parses it; 'load.unknown-document' when its kind cannot be told. */
export function parseDocument(value: unknown, options: ParseOptions = {}): ParsedDocument {
  switch (classifyDocument(Array.isArray(value) ? undefined : value)) {
    case 'policyDefinition': {
      const r = parseDefinition(value, options);
      return r.definition ? { document: r.definition, diagnostics: r.diagnostics } : { diagnostics: r.diagnostics };
    }
    case 'policySetDefinition': {
      const r = parsePolicySet(value, options);
      return r.policySet ? { document: r.policySet, diagnostics: r.diagnostics } : { diagnostics: r.diagnostics };
    }
    case 'policyAssignment': {
      const r = parseAssignment(value, options);
      return r.assignment ? { document: r.assignment, diagnostics: r.diagnostics } : { diagnostics: r.diagnostics };
    }
    case 'policyExemption': {
      const r = parseExemption(value, options);
      return r.exemption ? { document: r.exemption, diagnostics: r.diagnostics } : { diagnostics: r.diagnostics };
    }
    default: {
      const pointer = options.pointerBase ?? '';
      const source = options.locate?.(pointer);
      const reason = Array.isArray(value) ? 'it is an array (use listDocuments for files of several documents)' : 'it has none of policyRule, policyDefinitions, policyDefinitionId with a scope, policyAssignmentId';
      return { diagnostics: [diagnostic('load.unknown-document', { reason }, source ? { pointer, source } : { pointer })] };
    }
  }
}
