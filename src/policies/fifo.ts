/**
 * FIFO: evict the entry inserted longest ago; hits change nothing.
 *
 * A linked list over typed arrays in insertion order. No parameters.
 * Reference: libCacheSim `FIFO.c`.
 */
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { IdList, ListArena, NIL } from './internal/list.js';

export class FifoPolicy implements Policy {
  private readonly list: IdList;
  private readonly resident: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'fifo',
  ) {
    this.capacity = context.capacity;
    this.list = new IdList(new ListArena(context.keySpace));
    this.resident = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  get size(): number {
    return this.list.length;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.resident[id] === 1;
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.resident[id] === 1) {
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
    return false;
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.list.remove(id);
    this.forget(id);
    return true;
  }

  private evict(): void {
    const victim = this.list.popTail();
    if (victim !== NIL) this.forget(victim);
  }

  private forget(id: number): void {
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
  }

  private resize(id: number, size: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    // Oldest first; the resized entry keeps its place in the queue, so it can go too.
    while (this.used > this.capacity) this.evict();
  }
}

export const fifo: PolicyDefinition = {
  name: 'fifo',
  description: 'First in, first out: evicts the oldest insertion; hits do not reorder.',
  params: [],
  create: (context, _params, name) => new FifoPolicy(context, name),
};
