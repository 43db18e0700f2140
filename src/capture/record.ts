/**
 * `recordTrace()`: a recorder for Node services. It wraps the cache a service already uses
 * (an `lru-cache`, a `Map`, anything with get/set/delete/has) or a memoised function, passes
 * every call through unchanged, and streams the accesses as a trace CSV (`key,time,op` and
 * `size` when a size function is given) that `cachebench run` reads. Keys are sampled by the
 * same hash as `capture --sample`, so every access of a kept key is kept.
 *
 * What is recorded: `get` and lru-cache's `fetch` are gets; `set` a set; `delete` a delete;
 * `has` a get (the lookup the caller is about to act on), and a `get` of the same key right
 * after it is the same lookup, not a second one (`if (c.has(k)) return c.get(k)`). `peek`
 * and iteration are not accesses. Times are seconds from the start of the recording, from a
 * monotonic clock. A get that misses takes the key's last recorded size (an empty cell, read
 * as 1, for a key never seen with a value).
 */
import { createWriteStream } from 'node:fs';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UsageError } from '../errors.js';
import { releaseTemporary, trackTemporary } from '../temp-files.js';
import { keyAnonymizer, keySampler } from './sample.js';

/** Anything with a cache's get/set/delete/has (lru-cache, Map, a hand-made cache). */
export interface MapLike {
  get(key: never, ...rest: never[]): unknown;
  set(key: never, value: never, ...rest: never[]): unknown;
  delete(key: never): unknown;
  has(key: never, ...rest: never[]): boolean;
}

/** Where the recorded trace goes, and what is recorded. */
export interface RecordOptions {
  /** Where the CSV goes: a file path (written to a temporary name and renamed into place by `close`), or a stream. */
  readonly out: string | NodeJS.WritableStream;
  /** Keep this share of the keys, by key hash (every access of a kept key). Default 1. */
  readonly sample?: number;
  /** Seed of the sampling hash (the same as `capture --seed`). Default 0. */
  readonly seed?: number;
  /** The bytes a value takes, recorded as the size column (on sets, and on gets that return a value). */
  readonly size?: (value: unknown, key: unknown) => number;
  /** Replace keys by a keyed hash, so the trace can be shared. */
  readonly anonymize?: boolean;
  /** For a wrapped function: the cache key of a call. Default: its arguments as JSON. */
  readonly key?: (...args: never[]) => unknown;
}

/** A recording in progress: the wrapped cache or function to use instead of the original. */
export interface TraceRecording<T> {
  /** Use this where the original was used; every call goes through to the original. */
  readonly target: T;
  /** Accesses written so far (after sampling). */
  readonly recorded: number;
  /** Writes what is buffered and ends the file (renaming it into place) or leaves the stream open. */
  close(): Promise<void>;
}

const FLUSH_CHARS = 1 << 16;

class TraceWriter {
  private buffer = '';
  private count = 0;
  private readonly start = performance.now();
  private lastHas: string | undefined;
  /** The size each kept key last had, for gets that miss (they return no value to measure). */
  private readonly sizes = new Map<string, number>();
  private readonly keep: (key: string) => boolean;
  private readonly rename: (key: string) => string;
  private readonly stream: NodeJS.WritableStream;
  private readonly temp: string | undefined;
  private closed = false;

  constructor(private readonly options: RecordOptions) {
    const { sample = 1 } = options;
    if (!(sample > 0 && sample <= 1)) throw new UsageError(`must be more than 0 and at most 1, not ${sample}`, 'sample');
    this.keep = keySampler(sample, options.seed ?? 0);
    this.rename = options.anonymize === true ? keyAnonymizer() : (key) => key;
    if (typeof options.out === 'string') {
      mkdirSync(dirname(options.out), { recursive: true });
      this.temp = join(dirname(options.out), `.${basename(options.out)}.${process.pid}.tmp`);
      trackTemporary(this.temp);
      this.stream = createWriteStream(this.temp);
    } else {
      this.stream = options.out;
    }
    this.buffer = options.size ? 'key,time,op,size\n' : 'key,time,op\n';
  }

  get recorded(): number {
    return this.count;
  }

  access(op: 'get' | 'set' | 'delete' | 'has', rawKey: unknown, value?: unknown): void {
    if (this.closed) return;
    const key = typeof rawKey === 'string' ? rawKey : keyText(rawKey);
    const sameLookup = op === 'get' && this.lastHas === key;
    this.lastHas = op === 'has' ? key : undefined;
    if (sameLookup || !this.keep(key)) return;
    // Whole microseconds as seconds: Math.round then division prints the shortest decimal,
    // several times cheaper than toFixed.
    const time = Math.round((performance.now() - this.start) * 1000) / 1e6;
    let row = `${csvKey(this.rename(key))},${time},${op === 'has' ? 'get' : op}`;
    if (this.options.size) {
      let size = this.sizes.get(key);
      if (value !== undefined && op !== 'delete') {
        const measured = Math.max(0, Math.round(this.options.size(value, rawKey)));
        if (measured !== size) this.sizes.set(key, (size = measured));
      }
      // A get of a key never seen with a value has no size to give: an empty cell.
      row += size === undefined ? ',' : `,${size}`;
    }
    this.buffer += row + '\n';
    this.count++;
    if (this.buffer.length >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.buffer === '') return;
    this.stream.write(this.buffer);
    this.buffer = '';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    if (this.temp === undefined) return;
    const stream = this.stream;
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => {
        resolve();
      });
    });
    try {
      renameSync(this.temp, this.options.out as string);
    } catch (error) {
      rmSync(this.temp, { force: true });
      throw error;
    } finally {
      releaseTemporary(this.temp);
    }
  }
}

function keyText(key: unknown): string {
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  // JSON.stringify gives undefined for undefined, functions and symbols, whatever its types say.
  const json = JSON.stringify(key) as string | undefined;
  return json ?? String(key);
}

function csvKey(key: string): string {
  return /[",\r\n]/.test(key) ? `"${key.replace(/"/g, '""')}"` : key;
}

/**
 * Wraps a Map-like cache or a function and records its accesses as a trace CSV.
 *
 * ```ts
 * const recording = recordTrace(new LRUCache({ max: 10_000 }), { out: 'trace.csv', sample: 0.1 });
 * const cache = recording.target; // use as before
 * // ... on shutdown:
 * await recording.close();
 * ```
 *
 * A cache is recorded in place: it gets its own get/set/delete/has/fetch methods, which
 * call its originals, until `close` takes them off; `target` is the cache itself. A function
 * (a memoised fetch, say) is wrapped: every call of `target` is a get of its key.
 */
export function recordTrace<T extends MapLike | ((...args: never[]) => unknown)>(target: T, options: RecordOptions): TraceRecording<T> {
  const writer = new TraceWriter(options);
  const wrapped =
    typeof target === 'function' ? { target: wrapFunction(target, writer, options), restore: () => {} } : wrapCache(target, writer);
  return {
    target: wrapped.target as T,
    get recorded() {
      return writer.recorded;
    },
    close: async () => {
      wrapped.restore();
      await writer.close();
    },
  };
}

function wrapFunction(fn: (...args: never[]) => unknown, writer: TraceWriter, options: RecordOptions): (...args: never[]) => unknown {
  const keyOf = options.key ?? ((...args: never[]): unknown => (args.length === 1 ? args[0] : args));
  return function recorded(this: unknown, ...args: never[]): unknown {
    writer.access('get', keyOf(...args));
    return fn.apply(this, args);
  };
}

/**
 * Records the cache's own get/set/delete/has/fetch by giving the object its own methods of
 * those names, which call the originals: no Proxy (a trap on every property read cost more
 * than the recording), the object stays itself (`instanceof`, private fields, its other
 * methods), and `close` takes the methods off again.
 */
function wrapCache(cache: MapLike, writer: TraceWriter): { target: MapLike; restore: () => void } {
  const object = cache as unknown as Record<string, unknown>;
  const original = (name: string): ((...args: unknown[]) => unknown) | undefined => {
    const member = object[name];
    return typeof member === 'function' ? (member as (...args: unknown[]) => unknown) : undefined;
  };
  const get = original('get');
  const fetch = original('fetch');
  const set = original('set');
  const remove = original('delete');
  const has = original('has');
  const methods: Record<string, unknown> = {};
  if (get) {
    methods.get = function (this: unknown, key: unknown, options?: unknown): unknown {
      const value = options === undefined ? get.call(cache, key) : get.call(cache, key, options);
      writer.access('get', key, value);
      return value;
    };
  }
  if (fetch) {
    methods.fetch = function (this: unknown, key: unknown, ...rest: unknown[]): unknown {
      writer.access('get', key);
      return fetch.call(cache, key, ...rest);
    };
  }
  if (set) {
    methods.set = function (this: unknown, key: unknown, value: unknown, options?: unknown): unknown {
      writer.access('set', key, value);
      return options === undefined ? set.call(cache, key, value) : set.call(cache, key, value, options);
    };
  }
  if (remove) {
    methods.delete = function (this: unknown, key: unknown): unknown {
      writer.access('delete', key);
      return remove.call(cache, key);
    };
  }
  if (has) {
    methods.has = function (this: unknown, key: unknown, options?: unknown): unknown {
      writer.access('has', key);
      return options === undefined ? has.call(cache, key) : has.call(cache, key, options);
    };
  }
  const hadOwn = Object.keys(methods).filter((name) => Object.prototype.hasOwnProperty.call(object, name));
  const saved = Object.fromEntries(hadOwn.map((name) => [name, object[name]]));
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(object, name, { value: method, configurable: true, writable: true, enumerable: false });
  }
  return {
    target: cache,
    restore: () => {
      for (const name of Object.keys(methods)) {
        if (name in saved)
          Object.defineProperty(object, name, { value: saved[name], configurable: true, writable: true, enumerable: false });
        else Reflect.deleteProperty(object, name);
      }
    },
  };
}
