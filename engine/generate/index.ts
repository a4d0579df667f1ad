// generate/: a seeded, streaming generator of estate snapshots (raw ARM resources) for tests and benchmarks, and the demo estate builder. Imports scanner/data only.
export * from './prng.js';
export * from './shapes.js';
export * from './estate.js';
export * from './serialize.js';
