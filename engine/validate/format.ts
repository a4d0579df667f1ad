// Output of `dine validate`: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning (one rule per
// diagnostic code, one result per finding with file:line:column and the JSON pointer). Deterministic bytes.
import { CODES, type Diagnostic } from '../diagnostics/index.js';
import type { CodeEntry } from '../diagnostics/codes.js';
import { fileUri } from '../report/sarif.js';
import type { ValidationResult } from './validate.js';

export const VALIDATE_FORMATS = Object.freeze(['text', 'json', 'sarif'] as const);
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

function where(d: Diagnostic): string {
  const s = d.source;
  return s === undefined ? '' : `${s.file}:${s.line}:${s.column}: `;
}

export function formatValidationText(result: ValidationResult): string {
  const lines: string[] = [];
  for (const d of result.findings) {
    lines.push(`${where(d)}${d.severity} ${d.code}: ${d.message}${d.pointer !== undefined ? ` (at ${d.pointer || '/'})` : ''}`);
    if (d.hint !== undefined) lines.push(`  hint: ${d.hint}`);
  }
  const s = result.summary;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'note')} in ${plural(s.documents, 'document')} (${plural(s.files, 'file')})`);
  return lines.join('\n') + '\n';
}

export function formatValidationJson(result: ValidationResult): string {
  return JSON.stringify({ summary: result.summary, documents: result.documents, findings: result.findings }, null, 2) + '\n';
}

export const VALIDATE_SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function level(d: Diagnostic): 'error' | 'warning' | 'note' {
  return d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'note';
}

export function buildValidationSarif(result: ValidationResult, toolVersion?: string): Record<string, unknown> {
  const codes = [...new Set(result.findings.map((f) => f.code))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  const rules = codes.map((code) => {
    const entry: CodeEntry = CODES[code];
    const rule: Record<string, unknown> = {
      id: code,
      name: code.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
      shortDescription: { text: entry.message.replace(/\{(\w+)\}/g, '<$1>') },
      defaultConfiguration: { level: entry.severity === 'error' ? 'error' : entry.severity === 'warning' ? 'warning' : 'note' },
    };
    if (entry.hint !== undefined) rule['help'] = { text: entry.hint };
    return rule;
  });
  const results = result.findings.map((d) => {
    const r: Record<string, unknown> = {
      ruleId: d.code,
      ruleIndex: index.get(d.code),
      level: level(d),
      message: { text: d.hint !== undefined ? `${d.message}. ${d.hint}` : d.message },
    };
    if (d.source !== undefined) {
      r['locations'] = [
        {
          physicalLocation: {
            artifactLocation: { uri: fileUri(d.source.file) },
            region: { startLine: Math.max(1, d.source.line), startColumn: Math.max(1, d.source.column) },
          },
          ...(d.pointer !== undefined ? { logicalLocations: [{ fullyQualifiedName: d.pointer || '/', kind: 'member' }] } : {}),
        },
      ];
    }
    if (d.pointer !== undefined) r['properties'] = { pointer: d.pointer };
    return r;
  });
  const driver: Record<string, unknown> = { name: 'dine', rules };
  if (toolVersion !== undefined) driver['version'] = toolVersion;
  return {
    $schema: VALIDATE_SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver }, results, columnKind: 'utf16CodeUnits' }],
  };
}

export function formatValidation(result: ValidationResult, format: ValidateFormat, toolVersion?: string): string {
  if (format === 'json') return formatValidationJson(result);
  if (format === 'sarif') return JSON.stringify(buildValidationSarif(result, toolVersion), null, 2) + '\n';
  return formatValidationText(result);
}
