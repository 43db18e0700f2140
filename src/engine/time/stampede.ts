/**
 * The stampede model: origin fetches take time, so requests can arrive for a key while its
 * value is being fetched. `--stampede` says what they do (algorithms.md section 15):
 * - none: every miss starts its own fetch (the thundering herd).
 * - coalesce: single-flight; the first miss leads, later misses wait for its completion (one
 *   origin load; their latency ends when the leader's fetch lands).
 * - xfetch[:beta=1]: XFetch (Vattani et al., PVLDB 2015). A hit on a live entry with expiry e,
 *   made at time t, starts a refresh when t - delta x beta x ln(U) >= e, U uniform on (0, 1] and
 *   delta the key's last fetch time; a read g before expiry refreshes with probability
 *   exp(-g / (beta x delta)). The refresh runs in the background (the reader is served the cached
 *   value) and no second one starts while it is in flight. Misses are not coalesced.
 * - stale-while-revalidate: an expired entry still in the cache is served (counted as a stale
 *   serve) while one background refresh runs; misses on absent keys coalesce.
 *
 * `FetchQueue` holds the fetches in flight: a binary min-heap on completion time over growable
 * parallel typed arrays (so `none` may have many per key), plus the latest in-flight fetch per
 * key for the modes that wait on it. It allocates only when it grows.
 */
import { UsageError } from '../../errors.js';
import { parseAssignments, splitName, splitSpecList } from '../../spec-text.js';
import { parseNumber } from '../../units.js';

/**
 * A fetch that lands within a nanosecond of a request has landed for it: times such as i/rate
 * and start + miss cost round differently in binary, and without this slack a 50ms fetch at
 * 1000 requests/s would sometimes be met by 51 requests instead of 50.
 */
export const LANDING_SLACK = 1e-9;

/** How concurrent misses on one key behave while its value is being fetched. */
export type StampedeMode = 'none' | 'coalesce' | 'xfetch' | 'stale-while-revalidate';

export interface StampedeConfig {
  readonly mode: StampedeMode;
  /** XFetch's beta (> 0): above 1 refreshes earlier, below 1 later. */
  readonly beta: number;
}

export const STAMPEDE_MODES: readonly StampedeMode[] = ['none', 'coalesce', 'xfetch', 'stale-while-revalidate'];
const MODES = STAMPEDE_MODES;

export function parseStampede(text: string, flag = 'stampede'): StampedeConfig {
  const { name, body } = splitName(text.trim().toLowerCase());
  const mode = name === 'swr' ? 'stale-while-revalidate' : name;
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`unknown stampede mode '${text}' (use ${MODES.join(', ')}, or xfetch:beta=1)`, flag);
  }
  const fail = (detail: string): never => {
    throw new UsageError(`'${text}': ${detail}`, flag);
  };
  // Only xfetch has a parameter.
  const params = parseAssignments(body === '' ? [] : body.split(','), { allowed: mode === 'xfetch' ? ['beta'] : [], owner: mode }, fail);
  const betaText = params.get('beta');
  const beta = betaText === undefined ? 1 : parseNumber(betaText, flag);
  if (!(beta > 0)) throw new UsageError(`xfetch beta must be positive, not '${betaText ?? ''}'`, flag);
  return { mode: mode as StampedeMode, beta };
}

/**
 * `none,coalesce,xfetch:beta=2,swr`: the modes to compare (the library refuses one listed
 * twice). A piece with `=` and no `:` continues the spec before it (as in policy lists).
 */
export function parseStampedes(text: string, flag = 'stampede'): StampedeConfig[] {
  const fail = (detail: string): never => {
    throw new UsageError(detail, flag);
  };
  return splitSpecList(text, (piece) => piece.includes('=') && !piece.includes(':'), fail).map((piece) => parseStampede(piece, flag));
}

export function stampedeLabel(config: StampedeConfig): string {
  return config.mode === 'xfetch' && config.beta !== 1 ? `xfetch:beta=${config.beta}` : config.mode;
}

export class FetchQueue {
  private done: Float64Array;
  private ids: Int32Array;
  private versions: Uint32Array;
  private durations: Float64Array;
  private ttls: Float64Array;
  private count = 0;
  /** Completion time of the latest fetch in flight per key; -Infinity when none. */
  readonly inFlightUntil: Float64Array;
  /** Version that key's latest in-flight fetch read from the origin. */
  readonly inFlightVersion: Uint32Array;
  started = 0;
  peak = 0;

  constructor(keySpace: number) {
    const initial = 64;
    this.done = new Float64Array(initial);
    this.ids = new Int32Array(initial);
    this.versions = new Uint32Array(initial);
    this.durations = new Float64Array(initial);
    this.ttls = new Float64Array(initial);
    this.inFlightUntil = new Float64Array(keySpace).fill(-Infinity);
    this.inFlightVersion = new Uint32Array(keySpace);
  }

  get inFlight(): number {
    return this.count;
  }

  /** Whether `id` has a fetch in flight at `now` (completions at `now` have landed). */
  busy(id: number, now: number): boolean {
    return this.inFlightUntil[id]! > now + LANDING_SLACK;
  }

  /** Starts a fetch of `id` that read `version` from the origin and lands at now + duration. */
  start(id: number, now: number, duration: number, version: number, ttl: number): number {
    if (this.count === this.done.length) this.grow();
    const completion = now + duration;
    let i = this.count++;
    // Sift up, moving parents down into the hole.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.done[parent]! <= completion) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, completion, id, version, duration, ttl);
    if (completion > this.inFlightUntil[id]!) {
      this.inFlightUntil[id] = completion;
      this.inFlightVersion[id] = version;
    }
    this.started++;
    if (this.count > this.peak) this.peak = this.count;
    return completion;
  }

  /** Completion time of the earliest fetch in flight (Infinity if none). */
  nextCompletion(): number {
    return this.count === 0 ? Infinity : this.done[0]!;
  }

  /** Removes the earliest fetch and hands its fields to `land`. */
  pop(land: (id: number, time: number, version: number, duration: number, ttl: number) => void): void {
    const time = this.done[0]!;
    const id = this.ids[0]!;
    const version = this.versions[0]!;
    const duration = this.durations[0]!;
    const ttl = this.ttls[0]!;
    const last = --this.count;
    if (last > 0) {
      const lastDone = this.done[last]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        if (child + 1 < last && this.done[child + 1]! < this.done[child]!) child++;
        if (this.done[child]! >= lastDone) break;
        this.move(child, i);
        i = child;
      }
      this.move(last, i);
    }
    if (this.inFlightUntil[id] === time) this.inFlightUntil[id] = -Infinity;
    land(id, time, version, duration, ttl);
  }

  private move(from: number, to: number): void {
    this.place(to, this.done[from]!, this.ids[from]!, this.versions[from]!, this.durations[from]!, this.ttls[from]!);
  }

  private place(i: number, done: number, id: number, version: number, duration: number, ttl: number): void {
    this.done[i] = done;
    this.ids[i] = id;
    this.versions[i] = version;
    this.durations[i] = duration;
    this.ttls[i] = ttl;
  }

  private grow(): void {
    const size = this.done.length * 2;
    const grow = <A extends Float64Array | Int32Array | Uint32Array>(old: A, Type: new (n: number) => A): A => {
      const bigger = new Type(size);
      bigger.set(old);
      return bigger;
    };
    this.done = grow(this.done, Float64Array);
    this.ids = grow(this.ids, Int32Array);
    this.versions = grow(this.versions, Uint32Array);
    this.durations = grow(this.durations, Float64Array);
    this.ttls = grow(this.ttls, Float64Array);
  }
}
