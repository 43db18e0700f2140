/**
 * The policies that count entries (every size is 1, so a cache of capacity C never holds
 * more than C entries) and keep them in one recency or insertion order: LRU, FIFO, CLOCK and
 * SIEVE (unit 'entries'). The order is a fixed ring of C slots; each subclass says only what
 * a hit does and, for CLOCK and SIEVE, which entry is the victim.
 *
 * Why not the key-space list of list.ts: there, a request reads and writes four arrays the
 * size of the key space (resident, size, prev, next) and the neighbours' links, each a cache
 * miss once the key space outgrows the CPU's cache. Here a request reads one such array
 * (`slotOf`, key to slot) and, on an eviction, writes one entry of it; everything else lives
 * in the C slots, which stay in cache.
 *
 * The slots form one circular doubly linked list: from the head (most recent) on, the used
 * slots, then the free ones, and round to the head again, so the slot before the head (the
 * tail) is a free one whenever one exists. A miss always takes the tail: free, a plain
 * insert; used, its key is the victim. The newcomer belongs at the head, which is where the
 * tail already is on a ring: the head just steps back onto it, and no link changes. Fill and
 * eviction are one code path, which also keeps V8 from deoptimising the replay loop when the
 * cache first fills. A free slot holds the key `keySpace`, an id no request uses, whose
 * `slotOf` entry absorbs the victim write of a plain insert. LRU at 1e4 entries over 1e6
 * keys replays about twice as fast as on the key-space list (`npm run bench -- libcachesim`).
 *
 * Slots are addressed by offset (3 × slot index) into `node`, which holds each slot's key,
 * previous (toward the head) and next (toward the tail) offsets side by side. The ring is
 * the policy's own fields, not an object it holds: the extra load per request cost LRU a sixth.
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
  /** The most recent slot (NO_SLOT without slots); the tail is the one before it. */
  protected head = NO_SLOT;
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
    const last = 3 * (slots - 1);
    for (let at = 0; at <= last; at += 3) {
      node[at + KEY] = keySpace;
      node[at + PREV] = at === 0 ? last : at - 3;
      node[at + NEXT] = at === last ? 0 : at + 3;
    }
    this.node = node;
    if (slots > 0) this.head = 0;
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
    const at = this.slotOf[id]!;
    if (at === NO_SLOT) return false;
    const node = this.node;
    this.slotOf[id] = NO_SLOT;
    node[at + KEY] = this.none;
    this.free++;
    const head = this.head;
    const tail = node[head + PREV]!;
    if (at === tail) return true;
    if (at === head) {
      // On the ring the old head is the new head's predecessor: the tail already.
      this.head = node[head + NEXT]!;
      return true;
    }
    this.unlink(at);
    this.linkBefore(at, head);
    return true;
  }

  /**
   * Gives the tail slot (free, or the oldest entry's, whose key it evicts) to `id`, not
   * resident, and makes it the head. There must be a slot.
   */
  protected insertAtHead(id: number): void {
    // The three writes replaceAt also makes, written out: every LRU and FIFO miss comes here,
    // and a shared helper call cost the 1e7-request LRU run about 2%.
    const { slotOf, node } = this;
    const at = node[this.head + PREV]!;
    const victim = node[at + KEY]!;
    if (victim === this.none) this.free--;
    slotOf[victim] = NO_SLOT;
    node[at + KEY] = id;
    slotOf[id] = at;
    this.head = at;
  }

  /** The tail slot's offset: the next to be taken (free, or the oldest entry's). There must be a slot. */
  protected tailSlot(): number {
    return this.node[this.head + PREV]!;
  }

  /** Whether the slot at offset `at` holds no entry. */
  protected isFree(at: number): boolean {
    return this.node[at + KEY] === this.none;
  }

  /** The key in the slot at offset `at`. */
  protected keyAt(at: number): number {
    return this.node[at + KEY]!;
  }

  /** The slot before `at`, toward the head (round to the tail from the head). */
  protected prevSlot(at: number): number {
    return this.node[at + PREV]!;
  }

  /** Gives the used slot at offset `at` (its key evicted) to `id`, not resident, and makes it the head. */
  protected replaceAt(at: number, id: number): void {
    const { slotOf, node } = this;
    slotOf[node[at + KEY]!] = NO_SLOT;
    node[at + KEY] = id;
    slotOf[id] = at;
    this.moveToHead(at);
  }

  /** Moves the tail to the head (a CLOCK hand passing it): on a ring the head steps back onto it. */
  protected passTail(): void {
    this.head = this.node[this.head + PREV]!;
  }

  /** Moves the slot at offset `at` to the head. */
  protected moveToHead(at: number): void {
    const head = this.head;
    if (head === at) return;
    if (this.node[head + PREV] !== at) {
      this.unlink(at);
      this.linkBefore(at, head);
    }
    // The tail comes to the head by the head stepping back onto it.
    this.head = at;
  }

  private unlink(at: number): void {
    const node = this.node;
    const prev = node[at + PREV]!;
    const next = node[at + NEXT]!;
    node[prev + NEXT] = next;
    node[next + PREV] = prev;
  }

  /** Links `at` (unlinked) into the ring just before `before`. */
  private linkBefore(at: number, before: number): void {
    const node = this.node;
    const prev = node[before + PREV]!;
    node[at + PREV] = prev;
    node[at + NEXT] = before;
    node[prev + NEXT] = at;
    node[before + PREV] = at;
  }

  /** Resident keys from head to tail; for tests and debugging, never the hot path. */
  order(): number[] {
    const out: number[] = [];
    for (let at = this.head, seen = 0; seen < this.slots; at = this.node[at + NEXT]!, seen++) {
      const key = this.node[at + KEY]!;
      if (key !== this.none) out.push(key);
    }
    return out;
  }
}
