// Loads the package's own alias catalogue asset (engine/aliases/catalogue.json.gz). This is the package's data,
// not user I/O: the one file read outside load/ and cli/, kept here so the rest of aliases/ stays pure.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The compiled module runs from dist/engine/aliases/, the asset stays in engine/aliases/ (package.json
 * "files" ships it there); a copy next to the module is the fallback for bundlers and flat installs.
 */
const CANDIDATES = ['../../../engine/aliases/catalogue.json.gz', './catalogue.json.gz'];

/** Reads and parses the committed catalogue asset. Throws when the package is incomplete. */
export function readCatalogueAsset(): unknown {
  let lastError: unknown;
  for (const rel of CANDIDATES) {
    try {
      return JSON.parse(gunzipSync(readFileSync(new URL(rel, import.meta.url))).toString('utf8'));
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`dine: the alias catalogue asset engine/aliases/catalogue.json.gz is missing or corrupt (${String(lastError)})`);
}
