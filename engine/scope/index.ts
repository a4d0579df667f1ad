// scope/: ARM resource ids (parse, format, containment), ResourceView construction and the MG → subscription → RG tree.
export * from './resource-id.js';
export * from './view.js';
export * from './hierarchy.js';
