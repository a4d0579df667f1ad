// load/: the only disk reader — files, directories, globs; JSON / NDJSON / YAML; ARM and Resource Graph snapshots.
export * from './source.js';
export * from './snapshot.js';
