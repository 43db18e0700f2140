/**
 * What a replay needs to know about the whole trace besides the requests it replays: how
 * many keys are first requested after the warm-up (the plain loop's cold misses) and each
 * key's last size (the bytes an entry-counted cache holds at the end). A trace in memory
 * answers from its columns (cached per trace, since a grid asks once per cell); a streamed
 * trace has them gathered as its chunks go by, once for every cell of the grid.
 */
import type { Trace, TraceChunk } from '../trace/trace.js';
import { lastSizes } from './resident-bytes.js';
import { wholeChunk } from '../trace/chunks.js';
import { requestedKeys } from '../trace/summary.js';

export interface TraceFacts {
  /** How many distinct keys are first requested at or after request `from`. */
  coldKeysFrom(from: number): number;
  /** The size of each key's last request, by key id; undefined for a trace without sizes. */
  lastSizes(): Uint32Array | undefined;
}

const firstSeenCache = new WeakMap<Trace, Map<number, number>>();

/** How many distinct keys are first requested at or after `from`: the cold misses a warmed-up count can have (cached per trace and `from`). */
export function keysFirstSeenFrom(trace: Trace, from: number): number {
  // From the start, they are the keys requested at all: the summary's pass counts them.
  if (from <= 0) return requestedKeys(trace);
  let cached = firstSeenCache.get(trace);
  if (cached === undefined) firstSeenCache.set(trace, (cached = new Map<number, number>()));
  let count = cached.get(from);
  if (count === undefined) {
    const facts = new StreamedFacts(trace.keySpace, false, [from]);
    facts.observe(wholeChunk(trace));
    count = facts.coldKeysFrom(from);
    cached.set(from, count);
  }
  return count;
}

/** The facts of a trace held in memory. */
export function factsOf(trace: Trace): TraceFacts {
  return { coldKeysFrom: (from) => keysFirstSeenFrom(trace, from), lastSizes: () => lastSizes(trace) };
}

/**
 * The facts of a streamed trace, gathered chunk by chunk in O(keys) memory. The warm-up
 * ends asked for later must be named up front: a key's first request is seen only once.
 */
export class StreamedFacts implements TraceFacts {
  private readonly seen: Uint8Array;
  private readonly sizes: Uint32Array | undefined;
  private readonly froms: readonly number[];
  private readonly firstSeenFrom: number[];
  private observed = 0;

  constructor(keySpace: number, hasSizes: boolean, froms: readonly number[] = [0]) {
    this.seen = new Uint8Array(keySpace);
    this.sizes = hasSizes ? new Uint32Array(keySpace) : undefined;
    this.froms = [...new Set([0, ...froms])];
    this.firstSeenFrom = this.froms.map(() => 0);
  }

  /** Takes in the next chunk; chunks must come in order, each once. */
  observe(chunk: TraceChunk): void {
    if (chunk.start !== this.observed) throw new Error(`chunk at ${chunk.start} observed after ${this.observed} requests`);
    const { keys, length, start } = chunk;
    const { seen, froms, firstSeenFrom } = this;
    for (let i = 0; i < length; i++) {
      const id = keys[i]!;
      if (seen[id] === 0) {
        seen[id] = 1;
        for (let f = 0; f < froms.length; f++) if (start + i >= froms[f]!) firstSeenFrom[f]!++;
      }
    }
    const sizes = this.sizes;
    const chunkSizes = chunk.sizes;
    if (sizes !== undefined && chunkSizes !== undefined) for (let i = 0; i < length; i++) sizes[keys[i]!] = chunkSizes[i]!;
    this.observed += length;
  }

  coldKeysFrom(from: number): number {
    const f = this.froms.indexOf(from);
    if (f < 0) throw new Error(`cold keys from ${from} were not gathered (only from ${this.froms.join(', ')})`);
    return this.firstSeenFrom[f]!;
  }

  lastSizes(): Uint32Array | undefined {
    return this.sizes;
  }
}
