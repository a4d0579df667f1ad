// The one catalogue of diagnostic codes. Codes are stable API: add, never rename.
// Each module owns the codes of its phase; keep each section sorted and add a hint where a fix is obvious.
import type { Severity } from './diagnostic.js';

export interface CodeEntry {
  severity: Severity;
  message: string; // template with {placeholders}
  hint?: string;
}

function entries<T extends Record<string, CodeEntry>>(t: T): T {
  return t;
}

export const CODES = Object.freeze(
  entries({
    // ── input files (load/) ─────────────────────────────────────────────────────────────
    'load.file-not-found': { severity: 'error', message: 'File not found: {file}' },
    'load.no-files-matched': { severity: 'error', message: 'No files matched {pattern}' },
    'load.read-failed': { severity: 'error', message: 'Could not read {file}: {reason}' },
    'load.invalid-json': { severity: 'error', message: 'Invalid JSON: {reason}' },
    'load.invalid-yaml': { severity: 'error', message: 'Invalid YAML: {reason}' },
    'load.invalid-ndjson-line': { severity: 'error', message: 'Invalid JSON on NDJSON line {line}: {reason}' },
    'load.unknown-document': { severity: 'error', message: 'Cannot tell what this document is: {reason}', hint: 'A policy definition has properties.policyRule, an initiative properties.policyDefinitions, an assignment properties.policyDefinitionId and scope, an exemption properties.policyAssignmentId.' },
    'load.duplicate-resource': { severity: 'warning', message: 'Resource {id} appears more than once; the later copy wins' },
    'load.invalid-resource': { severity: 'error', message: 'Invalid resource: {reason}' },
    'load.invalid-resource-id': { severity: 'error', message: 'Invalid resource id "{id}": {reason}' },
    'load.unknown-snapshot-shape': { severity: 'error', message: 'Cannot tell what this snapshot document is: {reason}', hint: 'A snapshot is an array of resources, an ARM list { "value": [...] }, az graph query output { "data": [...] }, one resource object with an "id", NDJSON (one resource per line) or YAML of the same.' },
    'load.hierarchy-conflict': { severity: 'warning', message: 'The parent of {id} is given as {first} and as {second}; using {first}' },
    'load.hierarchy-cycle': { severity: 'error', message: 'Management groups form a cycle through {id}; it is placed under the tenant root' },

    // ── definition structure (parse/) ───────────────────────────────────────────────────
    'parse.schema': { severity: 'error', message: '{reason}' },
    'parse.not-an-object': { severity: 'error', message: 'Expected a JSON object{context}' },
    'parse.missing-policy-rule': { severity: 'error', message: 'The definition has no policyRule' },
    'parse.missing-if': { severity: 'error', message: 'The policy rule has no "if" condition' },
    'parse.missing-then': { severity: 'error', message: 'The policy rule has no "then" block' },
    'parse.missing-effect': { severity: 'error', message: 'The "then" block has no effect' },
    'parse.duplicate-key': { severity: 'error', message: 'Key "{key}" appears more than once (keys are case-insensitive)' },
    'parse.unknown-operator': { severity: 'error', message: 'Unknown operator "{name}"', hint: 'Operators: equals, notEquals, like, notLike, match, matchInsensitively, notMatch, notMatchInsensitively, contains, notContains, in, notIn, containsKey, notContainsKey, less, lessOrEquals, greater, greaterOrEquals, exists.' },
    'parse.no-operator': { severity: 'error', message: 'The condition has no operator' },
    'parse.multiple-operators': { severity: 'error', message: 'The condition has more than one operator: {names}' },
    'parse.no-operand': { severity: 'error', message: 'The condition has none of "field", "value" or "count"' },
    'parse.multiple-operands': { severity: 'error', message: 'The condition has more than one of "field", "value" and "count"' },
    'parse.unknown-condition-key': { severity: 'error', message: 'Unknown key "{key}" in a condition' },
    'parse.logical-not-array': { severity: 'error', message: '"{name}" takes an array of conditions' },
    'parse.not-not-object': { severity: 'error', message: '"not" takes one condition object' },
    'parse.field-not-string': { severity: 'error', message: '"field" must be a string' },
    'parse.count-shape': { severity: 'error', message: 'Invalid count: {reason}' },
    'parse.in-not-array': { severity: 'error', message: '"{operator}" needs an array target value' },
    'parse.too-deep': { severity: 'error', message: 'The condition is nested more than {limit} levels deep' },
    'parse.too-many-conditions': { severity: 'error', message: 'The rule has more than {limit} condition expressions' },
    'parse.unknown-mode': { severity: 'warning', message: 'Mode "{mode}" is a resource-provider mode; its resources are not in ARM snapshots and are not evaluated' },
    'parse.invalid-mode': { severity: 'error', message: 'Unknown mode "{mode}"' },
    'parse.parameter-type': { severity: 'error', message: 'Parameter "{name}" has unknown type "{type}"' },
    'parse.missing-property': { severity: 'error', message: 'Required property "{property}" is missing' },
    'parse.unknown-property': { severity: 'error', message: 'Unknown property "{property}"' },
    'parse.wrong-type': { severity: 'error', message: 'Expected {expected}, got {actual}' },
    'parse.invalid-value': { severity: 'error', message: 'Value {value} is not one of: {allowed}' },
    'parse.multiple-logical-operators': { severity: 'error', message: 'The condition has more than one of "allOf", "anyOf" and "not"', hint: 'Nest them: { "allOf": [ { "anyOf": [...] }, ... ] }.' },
    'parse.document-too-deep': { severity: 'error', message: 'The document is nested more than {limit} levels deep' },
    'parse.missing-scope': { severity: 'error', message: 'Cannot tell the scope of this {kind}: {reason}' },
    'parse.duplicate-reference-id': { severity: 'error', message: 'policyDefinitionReferenceId "{id}" is used by more than one member (reference ids are case-insensitive)' },
    'parse.unknown-group': { severity: 'error', message: 'Group "{group}" is not declared in policyDefinitionGroups' },
    'parse.selector-conflict': { severity: 'error', message: 'Invalid selectors: {reason}' },

    // ── template expressions "[...]" (expressions/) ─────────────────────────────────────
    'expr.syntax': { severity: 'error', message: 'Expression syntax error at offset {offset}: {reason}' },
    'expr.unterminated-string': { severity: 'error', message: 'Unterminated string literal starting at offset {offset}' },
    'expr.unknown-function': { severity: 'error', message: 'Unknown function "{name}"' },
    'expr.function-not-allowed': { severity: 'error', message: 'Function "{name}" is not allowed in {context}' },
    'expr.arity': { severity: 'error', message: 'Function "{name}" takes {expected} argument(s), got {actual}' },
    'expr.argument-type': { severity: 'error', message: 'Argument {index} ({argument}) of "{name}" must be {expected}, got {actual}' },
    'expr.too-long': { severity: 'error', message: 'The expression is longer than {limit} characters' },
    'expr.too-deep': { severity: 'error', message: 'The expression is nested more than {limit} levels deep' },
    'expr.unknown-parameter': { severity: 'error', message: 'Parameter "{name}" is not defined' },
    'expr.missing-parameter-value': { severity: 'error', message: 'Parameter "{name}" has no value and no defaultValue' },
    'expr.unknown-variable': { severity: 'error', message: 'Variable "{name}" is not defined' },
    'expr.variable-cycle': { severity: 'error', message: 'Variable "{name}" refers to itself' },
    'expr.current-outside-count': { severity: 'error', message: 'current() is only allowed inside a count "where"' },
    'expr.unknown-count-name': { severity: 'error', message: 'current(\'{name}\') names no enclosing count' },
    'expr.property-access': { severity: 'error', message: 'Cannot read property "{property}" of {actual}' },
    'expr.index-out-of-range': { severity: 'error', message: 'Index {index} is out of range (length {length})' },
    'expr.function-failed': { severity: 'error', message: '{name}(): {reason}' },
    'expr.result-too-large': { severity: 'error', message: 'A function result exceeded {limit} characters' },
    'expr.unresolvable': { severity: 'warning', message: '{name}() cannot be evaluated offline; the value is kept symbolic' },
    'expr.value-too-deep': { severity: 'error', message: 'The JSON value is nested more than {limit} levels deep' },

    // ── fields and aliases (aliases/) ───────────────────────────────────────────────────
    'compile.unknown-alias': { severity: 'error', message: 'Unknown alias "{alias}"', hint: 'Check the spelling against `az provider show --expand resourceTypes/aliases`, add the alias with the aliases option, or use lenient mode to accept plain property paths.' },
    'compile.alias-by-convention': { severity: 'warning', message: 'Alias "{alias}" is not in the catalogue; reading {path} on {type} resources by the naming convention', hint: 'Supply the alias definition with the aliases option to be exact.' },
    'compile.alias-type-mismatch': { severity: 'warning', message: 'Alias "{alias}" is not defined for the types the rule targets ({types})' },
    'compile.invalid-field': { severity: 'error', message: 'Invalid field "{field}": {reason}' },
    'compile.invalid-alias-catalogue': { severity: 'error', message: 'Invalid alias definitions: {reason}' },
    'compile.count-field-not-array': { severity: 'error', message: 'count.field "{field}" must be an array alias ending in [*]' },
    'compile.count-limit': { severity: 'error', message: '{reason}' },

    // ── compile (compile/) ──────────────────────────────────────────────────────────────
    'compile.unknown-effect': { severity: 'error', message: 'Unknown effect "{effect}"' },
    'compile.effect-not-resolved': { severity: 'error', message: 'The effect expression did not give a string: {reason}' },
    'compile.missing-details': { severity: 'error', message: 'Effect "{effect}" needs details.{property}' },
    'compile.invalid-details': { severity: 'error', message: 'Invalid details for "{effect}": {reason}' },
    'compile.parameter-value-type': { severity: 'error', message: 'Value of parameter "{name}" must be of type {type}' },
    'compile.parameter-not-allowed': { severity: 'error', message: 'Value of parameter "{name}" is not one of its allowedValues' },
    'compile.unknown-parameter-value': { severity: 'warning', message: 'A value was given for "{name}", which the definition does not declare' },
    'compile.unused-parameter': { severity: 'warning', message: 'Parameter "{name}" is never used' },

    // ── evaluation faults on one resource (evaluate/) ───────────────────────────────────
    'eval.type-mismatch': { severity: 'error', message: 'Cannot compare {left} with {right} using {operator}' },
    'eval.operator-target': { severity: 'error', message: 'The target value of "{operator}" must be {expected}, got {actual}', hint: 'in/notIn take an array; the other operators take a string, number or boolean (Azure rejects array and object targets).' },
    'eval.count-value-not-array': { severity: 'error', message: 'count.value did not evaluate to an array' },
    'eval.count-limit': { severity: 'error', message: 'The value count iterated more than {limit} times' },
    'eval.limit-exceeded': { severity: 'error', message: '{reason}' },
    'eval.no-resource-group': { severity: 'error', message: 'resourceGroup() is not available for {id}' },
    'eval.unsupported-mode': { severity: 'warning', message: 'Mode "{mode}" is evaluated by its resource provider, not from ARM snapshots' },
    'eval.related-not-exported': { severity: 'warning', message: 'The snapshot holds no {type} resource at all; it was probably not exported' },

    // ── assignments, initiatives, exemptions (evaluate/ estate) ─────────────────────────
    'assign.unresolved-definition': { severity: 'error', message: 'Definition {id} could not be found' },
    'assign.invalid': { severity: 'error', message: 'Invalid assignment: {reason}' },
    'assign.invalid-exemption': { severity: 'error', message: 'Invalid exemption: {reason}' },
    'assign.missing-identity': { severity: 'warning', message: 'Assignment {id} has {effect} members but no managed identity' },
    'assign.definition-out-of-scope': { severity: 'error', message: 'Definition {definition} stored at {location} cannot be assigned at {scope}' },
    'assign.unknown-scope': { severity: 'error', message: 'Scope {scope} is not in the snapshot' },
    'assign.generated-reference-id': { severity: 'warning', message: 'Initiative member {index} has no policyDefinitionReferenceId; using "{id}"' },

    // ── deployments and templates (remediation/) ────────────────────────────────────────
    'deploy.template-invalid': { severity: 'error', message: 'Invalid deployment template: {reason}' },
    'deploy.parameter-missing': { severity: 'error', message: 'Template parameter "{name}" has no value' },
    'deploy.expand-failed': { severity: 'error', message: 'Could not expand the deployment: {reason}' },
    'deploy.symbolic': { severity: 'warning', message: '{reason}' },
    'remediate.invalid-option': { severity: 'error', message: 'Invalid remediation option: {reason}' },
    'remediate.invalid-filter': { severity: 'error', message: 'Invalid selection filter: {reason}' },

    // ── authoring checks (validate/) and policy tests (testkit/) ────────────────────────
    'validate.default-not-allowed': { severity: 'error', message: 'The defaultValue of parameter "{name}" is not one of its allowedValues', hint: 'Azure rejects the definition: make defaultValue one of allowedValues (the comparison is case-sensitive).' },
    'validate.effect-needs-details': { severity: 'error', message: 'The rule can take effect "{effect}", but details.{property} is missing', hint: 'Add the details the effect needs, or remove the effect from the effect parameter\'s allowedValues.' },
    'validate.missing-role-definitions': { severity: 'error', message: '{effect} needs details.roleDefinitionIds (the roles granted to the assignment identity)', hint: 'List the role definition ids the deployment needs, e.g. "/providers/Microsoft.Authorization/roleDefinitions/<guid>".' },
    'validate.details-name-required': { severity: 'error', message: 'details.type is {type}, the type the rule evaluates, so details.name must be [field(\'name\')] (got {name})', hint: 'Azure rejects an IfNotExists rule whose related type is the evaluated type without details.name "[field(\'name\')]" (or "[field(\'fullName\')]").' },
    'validate.array-alias-as-scalar': { severity: 'warning', message: 'Alias "{alias}" is an array; "{operator}" compares the whole array as one value and never matches a string', hint: 'Use the [*] alias to test each element, or a count expression.' },
    'validate.like-without-wildcard': { severity: 'warning', message: '"{operator}" pattern "{pattern}" has no "*", so it is an exact (case-insensitive) comparison', hint: 'Use equals / notEquals, or add a "*" wildcard.' },
    'validate.match-literal-asterisk': { severity: 'warning', message: '"{operator}" pattern "{pattern}" contains "*", which match treats as a literal asterisk', hint: 'match knows # (a digit), ? (a letter) and . (any character); use like for "*" wildcards.' },
    'validate.modify-operation': { severity: 'error', message: 'Invalid modify operation: {reason}' },
    'validate.unresolved-definition': { severity: 'info', message: 'Definition {id} is not among the validated files; {what} not checked against it' },
    'test.invalid-file': { severity: 'error', message: 'Invalid policy test file: {reason}' },
    'test.failed': { severity: 'error', message: '{reason}' },
    'test.coverage-below-threshold': { severity: 'error', message: 'Condition coverage {coverage}% is below the threshold {threshold}%' },

    // ── vulnerability-assessment scan (scanner/) ────────────────────────────────────────
    'scan.unknown-scope': { severity: 'error', message: 'Scope {scope} is not in the snapshot', hint: 'Give a management group, subscription or resource group id that the snapshot holds (ids are case-insensitive).' },
    'scan.remediation-definition-missing': { severity: 'warning', message: 'Definition {name} is not among the definitions given; no remediation plan is made' },
    'scan.no-machines': { severity: 'warning', message: 'The snapshot holds no Azure VM or Azure Arc machine{where}' },

    // ── command line (cli/) ─────────────────────────────────────────────────────────────
    'cli.usage': { severity: 'error', message: '{reason}' },
    'cli.internal': { severity: 'error', message: 'Internal error: {reason}' },
    'cli.no-policies': { severity: 'error', message: 'No policy definition or initiative found in {inputs}', hint: 'Give --policies the files or folders that hold the definitions (assignments and exemptions may come with them).' },
    'cli.write-failed': { severity: 'error', message: 'Could not write {file}: {reason}' },
  }),
);

export type Code = keyof typeof CODES;
