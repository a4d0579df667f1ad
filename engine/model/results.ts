// The result shapes every evaluation returns. Field names follow Azure's policy states where one exists.
import type { Diagnostic } from '../diagnostics/index.js';

export type ComplianceState = 'Compliant' | 'NonCompliant' | 'NotApplicable' | 'Unknown' | 'Error' | 'Protected' | 'Exempt' | 'Conflict';

/** PascalCase operator names as Azure's evaluatedExpressions show them ('Equals', 'NotContainsKey' …). */
export type ReasonOperator = string;

/**
 * Why a result is what it is — one entry per evaluated condition on the deciding path, in the shape of
 * Azure's policyEvaluationDetails.evaluatedExpressions, plus the sentence Azure shows for it.
 */
export interface Reason {
  kind: 'condition' | 'existence' | 'applicability' | 'effect' | 'error' | 'note';
  /** Azure's reason text, e.g. "Current value must be equal to the target value." */
  message: string;
  /** 'Field', 'Value' or 'Count' (conditions only). */
  expressionKind?: 'Field' | 'Value' | 'Count';
  /** The field / alias or the value expression as written in the rule. */
  expression?: string;
  /** The resolved JSON path read from the resource (field conditions only). */
  path?: string;
  /** The value read; omitted when the value is missing. */
  expressionValue?: unknown;
  targetValue?: unknown;
  operator?: ReasonOperator;
  /** Did this condition hold? */
  result?: boolean;
  /** JSON pointer of the condition inside the policy rule. */
  pointer?: string;
  /** For existence reasons: the related resources considered. */
  relatedResources?: RelatedResourceReason[];
  /** For IfNotExists effects: Azure's ifNotExistsDetails. */
  ifNotExistsDetails?: { resourceId?: string; totalResources: number };
  code?: string;
}

export interface RelatedResourceReason {
  resourceId: string;
  /** Whether the existence condition held on this resource. */
  satisfied: boolean;
  reasons: Reason[];
}

export interface RuleEvaluation {
  /** The if-condition held (after mode and applicability). */
  applies: boolean;
  /** Lower camel effect name: 'audit', 'deployIfNotExists'. */
  effect: string;
  complianceState: ComplianceState;
  reasons: Reason[];
  diagnostics: Diagnostic[];
}
