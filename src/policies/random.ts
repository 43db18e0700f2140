/**
 * Random replacement (RR): evict a uniformly chosen resident entry.
 *
 * Resident ids sit in a dense array with a per-id slot index, so picking a victim is one
 * seeded draw and removal is swap-with-last then pop: O(1) with no search (walking a Map to
 * pick a victim would cost O(n)). Hits change nothing. Victims come from the shared seeded
 * xoshiro128** generator (its own stream of the run's seed), so a fixed seed replays
 * identically and different seeds differ.
 * No parameters (the seed is the run's `--seed`).
 * Reference: libCacheSim `Random.c`; cachetools `RRCache` (swap-remove since v6.2).
 */
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { Rng } from '../trace/synthetic/rng.js';

/** A stream of its own ("rand"): victims stay independent of a synthetic trace drawn from the same seed. */
const VICTIM_STREAM = 0x72616e64;

const ABSENT = -1;

export class RandomPolicy implements Policy {
  /** Resident ids, densely packed in slots 0..count-1. */
  private readonly slots: Int32Array;
  /** Slot of each resident id, ABSENT otherwise. */
  private readonly slotOf: Int32Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private readonly rng: Rng;
  private count = 0;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'random',
  ) {
    this.capacity = context.capacity;
    this.slots = new Int32Array(context.keySpace);
    this.slotOf = new Int32Array(context.keySpace).fill(ABSENT);
    this.sizeOf = new Uint32Array(context.keySpace);
    this.rng = new Rng(context.seed, VICTIM_STREAM);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.slotOf[id] !== ABSENT;
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.slotOf[id] !== ABSENT) {
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.unlink(this.slots[this.rng.nextInt(this.count)]!);
    this.link(id, size);
    return false;
  }

  delete(id: number): boolean {
    if (this.slotOf[id] === ABSENT) return false;
    this.unlink(id);
    return true;
  }

  private link(id: number, size: number): void {
    this.slots[this.count] = id;
    this.slotOf[id] = this.count++;
    this.sizeOf[id] = size;
    this.used += size;
  }

  /** Swap-with-last removal: the last slot's id fills the hole. */
  private unlink(id: number): void {
    const slot = this.slotOf[id]!;
    const last = this.slots[--this.count]!;
    this.slots[slot] = last;
    this.slotOf[last] = slot;
    this.slotOf[id] = ABSENT;
    this.used -= this.sizeOf[id]!;
  }

  /** A hit with a new size: set it aside, evict random others until it fits, put it back. */
  private resize(id: number, size: number): void {
    this.unlink(id);
    if (size > this.capacity) return;
    while (this.used + size > this.capacity) this.unlink(this.slots[this.rng.nextInt(this.count)]!);
    this.link(id, size);
  }
}

export const random: PolicyDefinition = {
  name: 'random',
  description: 'Random replacement: evicts a uniformly random entry (seeded by --seed).',
  params: [],
  create: (context, _params, name) => new RandomPolicy(context, name),
};
