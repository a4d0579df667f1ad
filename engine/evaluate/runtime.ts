// The per-evaluation runtime: which resource `field` keys read, the count frames current() reads,
// the surroundings resourceGroup()/subscription()/policy() return, and an optional trace sink.
// One small object per evaluation; everything expensive was prepared at compile time.
import { EvaluationError } from '../diagnostics/index.js';
import type { ResourceView } from '../model/index.js';
import type { TraceEntry } from '../model/index.js';
import type { ConditionRuntime, CountFrame } from '../compile/runtime.js';

/** What the caller knows about the surroundings of the evaluated resource (all optional). */
export interface EvaluationContext {
  resourceGroup?: Record<string, unknown>;
  subscription?: Record<string, unknown>;
  requestContext?: Record<string, unknown>;
  policy?: { assignmentId?: string; definitionId?: string; setDefinitionId?: string; definitionReferenceId?: string };
  /** Evaluation instant (ISO-8601). Fixed by the caller so that results are reproducible. */
  now?: string;
}

/** Late-bound lookups for expressions whose names are only known at run time (rare). */
export interface DynamicLookups {
  parameter(name: string): unknown;
  field(rt: RuleRuntime, name: string): unknown;
}

export const DEFAULT_NOW = '1970-01-01T00:00:00.0000000Z';

export class RuleRuntime implements ConditionRuntime {
  readonly now: string;
  /** The resource the `if` is evaluated on; field() always reads it (digest §3.2). */
  readonly primary: ResourceView;
  /** Inside existenceCondition, `field` keys read the related resource. */
  related: ResourceView | undefined = undefined;
  readonly frames: CountFrame[] = [];
  trace: TraceEntry[] | undefined;

  constructor(
    primary: ResourceView,
    private readonly context: EvaluationContext,
    private readonly lookups: DynamicLookups,
    trace?: TraceEntry[],
  ) {
    this.primary = primary;
    this.now = context.now ?? DEFAULT_NOW;
    this.trace = trace;
  }

  parameter(name: string): unknown {
    return this.lookups.parameter(name);
  }

  field(name: string): unknown {
    return this.lookups.field(this, name);
  }

  /** current(name) / current(): the innermost frame, or the one named (value counts) or bound (field counts). */
  current(name: string | undefined): unknown {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (name === undefined || (f.name !== undefined && f.name.toLowerCase() === name.toLowerCase())) return f.value;
    }
    throw new EvaluationError('expr.unknown-count-name', { name: name ?? '' });
  }

  frameOf(binding: object): CountFrame | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i]!.binding === binding) return this.frames[i];
    return undefined;
  }

  resourceGroup(): unknown {
    if (this.context.resourceGroup) return this.context.resourceGroup;
    const r = this.primary;
    if (r.typeLower === 'microsoft.resources/subscriptions/resourcegroups') {
      return { id: r.id, name: r.name, type: 'Microsoft.Resources/resourceGroups', location: r.location, tags: r.raw['tags'] ?? {}, properties: r.raw['properties'] ?? {} };
    }
    if (r.resourceGroup === undefined || r.subscriptionId === undefined) throw new EvaluationError('eval.no-resource-group', { id: r.id });
    return {
      id: `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}`,
      name: r.resourceGroup,
      type: 'Microsoft.Resources/resourceGroups',
      properties: { provisioningState: 'Succeeded' },
    };
  }

  subscription(): unknown {
    if (this.context.subscription) return this.context.subscription;
    const s = this.primary.subscriptionId;
    return { id: s === undefined ? '' : `/subscriptions/${s}`, subscriptionId: s ?? '', tenantId: '', displayName: '' };
  }

  requestContext(): unknown {
    return this.context.requestContext ?? { apiVersion: this.primary.apiVersion ?? '', identity: {} };
  }

  policy(): unknown {
    const p = this.context.policy ?? {};
    return {
      assignmentId: p.assignmentId ?? '',
      definitionId: p.definitionId ?? '',
      setDefinitionId: p.setDefinitionId ?? '',
      definitionReferenceId: p.definitionReferenceId ?? '',
    };
  }
}
