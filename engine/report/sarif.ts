// `sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//   - one rule per policy definition that has a finding: id = the definition id, name = its display name,
//     fullDescription / help = its description (from options.definitions; the display name when absent);
//   - one result per NonCompliant record (level 'error', kind 'fail'), and one per Error / Conflict record (level
//     'error', message starting "Evaluation error") — the evaluation could not decide, which a gate must not pass;
//   - the location is the snapshot file of the resource and its line (ComplianceRecord.source), plus the resource
//     id as a logical location; message = the first reason;
//   - report diagnostics become the invocation's toolExecutionNotifications.
// Deterministic: rules sorted by id, results in report order, fingerprints are hashes of the record's identity.
import { jsonDocumentChunks } from './json-chunks.js';
import { createHash } from 'node:crypto';
import type { Diagnostic, SourceLocation } from '../diagnostics/index.js';
import type { ComplianceRecord, ComplianceReport, SourceRef } from '../model/index.js';
import { describeReason, firstReason, indexDefinitions, isFinding, lastSegment } from './describe.js';
import type { ReportFormatOptions } from './types.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

type Json = Record<string, unknown>;

/** A file name as given → a URI reference: relative paths stay relative (forward slashes), absolute ones become file: URIs. */
export function fileUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  const encode = (p: string): string => encodeURI(p).replace(/[?#]/g, (c) => encodeURIComponent(c));
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${encode(slashed)}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed.replace(/^\.\//, ''));
}

function physicalLocation(file: string, line: number | undefined, column: number | undefined): Json {
  const loc: Json = { artifactLocation: { uri: fileUri(file) } };
  if (line !== undefined && line >= 1) {
    const region: Json = { startLine: line };
    if (column !== undefined && column >= 1) region['startColumn'] = column;
    loc['region'] = region;
  }
  return loc;
}

function recordLocation(r: ComplianceRecord): Json {
  const loc: Json = {};
  const src: SourceRef | undefined = r.source;
  if (src !== undefined && src.file !== undefined && src.file !== '') loc['physicalLocation'] = physicalLocation(src.file, src.line, src.column);
  loc['logicalLocations'] = [{ name: lastSegment(r.resourceId), fullyQualifiedName: r.resourceId, kind: 'resource' }];
  return loc;
}

function fingerprint(r: ComplianceRecord): string {
  const identity = [r.policyAssignmentId, r.policyDefinitionReferenceId ?? '', r.policyDefinitionId, r.resourceId].join('|').toLowerCase();
  return createHash('sha256').update(identity).digest('hex');
}

function notification(d: Diagnostic): Json {
  const n: Json = {
    level: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'note',
    message: { text: d.hint !== undefined ? `${d.message} ${d.hint}` : d.message },
    descriptor: { id: d.code },
  };
  const src: SourceLocation | undefined = d.source;
  if (src !== undefined) n['locations'] = [{ physicalLocation: physicalLocation(src.file, src.line, src.column) }];
  if (d.pointer !== undefined) n['properties'] = { pointer: d.pointer };
  return n;
}

export function buildSarif(report: ComplianceReport, options: ReportFormatOptions = {}): Json {
  const infos = indexDefinitions(options.definitions);
  const findings = report.results.filter(isFinding);

  const ruleIds = new Map<string, ComplianceRecord>();
  for (const r of findings) if (!ruleIds.has(r.policyDefinitionId.toLowerCase())) ruleIds.set(r.policyDefinitionId.toLowerCase(), r);
  const sortedKeys = [...ruleIds.keys()].sort();
  const ruleIndex = new Map(sortedKeys.map((k, i) => [k, i]));
  const rules = sortedKeys.map((k) => {
    const r = ruleIds.get(k)!;
    const info = infos.get(k);
    const name = info?.name ?? r.policyDefinitionName ?? lastSegment(r.policyDefinitionId);
    const displayName = info?.displayName ?? r.policyDefinitionDisplayName ?? name;
    const description = info?.description ?? displayName;
    return {
      id: r.policyDefinitionId,
      name: displayName,
      shortDescription: { text: displayName },
      fullDescription: { text: description },
      help: { text: description },
      defaultConfiguration: { level: 'error' },
      properties: { policyDefinitionName: name, tags: ['azure-policy'] },
    };
  });

  const results = findings.map((r) => {
    const evaluationError = r.complianceState !== 'NonCompliant';
    const reason = firstReason(r);
    const properties: Json = {
      complianceState: r.complianceState,
      effect: r.effect,
      resourceId: r.resourceId,
      resourceType: r.resourceType,
      policyAssignmentId: r.policyAssignmentId,
    };
    if (r.policySetDefinitionId !== undefined) properties['policySetDefinitionId'] = r.policySetDefinitionId;
    if (r.policyDefinitionReferenceId !== undefined) properties['policyDefinitionReferenceId'] = r.policyDefinitionReferenceId;
    if (r.nonComplianceMessage !== undefined) properties['nonComplianceMessage'] = r.nonComplianceMessage;
    if (r.reasons.length > 1) properties['reasons'] = r.reasons.map(describeReason);
    return {
      ruleId: r.policyDefinitionId,
      ruleIndex: ruleIndex.get(r.policyDefinitionId.toLowerCase())!,
      level: 'error',
      kind: 'fail',
      message: { text: evaluationError ? `Evaluation error (${r.complianceState}) on ${r.resourceId}: ${reason}` : reason },
      locations: [recordLocation(r)],
      partialFingerprints: { 'dineResult/v1': fingerprint(r) },
      properties,
    };
  });

  const driver: Json = { name: 'dine', rules };
  if (options.toolVersion !== undefined) {
    driver['version'] = options.toolVersion;
    driver['semanticVersion'] = options.toolVersion;
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.diagnostics.map(notification) }],
        columnKind: 'utf16CodeUnits',
        results,
        properties: { evaluatedAt: report.evaluatedAt, records: report.summary.records, compliancePercentage: report.summary.compliancePercentage ?? null },
      },
    ],
  };
}

export function formatSarif(report: ComplianceReport, options: ReportFormatOptions = {}): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}

/** formatSarif's text in pieces (the same bytes), for logs longer than one string can be. */
export function sarifChunks(report: ComplianceReport, options: ReportFormatOptions = {}): Iterable<string> {
  return jsonDocumentChunks(buildSarif(report, options));
}
