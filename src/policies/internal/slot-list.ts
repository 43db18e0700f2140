/**
 * The policies that count entries (every size is 1, so a cache of capacity C never holds
 * more than C entries) and keep them on one list, as a fixed row of slots on one doubly
 * linked list: LRU and FIFO (unit 'entries'). Each subclass says only where a hit goes.
 *
 * Why not the key-space list of list.ts: there, a request reads and writes four arrays the
 * size of the key space (resident, size, prev, next) and the neighbours' links, each a cache
 * miss once the key space outgrows the CPU's cache. Here a request reads one such array
 * (`slotOf`, key to slot) and, on an eviction, writes one entry of it; everything else lives
 * in the C slots, which stay in cache. LRU at 1e4 entries over 1e6 keys replays about twice as
 * fast (`npm run bench -- libcachesim`).
 *
 * Every slot is on the list from the start: the used ones from head (most recent) toward the
 * tail, then the free ones. So the tail is a free slot whenever one exists, and a miss always
 * takes the tail: free, it is a plain insert; used, its key is the victim. Fill and eviction
 * are then one code path, which also keeps V8 from deoptimising the replay loop the first
 * time the cache fills. A free slot holds the key `keySpace`, an id no request uses, whose
 * `slotOf` entry absorbs the victim write of a plain insert.
 *
 * Slots are addressed by offset (3 × slot index) into `node`, which holds each slot's key,
 * previous (toward the head) and next (toward the tail) offsets side by side. The row is the
 * policy's own fields, not an object it holds: the extra load per request cost LRU a sixth.
 */
import type { Policy, PolicyContext } from '../policy.js';

export const NO_SLOT = -1;

const KEY = 0;
const PREV = 1;
const NEXT = 2;

export abstract class SlotListPolicy implements Policy {
  abstract readonly name: string;
  /** Key id to its slot's offset, NO_SLOT when not resident; one extra entry for free slots' key. */
  protected readonly slotOf: Int32Array;
  /** Per slot: key, previous offset, next offset. */
  protected readonly node: Int32Array;
  /** The key a free slot holds. */
  protected readonly none: number;
  protected readonly slots: number;
  protected head = NO_SLOT;
  protected tail = NO_SLOT;
  /** Free slots (all at the tail end). */
  protected free: number;

  constructor(context: PolicyContext) {
    const keySpace = context.keySpace;
    const slots = Math.max(0, Math.min(Math.floor(context.capacity), keySpace));
    this.slots = slots;
    this.none = keySpace;
    this.free = slots;
    this.slotOf = new Int32Array(keySpace + 1).fill(NO_SLOT);
    const node = new Int32Array(3 * slots);
    for (let slot = 0; slot < slots; slot++) {
      const at = 3 * slot;
      node[at + KEY] = keySpace;
      node[at + PREV] = slot === 0 ? NO_SLOT : at - 3;
      node[at + NEXT] = slot === slots - 1 ? NO_SLOT : at + 3;
    }
    this.node = node;
    if (slots > 0) {
      this.head = 0;
      this.tail = 3 * (slots - 1);
    }
  }

  abstract access(id: number, size: number, now: number): boolean;

  /** Resident entries. */
  get size(): number {
    return this.slots - this.free;
  }

  /** Resident entries: every size is 1. */
  get bytes(): number {
    return this.slots - this.free;
  }

  has(id: number): boolean {
    return this.slotOf[id]! !== NO_SLOT;
  }

  /** Frees `id`'s slot, if it is resident (a delete or an expiry): it moves behind the last entry. */
  delete(id: number): boolean {
    return this.release(id);
  }

  /**
   * Gives the tail slot (free, or the oldest entry's, whose key it evicts) to `id`, not
   * resident, and returns its offset; the slot stays at the tail. There must be a slot.
   */
  protected claimTail(id: number): number {
    const { slotOf, node } = this;
    const at = this.tail;
    const victim = node[at + KEY]!;
    if (victim === this.none) this.free--;
    slotOf[victim] = NO_SLOT;
    node[at + KEY] = id;
    slotOf[id] = at;
    return at;
  }

  /** Moves the slot at offset `at` to the head. */
  protected moveToHead(at: number): void {
    const head = this.head;
    if (head === at) return;
    const node = this.node;
    // Not the head, so it has a predecessor.
    const prev = node[at + PREV]!;
    const next = node[at + NEXT]!;
    node[prev + NEXT] = next;
    if (next === NO_SLOT) this.tail = prev;
    else node[next + PREV] = prev;
    node[at + PREV] = NO_SLOT;
    node[at + NEXT] = head;
    node[head + PREV] = at;
    this.head = at;
  }

  private release(id: number): boolean {
    const at = this.slotOf[id]!;
    if (at === NO_SLOT) return false;
    const node = this.node;
    this.slotOf[id] = NO_SLOT;
    node[at + KEY] = this.none;
    this.free++;
    if (this.tail === at) return true;
    // Not the tail, so it has a successor.
    const prev = node[at + PREV]!;
    const next = node[at + NEXT]!;
    if (prev === NO_SLOT) this.head = next;
    else node[prev + NEXT] = next;
    node[next + PREV] = prev;
    const tail = this.tail;
    node[at + PREV] = tail;
    node[at + NEXT] = NO_SLOT;
    node[tail + NEXT] = at;
    this.tail = at;
    return true;
  }

  /** Resident keys from head to tail; for tests and debugging, never the hot path. */
  order(): number[] {
    const out: number[] = [];
    for (let at = this.head; at !== NO_SLOT; at = this.node[at + NEXT]!) {
      const key = this.node[at + KEY]!;
      if (key !== this.none) out.push(key);
    }
    return out;
  }
}
