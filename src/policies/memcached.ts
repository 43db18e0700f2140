/**
 * memcached: memcached 1.6's memory model at byte capacity, so "how much memory does my
 * memcached need" is answered in `-m` units (the capacity is `-m`: `--capacity 64mb`).
 *
 * What is modelled, from memcached 1.6.18's `slabs.c`, `items.c` and `slab_automove.c`:
 * - **Item size**: a 48-byte header, the key and its NUL, 4 bytes of client flags when they
 *   are non-zero, the value and its `\r\n`, and 8 bytes of CAS unless `cas=false` (`-C`).
 * - **Slab classes**: the smallest chunk is 48 + `n` bytes; each class is `f` times the one
 *   before (truncated to a whole byte, then aligned to 8) until `slab_chunk_max / f`; the
 *   last class is `slab_chunk_max` itself. A page is 1 MiB, cut into as many chunks as fit.
 *   An item takes the smallest chunk it fits in, so the rounding is memcached's own waste.
 * - **Pages handed out as classes fill**: a class with no free chunk gets a new page unless
 *   memory is at `-m`, the class already has one, and the global pool is empty. So every
 *   class gets its first page even past `-m`, as memcached does, and memory, once given to a
 *   class, stays there (the "slab calcification" that rebalancing exists to undo).
 * - **The segmented LRU per class** (HOT/WARM/COLD): new items enter HOT. A get marks an item
 *   FETCHED, a second one ACTIVE; an ACTIVE item in COLD moves to WARM (memcached does that
 *   asynchronously, within a millisecond), elsewhere only its time is bumped. The maintainer's
 *   juggle, with 1.6's defaults: HOT's tail goes to WARM when ACTIVE, else to COLD when HOT
 *   holds more than `hot_lru_pct` (20%) of the class's bytes or is older than
 *   `hot_max_factor` x COLD's tail age; WARM's tail is relinked at WARM's head when ACTIVE,
 *   else goes to COLD past `warm_lru_pct` (40%) or `warm_max_factor` x that age.
 * - **Eviction** happens only in COLD, in the class the new item needs: an allocation that
 *   finds no free chunk and no page evicts COLD's tail, or, with COLD
 *   empty, pushes HOT's tail down first; ten tries, then the set fails (out of memory).
 *   Expired items at a tail are reclaimed first, as the tail pull does.
 * - **Page rebalancing** (`slab_automove=1`): once a second of trace time, the automover's
 *   30-second window of per-class COLD ages and evictions; a class with more than 2.5 pages
 *   of free chunks and a clean window gives a page to the global pool, otherwise the class
 *   with the oldest COLD tail (and more than 2 pages) gives one to the youngest evicting
 *   class when the youngest is under 0.8 x the oldest's age, once the window has filled.
 *
 * Simplifications (each moves the hit rate by little on the traces the fidelity test uses):
 * - The maintainer keeps up: its juggle runs after every set in that class and, for every
 *   class, when the trace clock passes a second. The real thread sleeps up to a second when
 *   idle and runs in parallel with the workers, so on a real server moves land slightly later.
 * - A trace without times replays within one second, as a fast real replay nearly does, so
 *   the age limits never fire there and only the byte shares move items.
 * - A page taken by rebalancing frees its chunks by evicting the source class's COLD tail
 *   (then WARM's, then HOT's) until the class fits in its remaining pages; memcached frees
 *   the page's own chunks, rescuing the live items it can into free chunks elsewhere.
 * - An item over `slab_chunk_max` takes whole chunks of the largest class (memcached links
 *   a header chunk from a smaller class to them); an item over 1 MiB (`-I`) is not stored.
 * - A hit whose request carries a new size counts as a hit and then stores the new value,
 *   as a client writing the changed object would (a new item, in the class of its size).
 * - No LRU crawler: expired items are reclaimed only when met at a tail or on a get.
 * - Key lengths: each key's own text (or its id's digits when the trace has no names),
 *   plus `key_prefix` bytes, as `cachebench replay --memcached` sends them.
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IdList, ListArena, NIL } from './internal/list.js';
import { keyLengths } from './internal/key-lengths.js';

/** sizeof(item) on a 64-bit build. */
const ITEM_HEADER = 48;
const CAS_BYTES = 8;
const FLAGS_BYTES = 4;
const PAGE = 1024 * 1024;
/** `-I`: the largest item memcached 1.6 stores by default. */
const ITEM_SIZE_MAX = 1024 * 1024;
const CHUNK_ALIGN = 8;
/** MAX_NUMBER_OF_SLAB_CLASSES - 1: class ids run 1..63. */
const MAX_CLASSES = 63;
const ALLOC_TRIES = 10;
const PULL_TRIES = 5;
const JUGGLE_ROUNDS = 500;
const MIN_PAGES_FOR_SOURCE = 2;
const MIN_PAGES_FOR_RECLAIM = 2.5;

/** Sub-LRU of a resident item; 0 = not resident. */
const HOT = 1;
const WARM = 2;
const COLD = 3;

const FETCHED = 1;
const ACTIVE = 2;

export interface MemcachedSettings {
  /** `-f`: chunk size growth factor. */
  readonly factor: number;
  /** `-n`: minimum space for key, value and flags in the smallest chunk. */
  readonly chunkSize: number;
  /** `-o slab_chunk_max`: the largest chunk; bigger items are chunked. */
  readonly slabChunkMax: number;
  readonly cas: boolean;
  readonly clientFlags: boolean;
  readonly keyPrefix: number;
  readonly hotLruPct: number;
  readonly warmLruPct: number;
  readonly hotMaxFactor: number;
  readonly warmMaxFactor: number;
  readonly slabAutomove: number;
  readonly automoveRatio: number;
  readonly automoveWindow: number;
}

export const DEFAULT_MEMCACHED_SETTINGS: MemcachedSettings = {
  factor: 1.25,
  chunkSize: 48,
  slabChunkMax: PAGE / 2,
  cas: true,
  clientFlags: false,
  keyPrefix: 0,
  hotLruPct: 20,
  warmLruPct: 40,
  hotMaxFactor: 0.2,
  warmMaxFactor: 2,
  slabAutomove: 1,
  automoveRatio: 0.8,
  automoveWindow: 30,
};

/** Chunk sizes of classes 1..n (index 0 unused), as slabs_init computes them. */
export function slabClassSizes(factor: number, chunkSize: number, slabChunkMax: number): number[] {
  const sizes = [0];
  let size = ITEM_HEADER + chunkSize;
  while (sizes.length < MAX_CLASSES) {
    if (size >= slabChunkMax / factor) break;
    if (size % CHUNK_ALIGN) size += CHUNK_ALIGN - (size % CHUNK_ALIGN);
    sizes.push(size);
    // `size *= factor` on an unsigned int: the product is truncated.
    size = Math.floor(size * factor);
  }
  sizes.push(slabChunkMax);
  return sizes;
}

/** The bytes memcached allocates for one item (ITEM_ntotal): header, key + NUL, flags, value + CRLF, CAS. */
export function itemTotal(keyBytes: number, valueBytes: number, settings: Pick<MemcachedSettings, 'cas' | 'clientFlags'>): number {
  return ITEM_HEADER + keyBytes + 1 + (settings.clientFlags ? FLAGS_BYTES : 0) + valueBytes + 2 + (settings.cas ? CAS_BYTES : 0);
}

export class MemcachedPolicy implements Policy {
  private readonly settings: MemcachedSettings;
  private readonly limit: number;
  /** Chunk size and chunks per page of each class, 1..classCount. */
  private readonly chunk: number[];
  private readonly perPage: number[];
  private readonly classCount: number;
  private readonly pages: Int32Array;
  private readonly freeChunks: Float64Array;
  /** lists[c * 3 + lru - 1]: HOT, WARM and COLD of class c. */
  private readonly lists: IdList[];
  /** Item bytes (ntotal) in each class's HOT, WARM and COLD, as memcached's sizes_bytes. */
  private readonly lruBytes: Float64Array;
  private globalPool = 0;
  private malloced = 0;

  private readonly classOf: Uint8Array;
  private readonly lruOf: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly timeOf: Float64Array;
  private readonly totalOf: Uint32Array;
  private readonly valueOf: Uint32Array;
  private readonly keyBytes: Uint16Array;
  private readonly expiry: Float64Array | undefined;
  private readonly timed: boolean;

  private count = 0;
  private valueBytes = 0;
  private clock = -Infinity;

  // The automover's counters and window (slab_automove.c), per class.
  private readonly evicted: Float64Array;
  private readonly outOfMemory: Float64Array;
  private readonly before: { evicted: Float64Array; outOfMemory: Float64Array; pages: Int32Array };
  private readonly window: { age: Float64Array; dirty: Uint8Array; evictedRatio: Float64Array; evictedSeen: Uint8Array };
  private windowCursor = 0;
  private pageMoves = 0;

  constructor(
    context: PolicyContext,
    settings: MemcachedSettings = DEFAULT_MEMCACHED_SETTINGS,
    readonly name = 'memcached',
  ) {
    if (context.unit !== 'bytes') throw new RangeError('memcached models memory in bytes: it needs a byte capacity');
    this.settings = settings;
    this.limit = context.capacity;
    const sizes = slabClassSizes(settings.factor, settings.chunkSize, settings.slabChunkMax);
    this.classCount = sizes.length - 1;
    this.chunk = sizes;
    this.perPage = sizes.map((size) => (size === 0 ? 0 : Math.floor(PAGE / size)));
    const classes = this.classCount + 1;
    this.pages = new Int32Array(classes);
    this.freeChunks = new Float64Array(classes);
    const arena = new ListArena(context.keySpace);
    this.lists = Array.from({ length: classes * 3 }, () => new IdList(arena));
    this.lruBytes = new Float64Array(classes * 3);
    const keys = context.keySpace;
    this.classOf = new Uint8Array(keys);
    this.lruOf = new Uint8Array(keys);
    this.flags = new Uint8Array(keys);
    this.timeOf = new Float64Array(keys);
    this.totalOf = new Uint32Array(keys);
    this.valueOf = new Uint32Array(keys);
    this.keyBytes = keyLengths(context, settings.keyPrefix);
    this.expiry = context.expiry;
    this.timed = context.trace.times !== undefined;
    this.evicted = new Float64Array(classes);
    this.outOfMemory = new Float64Array(classes);
    this.before = { evicted: new Float64Array(classes), outOfMemory: new Float64Array(classes), pages: new Int32Array(classes) };
    const cells = classes * settings.automoveWindow;
    this.window = {
      age: new Float64Array(cells),
      dirty: new Uint8Array(cells),
      evictedRatio: new Float64Array(cells),
      evictedSeen: new Uint8Array(cells),
    };
  }

  get size(): number {
    return this.count;
  }

  /** Resident value bytes, as the trace counts them (memcached's own overhead is not included). */
  get bytes(): number {
    return this.valueBytes;
  }

  has(id: number): boolean {
    return this.lruOf[id] !== 0;
  }

  access(id: number, size: number, now: number): boolean {
    const second = this.timed ? Math.floor(now) : 0;
    if (second !== this.clock) this.tick(second);
    if (this.lruOf[id] !== 0) {
      if (this.valueOf[id] === size) this.bump(id);
      else {
        this.unlink(id);
        this.set(id, size);
      }
      return true;
    }
    this.set(id, size);
    return false;
  }

  delete(id: number): boolean {
    if (this.lruOf[id] === 0) return false;
    this.unlink(id);
    return true;
  }

  /** Pages held by each class 1..n, and the global pool; tests and reports. */
  pageCounts(): { readonly byClass: readonly number[]; readonly globalPool: number; readonly moves: number } {
    return { byClass: Array.from(this.pages.subarray(1)), globalPool: this.globalPool, moves: this.pageMoves };
  }

  /** Which sub-LRU a resident id is in; tests only. */
  segmentOf(id: number): 'hot' | 'warm' | 'cold' | undefined {
    return ([undefined, 'hot', 'warm', 'cold'] as const)[this.lruOf[id]!];
  }

  /** do_item_bump: the first get marks FETCHED, the second ACTIVE; ACTIVE in COLD goes to WARM. */
  private bump(id: number): void {
    const flags = this.flags[id]!;
    if ((flags & ACTIVE) !== 0) return;
    if ((flags & FETCHED) === 0) {
      this.flags[id] = flags | FETCHED;
      return;
    }
    this.timeOf[id] = this.clock;
    if (this.lruOf[id] === COLD) this.relink(id, WARM);
    else this.flags[id] = flags | ACTIVE;
  }

  private set(id: number, size: number): void {
    const total = itemTotal(this.keyBytes[id]!, size, this.settings);
    if (total > ITEM_SIZE_MAX) return;
    const cls = this.classFor(total);
    const chunks = this.chunksFor(total);
    if (!this.allocate(cls, chunks)) {
      this.outOfMemory[cls]!++;
      return;
    }
    this.classOf[id] = cls;
    this.totalOf[id] = total;
    this.valueOf[id] = size;
    this.flags[id] = 0;
    this.timeOf[id] = this.clock;
    this.link(id, HOT);
    this.count++;
    this.valueBytes += size;
    this.juggle(cls);
  }

  /** Chunks an item of `total` bytes takes: one, or whole largest-class chunks past slab_chunk_max. */
  private chunksFor(total: number): number {
    return total > this.settings.slabChunkMax ? Math.ceil(total / this.settings.slabChunkMax) : 1;
  }

  /** slabs_clsid: the smallest class whose chunk holds `total` bytes (the largest for chunked items). */
  private classFor(total: number): number {
    let low = 1;
    let high = this.classCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.chunk[mid]! >= total) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** do_item_alloc_pull: take free chunks, growing the class or evicting from its COLD tail. */
  private allocate(cls: number, chunks: number): boolean {
    for (let attempt = 0; attempt < ALLOC_TRIES; attempt++) {
      if (this.freeChunks[cls]! >= chunks || (this.newPage(cls) && this.freeChunks[cls]! >= chunks)) {
        this.freeChunks[cls]! -= chunks;
        return true;
      }
      if (this.pullTail(cls, COLD, 0, 0, true) <= 0) this.pullTail(cls, HOT, 0, 0, false);
    }
    return false;
  }

  /** do_slabs_newslab: a class gets a page unless memory is at -m, it has one, and the pool is empty. */
  private newPage(cls: number): boolean {
    if (this.malloced + PAGE > this.limit && this.pages[cls]! > 0 && this.globalPool === 0) return false;
    if (this.globalPool > 0) this.globalPool--;
    else this.malloced += PAGE;
    this.pages[cls]!++;
    this.freeChunks[cls]! += this.perPage[cls]!;
    return true;
  }

  /**
   * lru_pull_tail on one sub-LRU: reclaims expired tails, then moves or evicts the tail as
   * the sub-LRU's rule says. Returns how many items it removed or moved (0: it stopped).
   */
  private pullTail(cls: number, lru: number, totalBytes: number, maxAge: number, evict: boolean): number {
    const list = this.lists[cls * 3 + lru - 1]!;
    let removed = 0;
    for (let tries = PULL_TRIES; tries > 0; tries--) {
      const tail = list.tail;
      if (tail === NIL) break;
      if (this.expiry !== undefined && this.expiry[tail]! <= this.clock) {
        this.unlink(tail);
        removed++;
        continue;
      }
      // items.c also rescues an ACTIVE tail of COLD to WARM here; no item is ACTIVE in COLD in
      // this model, since its second get moves it to WARM at once (bump), so COLD only evicts.
      if (lru === COLD) {
        if (evict) {
          this.evicted[cls]!++;
          this.unlink(tail);
          removed++;
        }
        break;
      }
      // HOT's limit is its share; a share that rounds to 0 falls back to WARM's, as in items.c.
      let limit = lru === HOT ? Math.floor((totalBytes * this.settings.hotLruPct) / 100) : 0;
      if (limit === 0) limit = Math.floor((totalBytes * this.settings.warmLruPct) / 100);
      if ((this.flags[tail]! & ACTIVE) !== 0) {
        this.flags[tail]! &= ~ACTIVE;
        this.relink(tail, WARM);
        removed++;
      } else if (this.lruBytes[cls * 3 + lru - 1]! > limit || this.clock - this.timeOf[tail]! > maxAge) {
        this.relink(tail, COLD);
        removed++;
      }
      break;
    }
    return removed;
  }

  /** lru_maintainer_juggle: HOT or WARM, then COLD (here only its expired tails), until nothing moves. */
  private juggle(cls: number): void {
    const base = cls * 3;
    const coldTail = this.lists[base + COLD - 1]!.tail;
    const coldAge = coldTail === NIL ? 0 : this.clock - this.timeOf[coldTail]!;
    // rel_time_t arithmetic: the ages are whole seconds.
    const hotAge = Math.floor(coldAge * this.settings.hotMaxFactor);
    const warmAge = Math.floor(coldAge * this.settings.warmMaxFactor);
    const total = this.lruBytes[base]! + this.lruBytes[base + 1]! + this.lruBytes[base + 2]!;
    for (let round = 0; round < JUGGLE_ROUNDS; round++) {
      let moved = this.pullTail(cls, HOT, total, hotAge, false) || this.pullTail(cls, WARM, total, warmAge, false);
      moved += this.pullTail(cls, COLD, total, 0, false);
      if (moved === 0) break;
    }
  }

  /** A new second of trace time: the maintainer's juggle for every class, then the automover. */
  private tick(second: number): void {
    const first = this.clock === -Infinity;
    this.clock = second;
    if (first) return;
    for (let cls = 1; cls <= this.classCount; cls++) if (this.pages[cls]! > 0) this.juggle(cls);
    if (this.settings.slabAutomove === 1) this.automove();
  }

  /** slab_automove_run, then slabs_reassign of one page when it picks a source. */
  private automove(): void {
    const size = this.settings.automoveWindow;
    let evictedTotal = 0;
    for (let cls = 1; cls <= this.classCount; cls++) evictedTotal += this.evicted[cls]! - this.before.evicted[cls]!;
    this.windowCursor++;
    let source = -1;
    let target = -1;
    let oldest = -1;
    let oldestAge = 0;
    let youngest = -1;
    let youngestAge = Infinity;
    let youngestEvicting = false;
    for (let cls = 1; cls <= this.classCount; cls++) {
      const offset = cls * size;
      const cell = offset + (this.windowCursor % size);
      const evictedDelta = this.evicted[cls]! - this.before.evicted[cls]!;
      this.window.evictedRatio[cell] = evictedDelta > 0 ? evictedDelta / evictedTotal : 0;
      this.window.evictedSeen[cell] = evictedDelta > 0 ? 1 : 0;
      this.window.dirty[cell] =
        evictedDelta > 0 || this.outOfMemory[cls]! - this.before.outOfMemory[cls]! > 0 || this.pages[cls]! - this.before.pages[cls]! > 0
          ? 1
          : 0;
      const coldTail = this.lists[cls * 3 + COLD - 1]!.tail;
      this.window.age[cell] = coldTail === NIL ? 0 : this.clock - this.timeOf[coldTail]!;
      let ageSum = 0;
      let dirty = 0;
      let ratioSum = 0;
      let seen = 0;
      for (let w = offset; w < offset + size; w++) {
        ageSum += this.window.age[w]!;
        dirty += this.window.dirty[w]!;
        ratioSum += this.window.evictedRatio[w]!;
        seen += this.window.evictedSeen[w]!;
      }
      const age = Math.floor(ageSum / size);
      if (this.freeChunks[cls]! > this.perPage[cls]! * MIN_PAGES_FOR_RECLAIM && dirty === 0) {
        source = cls;
        target = 0;
        youngest = oldest = -1;
        break;
      }
      if (age > oldestAge && this.pages[cls]! > MIN_PAGES_FOR_SOURCE) {
        oldest = cls;
        oldestAge = age;
      }
      if (age < youngestAge && (seen > size / 2 || ratioSum / size > 0.25)) {
        youngest = cls;
        youngestAge = age;
        youngestEvicting = this.window.evictedSeen[cell] === 1;
      }
    }
    this.before.evicted.set(this.evicted);
    this.before.outOfMemory.set(this.outOfMemory);
    this.before.pages.set(this.pages);
    if (youngest !== -1 && oldest !== -1 && this.windowCursor > size) {
      if (youngestAge < oldestAge * this.settings.automoveRatio && youngestEvicting) {
        source = oldest;
        target = youngest;
      }
    }
    if (source > 0 && target >= 0 && source !== target) this.movePage(source, target);
  }

  /** slabs_reassign: one page from `source` to class `target` (0: the global pool). */
  private movePage(source: number, target: number): void {
    if (this.pages[source]! < 1) return;
    const perPage = this.perPage[source]!;
    // Free a page's worth of chunks, evicting from the coldest end when too few are free.
    for (let lru = COLD; this.freeChunks[source]! < perPage && lru >= HOT;) {
      const tail = this.lists[source * 3 + lru - 1]!.tail;
      if (tail === NIL) lru--;
      else {
        this.evicted[source]!++;
        this.unlink(tail);
      }
    }
    this.freeChunks[source]! -= perPage;
    this.pages[source]!--;
    this.pageMoves++;
    if (target === 0) this.globalPool++;
    else {
      this.pages[target]!++;
      this.freeChunks[target]! += this.perPage[target]!;
    }
  }

  private link(id: number, lru: number): void {
    const cls = this.classOf[id]!;
    this.lists[cls * 3 + lru - 1]!.pushHead(id);
    this.lruBytes[cls * 3 + lru - 1]! += this.totalOf[id]!;
    this.lruOf[id] = lru;
  }

  /** Moves a resident item to the head of another sub-LRU of its class. */
  private relink(id: number, lru: number): void {
    const cls = this.classOf[id]!;
    const from = this.lruOf[id]!;
    this.lists[cls * 3 + from - 1]!.remove(id);
    this.lruBytes[cls * 3 + from - 1]! -= this.totalOf[id]!;
    this.link(id, lru);
  }

  private unlink(id: number): void {
    const cls = this.classOf[id]!;
    const lru = this.lruOf[id]!;
    const total = this.totalOf[id]!;
    this.lists[cls * 3 + lru - 1]!.remove(id);
    this.lruBytes[cls * 3 + lru - 1]! -= total;
    this.lruOf[id] = 0;
    this.freeChunks[cls]! += this.chunksFor(total);
    this.count--;
    this.valueBytes -= this.valueOf[id]!;
  }
}

export function memcachedSettings(params: PolicyParams): MemcachedSettings {
  return {
    factor: params['f'] as number,
    chunkSize: params['n'] as number,
    slabChunkMax: params['slab_chunk_max'] as number,
    cas: params['cas'] as boolean,
    clientFlags: params['client_flags'] as boolean,
    keyPrefix: params['key_prefix'] as number,
    hotLruPct: params['hot_lru_pct'] as number,
    warmLruPct: params['warm_lru_pct'] as number,
    hotMaxFactor: params['hot_max_factor'] as number,
    warmMaxFactor: params['warm_max_factor'] as number,
    slabAutomove: params['slab_automove'] as number,
    automoveRatio: params['slab_automove_ratio'] as number,
    automoveWindow: params['slab_automove_window'] as number,
  };
}

const D = DEFAULT_MEMCACHED_SETTINGS;

export const memcached: PolicyDefinition = {
  name: 'memcached',
  description: "memcached 1.6's memory at -m = the capacity: slab classes, 1 MiB pages, HOT/WARM/COLD per class, page rebalancing.",
  unit: 'bytes',
  params: [
    { name: 'f', description: 'chunk size growth factor (-f)', default: D.factor, type: 'number', min: 1.01, max: 4 },
    { name: 'n', description: 'minimum space for key, value and flags (-n)', default: D.chunkSize, type: 'integer', min: 1, max: 1024 },
    {
      name: 'slab_chunk_max',
      description: 'largest chunk in bytes; bigger items are chunked (-o slab_chunk_max)',
      default: D.slabChunkMax,
      type: 'integer',
      min: 1024,
      max: PAGE / 2,
    },
    { name: 'cas', description: 'items carry 8 bytes of CAS (false: -C)', default: D.cas, type: 'boolean' },
    { name: 'client_flags', description: 'items carry non-zero client flags (4 bytes more)', default: D.clientFlags, type: 'boolean' },
    {
      name: 'key_prefix',
      description: 'bytes added to every key (a client-side prefix)',
      default: D.keyPrefix,
      type: 'integer',
      min: 0,
      max: 250,
    },
    { name: 'hot_lru_pct', description: "HOT's share of a class's bytes, percent", default: D.hotLruPct, type: 'integer', min: 1, max: 80 },
    {
      name: 'warm_lru_pct',
      description: "WARM's share of a class's bytes, percent",
      default: D.warmLruPct,
      type: 'integer',
      min: 1,
      max: 80,
    },
    {
      name: 'hot_max_factor',
      description: "HOT's age limit as a multiple of COLD's tail age",
      default: D.hotMaxFactor,
      type: 'number',
      min: 0,
      max: 100,
    },
    {
      name: 'warm_max_factor',
      description: "WARM's age limit as a multiple of COLD's tail age",
      default: D.warmMaxFactor,
      type: 'number',
      min: 0,
      max: 100,
    },
    {
      name: 'slab_automove',
      description: 'page rebalancing: 0 off, 1 as memcached 1.6 by default',
      default: D.slabAutomove,
      type: 'integer',
      min: 0,
      max: 1,
    },
    {
      name: 'slab_automove_ratio',
      description: "a page moves when the youngest class's age is under this x the oldest's",
      default: D.automoveRatio,
      type: 'fraction',
    },
    {
      name: 'slab_automove_window',
      description: 'seconds of history the automover decides on',
      default: D.automoveWindow,
      type: 'integer',
      min: 1,
      max: 3600,
    },
  ],
  check: (params) =>
    (params['hot_lru_pct'] as number) + (params['warm_lru_pct'] as number) >= 100
      ? 'hot_lru_pct + warm_lru_pct must be below 100'
      : undefined,
  costHint: 3,
  create: (context, params, name) => new MemcachedPolicy(context, memcachedSettings(params), name),
};
