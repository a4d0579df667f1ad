// parse/: definitions, initiatives, assignments, exemptions → validated plain objects (ajv schemas), every fault a located Diagnostic.
export * from './types.js';
export { classifyDocument, listDocuments, type DocumentEntry } from './classify.js';
export { parseDefinition, type ParseOptions } from './definition.js';
export { parsePolicySet } from './policySet.js';
export { parseAssignment } from './assignment.js';
export { parseExemption } from './exemption.js';
export { parseDocument, type ParsedDocument } from './parseDocument.js';
export type { DocumentKind, PositionOptions } from './validate.js';
export {
  CONDITION_OPERATORS, LOGICAL_OPERATORS, PARAMETER_TYPES, RESOURCE_MANAGER_MODES, getMember, canonicalKeyword,
} from './keywords.js';
export { MAX_CONDITION_DEPTH, MAX_DOCUMENT_DEPTH, MAX_IF_CONDITIONS, MAX_THEN_CONDITIONS } from './limits.js';
