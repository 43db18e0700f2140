/**
 * W-TinyLFU: a small LRU window in front of a segmented-LRU main region, with a frequency
 * sketch deciding whether the window's evictee may replace main's victim.
 *
 * As Caffeine's simulator `WindowTinyLfuPolicy` (static window, no hill climbing):
 *  - Every access, hit or miss, is recorded in the sketch (`internal/count-min4.ts`).
 *  - A miss enters the window's MRU end. When the window exceeds its share, its LRU entry
 *    (the candidate) moves to probation's MRU end; if the cache is then over capacity, the
 *    candidate is admitted only if f(candidate) > f(victim = probation's LRU entry). Ties
 *    reject the candidate. With jitter, a rejected candidate with f >= 6 still gets in with
 *    probability 1/128 (seeded), which defeats attacks on a hot victim.
 *  - Window hit: to the window's MRU end. Probation hit: to protected's MRU end, demoting
 *    protected's LRU entry to probation's MRU end while protected is over its share.
 *    Protected hit: to protected's MRU end.
 * Sizes: window = C - floor((1 - window) x C), protected = floor(protected x main), as Caffeine
 * computes them. Caffeine's simulator counts entries only; with a byte capacity the same rules
 * run on bytes (one candidate at a time, main's victims fall until the candidate fits or loses).
 * The sketch is sized for min(capacity, distinct keys) entries.
 * Parameters: window=0.01, protected=0.8, jitter=true, doorkeeper=false.
 * Sources: Einziger, Friedman & Manes, "TinyLFU: A Highly Efficient Cache Admission Policy",
 * ACM TOS 2017; Caffeine `simulator/.../policy/sketch/WindowTinyLfuPolicy.java`,
 * `admission/TinyLfu.java`, `admission/countmin4/PeriodicResetCountMin4.java`.
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IdList, ListArena } from './internal/list.js';
import { CountMin4 } from './internal/count-min4.js';
import { Rng } from '../trace/synthetic/rng.js';

const ABSENT = 0;
const WINDOW = 1;
const PROBATION = 2;
const PROTECTED = 3;

/** A stream of its own ("jitr") for the jitter coin. */
const JITTER_STREAM = 0x6a697472;

/** A rejected candidate at least this frequent may still be admitted by jitter. */
const JITTER_MIN_FREQUENCY = 6;

export interface WTinyLfuOptions {
  readonly window: number;
  readonly protected: number;
  readonly jitter: boolean;
  readonly doorkeeper: boolean;
}

export const W_TINYLFU_DEFAULTS: WTinyLfuOptions = { window: 0.01, protected: 0.8, jitter: true, doorkeeper: false };

export class WTinyLfuPolicy implements Policy {
  readonly sketch: CountMin4;
  readonly maxWindow: number;
  readonly maxProtected: number;
  private readonly capacity: number;
  private readonly jitter: boolean;
  private readonly random: Rng;
  private readonly region: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly window: IdList;
  private readonly probation: IdList;
  private readonly protectedList: IdList;
  private windowBytes = 0;
  private protectedBytes = 0;
  private used = 0;
  private count = 0;

  constructor(
    context: PolicyContext,
    options: WTinyLfuOptions = W_TINYLFU_DEFAULTS,
    readonly name = 'w-tinylfu',
  ) {
    if (!(options.window > 0 && options.window < 1)) {
      throw new RangeError(`w-tinylfu:window must be a fraction between 0 and 1, not ${options.window}`);
    }
    if (!(options.protected > 0 && options.protected < 1)) {
      throw new RangeError(`w-tinylfu:protected must be a fraction between 0 and 1, not ${options.protected}`);
    }
    const capacity = context.capacity;
    this.capacity = capacity;
    const maxMain = Math.floor(capacity * (1 - options.window));
    this.maxWindow = capacity - maxMain;
    this.maxProtected = Math.floor(maxMain * options.protected);
    this.jitter = options.jitter;
    this.random = new Rng(context.seed, JITTER_STREAM);
    // Caffeine sizes the table by the capacity. Capping it at the number of distinct keys changes
    // nothing when counting entries (a cache that holds every key never evicts, so admission never
    // runs) and keeps byte capacities from allocating a table per byte.
    const entries = Math.min(capacity, Math.max(1, context.keySpace));
    this.sketch = new CountMin4({ entries, seed: context.seed, doorkeeper: options.doorkeeper });
    const n = context.keySpace;
    this.region = new Uint8Array(n);
    this.sizeOf = new Uint32Array(n);
    const arena = new ListArena(n);
    this.window = new IdList(arena);
    this.probation = new IdList(arena);
    this.protectedList = new IdList(arena);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.region[id] !== ABSENT;
  }

  access(id: number, size: number, _now: number): boolean {
    this.sketch.increment(id);
    const region = this.region[id];
    if (region === ABSENT) {
      this.insert(id, size);
      return false;
    }
    if (this.sizeOf[id] !== size) {
      // A changed size re-enters through the window, as a write of a new value would.
      this.delete(id);
      this.insert(id, size);
    } else if (region === WINDOW) {
      this.window.moveToHead(id);
    } else if (region === PROTECTED) {
      this.protectedList.moveToHead(id);
    } else {
      this.probation.remove(id);
      this.protectedList.pushHead(id);
      this.region[id] = PROTECTED;
      this.protectedBytes += size;
      while (this.protectedBytes > this.maxProtected) {
        const demoted = this.protectedList.popTail();
        this.protectedBytes -= this.sizeOf[demoted]!;
        this.probation.pushHead(demoted);
        this.region[demoted] = PROBATION;
      }
    }
    return true;
  }

  delete(id: number): boolean {
    const region = this.region[id];
    if (region === ABSENT) return false;
    const size = this.sizeOf[id]!;
    if (region === WINDOW) {
      this.window.remove(id);
      this.windowBytes -= size;
    } else if (region === PROBATION) {
      this.probation.remove(id);
    } else {
      this.protectedList.remove(id);
      this.protectedBytes -= size;
    }
    this.region[id] = ABSENT;
    this.used -= size;
    this.count--;
    return true;
  }

  /** Region of `id` (tests only). */
  regionOf(id: number): 'window' | 'probation' | 'protected' | 'absent' {
    return (['absent', 'window', 'probation', 'protected'] as const)[this.region[id]!]!;
  }

  private insert(id: number, size: number): void {
    if (size > this.capacity) return;
    this.window.pushHead(id);
    this.region[id] = WINDOW;
    this.sizeOf[id] = size;
    this.windowBytes += size;
    this.used += size;
    this.count++;
    this.evict();
  }

  private evict(): void {
    while (this.windowBytes > this.maxWindow) {
      const candidate = this.window.popTail();
      this.windowBytes -= this.sizeOf[candidate]!;
      this.probation.pushHead(candidate);
      this.region[candidate] = PROBATION;
      while (this.used > this.capacity) {
        const victim = this.probation.tail;
        if (victim === candidate || !this.admit(candidate, victim)) {
          this.delete(candidate);
          break;
        }
        this.delete(victim);
      }
    }
    // Only reachable with byte sizes: fall back to main's then the window's LRU order.
    while (this.used > this.capacity) {
      const list = this.probation.length > 0 ? this.probation : this.protectedList.length > 0 ? this.protectedList : this.window;
      this.delete(list.tail);
    }
  }

  private admit(candidate: number, victim: number): boolean {
    const candidateFrequency = this.sketch.frequency(candidate);
    const victimFrequency = this.sketch.frequency(victim);
    if (candidateFrequency > victimFrequency) return true;
    if (!this.jitter || candidateFrequency < JITTER_MIN_FREQUENCY) return false;
    return (this.random.nextUint32() & 127) === 0;
  }
}

function wTinyLfuOptions(params: PolicyParams): WTinyLfuOptions {
  return {
    window: Number(params['window'] ?? W_TINYLFU_DEFAULTS.window),
    protected: Number(params['protected'] ?? W_TINYLFU_DEFAULTS.protected),
    jitter: Boolean(params['jitter'] ?? W_TINYLFU_DEFAULTS.jitter),
    doorkeeper: Boolean(params['doorkeeper'] ?? W_TINYLFU_DEFAULTS.doorkeeper),
  };
}

export const wTinyLfu: PolicyDefinition = {
  name: 'w-tinylfu',
  mayDecline: true,
  costHint: 4,
  description: "W-TinyLFU (Caffeine's simulator): 1% LRU window, SLRU main, frequency-sketch admission.",
  params: [
    { name: 'window', description: 'share of capacity for the LRU window', default: 0.01, type: 'fraction' },
    { name: 'protected', description: "share of the main region for SLRU's protected segment", default: 0.8, type: 'fraction' },
    { name: 'jitter', description: 'admit a rejected warm candidate (f >= 6) with probability 1/128', default: true, type: 'boolean' },
    { name: 'doorkeeper', description: 'Bloom filter absorbing first sightings before the sketch', default: false, type: 'boolean' },
  ],
  create: (context, params, name) => new WTinyLfuPolicy(context, wTinyLfuOptions(params), name),
};
