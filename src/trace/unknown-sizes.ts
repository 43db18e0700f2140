/**
 * Sizes a format knows for only some requests (a log that gives a value's size when it is
 * stored, not when it is read): such requests carry UNKNOWN_SIZE while reading, and take
 * their key's size at that point once the trace is complete. That is the last size seen
 * before, or for requests before the key's first known size, that first size; keys whose size
 * is never given take the median of the known sizes (1 when none is known).
 *
 * In memory the whole column is at hand (`fillUnknownSizes`); a trace written to disk as it is
 * read (spill.ts) learns the first known sizes and the median in its one pass
 * (`UnknownSizeFiller.observe`) and fills the requests as it copies them (`fill`).
 */
import type { Trace } from './trace.js';

/** A size not known for this request, to be filled from the same key's known sizes. */
export const UNKNOWN_SIZE = 0xffffffff;

/** Fills the unknown sizes of a loaded trace in place. */
export function fillUnknownSizes(trace: Trace): void {
  const sizes = trace.sizes;
  if (!sizes) return;
  const filler = new UnknownSizeFiller();
  filler.observe(trace.keys, sizes, trace.length);
  filler.fill(trace.keys, sizes, trace.length);
}

export class UnknownSizeFiller {
  /** Each key's first known size (UNKNOWN_SIZE until seen), then, while filling, its latest. */
  private latest = new Uint32Array(1 << 10).fill(UNKNOWN_SIZE);
  /** How many requests gave each known size: the median without keeping every size. */
  private readonly counts = new Map<number, number>();
  private known = 0;
  private median: number | undefined;

  /** The first pass, in request order. */
  observe(keys: Uint32Array, sizes: Uint32Array, count: number): void {
    for (let i = 0; i < count; i++) {
      const size = sizes[i]!;
      if (size === UNKNOWN_SIZE) continue;
      const id = keys[i]!;
      if (id >= this.latest.length) this.grow(id);
      if (this.latest[id] === UNKNOWN_SIZE) this.latest[id] = size;
      this.counts.set(size, (this.counts.get(size) ?? 0) + 1);
      this.known++;
    }
  }

  /** The second pass, in request order: unknown sizes are replaced. */
  fill(keys: Uint32Array, sizes: Uint32Array, count: number): void {
    const median = (this.median ??= this.medianSize());
    for (let i = 0; i < count; i++) {
      const id = keys[i]!;
      if (id >= this.latest.length) this.grow(id);
      if (sizes[i] === UNKNOWN_SIZE) sizes[i] = this.latest[id] === UNKNOWN_SIZE ? median : this.latest[id]!;
      else this.latest[id] = sizes[i]!;
    }
  }

  /** The known size at index known/2 in sorted order (the upper median). */
  private medianSize(): number {
    if (this.known === 0) return 1;
    const sorted = [...this.counts.keys()].sort((a, b) => a - b);
    let passed = 0;
    const at = this.known >>> 1;
    for (const size of sorted) {
      passed += this.counts.get(size)!;
      if (passed > at) return size;
    }
    return sorted.at(-1)!;
  }

  private grow(id: number): void {
    let length = this.latest.length * 2;
    while (length <= id) length *= 2;
    const bigger = new Uint32Array(length).fill(UNKNOWN_SIZE);
    bigger.set(this.latest);
    this.latest = bigger;
  }
}
