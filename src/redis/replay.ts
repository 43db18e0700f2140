/**
 * Drives a real Redis server with a trace and measures what it did.
 *
 * Setup: refuse a server that holds keys (eviction is server-wide, so any key there could be
 * evicted) unless --flush empties the chosen database; remember maxmemory and
 * maxmemory-policy, set ours, and put them back afterwards.
 *
 * Each lookup is one EVALSHA of a tiny script: GET, and on a miss SET a value of the
 * request's size (with PX when a TTL applies). Doing both in one command keeps the trace's
 * order exact while commands are pipelined: with a GET pipeline followed by a SET pipeline,
 * a key requested twice in one batch would miss twice. The script's GET is an ordinary
 * keyspace lookup, so Redis counts it in keyspace_hits / keyspace_misses and touches the
 * key's LRU clock or LFU counter once, as a client's GET would. A trace's `set` rows are
 * plain SETs and `delete` rows DELs; neither is a lookup.
 *
 * Latency is measured on the client per pipeline batch (send to last reply), so with
 * --pipeline 1 it is the round trip of one request; with larger batches it is the batch's
 * round trip, and the mean per request is the total time over the requests.
 *
 * The replay runs as fast as the server answers; the trace's timestamps are not waited for.
 * TTLs are sent as they are (PX, in real milliseconds), so they only fire if shorter than
 * the replay. The time each request was sent is recorded so the simulation can see the
 * same clock Redis saw.
 */
import { UsageError } from '../errors.js';
import { OP_DELETE, OP_SET, type Trace } from '../trace/trace.js';
import { isReplyError, openRedis, type RedisSession } from './client.js';
import { RedisReplayError, type ReplayProgress } from './errors.js';
import { formatRedisMemory } from './memory.js';
import type { RedisTarget } from './url.js';
import { batchLatency, keyNamer, type BatchLatencyMs, type ServerReplayOptions } from '../server-replay.js';

import type { RedisEvictionPolicy } from './policies.js';

export { REDIS_EVICTION_POLICIES, type RedisEvictionPolicy } from './policies.js';

export interface RedisReplayOptions extends ServerReplayOptions {
  readonly target: RedisTarget;
  /** Bytes, as CONFIG SET maxmemory takes them. */
  readonly maxmemory: number;
  readonly policy: RedisEvictionPolicy;
}

export interface ServerSettings {
  readonly version: string;
  readonly maxmemory: number;
  readonly policy: RedisEvictionPolicy;
  readonly maxmemorySamples: number;
  readonly lfuLogFactor: number;
  readonly lfuDecayTime: number;
  /** What maxmemory and maxmemory-policy were before, and were restored to. */
  readonly previousMaxmemory: string;
  readonly previousPolicy: string;
}

export interface RedisReplayMeasurement {
  readonly server: ServerSettings;
  /** Trace rows replayed: lookups + writes + deletes. */
  readonly requests: number;
  readonly lookups: number;
  /** Lookups whose reply carried a value, as seen by the client. */
  readonly hits: number;
  /** Bytes of the values looked up, and of those the replies carried (client side). */
  readonly bytesRequested: number;
  readonly bytesHit: number;
  readonly misses: number;
  readonly writes: number;
  readonly deletes: number;
  /** SETs the server refused with OOM (volatile-ttl with nothing left to evict). */
  readonly rejectedWrites: number;
  /** Deltas of INFO stats over the replay. */
  readonly keyspaceHits: number;
  readonly keyspaceMisses: number;
  readonly evictedKeys: number;
  readonly expiredKeys: number;
  /** DBSIZE after the replay. */
  readonly residentKeys: number;
  /** used_memory of the empty server (after setup), and after the replay. */
  readonly usedMemoryEmpty: number;
  readonly usedMemoryAfter: number;
  /** (usedMemoryAfter - usedMemoryEmpty) / residentKeys; null when nothing is resident. */
  readonly bytesPerKey: number | null;
  /** floor((maxmemory - usedMemoryEmpty) / bytesPerKey): the entries maxmemory holds. */
  readonly equivalentEntries: number | null;
  readonly seconds: number;
  readonly latency: BatchLatencyMs;
  /** Keys deleted afterwards (null with keepKeys). */
  readonly keysRemoved: number | null;
  /** Wall-clock time (seconds since the epoch) at which each request was sent. */
  readonly sentAt: Float64Array;
}

/** GET; on a miss SET ARGV[1] bytes, with PX ARGV[2] unless it is 0. Hit: the value; miss: 0; refused write: -1. */
const GET_OR_SET = `
local value = redis.call('GET', KEYS[1])
if value then return value end
local written
if ARGV[2] == '0' then
  written = redis.pcall('SET', KEYS[1], string.rep('x', tonumber(ARGV[1])))
else
  written = redis.pcall('SET', KEYS[1], string.rep('x', tonumber(ARGV[1])), 'PX', ARGV[2])
end
if type(written) == 'table' and written.err then return -1 end
return 0
`;

/** The largest value a default Redis accepts (proto-max-bulk-len, 512MiB). */
export const MAX_VALUE_BYTES = 512 * 1024 * 1024;

/** Checks what can be checked without a server; the CLI calls it before connecting. */
export function checkReplayOptions(
  trace: Trace,
  options: Pick<RedisReplayOptions, 'policy' | 'ttl' | 'pipeline' | 'prefix' | 'valueSize'>,
): void {
  if (!Number.isSafeInteger(options.valueSize) || options.valueSize < 0 || options.valueSize > MAX_VALUE_BYTES) {
    throw new UsageError(
      `${String(options.valueSize)} bytes is not a value Redis can store (0 to 512MiB, its proto-max-bulk-len)`,
      'valueSize',
    );
  }
  if (trace.sizes !== undefined) {
    let largest = 0;
    for (const size of trace.sizes) if (size > largest) largest = size;
    if (largest > MAX_VALUE_BYTES)
      throw new UsageError(
        `${trace.source} has a ${largest.toLocaleString('en-US')}-byte value, larger than Redis stores (512MiB, its proto-max-bulk-len)`,
      );
  }
  if (options.policy === 'volatile-ttl' && trace.ttls === undefined && options.ttl === undefined) {
    throw new UsageError(
      `volatile-ttl evicts only keys that have a TTL, and ${trace.source} has no ttl column: give every write one`,
      'ttl',
    );
  }
  if (!Number.isSafeInteger(options.pipeline) || options.pipeline < 1) throw new UsageError('must be a positive whole number', 'pipeline');
  if (options.prefix === '') throw new UsageError('must not be empty: it is what marks the keys cachebench wrote', 'prefix');
}

export async function replayOnRedis(trace: Trace, options: RedisReplayOptions): Promise<RedisReplayMeasurement> {
  checkReplayOptions(trace, options);
  const { target } = options;
  const total = trace.length;
  const progress = { done: 0, total, lookups: 0, hits: 0 };
  const snapshot = (): ReplayProgress => ({ ...progress });

  let session: RedisSession;
  try {
    session = await openRedis(target, options.timeout);
  } catch (error) {
    throw new RedisReplayError(`${target.display}: ${(error as Error).message}`, snapshot());
  }
  const { client } = session;
  let previous: Map<string, string> | undefined;
  let wroteKeys = false;
  // After a timeout or a lost connection, clean-up would only wait out more timeouts.
  let answering = true;
  try {
    const version = info(await client.info('server')).get('redis_version') ?? 'unknown';
    // Read the settings first: a server that forbids CONFIG fails here, before --flush deletes anything.
    const settings = await configGet(session, ['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'lfu-log-factor', 'lfu-decay-time']);
    await refuseForeignKeys(session, options.flush);
    previous = settings;
    await client.config('SET', 'maxmemory', String(options.maxmemory));
    await client.config('SET', 'maxmemory-policy', options.policy);
    const sha = String(await client.script('LOAD', GET_OR_SET));

    const usedMemoryEmpty = Number(info(await client.info('memory')).get('used_memory'));
    if (!(options.maxmemory > usedMemoryEmpty)) {
      throw new UsageError(
        `${formatRedisMemory(options.maxmemory)} is not more than the empty server already uses ` +
          `(used_memory ${formatRedisMemory(usedMemoryEmpty)}), so nothing could be cached`,
        'maxmemory',
      );
    }
    const statsBefore = info(await client.info('stats'));

    wroteKeys = true;
    const run = await replayBatches(session, trace, options, sha, progress);

    const statsAfter = info(await client.info('stats'));
    const usedMemoryAfter = Number(info(await client.info('memory')).get('used_memory'));
    const residentKeys = await client.dbsize();
    const delta = (name: string): number => Number(statsAfter.get(name) ?? 0) - Number(statsBefore.get(name) ?? 0);
    const bytesPerKey = residentKeys > 0 ? Math.max(1, (usedMemoryAfter - usedMemoryEmpty) / residentKeys) : null;
    const keysRemoved = options.keepKeys ? null : await removeOwnKeys(session, options.prefix);
    wroteKeys = false;

    return {
      server: {
        version,
        maxmemory: options.maxmemory,
        policy: options.policy,
        maxmemorySamples: Number(previous.get('maxmemory-samples')),
        lfuLogFactor: Number(previous.get('lfu-log-factor')),
        lfuDecayTime: Number(previous.get('lfu-decay-time')),
        previousMaxmemory: previous.get('maxmemory') ?? '',
        previousPolicy: previous.get('maxmemory-policy') ?? '',
      },
      requests: total,
      lookups: progress.lookups,
      hits: progress.hits,
      misses: progress.lookups - progress.hits,
      bytesRequested: run.bytesRequested,
      bytesHit: run.bytesHit,
      writes: run.writes,
      deletes: run.deletes,
      rejectedWrites: run.rejectedWrites,
      keyspaceHits: delta('keyspace_hits'),
      keyspaceMisses: delta('keyspace_misses'),
      evictedKeys: delta('evicted_keys'),
      expiredKeys: delta('expired_keys'),
      residentKeys,
      usedMemoryEmpty,
      usedMemoryAfter,
      bytesPerKey,
      equivalentEntries: bytesPerKey === null ? null : Math.floor((options.maxmemory - usedMemoryEmpty) / bytesPerKey),
      seconds: run.seconds,
      latency: run.latency,
      keysRemoved,
      sentAt: run.sentAt,
    };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof ReplayInterrupted) throw new RedisReplayError(`${target.display}: interrupted`, snapshot());
    answering = isReplyError(error);
    const why = session.explain(error);
    // A timeout or a lost connection leaves the server as we set it: put it back over a
    // fresh connection, patient enough for a server that was only slow.
    let unrestored = '';
    if (!(answering && session.usable())) {
      session.close();
      if (previous !== undefined) unrestored = await restoreElsewhere(target, options.timeout, cleanUp, previous, why);
      previous = undefined;
      wroteKeys = false;
    }
    throw new RedisReplayError(`${target.display}: ${why}${unrestored}`, snapshot());
  } finally {
    if (answering && session.usable()) await cleanUp(session).catch(() => undefined);
    session.close();
  }

  async function cleanUp(on: RedisSession): Promise<void> {
    if (wroteKeys && !options.keepKeys) await removeOwnKeys(on, options.prefix);
    if (previous !== undefined) await restoreConfig(on, previous);
  }
}

/** Seconds the clean-up after a timeout waits for the server, at least. */
const CLEANUP_TIMEOUT = 5;

/**
 * Restores the settings (and removes the keys) over a new connection after the replay's
 * own connection failed: '' when done. When even that fails, what to restore by hand, since
 * the server is left with our maxmemory and eviction policy.
 */
async function restoreElsewhere(
  target: RedisTarget,
  timeout: number,
  cleanUp: (session: RedisSession) => Promise<void>,
  previous: Map<string, string>,
  why: string,
): Promise<string> {
  let fresh: RedisSession | undefined;
  try {
    fresh = await openRedis(target, Math.max(timeout, CLEANUP_TIMEOUT));
    await cleanUp(fresh);
    return '';
  } catch (error) {
    const settings = ['maxmemory', 'maxmemory-policy'].map((name) => `CONFIG SET ${name} ${previous.get(name) ?? '?'}`).join(' and ');
    const reason = (error as Error).message;
    return `; its settings could not be restored either${reason === why ? '' : ` (${reason})`}: run ${settings}`;
  } finally {
    fresh?.close();
  }
}

/** The signal fired between batches; the server is fine, so clean-up still runs. */
class ReplayInterrupted extends Error {}

interface BatchRun {
  readonly bytesRequested: number;
  readonly bytesHit: number;
  readonly writes: number;
  readonly deletes: number;
  readonly rejectedWrites: number;
  readonly seconds: number;
  readonly latency: BatchLatencyMs;
  readonly sentAt: Float64Array;
}

async function replayBatches(
  session: RedisSession,
  trace: Trace,
  options: RedisReplayOptions,
  sha: string,
  progress: { done: number; lookups: number; hits: number },
): Promise<BatchRun> {
  const { client } = session;
  const n = trace.length;
  const { keys, sizes, ops, ttls } = trace;
  const batchSize = options.pipeline;
  const keyName = keyNamer(trace, options.prefix);
  const values = new ValueCache();
  const defaultTtlMs = options.ttl === undefined ? 0 : ttlMs(options.ttl);
  const sentAt = new Float64Array(n);
  const batchMs = new Float64Array(Math.ceil(n / batchSize));
  let batches = 0;
  let writes = 0;
  let deletes = 0;
  let rejectedWrites = 0;
  let bytesRequested = 0;
  let bytesHit = 0;
  const started = performance.now();

  for (let start = 0; start < n; start += batchSize) {
    if (options.signal?.aborted) throw new ReplayInterrupted();
    const end = Math.min(n, start + batchSize);
    const pipeline = client.pipeline();
    for (let i = start; i < end; i++) {
      const key = keyName(keys[i]!);
      const op = ops === undefined ? 0 : ops[i]!;
      if (op === OP_DELETE) {
        pipeline.del(key);
        continue;
      }
      const size = sizes === undefined ? options.valueSize : sizes[i]!;
      const own = ttls === undefined ? NaN : ttls[i]!;
      // A TTL of Infinity (stored for good) is 0 here: no expiry, as for a run without TTL.
      const ttl = own !== own ? defaultTtlMs : own === Infinity ? 0 : ttlMs(own);
      if (op === OP_SET) {
        if (ttl > 0) pipeline.set(key, values.of(size), 'PX', ttl);
        else pipeline.set(key, values.of(size));
      } else {
        pipeline.callBuffer('EVALSHA', sha, 1, key, size, ttl);
      }
    }
    sentAt.fill(Date.now() / 1000, start, end);
    const t0 = performance.now();
    const replies = await pipeline.exec();
    const elapsed = performance.now() - t0;
    if (replies === null) throw new Error('Connection is closed.');
    batchMs[batches++] = elapsed;

    // Count only once the whole batch is known good, so the progress reported after a
    // failure is what the server really answered.
    let lookups = 0;
    let hits = 0;
    for (let i = start; i < end; i++) {
      const [error, reply] = replies[i - start]!;
      const op = ops === undefined ? 0 : ops[i]!;
      if (error) {
        if (op === OP_SET && isReplyError(error) && error.message.startsWith('OOM')) {
          rejectedWrites++;
          writes++;
          continue;
        }
        throw error;
      }
      if (op === OP_DELETE) deletes++;
      else if (op === OP_SET) writes++;
      else {
        lookups++;
        const size = sizes === undefined ? options.valueSize : sizes[i]!;
        bytesRequested += size;
        if (Buffer.isBuffer(reply)) {
          hits++;
          bytesHit += size;
        } else if (reply === -1) rejectedWrites++;
      }
    }
    progress.lookups += lookups;
    progress.hits += hits;
    progress.done = end;
    options.onProgress?.(end, n);
  }

  return {
    bytesRequested,
    bytesHit,
    writes,
    deletes,
    rejectedWrites,
    seconds: (performance.now() - started) / 1000,
    latency: batchLatency(batchMs.subarray(0, batches), batchSize, n),
    sentAt,
  };
}

/** Values are just `size` bytes of 'x'; keep the few distinct sizes a trace uses. */
class ValueCache {
  private readonly bySize = new Map<number, string>();
  of(size: number): string {
    let value = this.bySize.get(size);
    if (value === undefined) {
      if (this.bySize.size >= 1024) this.bySize.clear();
      value = 'x'.repeat(size);
      this.bySize.set(size, value);
    }
    return value;
  }
}

function ttlMs(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}

/** INFO text as name -> value. */
export function info(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Keys per database from INFO keyspace ("db0:keys=12,expires=0,avg_ttl=0"). */
export function keysPerDatabase(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [name, value] of info(text)) {
    const db = /^db(\d+)$/.exec(name);
    const keys = /(?:^|,)keys=(\d+)/.exec(value);
    if (db && keys) counts.set(Number(db[1]), Number(keys[1]));
  }
  return counts;
}

async function refuseForeignKeys(session: RedisSession, flush: boolean): Promise<void> {
  const { client, target } = session;
  const counts = keysPerDatabase(await client.info('keyspace'));
  const elsewhere = [...counts].filter(([db, keys]) => db !== target.db && keys > 0);
  if (elsewhere.length > 0) {
    const list = elsewhere.map(([db, keys]) => `db${db}: ${countOf(keys, 'key')}`).join(', ');
    throw new UsageError(
      `${target.display}: other databases hold keys (${list}); eviction is server-wide and would delete them, ` +
        'so replay needs a server with no other data (emptying the chosen database would not be enough)',
    );
  }
  const here = counts.get(target.db) ?? 0;
  if (here === 0) return;
  if (!flush) {
    throw new UsageError(
      `${target.display}: database ${target.db} holds ${countOf(here, 'key')}; refusing to replay into it, ` +
        'since eviction would delete them (flush deletes them first)',
      'flush',
    );
  }
  await client.flushdb();
}

function countOf(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

async function configGet(session: RedisSession, names: readonly string[]): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const name of names) {
    const pair = (await session.client.config('GET', name)) as string[];
    if (pair.length >= 2) values.set(pair[0]!, pair[1]!);
  }
  return values;
}

async function restoreConfig(session: RedisSession, previous: Map<string, string>): Promise<void> {
  const policy = previous.get('maxmemory-policy');
  const maxmemory = previous.get('maxmemory');
  if (policy !== undefined) await session.client.config('SET', 'maxmemory-policy', policy);
  if (maxmemory !== undefined) await session.client.config('SET', 'maxmemory', maxmemory);
}

/** Deletes every key under `prefix` (and only those), found with SCAN so the server never blocks. */
async function removeOwnKeys(session: RedisSession, prefix: string): Promise<number> {
  const pattern = prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`) + '*';
  let cursor = '0';
  let removed = 0;
  do {
    const [next, found] = await session.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) removed += await session.client.unlink(...found);
  } while (cursor !== '0');
  return removed;
}
