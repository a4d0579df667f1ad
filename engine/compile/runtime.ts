// What compiled conditions need from the runtime that runs them. evaluate/runtime.ts implements it;
// keeping the contract here lets data flow one way (evaluate imports compile, never the reverse).
import type { ExpressionRuntime } from '../expressions/types.js';
import type { ResourceView, TraceEntry } from '../model/index.js';

/** A count iteration: which count (compile-time identity) and the current member. */
export interface CountFrame {
  readonly binding: object;
  readonly name: string | undefined;
  readonly value: unknown;
}

export interface ConditionRuntime extends ExpressionRuntime {
  /** The resource the `if` is evaluated on; field() always reads it (digest §3.2). */
  readonly primary: ResourceView;
  /** Inside existenceCondition, `field` keys read the related resource. */
  related: ResourceView | undefined;
  readonly frames: CountFrame[];
  /** Set while tracing (explain, reasons); leaves push what they evaluated. */
  trace: TraceEntry[] | undefined;
  frameOf(binding: object): CountFrame | undefined;
}
