// What one evaluated condition leaves behind when tracing is on (explain, and the reasons of non-compliant
// results). A data shape: evaluate/reasons.ts renders it into Azure-shaped Reasons.

export interface TraceEntry {
  /** JSON pointer of the condition inside the policy rule. */
  pointer: string;
  expressionKind: 'Field' | 'Value' | 'Count';
  /** The field/alias, the value expression, or the counted alias/value as written. */
  expression: string;
  /** Resolved JSON path (field conditions). */
  path?: string;
  /** The value(s) read; `missing` when the path was absent. */
  value: unknown;
  missing: boolean;
  target: unknown;
  /** Operator name in Azure's spelling. */
  operator: string;
  /** Odd number of enclosing `not`s. */
  negated: boolean;
  result: boolean;
  /** Set when the condition threw. */
  error?: string;
}
