// The first n remediable records per remediation task (assignment and member) in id order, as records arrive one at
// a time: evaluateBounded keeps the resources of only these (planRemediation deploys at most resourceCount per task).
import type { ComplianceRecord } from '../model/index.js';
import { compareIdsIgnoringCase } from '../scope/resource-id.js';

/**
 * Per assignment and member (planRemediation's task), the first n remediable records in id order so far: a max-heap
 * whose root is the last of them, displaced by a record that sorts before it.
 */
export class FirstByTask {
  readonly #heaps = new Map<string, ComplianceRecord[]>();
  constructor(readonly n: number) {}

  offer(record: ComplianceRecord): { first: boolean; displaced?: ComplianceRecord } {
    const key = `${record.policyAssignmentId.toLowerCase()}\u0000${(record.policyDefinitionReferenceId ?? '').toLowerCase()}`;
    let heap = this.#heaps.get(key);
    if (heap === undefined) this.#heaps.set(key, (heap = []));
    if (heap.length < this.n) {
      heap.push(record);
      this.#up(heap, heap.length - 1);
      return { first: true };
    }
    if (this.n === 0 || compareIdsIgnoringCase(record.resourceId, heap[0]!.resourceId) >= 0) return { first: false };
    const displaced = heap[0]!;
    heap[0] = record;
    this.#down(heap, 0);
    return { first: true, displaced };
  }

  #after(heap: ComplianceRecord[], i: number, j: number): boolean {
    return compareIdsIgnoringCase(heap[i]!.resourceId, heap[j]!.resourceId) > 0;
  }

  #up(heap: ComplianceRecord[], i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#after(heap, i, parent)) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #down(heap: ComplianceRecord[], i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && this.#after(heap, l, top)) top = l;
      if (r < heap.length && this.#after(heap, r, top)) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  }
}
