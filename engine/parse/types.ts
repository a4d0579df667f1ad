// The validated plain objects parse/ hands to compile/ and evaluate/. Everything here passed the schemas in
// parse/schemas; values the user wrote (conditions, details, parameter values, metadata) are the user's own
// objects, keys as written (policy-language keys are case-insensitive — read them with a case-insensitive
// lookup); maps keyed by user names (parameters) are null-prototype objects, so `__proto__` is ordinary data.

export type ParameterType = 'string' | 'array' | 'object' | 'boolean' | 'integer' | 'float' | 'dateTime';

export interface ParameterDefinition {
  /** Canonical spelling of the declared type (Azure matches it case-insensitively: `String`, `Array`). */
  type: ParameterType;
  /** Present iff the declaration has a defaultValue (which may be null). */
  defaultValue?: unknown;
  allowedValues?: unknown[];
  metadata?: Record<string, unknown>;
  schema?: Record<string, unknown>;
}

/** Pointers (RFC 6901, into the caller's input, keys as written) of the members a later phase reports on. */
export type DocumentPointers = Record<string, string>;

export interface PolicyRuleDoc {
  /** The `if` condition as written. */
  if: Record<string, unknown>;
  /** The `then` block as written ({ effect, details? } with the user's key case). */
  then: Record<string, unknown>;
}

export interface PolicyDefinitionDoc {
  kind: 'policyDefinition';
  id?: string;
  name?: string;
  displayName?: string;
  description?: string;
  policyType?: string;
  /**
   * 'All' or 'Indexed' (canonical case), or a Resource Provider mode as written. Undefined when absent or null,
   * which Azure treats as Indexed (definition-structure-basics.md); compile applies that default.
   */
  mode?: string;
  parameters: Record<string, ParameterDefinition>;
  policyRule: PolicyRuleDoc;
  metadata?: Record<string, unknown>;
  /** properties.version (also read from `Version`, as 8 built-ins write it). */
  version?: string;
  /** policyRule, if, then, parameters, mode, and `parameters/<name>` for each parameter. */
  pointers: DocumentPointers;
}

export interface ParameterValue {
  value: unknown;
}

export interface PolicySetMember {
  policyDefinitionId: string;
  /** As written; absent when the author left it out (the service would generate one, digest §15 A-20). */
  policyDefinitionReferenceId?: string;
  parameters?: Record<string, ParameterValue>;
  groupNames?: string[];
  definitionVersion?: string;
  /** Pointer of this member in the input. */
  pointer: string;
}

export interface PolicyDefinitionGroup {
  name: string;
  category?: string;
  displayName?: string;
  description?: string;
  additionalMetadataId?: string;
}

export interface PolicySetDoc {
  kind: 'policySetDefinition';
  id?: string;
  name?: string;
  displayName?: string;
  description?: string;
  policyType?: string;
  metadata?: Record<string, unknown>;
  version?: string;
  parameters: Record<string, ParameterDefinition>;
  policyDefinitions: PolicySetMember[];
  policyDefinitionGroups?: PolicyDefinitionGroup[];
  pointers: DocumentPointers;
}

export interface Selector {
  /** Canonical kind: resourceLocation | resourceType | resourceWithoutLocation | policyDefinitionReferenceId. */
  kind: string;
  in?: string[];
  notIn?: string[];
}

export interface ResourceSelector {
  name: string;
  selectors: Selector[];
}

export interface Override {
  kind: 'policyEffect' | 'policyVersion';
  value: string;
  selectors: Selector[];
}

export interface NonComplianceMessage {
  message: string;
  policyDefinitionReferenceId?: string;
}

export interface AssignmentIdentity {
  type: 'SystemAssigned' | 'UserAssigned' | 'None';
  userAssignedIdentities?: Record<string, unknown>;
  principalId?: string;
  tenantId?: string;
}

export interface AssignmentDoc {
  kind: 'policyAssignment';
  id?: string;
  name?: string;
  location?: string;
  identity?: AssignmentIdentity;
  displayName?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  /** properties.scope, else the part of the id before /providers/Microsoft.Authorization/policyAssignments/. */
  scope: string;
  policyDefinitionId: string;
  definitionVersion?: string;
  notScopes: string[];
  parameters: Record<string, ParameterValue>;
  /** Missing/null → 'Default' (assignment-structure.md). */
  enforcementMode: 'Default' | 'DoNotEnforce' | 'Enroll';
  nonComplianceMessages: NonComplianceMessage[];
  overrides: Override[];
  resourceSelectors: ResourceSelector[];
  pointers: DocumentPointers;
}

export interface ExemptionDoc {
  kind: 'policyExemption';
  id?: string;
  name?: string;
  displayName?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  /** The part of the id before /providers/Microsoft.Authorization/policyExemptions/ (exemption-structure.md). */
  scope: string;
  policyAssignmentId: string;
  /** Empty = every member of the assigned initiative. */
  policyDefinitionReferenceIds: string[];
  exemptionCategory: 'Waiver' | 'Mitigated';
  /** ISO 8601 as written. */
  expiresOn?: string;
  resourceSelectors: ResourceSelector[];
  /** Missing/null → 'Default'. Authoring-only (digest §9). */
  assignmentScopeValidation: 'Default' | 'DoNotValidate';
  pointers: DocumentPointers;
}

export type PolicyDocument = PolicyDefinitionDoc | PolicySetDoc | AssignmentDoc | ExemptionDoc;
