// Generated estates on disk for the scale and merge tests (a temporary directory per process).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEstate, serializeEstate, type EstateFormat, type GenerateEstateOptions } from '../../engine/generate/index.js';

export const TMP = mkdtempSync(join(tmpdir(), 'dine-scale-'));

export async function writeEstate(name: string, options: GenerateEstateOptions, format: EstateFormat = 'ndjson'): Promise<string> {
  let text = '';
  for await (const chunk of serializeEstate(generateEstate(options), format)) text += chunk;
  const file = join(TMP, `${name}.${format}`);
  writeFileSync(file, text);
  return file;
}

export function writeText(name: string, text: string): string {
  const file = join(TMP, name);
  writeFileSync(file, text);
  return file;
}
