/**
 * Drives a real memcached with a trace and measures what it did.
 *
 * memcached's memory limit is fixed when it starts (`-m`), so nothing is configured: the
 * replay reads the limit and the slab and LRU settings from `stats settings`, which is what
 * the `memcached` model is then run with. A server holding items is refused unless --flush
 * (flush_all) is given, every key carries the prefix, and every key written is deleted
 * afterwards unless --keep-keys.
 *
 * A lookup is `get`, and on a miss `set` with a value of the request's size. Requests go in
 * pipelined batches: all of a batch's gets, then the sets of its misses. A batch never holds
 * one key twice (it is cut before a repeat), so no lookup can miss because its key's set is
 * still in flight; what the batching does move is that a batch's hits reach the server
 * before its sets, a reordering within `--pipeline` requests. `--pipeline 1` is exact.
 * `set` and `delete` rows are sent as they are. Hits and misses are the server's own
 * `get_hits` / `get_misses` deltas.
 */
import { Buffer } from 'node:buffer';
import { UsageError } from '../errors.js';
import { OP_DELETE, OP_SET, type Trace } from '../trace/trace.js';
import { RedisReplayError as ReplayError, type ReplayProgress } from '../redis/errors.js';
import { MemcachedConnection } from './client.js';
import type { MemcachedTarget } from './url.js';
import { batchLatency, keyNamer, type BatchLatencyMs, type ServerReplayOptions } from '../server-replay.js';

export interface MemcachedReplayOptions extends ServerReplayOptions {
  readonly target: MemcachedTarget;
}

/** The server's settings that the model takes, from `stats settings`. */
export interface MemcachedSettingsSeen {
  readonly version: string;
  /** `-m` in bytes (limit_maxbytes / maxbytes). */
  readonly maxbytes: number;
  readonly growthFactor: number;
  readonly chunkSize: number;
  readonly slabChunkMax: number;
  readonly itemSizeMax: number;
  readonly casEnabled: boolean;
  readonly lruSegmented: boolean;
  readonly slabAutomove: number;
  readonly hotLruPct: number;
  readonly warmLruPct: number;
  readonly hotMaxFactor: number;
  readonly warmMaxFactor: number;
  readonly evictions: boolean;
}

export interface MemcachedReplayMeasurement {
  readonly server: MemcachedSettingsSeen;
  readonly requests: number;
  readonly lookups: number;
  /** Lookups whose reply carried a value, as the client saw them. */
  readonly hits: number;
  readonly misses: number;
  readonly bytesRequested: number;
  readonly bytesHit: number;
  readonly writes: number;
  readonly deletes: number;
  /** Sets the server refused (SERVER_ERROR: too large, out of memory). */
  readonly rejectedWrites: number;
  /** Deltas of `stats` over the replay. */
  readonly getHits: number;
  readonly getMisses: number;
  readonly evictions: number;
  readonly reclaimed: number;
  /** curr_items and bytes after the replay; total_malloced (pages handed out). */
  readonly residentItems: number;
  readonly itemBytes: number;
  readonly totalMalloced: number;
  /** Pages held before the replay: over 0 means classes were already shaped by earlier data. */
  readonly mallocedBefore: number;
  readonly seconds: number;
  readonly latency: BatchLatencyMs;
  readonly keysRemoved: number | null;
}

/** How long a server that answers again gets to finish a lost connection's commands before the clean-up. */
const SETTLE_MS = 200;

/** memcached's key rule: 1 to 250 bytes, no spaces or control characters. */
const KEY_MAX = 250;

/** Refuses, before connecting, what the server could not take: bad keys, values over the item limit. */
export function checkMemcachedReplay(trace: Trace, options: MemcachedReplayOptions): void {
  const name = keyNamer(trace, options.prefix);
  for (let id = 0; id < trace.keySpace; id++) {
    const key = name(id);
    const bytes = Buffer.byteLength(key);
    // eslint-disable-next-line no-control-regex -- control characters are what the protocol forbids
    if (bytes > KEY_MAX || bytes === 0 || /[\s\x00-\x1f\x7f]/.test(key)) {
      throw new UsageError(
        `key '${key.length > 60 ? `${key.slice(0, 60)}…` : key}' cannot be a memcached key: keys are 1 to ${KEY_MAX} bytes without spaces or control characters`,
        trace.source,
      );
    }
  }
  if (!trace.sizes && options.valueSize > 1024 * 1024) {
    throw new UsageError(`${options.valueSize} bytes is more than memcached stores by default (1MiB, its -I)`, '--value-size');
  }
}

export async function replayOnMemcached(trace: Trace, options: MemcachedReplayOptions): Promise<MemcachedReplayMeasurement> {
  const total = trace.length;
  let done = 0;
  let lookups = 0;
  let hits = 0;
  const progress = (): ReplayProgress => ({ done, total, lookups, hits });
  let connection: MemcachedConnection;
  try {
    connection = await MemcachedConnection.open(options.target.host, options.target.port, options.timeout);
  } catch (error) {
    throw new ReplayError(`${options.target.display}: ${(error as Error).message}`, progress());
  }
  const written = new Uint8Array(trace.keySpace);
  const name = keyNamer(trace, options.prefix);
  let keysRemoved: number | null = null;
  try {
    const version = (await connection.command('version')).replace(/^VERSION /, '');
    const server = settingsOf(version, await connection.statsOf('settings'));
    const before = await connection.statsOf();
    const items = Number(before.get('curr_items') ?? 0);
    if (items > 0) {
      if (!options.flush) {
        throw new UsageError(
          `${options.target.display} holds ${items.toLocaleString('en-US')} items, which the replay would evict or count: ` +
            'use an empty memcached (best: a fresh one, whose memory no earlier data has shaped), or --flush to flush_all first',
          '--memcached',
        );
      }
      await connection.command('flush_all');
    }
    const slabsBefore = await connection.statsOf('slabs');
    const statsBefore = await connection.statsOf();

    const values = new ValueCache();
    const batchMs: number[] = [];
    let misses = 0;
    let writes = 0;
    let deletes = 0;
    let rejected = 0;
    let bytesRequested = 0;
    let bytesHit = 0;
    const started = performance.now();
    const inBatch = new Int32Array(trace.keySpace).fill(-1);
    let batchNumber = 0;
    const ttlOf = (row: number): number => {
      const own = trace.ttls?.[row];
      const seconds = own !== undefined && !Number.isNaN(own) ? own : options.ttl;
      return seconds === undefined ? 0 : Math.max(1, Math.round(seconds));
    };
    for (let start = 0; start < total;) {
      if (options.signal?.aborted) throw new Error('interrupted');
      // The batch: up to `pipeline` rows with distinct keys.
      let end = start;
      batchNumber++;
      while (end < total && end - start < options.pipeline && inBatch[trace.keys[end]!] !== batchNumber)
        inBatch[trace.keys[end++]!] = batchNumber;
      const t0 = performance.now();
      const first: Promise<unknown>[] = [];
      const gets: number[] = [];
      connection.hold();
      for (let row = start; row < end; row++) {
        const id = trace.keys[row]!;
        const op = trace.ops?.[row] ?? 0;
        const size = trace.sizes ? trace.sizes[row]! : options.valueSize;
        if (op === OP_DELETE) {
          deletes++;
          first.push(connection.delete(name(id)));
        } else if (op === OP_SET) {
          writes++;
          written[id] = 1;
          first.push(
            connection.set(name(id), values.of(size), ttlOf(row)).then((reply) => {
              if (reply.kind === 'line' && reply.line !== 'STORED') rejected++;
            }),
          );
        } else {
          gets.push(row);
          first.push(connection.get(name(id)));
        }
      }
      connection.flush();
      const replies = await Promise.all(first);
      const sets: Promise<unknown>[] = [];
      connection.hold();
      let g = 0;
      for (let row = start, i = 0; row < end; row++, i++) {
        if (gets[g] !== row) continue;
        g++;
        const reply = replies[i] as { kind: string };
        const id = trace.keys[row]!;
        const size = trace.sizes ? trace.sizes[row]! : options.valueSize;
        lookups++;
        bytesRequested += size;
        if (reply.kind === 'value') {
          hits++;
          bytesHit += size;
          continue;
        }
        misses++;
        written[id] = 1;
        sets.push(
          connection.set(name(id), values.of(size), ttlOf(row)).then((answer) => {
            if (answer.kind === 'line' && answer.line !== 'STORED') rejected++;
          }),
        );
      }
      connection.flush();
      await Promise.all(sets);
      batchMs.push(performance.now() - t0);
      done = end;
      start = end;
      options.onProgress?.(done, total);
    }
    const seconds = (performance.now() - started) / 1000;
    const statsAfter = await connection.statsOf();
    const slabsAfter = await connection.statsOf('slabs');
    const delta = (name: string): number => Number(statsAfter.get(name) ?? 0) - Number(statsBefore.get(name) ?? 0);
    const measurement = {
      server,
      requests: total,
      lookups,
      hits,
      misses,
      bytesRequested,
      bytesHit,
      writes,
      deletes,
      rejectedWrites: rejected,
      getHits: delta('get_hits'),
      getMisses: delta('get_misses'),
      evictions: delta('evictions'),
      reclaimed: delta('reclaimed'),
      residentItems: Number(statsAfter.get('curr_items') ?? 0),
      itemBytes: Number(statsAfter.get('bytes') ?? 0),
      totalMalloced: Number(slabsAfter.get('total_malloced') ?? 0),
      mallocedBefore: Number(slabsBefore.get('total_malloced') ?? 0),
      seconds,
      latency: batchLatency(batchMs, options.pipeline, total),
    };
    if (!options.keepKeys) keysRemoved = await removeKeys(connection, written, name);
    return { ...measurement, keysRemoved };
  } catch (error) {
    // Nothing left behind, even after a timeout: over a fresh, more patient connection when
    // this one is gone.
    let leftBehind = false;
    if (!options.keepKeys && written.includes(1)) {
      leftBehind = !(await removeKeysSomehow(connection, options, written, name));
    }
    const cleanup = leftBehind ? ` (the replayed keys under '${options.prefix}' could not be deleted: the server did not answer)` : '';
    if (error instanceof UsageError) throw error;
    throw new ReplayError(`${options.target.display}: ${(error as Error).message}${cleanup}`, progress());
  } finally {
    connection.close();
  }
}

function settingsOf(version: string, settings: Map<string, string>): MemcachedSettingsSeen {
  const number = (name: string, fallback: number): number => {
    const value = Number(settings.get(name));
    return Number.isFinite(value) ? value : fallback;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = settings.get(name);
    return value === undefined ? fallback : value === 'yes' || value === 'on' || value === '1' || value === 'true';
  };
  return {
    version,
    maxbytes: number('maxbytes', 64 * 1024 * 1024),
    growthFactor: number('growth_factor', 1.25),
    chunkSize: number('chunk_size', 48),
    slabChunkMax: number('slab_chunk_max', 512 * 1024),
    itemSizeMax: number('item_size_max', 1024 * 1024),
    casEnabled: flag('cas_enabled', true),
    lruSegmented: flag('lru_segmented', true),
    slabAutomove: number('slab_automove', 1),
    hotLruPct: number('hot_lru_pct', 20),
    warmLruPct: number('warm_lru_pct', 40),
    hotMaxFactor: number('hot_max_factor', 0.2),
    warmMaxFactor: number('warm_max_factor', 2),
    evictions: flag('evictions', true),
  };
}

/** Deletes the replay's keys on this connection if it still works, else on a new one; false when neither could. */
async function removeKeysSomehow(
  connection: MemcachedConnection,
  options: MemcachedReplayOptions,
  written: Uint8Array,
  name: (id: number) => string,
): Promise<boolean> {
  if (connection.usable()) {
    try {
      await removeKeys(connection, written, name);
      return true;
    } catch {
      // Fall through to a fresh connection.
    }
  }
  try {
    const fresh = await MemcachedConnection.open(options.target.host, options.target.port, options.timeout * 3);
    try {
      // Once the server answers again it still has the lost connection's last commands to run
      // (sets among them): give it a moment, or a set could land after its key's delete.
      await fresh.command('version');
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      await removeKeys(fresh, written, name);
      return true;
    } finally {
      fresh.close();
    }
  } catch {
    return false;
  }
}

/** Deletes every key the replay wrote, in pipelined batches; returns how many existed. */
async function removeKeys(connection: MemcachedConnection, written: Uint8Array, name: (id: number) => string): Promise<number> {
  let removed = 0;
  let batch: Promise<unknown>[] = [];
  connection.hold();
  for (let id = 0; id < written.length; id++) {
    if (written[id] === 0) continue;
    batch.push(
      connection.delete(name(id)).then((reply) => {
        if (reply.kind === 'line' && reply.line === 'DELETED') removed++;
      }),
    );
    if (batch.length >= 1024) {
      connection.flush();
      await Promise.all(batch);
      batch = [];
      connection.hold();
    }
  }
  connection.flush();
  await Promise.all(batch);
  return removed;
}

class ValueCache {
  private readonly bySize = new Map<number, Buffer>();
  of(size: number): Buffer {
    let value = this.bySize.get(size);
    if (value === undefined) {
      if (this.bySize.size >= 4096) this.bySize.clear();
      value = Buffer.alloc(size, 0x78);
      this.bySize.set(size, value);
    }
    return value;
  }
}
