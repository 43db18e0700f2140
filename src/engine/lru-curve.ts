/**
 * The LRU hit-rate curve for every cache size in one pass: Mattson's stack distances
 * (Mattson et al. 1970) counted with a Fenwick tree, O(N log N) time, O(N + keys) memory.
 *
 * Position t of the tree holds 1 while request t is the latest access of its key. When key k
 * comes back at time t after its previous access at p, the number of distinct other keys
 * touched in between is the count of set positions after p, i.e. `active - prefix(p)`.
 * An LRU cache of C entries hits exactly when that distance is below C, because without
 * deletes or expiry an LRU cache of C entries always holds the C most recently used keys.
 *
 * Gets and sets both move a key to the top of the stack (a set writes the entry); only gets
 * are lookups, counted as hits or misses, matching the replay engine. The per-size replay
 * remains the reference: `exactCurveBlocker` names the cases where the one-pass answer would
 * not be exact, and the caller replays those instead.
 *
 * Byte capacity uses the usual approximate criterion: hit iff the bytes of the distinct keys
 * touched since, plus the object's own size, fit (`d + size <= C`). It is exact when all
 * objects have the same size; with mixed sizes a real LRU can hold less than that prefix
 * after evicting a large object, so byte sweeps replay per size and this serves estimates.
 */
import { OP_DELETE, OP_SET, type Trace, type TraceChunk } from '../trace/trace.js';
import { chunkOf } from '../trace/chunks.js';
import type { ReplayCounts } from './replay.js';
import type { CurveBlocker } from '../model/result.js';
import { recentBytesPrefix } from './resident-bytes.js';

export interface StackDistances {
  /** `histogram[d]` = lookups whose key was last touched d distinct keys ago (d < distinctKeys). */
  readonly histogram: Float64Array;
  /** Lookups (gets) counted, including cold ones. */
  readonly lookups: number;
  /** Lookups of keys never touched before: misses at every size. */
  readonly coldLookups: number;
  readonly writes: number;
  /** Keys touched at least once. */
  readonly distinctKeys: number;
  /** `byteHistogram[d]` = bytes of those lookups (the trace's sizes; 1 each without a size column). */
  readonly byteHistogram: Float64Array;
  /** Bytes of all lookups counted, cold ones included. */
  readonly bytesRequested: number;
}

/**
 * Why the one-pass curve would not equal per-size `lru` replays for this trace and setting,
 * or null when it is exact. `deletes`: whether the trace deletes (a streamed trace learns it
 * by reading its op column).
 */
export function exactCurveBlocker(
  trace: Trace,
  unit: 'entries' | 'bytes',
  ttl: number | null,
  deletes: boolean = trace.ops?.includes(OP_DELETE) ?? false,
): CurveBlocker | null {
  // An expired entry leaves a hole in the cache that the stack model does not have.
  if (ttl !== null || trace.ttls !== undefined) return 'ttl';
  if (unit === 'bytes') return 'byte-capacity';
  // Latency percentiles need the sorted miss costs at each size, which only a replay has.
  if (trace.costs !== undefined) return 'cost-column';
  // A delete frees a slot in a full cache while the key below it stays evicted, so the cache
  // no longer holds the top C of the stack.
  if (deletes) return 'deletes';
  return null;
}

/**
 * One pass over the trace (or the requests whose key passes `keep`), returning the histogram of
 * stack distances of its lookups. Allocates its arrays once; nothing per request.
 */
/** Requests between progress reports: frequent enough for a smooth bar, rare enough to cost nothing. */
const PROGRESS_CHUNK = 1 << 18;

/** `onProgress(done)` is called every PROGRESS_CHUNK requests with the requests read so far. */
export function stackDistances(trace: Trace, keep?: Uint8Array, onProgress?: (done: number) => void): StackDistances {
  const { keys } = trace;
  const n = trace.length;
  let slots = n;
  if (keep !== undefined) {
    slots = 0;
    for (let i = 0; i < n; i++) slots += keep[keys[i]!]!;
  }
  const counter = new StackDistanceCounter(trace.keySpace, trace.sizes !== undefined, { slots, ...(keep && { keep }) });
  for (let start = 0; start < n; start += PROGRESS_CHUNK) {
    const end = Math.min(n, start + PROGRESS_CHUNK);
    counter.advance(chunkOf(trace, start, end));
    onProgress?.(end);
  }
  return counter.result();
}

/**
 * The stack distances counted chunk by chunk (a trace in memory is cut into chunks, a
 * streamed one arrives so), in O(keys) memory whatever the trace's length: `advance` over
 * each chunk in order, then `result`.
 */
export class StackDistanceCounter {
  private readonly size: number;
  private readonly tree: Int32Array;
  private readonly keyAt: Int32Array;
  private readonly last: Int32Array;
  private readonly histogram: Float64Array;
  private readonly byteHistogram: Float64Array;
  private readonly keep: Uint8Array | undefined;
  private bytesRequested = 0;
  private active = 0;
  private lookups = 0;
  private cold = 0;
  private writes = 0;
  private t = 0;

  /** `slots`: the requests to come when known (a smaller tree for a short trace); `keep`: count only these keys. */
  constructor(keySpace: number, sized: boolean, { slots, keep }: { readonly slots?: number; readonly keep?: Uint8Array } = {}) {
    // Only the latest access of each key is ever set, so time can be renumbered: once the tree
    // is full, the live positions are packed to the front in order (O(size)) and time carries on.
    // A tree of about twice the key count instead of one slot per request stays in cache, which
    // is most of the speed. Packing happens at most every `size - keys` requests: O(1) amortised.
    const wanted = Math.max(2 * keySpace, 1 << 12);
    this.size = Math.max(1, slots === undefined ? wanted : Math.min(slots, wanted));
    this.tree = new Int32Array(this.size + 1);
    this.keyAt = new Int32Array(this.size);
    this.last = new Int32Array(keySpace).fill(-1);
    this.histogram = new Float64Array(Math.max(1, keySpace));
    // Byte hit rate at entry capacity: the same distances, weighted by object size.
    this.byteHistogram = sized ? new Float64Array(this.histogram.length) : this.histogram;
    this.keep = keep;
  }

  advance(chunk: TraceChunk): void {
    const { keys, ops, sizes } = chunk;
    const { size, tree, keyAt, last, histogram, byteHistogram, keep } = this;
    let { bytesRequested, active, lookups, cold, writes, t } = this;
    for (let i = 0; i < chunk.length; i++) {
      const id = keys[i]!;
      if (keep !== undefined && keep[id] === 0) continue;
      if (t === size) t = pack(tree, keyAt, last, size);
      const isLookup = ops === undefined || ops[i] !== OP_SET;
      const bytes = sizes === undefined ? 1 : sizes[i]!;
      if (isLookup) {
        lookups++;
        bytesRequested += bytes;
      } else writes++;
      const previous = last[id]!;
      if (previous >= 0) {
        let prefix = 0;
        for (let j = previous + 1; j > 0; j -= j & -j) prefix += tree[j]!;
        if (isLookup) {
          histogram[active - prefix]!++;
          if (sizes !== undefined) byteHistogram[active - prefix]! += bytes;
        }
        for (let j = previous + 1; j <= size; j += j & -j) tree[j]!--;
      } else {
        active++;
        if (isLookup) cold++;
      }
      for (let j = t + 1; j <= size; j += j & -j) tree[j]!++;
      keyAt[t] = id;
      last[id] = t++;
    }
    [this.bytesRequested, this.active, this.lookups, this.cold, this.writes, this.t] = [bytesRequested, active, lookups, cold, writes, t];
  }

  /** The keys touched so far, most recently touched first. */
  recentKeys(): number[] {
    const ids: number[] = [];
    for (let id = 0; id < this.last.length; id++) if (this.last[id]! >= 0) ids.push(id);
    return ids.sort((a, b) => this.last[b]! - this.last[a]!);
  }

  /**
   * The curve's counts at each capacity so far (see `lruCurveCounts`); `lastSizes` (each
   * key's last size) gives the bytes an LRU of C entries ends holding: its C most recent keys'.
   */
  countsAt(capacities: readonly number[], lastSizes: Uint32Array | undefined): (ReplayCounts & MissSplit)[] {
    let finalBytes: ((resident: number) => number) | undefined;
    if (lastSizes !== undefined) {
      const order = this.recentKeys();
      const prefix = new Float64Array(order.length + 1);
      order.forEach((id, k) => (prefix[k + 1] = prefix[k]! + lastSizes[id]!));
      finalBytes = (resident) => prefix[resident]!;
    }
    return countsFromDistances(this.result(), capacities, 0, finalBytes);
  }

  result(): StackDistances {
    const { histogram, lookups, cold, writes, active, byteHistogram, bytesRequested } = this;
    return { histogram, lookups, coldLookups: cold, writes, distinctKeys: active, byteHistogram, bytesRequested };
  }
}

/** Moves the live positions to 0..live-1 keeping their order, rebuilds the tree; returns live. */
function pack(tree: Int32Array, keyAt: Int32Array, last: Int32Array, size: number): number {
  let live = 0;
  for (let p = 0; p < size; p++) {
    const id = keyAt[p]!;
    if (last[id] === p) {
      keyAt[live] = id;
      last[id] = live++;
    }
  }
  // Linear-time Fenwick build over `live` ones followed by zeros.
  tree.fill(0);
  for (let j = 1; j <= live; j++) tree[j] = 1;
  for (let j = 1; j <= size; j++) {
    const parent = j + (j & -j);
    if (parent <= size) tree[parent]! += tree[j]!;
  }
  return live;
}

/** Lookups that hit in an LRU cache of each capacity (entries): those with distance < C. */
export function hitsAt(distances: StackDistances, capacities: readonly number[]): number[] {
  return atCapacities(distances.histogram, capacities);
}

/** Bytes served by those hits. */
export function byteHitsAt(distances: StackDistances, capacities: readonly number[]): number[] {
  return atCapacities(distances.byteHistogram, capacities);
}

function atCapacities(histogram: Float64Array, capacities: readonly number[]): number[] {
  const cumulative = cumulativeHits(histogram);
  return capacities.map((capacity) => (capacity <= 0 ? 0 : cumulative[Math.min(capacity, cumulative.length) - 1]!));
}

/** `cumulative[c-1]` = lookups with distance < c. */
function cumulativeHits(histogram: Float64Array): Float64Array {
  const cumulative = new Float64Array(histogram.length);
  let sum = 0;
  for (let d = 0; d < histogram.length; d++) cumulative[d] = sum += histogram[d]!;
  return cumulative;
}

/**
 * The counts a per-size `lru` replay would report, for every capacity (entries), from one pass.
 * Only valid when `exactCurveBlocker` returned null for the trace.
 */
export function lruCurveCounts(
  trace: Trace,
  capacities: readonly number[],
  onProgress?: (done: number) => void,
): (ReplayCounts & MissSplit)[] {
  const prefix = recentBytesPrefix(trace);
  // With sizes, an LRU of C entries ends holding the C most recently used keys: their bytes.
  const finalBytes = prefix && ((resident: number): number => prefix[resident]!);
  return countsFromDistances(stackDistances(trace, undefined, onProgress), capacities, 0, finalBytes);
}

/**
 * The split of misses a replay may report: cold (first touch of a key, a miss at every size)
 * and capacity (the rest, as nothing expires here). Declared here as well so the curve
 * reports it whether or not the replay engine in this build does.
 */
export interface MissSplit {
  readonly coldMisses: number;
  readonly capacityMisses: number;
}

/** Turns a histogram into replay-shaped counts; `deletes` is carried through for the report. */
export function countsFromDistances(
  distances: StackDistances,
  capacities: readonly number[],
  deletes: number,
  finalBytesAt?: (resident: number) => number,
): (ReplayCounts & MissSplit)[] {
  const hits = hitsAt(distances, capacities);
  const byteHits = byteHitsAt(distances, capacities);
  return capacities.map((capacity, i) => {
    const resident = Math.min(capacity, distances.distinctKeys);
    return {
      requests: distances.lookups,
      hits: hits[i]!,
      misses: distances.lookups - hits[i]!,
      expiredMisses: 0,
      coldMisses: distances.coldLookups,
      capacityMisses: distances.lookups - hits[i]! - distances.coldLookups,
      uncacheable: 0,
      bytesRequested: distances.bytesRequested,
      bytesHit: byteHits[i]!,
      writes: distances.writes,
      deletes,
      finalEntries: resident,
      finalBytes: finalBytesAt ? finalBytesAt(resident) : resident,
      missCostSum: 0,
      costSum: 0,
    };
  });
}

export interface ByteCurve {
  readonly lookups: number;
  /** Per capacity: lookups that hit, and the bytes they served. */
  readonly hits: Float64Array;
  readonly byteHits: Float64Array;
  readonly bytesRequested: number;
}

/**
 * LRU hits per byte capacity by the approximate criterion `d + size <= C` (see the file
 * comment). `capacities` must be ascending. One pass; a binary search per lookup places it
 * in the smallest capacity it hits at, and a final prefix sum spreads it to larger ones.
 */
export function lruByteCurve(trace: Trace, capacities: readonly number[], keep?: Uint8Array): ByteCurve {
  const { keys, ops } = trace;
  const sizes = trace.sizes;
  const n = trace.length;
  let slots = n;
  if (keep !== undefined) {
    slots = 0;
    for (let i = 0; i < n; i++) slots += keep[keys[i]!]!;
  }
  const tree = new Float64Array(slots + 1);
  const last = new Int32Array(trace.keySpace).fill(-1);
  const lastSize = new Float64Array(trace.keySpace);
  const caps = Float64Array.from(capacities);
  const m = caps.length;
  const hits = new Float64Array(m);
  const byteHits = new Float64Array(m);
  let activeBytes = 0;
  let lookups = 0;
  let bytesRequested = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const id = keys[i]!;
    if (keep !== undefined && keep[id] === 0) continue;
    const size = sizes === undefined ? 1 : sizes[i]!;
    const isLookup = ops === undefined || ops[i] !== OP_SET;
    if (isLookup) {
      lookups++;
      bytesRequested += size;
    }
    const previous = last[id]!;
    if (previous >= 0) {
      let prefix = 0;
      for (let j = previous + 1; j > 0; j -= j & -j) prefix += tree[j]!;
      const needed = activeBytes - prefix + size;
      if (isLookup && needed <= caps[m - 1]!) {
        let lo = 0;
        let hi = m - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (caps[mid]! >= needed) hi = mid;
          else lo = mid + 1;
        }
        hits[lo]!++;
        byteHits[lo]! += size;
      }
      const old = lastSize[id]!;
      for (let j = previous + 1; j <= slots; j += j & -j) tree[j]! -= old;
      activeBytes -= old;
    }
    for (let j = t + 1; j <= slots; j += j & -j) tree[j]! += size;
    activeBytes += size;
    lastSize[id] = size;
    last[id] = t++;
  }
  for (let k = 1; k < m; k++) {
    hits[k]! += hits[k - 1]!;
    byteHits[k]! += byteHits[k - 1]!;
  }
  return { lookups, hits, byteHits, bytesRequested };
}
