// Declarative policy tests: a test file (YAML or JSON, `*.test.yaml` / `*.test.json`) names a definition or an
// initiative, its parameters, resources and related resources (inline or files), and the expected result per
// resource — state, effect, reasons (subset match), deployment parameters and, for deployIfNotExists, the
// deployment as a golden file. Every case is evaluated exactly as `dine evaluate` would (compilePolicy /
// compilePolicySet, evaluateResource with the related-resource index), and condition coverage (which leaves
// of each rule were seen true and false) is collected from traced runs. No I/O here: the host reads and writes.
import * as path from 'node:path';
import { PolicyError, diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/index.js';
import { parseSourceText } from '../load/source.js';
import { compilePolicy, definitionBody, type CompiledPolicy } from '../compile/policy.js';
import { compilePolicySet } from '../compile/policy-set.js';
import { RelatedIndex, type RelatedLookup } from '../effects/existence.js';
import { evaluateDeploymentParameters, evaluateResource, modeAccepts } from '../evaluate/resource.js';
import type { EvaluationContext } from '../evaluate/runtime.js';
import { viewOf } from '../evaluate/rule.js';
import { getMember, isObject } from '../parse/keywords.js';
import type { AssignmentDoc } from '../parse/types.js';
import { buildDeployment } from '../remediation/deployment.js';
import type { ComplianceRecord, RawResource, Reason, ResourceView, RuleEvaluation } from '../model/index.js';
import { traceCondition } from '../explain/explain.js';
import { visitLeaves } from '../validate/checks.js';

export interface TestHost {
  readFile(file: string): Promise<string>;
  /** Needed only to write golden files (--update-golden). */
  writeFile?(file: string, text: string): Promise<void>;
}

export interface RunTestOptions {
  /** Write missing or different golden deployments instead of failing. */
  updateGolden?: boolean;
}

export interface CaseResult {
  name: string;
  /** The initiative member (reference id) the expectation is about; absent for a definition. */
  member?: string;
  passed: boolean;
  failures: string[];
  /** What evaluation gave. */
  actual?: { complianceState: string; effect: string };
}

export interface LeafCoverage {
  pointer: string;
  true: boolean;
  false: boolean;
}

export interface RuleCoverage {
  /** The definition id (or its file when it has none). */
  policy: string;
  displayName?: string;
  leaves: LeafCoverage[];
}

export interface TestFileResult {
  file: string;
  policy: string;
  cases: CaseResult[];
  /** Faults of the test file itself (unreadable, bad shape, policy does not compile). */
  diagnostics: Diagnostic[];
  coverage: RuleCoverage[];
}

type Obj = Record<string, unknown>;

interface Expectation {
  state?: string;
  effect?: string;
  applies?: boolean;
  reasons?: unknown[];
  deploymentParameters?: Obj;
  deployment?: string;
}

interface TestSubject {
  /** refId → compiled policy (a definition: one entry with key ''). */
  members: Map<string, { policy: CompiledPolicy; definition: unknown; definitionId: string; setId?: string }>;
  isSet: boolean;
}

const TEST_FILE = /\.test\.(ya?ml|json)$/i;

export function isPolicyTestFile(file: string): boolean {
  return TEST_FILE.test(file);
}

function fail(file: string, reason: string): Diagnostic {
  return diagnostic('test.invalid-file', { reason }, { source: { file, line: 1, column: 1 } });
}

async function readValue(host: TestHost, file: string): Promise<unknown> {
  const text = await host.readFile(file);
  const parsed = parseSourceText(text, file);
  if (parsed.value === undefined) throw new PolicyError(parsed.diagnostics);
  return parsed.value;
}

/** Resources given inline or as file paths (a file may hold one resource, an array, or an ARM list). */
async function resources(host: TestHost, base: string, v: unknown): Promise<RawResource[]> {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  const out: RawResource[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      const value = await readValue(host, path.resolve(base, item));
      const values = Array.isArray(value) ? value : isObject(value) && Array.isArray(value['value']) ? (value['value'] as unknown[]) : [value];
      for (const x of values) out.push(x as RawResource);
    } else out.push(item as RawResource);
  }
  return out;
}

function lowerKeys(o: unknown): Obj {
  return isObject(o) ? o : {};
}

/** Deep subset: every member of `expected` is in `actual`; arrays: every expected element matches some actual one. */
export function subsetMatch(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    return expected.every((e) => actual.some((a) => subsetMatch(e, a)));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return false;
    return Object.keys(expected).every((k) => Object.hasOwn(actual, k) && subsetMatch(expected[k], actual[k]));
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/** The reasons a case may assert on: the top-level reasons and those of every related resource considered. */
function flatReasons(reasons: readonly Reason[]): Reason[] {
  const out: Reason[] = [];
  for (const r of reasons) {
    out.push(r);
    for (const c of r.relatedResources ?? []) out.push(...c.reasons);
  }
  return out;
}

function sameWord(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The part of a deployment a golden file holds: target, parameters, roles and the resources it creates. */
export function deploymentGolden(d: Exclude<ReturnType<typeof buildDeployment>, { error: unknown }>): Obj {
  return {
    scope: d.scope,
    deploymentScope: d.deploymentScope,
    ...(d.location !== undefined ? { location: d.location } : {}),
    mode: d.properties.mode,
    parameters: d.properties.parameters,
    roleDefinitionIds: d.roleAssignments.map((r) => r.roleDefinitionId),
    resources: (d.expansion?.resources ?? []).map((r) => ({ id: r.id, type: r.type, ...(r.apiVersion !== undefined ? { apiVersion: r.apiVersion } : {}) })),
  };
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

async function loadSubject(host: TestHost, file: string, doc: Obj, diagnostics: Diagnostic[]): Promise<{ subject?: TestSubject; policyRef: string }> {
  const base = path.dirname(file);
  const policyRef = doc['policy'];
  if (typeof policyRef !== 'string') {
    diagnostics.push(fail(file, '"policy" (the path of the definition or initiative under test) is required'));
    return { policyRef: '' };
  }
  const policyFile = path.resolve(base, policyRef);
  const parameters = lowerKeys(doc['parameters']);
  let value: unknown;
  let locate: (p: string) => SourceLocation | undefined = () => undefined;
  try {
    const text = await host.readFile(policyFile);
    const parsed = parseSourceText(text, policyFile);
    if (parsed.value === undefined) {
      diagnostics.push(...parsed.diagnostics);
      return { policyRef };
    }
    value = parsed.value;
    locate = parsed.locate;
  } catch (e) {
    diagnostics.push(fail(file, `cannot read ${policyRef}: ${(e as Error).message}`));
    return { policyRef };
  }
  const envelope = isObject(value) ? value : {};
  const props = isObject(getMember(envelope, 'properties')?.value) ? (getMember(envelope, 'properties')!.value as Obj) : envelope;
  const id = typeof getMember(envelope, 'id')?.value === 'string' ? (getMember(envelope, 'id')!.value as string) : policyRef;
  const members: TestSubject['members'] = new Map();
  try {
    if (getMember(props, 'policyDefinitions') !== undefined) {
      const defs = new Map<string, unknown>();
      const list = doc['definitions'];
      for (const ref of Array.isArray(list) ? list : []) {
        if (typeof ref !== 'string') continue;
        const v = await readValue(host, path.resolve(base, ref));
        for (const d of Array.isArray(v) ? v : [v]) {
          const did = isObject(d) ? getMember(d, 'id')?.value : undefined;
          if (typeof did === 'string') defs.set(did.toLowerCase(), d);
        }
      }
      const set = compilePolicySet(value, { parameters, resolveDefinition: (x) => defs.get(x.toLowerCase()), locate });
      for (const m of set.members) {
        if (m.policy === undefined) {
          diagnostics.push(...m.diagnostics.filter((x) => x.severity === 'error'));
          if (!m.diagnostics.some((x) => x.severity === 'error')) diagnostics.push(fail(file, `member ${m.referenceId} (${m.policyDefinitionId}) is not among "definitions"`));
          continue;
        }
        members.set(m.referenceId.toLowerCase(), { policy: m.policy, definition: defs.get(m.policyDefinitionId.toLowerCase()), definitionId: m.policyDefinitionId, setId: id });
      }
      return { subject: { members, isSet: true }, policyRef };
    }
    const policy = compilePolicy(value, { parameters, locate });
    members.set('', { policy, definition: value, definitionId: id });
    return { subject: { members, isSet: false }, policyRef };
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    diagnostics.push(...e.diagnostics);
    return { policyRef };
  }
}

/** Per-definition coverage bookkeeping shared by all files of a run. */
export class CoverageCollector {
  private readonly rules = new Map<string, { displayName?: string; leaves: Map<string, LeafCoverage> }>();

  register(id: string, definition: unknown, displayName?: string): void {
    const key = id.toLowerCase();
    if (this.rules.has(key)) return;
    const leaves = new Map<string, LeafCoverage>();
    const unwrapped = definitionBody(definition);
    if (unwrapped !== undefined) {
      const rule = getMember(unwrapped.body, 'policyRule');
      if (rule !== undefined && isObject(rule.value)) {
        const rp = `${unwrapped.pointer}/${rule.key}`;
        const add = (root: unknown, p: string): void =>
          visitLeaves(root, p, undefined, ({ pointer }) => {
            // Leaves inside a count's where are summarised by the count itself (not traced one by one).
            if (!/\/count\/where(\/|$)/i.test(pointer)) leaves.set(pointer, { pointer, true: false, false: false });
          });
        const cond = getMember(rule.value, 'if');
        if (cond !== undefined) add(cond.value, `${rp}/${cond.key}`);
        const then = getMember(rule.value, 'then');
        const details = then !== undefined ? getMember(then.value, 'details') : undefined;
        const ec = details !== undefined && isObject(details.value) ? getMember(details.value, 'existenceCondition') : undefined;
        if (then !== undefined && details !== undefined && ec !== undefined) add(ec.value, `${rp}/${then.key}/${details.key}/${ec.key}`);
      }
    }
    this.rules.set(key, { ...(displayName !== undefined ? { displayName } : {}), leaves });
    this.ids.set(key, id);
  }

  private readonly ids = new Map<string, string>();

  record(id: string, pointer: string, result: boolean): void {
    const leaf = this.rules.get(id.toLowerCase())?.leaves.get(pointer);
    if (leaf === undefined) return;
    if (result) leaf.true = true;
    else leaf.false = true;
  }

  report(): RuleCoverage[] {
    return [...this.rules.keys()].sort().map((k) => {
      const r = this.rules.get(k)!;
      return { policy: this.ids.get(k)!, ...(r.displayName !== undefined ? { displayName: r.displayName } : {}), leaves: [...r.leaves.values()].sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0)) };
    });
  }
}

/** Covered outcomes / (2 × leaves), as a percentage with one decimal; 100 for rules without leaves. */
export function coveragePercent(rules: readonly RuleCoverage[]): number {
  let seen = 0;
  let all = 0;
  for (const r of rules) for (const l of r.leaves) {
    all += 2;
    seen += (l.true ? 1 : 0) + (l.false ? 1 : 0);
  }
  return all === 0 ? 100 : Math.round((seen / all) * 1000) / 10;
}

function relatedLookup(views: ResourceView[], given: boolean, complete: boolean): RelatedLookup | undefined {
  if (!given && !complete) return undefined;
  const index = new RelatedIndex(views);
  return complete ? { knows: () => true, find: (q) => index.find(q) } : index;
}

function toView(raw: RawResource, what: string, failures: string[]): ResourceView | undefined {
  const v = viewOf(raw);
  if ('code' in v && 'message' in v && !('raw' in v)) {
    failures.push(`${what}: ${(v as Diagnostic).message}`);
    return undefined;
  }
  return v as ResourceView;
}

export async function runPolicyTestFile(file: string, host: TestHost, options: RunTestOptions = {}, coverage: CoverageCollector = new CoverageCollector()): Promise<TestFileResult> {
  const diagnostics: Diagnostic[] = [];
  const result: TestFileResult = { file, policy: '', cases: [], diagnostics, coverage: [] };
  let doc: Obj;
  try {
    const v = await readValue(host, file);
    if (!isObject(v)) {
      diagnostics.push(fail(file, 'a test file is an object with "policy" and "cases"'));
      return result;
    }
    doc = v;
  } catch (e) {
    if (e instanceof PolicyError) diagnostics.push(...e.diagnostics);
    else diagnostics.push(fail(file, (e as Error).message));
    return result;
  }
  const { subject: suiteSubject, policyRef } = await loadSubject(host, file, doc, diagnostics);
  result.policy = policyRef;
  const variants = new Map<string, TestSubject | Diagnostic[]>();
  const cases = doc['cases'];
  if (!Array.isArray(cases) || cases.length === 0) diagnostics.push(fail(file, '"cases" must be a non-empty list'));
  if (suiteSubject === undefined || !Array.isArray(cases)) return result;
  for (const m of suiteSubject.members.values()) coverage.register(m.definitionId, m.definition, m.policy.displayName);

  const base = path.dirname(file);
  let suiteRelated: RawResource[] = [];
  try {
    suiteRelated = await resources(host, base, doc['related']);
  } catch (e) {
    diagnostics.push(fail(file, `related: ${(e as Error).message}`));
    return result;
  }
  const suiteContext = lowerKeys(doc['context']) as EvaluationContext;
  const assignmentDefaults = lowerKeys(doc['assignment']);

  for (const [i, c] of cases.entries()) {
    const tc = lowerKeys(c);
    const name = typeof tc['name'] === 'string' ? tc['name'] : `case ${i + 1}`;
    const failures: string[] = [];
    let resource: RawResource | undefined;
    let related: RawResource[] = [];
    try {
      const r = await resources(host, base, tc['resource']);
      if (r.length !== 1) failures.push('"resource" must be one resource (inline or a file)');
      else resource = r[0];
      // A case's own `related` replaces the file's.
      related = tc['related'] !== undefined ? await resources(host, base, tc['related']) : suiteRelated;
    } catch (e) {
      failures.push(`cannot read the case's resources: ${(e as Error).message}`);
    }
    const view = resource === undefined ? undefined : toView(resource, 'resource', failures);
    const relatedViews = related.flatMap((r) => toView(r, 'related resource', failures) ?? []);
    const complete = tc['complete'] === true || (tc['complete'] === undefined && doc['complete'] === true);
    const lookup = relatedLookup(relatedViews, doc['related'] !== undefined || tc['related'] !== undefined, complete);
    const context: EvaluationContext = { ...suiteContext, ...lowerKeys(tc['context']) };
    const expect = lowerKeys(tc['expect']);
    // Case parameters are merged over the file's and compiled once per distinct set.
    let subject = suiteSubject;
    if (isObject(tc['parameters'])) {
      const merged = { ...lowerKeys(doc['parameters']), ...tc['parameters'] };
      const key = JSON.stringify(merged);
      let hit = variants.get(key);
      if (hit === undefined) {
        const caseDiagnostics: Diagnostic[] = [];
        hit = (await loadSubject(host, file, { ...doc, parameters: merged }, caseDiagnostics)).subject ?? caseDiagnostics;
        variants.set(key, hit);
      }
      if (Array.isArray(hit)) {
        result.cases.push({ name, passed: false, failures: hit.map((d) => `${d.code}: ${d.message}`) });
        continue;
      }
      subject = hit;
    }
    // Initiatives: expectations per member; a definition: one expectation.
    const targets: [string, Expectation][] = subject.isSet
      ? Object.entries(lowerKeys(expect['members'])).map(([k, v]) => [k, lowerKeys(v) as Expectation])
      : [['', expect as Expectation]];
    if (subject.isSet && targets.length === 0) failures.push('an initiative case needs expect.members: { <referenceId>: { state, … } }');
    if (view === undefined || failures.length > 0) {
      result.cases.push({ name, passed: false, failures });
      continue;
    }
    // Coverage: every member's if (traced) and existence conditions, whether asserted or not.
    const evaluations = new Map<string, RuleEvaluation>();
    for (const [key, m] of subject.members) {
      const ev = evaluateResource(m.policy, view, { ...(lookup ? { related: lookup } : {}), context, explain: true });
      evaluations.set(key, ev);
      if (m.policy.effect.family !== 'disabled' && modeAccepts(m.policy, view)) {
        const t = traceCondition(m.policy, view, context);
        for (const e of t.trace) coverage.record(m.definitionId, e.pointer, e.result);
      }
      for (const r of flatReasons(ev.reasons)) if (r.pointer !== undefined && r.result !== undefined && r.kind === 'condition') coverage.record(m.definitionId, r.pointer, r.result);
    }
    for (const [memberKey, ex] of targets) {
      const m = subject.members.get(memberKey.toLowerCase());
      const caseFailures = [...failures];
      if (m === undefined) {
        result.cases.push({ name, member: memberKey, passed: false, failures: [`no member "${memberKey}" in the initiative (members: ${[...subject.members.keys()].join(', ')})`] });
        continue;
      }
      const ev = evaluations.get(memberKey.toLowerCase())!;
      await checkExpectation(ex, ev, m, view, context, assignmentDefaults, base, host, options, caseFailures);
      result.cases.push({ name, ...(subject.isSet ? { member: memberKey } : {}), passed: caseFailures.length === 0, failures: caseFailures, actual: { complianceState: ev.complianceState, effect: ev.effect } });
    }
  }
  result.coverage = coverage.report().filter((r) => [...suiteSubject.members.values()].some((m) => m.definitionId.toLowerCase() === r.policy.toLowerCase()));
  return result;
}

async function checkExpectation(
  ex: Expectation,
  ev: RuleEvaluation,
  m: { policy: CompiledPolicy; definitionId: string; setId?: string },
  view: ResourceView,
  context: EvaluationContext,
  assignmentDefaults: Obj,
  base: string,
  host: TestHost,
  options: RunTestOptions,
  failures: string[],
): Promise<void> {
  if (ex.state === undefined && ex.effect === undefined && ex.reasons === undefined && ex.deployment === undefined && ex.deploymentParameters === undefined && ex.applies === undefined) {
    failures.push('the case expects nothing (give state, effect, reasons, applies, deploymentParameters or deployment)');
  }
  const firstReason = ev.reasons.find((r) => r.kind !== 'condition') ?? ev.reasons[0];
  const why = firstReason !== undefined ? ` (${firstReason.message})` : '';
  if (ex.state !== undefined && !sameWord(String(ex.state), ev.complianceState)) failures.push(`state: expected ${ex.state}, got ${ev.complianceState}${why}`);
  if (ex.effect !== undefined && !sameWord(String(ex.effect), ev.effect)) failures.push(`effect: expected ${ex.effect}, got ${ev.effect}`);
  if (ex.applies !== undefined && ex.applies !== ev.applies) failures.push(`applies: expected ${ex.applies}, got ${ev.applies}`);
  if (ex.reasons !== undefined) {
    const all = flatReasons(ev.reasons);
    for (const r of Array.isArray(ex.reasons) ? ex.reasons : [ex.reasons]) {
      if (!all.some((a) => subsetMatch(r, a))) failures.push(`reasons: none matches ${JSON.stringify(r)}; got ${JSON.stringify(all.map((a) => a.message))}`);
    }
  }
  if (ex.deploymentParameters !== undefined) {
    try {
      const p = evaluateDeploymentParameters(m.policy, view, context).parameters;
      const values = Object.fromEntries(Object.keys(p).map((k) => [k, p[k]!.value]));
      if (!subsetMatch(ex.deploymentParameters, values)) failures.push(`deploymentParameters: expected ${JSON.stringify(ex.deploymentParameters)}, got ${JSON.stringify(values)}`);
    } catch (e) {
      failures.push(`deploymentParameters: ${(e as Error).message}`);
    }
  }
  if (ex.deployment !== undefined) {
    const golden = path.resolve(base, String(ex.deployment));
    const sub = view.subscriptionId ?? '00000000-0000-0000-0000-000000000000';
    const scope = typeof assignmentDefaults['scope'] === 'string' ? assignmentDefaults['scope'] : `/subscriptions/${sub}`;
    const assignmentId = typeof assignmentDefaults['id'] === 'string' ? assignmentDefaults['id'] : `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/policyAssignments/dine-test`;
    const record: ComplianceRecord = {
      resourceId: view.id,
      resourceType: view.type,
      policyAssignmentId: assignmentId,
      policyAssignmentScope: scope,
      policyDefinitionId: m.definitionId,
      ...(m.setId !== undefined ? { policySetDefinitionId: m.setId } : {}),
      effect: ev.effect,
      complianceState: ev.complianceState,
      reasons: ev.reasons,
    };
    const assignment: AssignmentDoc = {
      kind: 'policyAssignment',
      id: assignmentId,
      location: typeof assignmentDefaults['location'] === 'string' ? assignmentDefaults['location'] : 'westeurope',
      identity: { type: 'SystemAssigned' },
      scope,
      policyDefinitionId: m.setId ?? m.definitionId,
      notScopes: [],
      parameters: {},
      enforcementMode: 'Default',
      nonComplianceMessages: [],
      overrides: [],
      resourceSelectors: [],
      pointers: {},
    } as AssignmentDoc;
    const built = buildDeployment(record, m.policy, view, assignment, context);
    if ('error' in built) {
      failures.push(`deployment: ${built.error.message}`);
      return;
    }
    const text = stableJson(deploymentGolden(built));
    let expected: string | undefined;
    try {
      expected = await host.readFile(golden);
    } catch {
      expected = undefined;
    }
    if (expected !== undefined && expected.replace(/\r\n/g, '\n') === text) return;
    if (options.updateGolden && host.writeFile) {
      await host.writeFile(golden, text);
      return;
    }
    if (expected === undefined) failures.push(`deployment: golden file ${String(ex.deployment)} is missing (run with --update-golden to write it)`);
    else failures.push(`deployment: differs from ${String(ex.deployment)}:\n${diffLines(expected, text)}`);
  }
}

/** A small line diff for failure messages: the first lines that differ. */
function diffLines(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 12; i++) {
    if (a[i] !== b[i]) {
      if (a[i] !== undefined) out.push(`    - ${a[i]}`);
      if (b[i] !== undefined) out.push(`    + ${b[i]}`);
    }
  }
  return out.join('\n');
}
