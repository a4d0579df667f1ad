// diagnostics/: the error-code catalogue, the Diagnostic value and JSON Pointer helpers. Imports nothing else.
export * from './codes.js';
export * from './diagnostic.js';
export * from './pointer.js';
