// Turns a stream of resources into text chunks (NDJSON lines or one JSON array), without holding the estate.
import type { RawResource } from './shapes.js';

export type EstateFormat = 'ndjson' | 'json';

/**
 * Yields the text of the estate in chunks of about `chunkSize` characters. NDJSON: one resource per line.
 * JSON: `[` … `]` with one resource per line, so the file is both valid JSON and easy to diff.
 */
export async function* serializeEstate(
  resources: AsyncIterable<RawResource>,
  format: EstateFormat,
  chunkSize = 1 << 16,
): AsyncGenerator<string, void, undefined> {
  let buffer = format === 'json' ? '[\n' : '';
  let first = true;
  for await (const r of resources) {
    const line = JSON.stringify(r);
    if (format === 'json') buffer += (first ? '' : ',\n') + line;
    else buffer += line + '\n';
    first = false;
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }
  if (format === 'json') buffer += first ? ']\n' : '\n]\n';
  if (buffer.length > 0) yield buffer;
}
