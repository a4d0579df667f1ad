// model/: data shapes only (resources, definitions, results). No logic, imports only diagnostics types.
export * from './resource.js';
export * from './results.js';
export * from './values.js';
export * from './report.js';
export * from './trace.js';
