/**
 * S3-FIFO: a small FIFO that filters one-hit wonders, a main FIFO with a 2-bit CLOCK-like
 * counter, and a ghost FIFO of recently filtered keys.
 *
 * - Hit (small or main): freq += 1, capped at 3. Nothing moves.
 * - Miss on a key in the ghost: it is still a miss; the key leaves the ghost and enters main.
 *   Any other miss enters small (before the first eviction, once small is full, newcomers go
 *   straight to main, as libCacheSim does while warming up). Inserted entries start at freq 0.
 * - Evict from main while main is over its share or small is empty, otherwise from small:
 *   - small's tail with freq >= threshold moves to main's head with freq 0 (main may overflow
 *     for a while); the first tail below the threshold is evicted and its key remembered in
 *     the ghost (oldest ghost entries drop out when it is full).
 *   - main's tail with freq >= 1 goes back to main's head with freq - 1; the first tail with
 *     freq 0 is evicted (no ghost).
 * Parameters: `small` (fraction of capacity for the small FIFO, default 0.1; at least 1 entry
 * or byte), `ghost` (ghost capacity as a fraction of capacity, default 0.9, by bytes in byte
 * mode; 0 disables it), `threshold` (hits in small needed for promotion, 1..3, default 2 -
 * the paper's and libCacheSim's value; the blog diagram and many ports use 1).
 * Objects larger than the small FIFO are not stored unless they come back through the ghost
 * (libCacheSim refuses sizes >= small; we refuse only sizes > small, so that small = 1 entry
 * still caches - libCacheSim at fewer than 20 entries caches nothing).
 * Reference: Yang et al., "FIFO queues are all you need for cache eviction", SOSP'23;
 * libCacheSim `S3FIFO.c` (fifo-size-ratio 0.10, ghost-size-ratio 0.90, move-to-main-threshold 2).
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IdList, ListArena } from './internal/list.js';

const NOWHERE = 0;
const SMALL = 1;
const MAIN = 2;
const GHOST = 3;
const MAX_FREQ = 3;

export type S3FifoSegment = 'small' | 'main' | 'ghost' | undefined;

export class S3FifoPolicy implements Policy {
  private readonly small: IdList;
  private readonly main: IdList;
  private readonly ghost: IdList;
  /** NOWHERE, SMALL, MAIN or GHOST per id. */
  private readonly where: Uint8Array;
  private readonly freq: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private readonly smallCapacity: number;
  private readonly mainCapacity: number;
  private readonly ghostCapacity: number;
  private readonly threshold: number;
  private smallBytes = 0;
  private mainBytes = 0;
  private ghostBytes = 0;
  private hasEvicted = false;

  constructor(
    context: PolicyContext,
    smallRatio = 0.1,
    ghostRatio = 0.9,
    threshold = 2,
    readonly name = 's3-fifo',
  ) {
    if (!(smallRatio > 0 && smallRatio < 1)) throw new RangeError(`s3-fifo:small must be between 0 and 1, not ${smallRatio}`);
    if (!(ghostRatio >= 0)) throw new RangeError(`s3-fifo:ghost must be 0 or more, not ${ghostRatio}`);
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_FREQ) {
      throw new RangeError(`s3-fifo:threshold must be 1, 2 or 3 (the counter saturates at 3), not ${threshold}`);
    }
    this.capacity = context.capacity;
    this.smallCapacity = Math.max(1, Math.floor(context.capacity * smallRatio));
    this.mainCapacity = context.capacity - this.smallCapacity;
    this.ghostCapacity = Math.floor(context.capacity * ghostRatio);
    this.threshold = threshold;
    const arena = new ListArena(context.keySpace);
    this.small = new IdList(arena);
    this.main = new IdList(arena);
    this.ghost = new IdList(arena);
    this.where = new Uint8Array(context.keySpace);
    this.freq = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  get size(): number {
    return this.small.length + this.main.length;
  }

  get bytes(): number {
    return this.smallBytes + this.mainBytes;
  }

  has(id: number): boolean {
    const w = this.where[id];
    return w === SMALL || w === MAIN;
  }

  access(id: number, size: number, _now: number): boolean {
    const w = this.where[id]!;
    if (w === SMALL || w === MAIN) {
      const f = this.freq[id]!;
      if (f < MAX_FREQ) this.freq[id] = f + 1;
      if (this.sizeOf[id] !== size) this.resize(id, w, size);
      return true;
    }
    const fromGhost = w === GHOST;
    if (size > this.capacity || (!fromGhost && size > this.smallCapacity)) return false;
    if (fromGhost) {
      this.ghost.remove(id);
      this.ghostBytes -= this.sizeOf[id]!;
      this.where[id] = NOWHERE;
    }
    while (this.smallBytes + this.mainBytes + size > this.capacity) this.evict();
    this.sizeOf[id] = size;
    this.freq[id] = 0;
    if (fromGhost || (!this.hasEvicted && this.smallBytes >= this.smallCapacity)) {
      this.main.pushHead(id);
      this.where[id] = MAIN;
      this.mainBytes += size;
    } else {
      this.small.pushHead(id);
      this.where[id] = SMALL;
      this.smallBytes += size;
    }
    return false;
  }

  /** Removes a resident id; a ghost entry for it is dropped too (the key was invalidated). */
  delete(id: number): boolean {
    const w = this.where[id];
    if (w === SMALL) {
      this.small.remove(id);
      this.smallBytes -= this.sizeOf[id]!;
    } else if (w === MAIN) {
      this.main.remove(id);
      this.mainBytes -= this.sizeOf[id]!;
    } else {
      if (w === GHOST) {
        this.ghost.remove(id);
        this.ghostBytes -= this.sizeOf[id]!;
        this.where[id] = NOWHERE;
      }
      return false;
    }
    this.where[id] = NOWHERE;
    return true;
  }

  /** Which queue holds `id`; tests only. */
  segmentOf(id: number): S3FifoSegment {
    return ([undefined, 'small', 'main', 'ghost'] as const)[this.where[id]!];
  }

  /** The hit counter of `id`; tests only. */
  freqOf(id: number): number {
    return this.freq[id]!;
  }

  private evict(): void {
    this.hasEvicted = true;
    if (this.mainBytes > this.mainCapacity || this.small.length === 0) this.evictMain();
    else this.evictSmall();
  }

  private evictSmall(): void {
    const small = this.small;
    while (small.length > 0) {
      const id = small.popTail();
      const size = this.sizeOf[id]!;
      this.smallBytes -= size;
      if (this.freq[id]! >= this.threshold) {
        this.main.pushHead(id);
        this.where[id] = MAIN;
        this.freq[id] = 0;
        this.mainBytes += size;
      } else {
        this.remember(id, size);
        return;
      }
    }
  }

  private evictMain(): void {
    const main = this.main;
    while (main.length > 0) {
      const id = main.tail;
      const f = this.freq[id]!;
      if (f >= 1) {
        main.moveToHead(id);
        this.freq[id] = f - 1;
      } else {
        main.remove(id);
        this.mainBytes -= this.sizeOf[id]!;
        this.where[id] = NOWHERE;
        return;
      }
    }
  }

  /** Records an evicted key in the ghost FIFO, dropping the oldest to stay within its bytes. */
  private remember(id: number, size: number): void {
    if (size > this.ghostCapacity) {
      this.where[id] = NOWHERE;
      return;
    }
    while (this.ghostBytes + size > this.ghostCapacity) {
      const old = this.ghost.popTail();
      this.ghostBytes -= this.sizeOf[old]!;
      this.where[old] = NOWHERE;
    }
    this.ghost.pushHead(id);
    this.where[id] = GHOST;
    this.ghostBytes += size;
  }

  /** A hit with a new size: take it, then evict as usual; the entry keeps its place. */
  private resize(id: number, w: number, size: number): void {
    const delta = size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (w === SMALL) this.smallBytes += delta;
    else this.mainBytes += delta;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    while (this.smallBytes + this.mainBytes > this.capacity) this.evict();
  }
}

export const s3Fifo: PolicyDefinition = {
  name: 's3-fifo',
  description: "S3-FIFO (SOSP'23): small FIFO filter + main FIFO with reinsertion + ghost of filtered keys.",
  params: [
    { name: 'small', description: 'small FIFO share of capacity (at least 1 entry)', default: 0.1, type: 'fraction' },
    { name: 'ghost', description: 'ghost FIFO size as a share of capacity (0 = no ghost)', default: 0.9, type: 'number', min: 0, max: 10 },
    { name: 'threshold', description: 'hits while in the small FIFO needed to move to main', default: 2, type: 'integer', min: 1, max: 3 },
  ],
  create: (context, params: PolicyParams, name) =>
    new S3FifoPolicy(context, params['small'] as number, params['ghost'] as number, params['threshold'] as number, name),
};
