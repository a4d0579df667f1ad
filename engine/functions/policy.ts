// Policy-rule functions (definition-structure-policy-rule.md "Policy functions", digest §6.2) and the
// scope functions both phases share: parameters, field, current, requestContext, policy, resourceGroup,
// subscription, ipRangeContains.
//
// parameters('<constant>'), field('<constant>') and current(['<constant>']) resolve at compile time through
// the scope hooks (scope.parameter / scope.field / scope.current); with a computed name they fall back to
// the runtime hooks (rt.parameter / rt.field / rt.current).
import { diagnostic, EvaluationError } from '../diagnostics/index.js';
import type { Evaluator, Expr, ExpressionRuntime, ExpressionScope } from '../expressions/types.js';
import { constantEvaluator, failedEvaluator } from './constant.js';
import { BOTH, define, p, POLICY_ONLY } from './define.js';
import type { FunctionSpec } from './types.js';
import { fail } from './values.js';

function compileFault(scope: ExpressionScope, code: Parameters<typeof diagnostic>[0], args: Record<string, string>): Evaluator {
  const d = diagnostic(code, args, { pointer: scope.pointer });
  scope.diagnostics.push(d);
  const e = new EvaluationError(code, args, scope.pointer);
  return failedEvaluator(e);
}

function constantName(args: readonly Expr[], i = 0): string | undefined {
  const a = args[i];
  return a !== undefined && a.kind === 'string' ? a.value : undefined;
}

/** Calls a runtime hook as a method (runtimes are classes), failing with a coded error when absent. */
function hook(rt: ExpressionRuntime, name: string, method: keyof ExpressionRuntime, ...args: unknown[]): unknown {
  const fn = rt[method];
  if (typeof fn !== 'function') throw fail(name, `${name}() is not available in this evaluation`);
  return (fn as (...a: unknown[]) => unknown).apply(rt, args);
}

// ── ipRangeContains ────────────────────────────────────────────────────────────────────────────────

interface IpRange {
  family: 4 | 6;
  start: bigint;
  end: bigint;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.length === 0 || s.length > 45) return undefined;
  let text = s;
  const groups: number[] = [];
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = text.slice(0, lastColon + 1) + ((v4 >> 16n) & 0xffffn).toString(16) + ':' + (v4 & 0xffffn).toString(16);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups.push(...head, ...new Array<number>(missing).fill(0), ...tail);
  } else {
    if (head.length !== 8) return undefined;
    groups.push(...head);
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

function parseAddress(s: string): { family: 4 | 6; value: bigint } | undefined {
  const t = s.trim();
  if (t.includes(':')) {
    const v = parseIPv6(t);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseIPv4(t);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** Parses a single address, a CIDR block or a 'start-end' range. */
export function parseIpRange(s: string): IpRange {
  const t = s.trim();
  if (t === '') throw fail('ipRangeContains', 'an empty IP range is not allowed');
  const slash = t.indexOf('/');
  if (slash >= 0) {
    const addr = parseAddress(t.slice(0, slash));
    const prefixText = t.slice(slash + 1).trim();
    if (addr === undefined || !/^\d{1,3}$/.test(prefixText)) throw fail('ipRangeContains', `'${s}' is not a valid CIDR range`);
    const bits = addr.family === 4 ? 32 : 128;
    const prefix = Number(prefixText);
    if (prefix > bits) throw fail('ipRangeContains', `'${s}' has a prefix longer than ${bits} bits`);
    const hostBits = BigInt(bits - prefix);
    const hostMask = (1n << hostBits) - 1n;
    const start = addr.value & ~hostMask & ((1n << BigInt(bits)) - 1n);
    return { family: addr.family, start, end: start | hostMask };
  }
  const dash = t.indexOf('-');
  if (dash >= 0) {
    const a = parseAddress(t.slice(0, dash));
    const b = parseAddress(t.slice(dash + 1));
    if (a === undefined || b === undefined) throw fail('ipRangeContains', `'${s}' is not a valid IP address range`);
    if (a.family !== b.family) throw fail('ipRangeContains', `'${s}' mixes IPv4 and IPv6`);
    if (a.value > b.value) throw fail('ipRangeContains', `'${s}' starts after it ends`);
    return { family: a.family, start: a.value, end: b.value };
  }
  const a = parseAddress(t);
  if (a === undefined) throw fail('ipRangeContains', `'${s}' is not a valid IP address`);
  return { family: a.family, start: a.value, end: a.value };
}

export const POLICY_FUNCTIONS: readonly FunctionSpec[] = [
  define({
    name: 'parameters',
    doc: 'The value of a parameter (assigned value, else defaultValue); names are case-insensitive.',
    phases: BOTH,
    params: [p('parameterName', 'string')],
    pure: false,
    compile(args, scope) {
      const name = constantName(args);
      if (name === undefined || scope.parameter === undefined) return undefined;
      const bound = scope.parameter(name);
      if (bound === undefined) return compileFault(scope, 'expr.unknown-parameter', { name });
      if (bound.value === undefined) return compileFault(scope, 'expr.missing-parameter-value', { name });
      return constantEvaluator(bound.value);
    },
    evaluate([name], rt) {
      const v = hook(rt, 'parameters', 'parameter', name as string);
      if (v === undefined) throw new EvaluationError('expr.unknown-parameter', { name: name as string });
      return v;
    },
  }),
  define({
    name: 'field',
    doc: 'The value of a field or alias on the resource the rule evaluates (also inside existenceCondition).',
    phases: POLICY_ONLY,
    params: [p('fieldName', 'string')],
    pure: false,
    compile(args, scope) {
      const name = constantName(args);
      if (scope.field === undefined) return compileFault(scope, 'expr.function-not-allowed', { name: 'field', context: 'this part of the policy' });
      if (name === undefined) return undefined;
      return scope.field(name, scope.pointer);
    },
    evaluate: ([name], rt) => hook(rt, 'field', 'field', name as string),
  }),
  define({
    name: 'current',
    doc: "The current member of the enclosing count: current() the innermost, current('name') a named one.",
    phases: POLICY_ONLY,
    params: [p('name', 'string')],
    minArgs: 0,
    pure: false,
    compile(args, scope) {
      if (args.length > 0 && args[0]!.kind !== 'string') return undefined;
      const name = constantName(args);
      if (scope.current === undefined) return compileFault(scope, 'expr.current-outside-count', {});
      const reader = scope.current(name, scope.pointer);
      if (reader !== undefined) return reader;
      return name === undefined
        ? compileFault(scope, 'expr.current-outside-count', {})
        : compileFault(scope, 'expr.unknown-count-name', { name });
    },
    evaluate: (args, rt) => hook(rt, 'current', 'current', args[0] as string | undefined),
  }),
  define({
    name: 'requestContext',
    doc: 'The request context: {apiVersion, identity…} (offline: the configured API version, identity {}).',
    phases: POLICY_ONLY,
    pure: false,
    evaluate: (_args, rt: ExpressionRuntime) => hook(rt, 'requestContext', 'requestContext'),
  }),
  define({
    name: 'policy',
    doc: 'The evaluated assignment: {assignmentId, definitionId, setDefinitionId, definitionReferenceId}.',
    phases: POLICY_ONLY,
    pure: false,
    evaluate: (_args, rt) => hook(rt, 'policy', 'policy'),
  }),
  define({
    name: 'resourceGroup',
    doc: 'The resource group object {id, name, type, location, managedBy, tags, properties}.',
    phases: BOTH,
    pure: false,
    evaluate: (_args, rt) => hook(rt, 'resourceGroup', 'resourceGroup'),
  }),
  define({
    name: 'subscription',
    doc: 'The subscription object {id, subscriptionId, tenantId, displayName}.',
    phases: BOTH,
    pure: false,
    evaluate: (_args, rt) => hook(rt, 'subscription', 'subscription'),
  }),
  define({
    name: 'ipRangeContains',
    doc: "True when targetRange lies inside range (IPv4/IPv6 address, CIDR or 'start-end'); mixed families fail.",
    phases: POLICY_ONLY,
    params: [p('range', 'string'), p('targetRange', 'string')],
    evaluate([r, t]) {
      const range = parseIpRange(r as string);
      const target = parseIpRange(t as string);
      if (range.family !== target.family) throw fail('ipRangeContains', 'the ranges mix IPv4 and IPv6');
      return range.start <= target.start && target.end <= range.end;
    },
  }),
];
