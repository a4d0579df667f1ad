// schemas/: JSON Schemas (ajv, draft-07) of Azure's policy document formats, in Azure's canonical key spelling.
export * from './annotations.js';
export * from './condition.js';
export * from './parameters.js';
export * from './selectors.js';
export * from './documents.js';
