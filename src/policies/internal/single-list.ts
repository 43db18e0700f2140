/**
 * The bookkeeping shared by the policies that keep every resident entry on one linked list
 * (lru, fifo, mru, clock, sieve, ttl): which ids are resident, each one's size, the bytes in
 * use, and what a hit with a changed size does. Each subclass decides only where entries go
 * on the list and which one is evicted; everything here is typed arrays allocated once.
 */
import type { Policy, PolicyContext } from '../policy.js';
import { IdList, ListArena } from './list.js';

export abstract class SingleListPolicy implements Policy {
  abstract readonly name: string;
  protected readonly list: IdList;
  protected readonly resident: Uint8Array;
  protected readonly sizeOf: Uint32Array;
  protected readonly capacity: number;
  protected used = 0;

  constructor(context: PolicyContext) {
    this.capacity = context.capacity;
    this.list = new IdList(new ListArena(context.keySpace));
    this.resident = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  abstract access(id: number, size: number, now: number): boolean;

  /** Removes one entry to make room (the policy's victim choice). */
  protected abstract evict(): void;

  get size(): number {
    return this.list.length;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.resident[id] === 1;
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.unlink(id);
    return true;
  }

  /** Ids from head (most recently inserted or used) to tail; tests only. */
  order(): number[] {
    return this.list.toArray();
  }

  /** Marks `id`, just linked into the list, as resident with `size` bytes. */
  protected admit(id: number, size: number): void {
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
  }

  /** Unlinks a resident id and forgets it. Subclasses with more state per entry extend this. */
  protected unlink(id: number): void {
    this.list.remove(id);
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
  }

  /**
   * A hit whose object changed size (our rule; libCacheSim keeps the old size): take the new
   * size, drop the entry if it no longer fits at all, else evict as usual until it does.
   * The entry keeps whatever place the hit gave it.
   */
  protected resize(id: number, size: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.unlink(id);
      return;
    }
    while (this.used > this.capacity) this.evict();
  }
}
