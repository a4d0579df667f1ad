// `json`: the ComplianceReport itself, 2-space indented. Byte-identical for the same report (the report's own
// order is deterministic; the only timestamp is report.evaluatedAt, which the caller chose).
import type { ComplianceReport } from '../model/index.js';

export function formatJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * formatJson's text in pieces, record by record: the same bytes, for reports whose text is longer than one string
 * can be (≈ 2.5 GB at 10^6 resources; V8 strings stop at 512 MiB). Top-level arrays are written element by element,
 * each element (and every other top-level value) by JSON.stringify with its indentation shifted: JSON text has no
 * raw line breaks inside strings, so shifting every line break is exact.
 */
export function* jsonChunks(report: ComplianceReport): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    const head = `  ${JSON.stringify(key)}: `;
    const tail = i < entries.length - 1 ? ',\n' : '\n';
    if (!Array.isArray(value) || value.length === 0) {
      yield head + shift(JSON.stringify(value, null, 2), '  ') + tail;
      continue;
    }
    yield `${head}[\n`;
    for (let j = 0; j < value.length; j++) {
      const text = JSON.stringify(value[j], null, 2) ?? 'null';
      yield `    ${shift(text, '    ')}${j < value.length - 1 ? ',\n' : '\n'}`;
    }
    yield `  ]${tail}`;
  }
  yield '}\n';
}

function shift(text: string, indent: string): string {
  return text.indexOf('\n') === -1 ? text : text.replaceAll('\n', `\n${indent}`);
}
