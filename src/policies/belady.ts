/**
 * Belady's OPT (MIN): evict the entry whose next use lies farthest in the future.
 *
 * Offline: the constructor walks the trace once backwards to give every request the index
 * of the same key's next request (+Infinity if none). Indices count the requests that reach
 * `access` - every get and set, never a delete - so the policy knows where it is by counting
 * its own `access` calls. Resident entries sit in an indexed heap keyed by their next use
 * (negated, so the min-heap pops the farthest first; never-again entries come first, ties
 * broken by the smaller key id). A hit re-keys the entry with its new next use (keeping the
 * old one is the classic bug). A miss evicts the farthest entries until the newcomer fits,
 * then inserts it (demand paging, as libCacheSim `Belady.c`).
 * Parameter: `bypass` (default false): also let the newcomer be the one left out - it is not
 * stored when its next use is no sooner than every resident's. That is the optimum for
 * caches allowed to decline an object (admission policies such as W-TinyLFU), and so the
 * bound for every policy; without it, it bounds every policy that always admits.
 * Unit-size optimal only: with variable sizes MIN is neither optimal nor a bound.
 * Reference: Belady, "A study of replacement algorithms for a virtual-storage computer",
 * IBM Systems Journal 1966; Mattson et al. 1970; libCacheSim `Belady.c`.
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IndexedMinHeap } from './internal/heap.js';
import { OP_DELETE } from '../trace/trace.js';
import { NextUseWindow } from '../engine/next-uses.js';

/** Next-use index of each access-reaching request (gets and sets, in order). */
export function nextUses(context: PolicyContext): Float64Array {
  const { keys, ops } = context.trace;
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (ops === undefined || ops[i] !== OP_DELETE) n++;
  const next = new Float64Array(n);
  const last = new Float64Array(context.keySpace).fill(Infinity);
  let t = n;
  for (let i = keys.length - 1; i >= 0; i--) {
    if (ops !== undefined && ops[i] === OP_DELETE) continue;
    t--;
    const key = keys[i]!;
    next[t] = last[key]!;
    last[key] = t;
  }
  return next;
}

export class BeladyPolicy implements Policy {
  /** Next uses in memory, or undefined when they are read from disk (a streamed trace). */
  private readonly next: Float64Array | undefined;
  private readonly window: NextUseWindow | undefined;
  /** Negated next use of each resident id: the heap's smallest is the farthest. */
  private readonly priority: Float64Array;
  private readonly heap: IndexedMinHeap;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private readonly bypass: boolean;
  private clock = 0;
  private used = 0;

  constructor(
    context: PolicyContext,
    bypass = false,
    readonly name = 'belady',
  ) {
    this.capacity = context.capacity;
    this.bypass = bypass;
    // A streamed trace's shape has no requests: its next uses were written to disk (next-uses.ts).
    if (context.nextUses !== undefined) this.window = new NextUseWindow(context.nextUses);
    else this.next = nextUses(context);
    this.priority = new Float64Array(context.keySpace);
    this.heap = new IndexedMinHeap(context.keySpace, this.priority);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  get size(): number {
    return this.heap.size;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.heap.has(id);
  }

  access(id: number, size: number, _now: number): boolean {
    const t = this.clock++;
    // Past the precomputed trace (only when driven by hand): treat as never used again.
    const next = this.next;
    const nextUse = next === undefined ? this.window!.at(t) : t < next.length ? next[t]! : Infinity;
    if (this.heap.has(id)) {
      this.priority[id] = -nextUse;
      this.heap.update(id);
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    if (this.bypass && this.used + size > this.capacity && -this.priority[this.heap.peek()]! <= nextUse) {
      return false;
    }
    while (this.used + size > this.capacity) this.evict();
    this.priority[id] = -nextUse;
    this.heap.push(id);
    this.sizeOf[id] = size;
    this.used += size;
    return false;
  }

  delete(id: number): boolean {
    if (!this.heap.has(id)) return false;
    this.heap.remove(id);
    this.used -= this.sizeOf[id]!;
    return true;
  }

  private evict(): void {
    const id = this.heap.pop();
    this.used -= this.sizeOf[id]!;
  }

  /** A hit with a new size: take it, then evict the farthest (possibly itself) until it fits. */
  private resize(id: number, size: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    while (this.used > this.capacity) this.evict();
  }
}

export const belady: PolicyDefinition = {
  name: 'belady',
  mayDecline: (params) => params['bypass'] === true,
  description: 'Belady OPT/MIN (offline): evicts the entry reused farthest ahead; unit-size optimal bound.',
  params: [
    { name: 'bypass', description: 'may decline to store an object reused no sooner than every resident', default: false, type: 'boolean' },
  ],
  offline: true,
  create: (context, params: PolicyParams, name) => new BeladyPolicy(context, params['bypass'] as boolean, name),
};
