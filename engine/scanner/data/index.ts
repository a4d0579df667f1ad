// scanner/data/: facts about Defender for Cloud's integrated Qualys scanner (OS support matrix, regions → Qualys data centre, on-demand scan commands) as frozen data. Imports nothing.
export * from './support-matrix.js';
export * from './data-centres.js';
export * from './scan-commands.js';
