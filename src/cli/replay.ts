/**
 * `cachebench replay TRACE --redis URL | --memcached HOST:PORT`: drive a real server with a
 * trace and compare what it counted with the simulation.
 */
import { Option, type Command } from 'commander';
import { CancelledError, UsageError } from '../errors.js';
import { parsePolicySpec, splitPolicyList } from '../policies/index.js';
import { SIMULATED_COUNTERPART, counterpartSpec, memoryModelSpec, simulateAtEntries, simulateInMemory } from '../redis/compare.js';
import { REDIS_EVICTION_POLICIES, type RedisEvictionPolicy } from '../redis/policies.js';
import type { RedisReplayOptions } from '../redis/replay.js';
import { buildRedisResult } from '../redis/result.js';
import { parseRedisUrl } from '../redis/url.js';
import { parseMemcachedAddress } from '../memcached/url.js';
import type { MemcachedReplayOptions } from '../memcached/replay.js';
import { buildMemcachedResult, modelSpecFor } from '../memcached/result.js';
import { simulate } from '../api/simulate.js';
import { sentSizes, type ServerReplayOptions } from '../server-replay.js';
import type { Trace } from '../trace/trace.js';
import { renderServerTable } from '../report/server.js';
import { REPORT_FORMATS } from '../report/render.js';
import { byteUnitStyleOf, parseBytes, parseCount, parseDuration } from '../units.js';
import { addTraceOptions, loadTraceFrom, type CommonFlags } from './options.js';
import { addOutputOptions, deliverResult, prepareOutput, type OutputFlags } from './output.js';
import type { CliIo } from './io.js';
import { progressBar } from './progress.js';

interface ReplayFlags {
  redis?: string;
  memcached?: string;
  maxmemory?: string;
  policy: RedisEvictionPolicy;
  prefix: string;
  flush?: boolean;
  valueSize?: string;
  ttl?: string;
  pipeline: string;
  simulate?: string;
  timeout: string;
  keepKeys?: boolean;
  seed: string;
  lookupCost: string;
  missCost: string;
}

const DEFAULT_VALUE_SIZE = 100;

export function registerReplay(program: Command, io: CliIo): void {
  const command = program
    .command('replay')
    .description('replay a trace against a real Redis or memcached server and compare its hit rate with the simulation')
    .argument('<trace>', 'a trace file in any format (cachebench formats lists them), - for stdin, or a synthetic spec')
    .option('--redis <url>', 'a Redis server: redis://[user:password@]host:port[/db]')
    .option('--memcached <address>', 'a memcached server: host:port (its -m is read from stats settings)')
    .option('--maxmemory <size>', 'maxmemory to set for the replay, as in redis.conf (64mb = 64MiB = 64*1024*1024 bytes, 64m = 64e6)')
    .addOption(
      new Option('--policy <policy>', 'maxmemory-policy to set for the replay')
        .choices([...REDIS_EVICTION_POLICIES])
        .default('allkeys-lru'),
    )
    .option('--prefix <text>', 'prefix of every key written', 'cachebench:')
    .option('--flush', 'empty the chosen database first if it holds keys (otherwise replay refuses to run)')
    .option('--value-size <bytes>', `value size for traces without a size column (default ${DEFAULT_VALUE_SIZE})`)
    .option('--ttl <duration>', 'TTL (PX) for writes whose request has none, e.g. 10m (required for volatile-ttl without a ttl column)')
    .option('--pipeline <n>', 'requests per pipeline batch (1 measures per-request latency)', '256')
    .option(
      '--simulate <policy>',
      'Redis: the simulated policy to compare with (default: redis-lru, redis-lfu, or fifo for volatile-ttl); memcached: policies to run beside the memcached model (default: lru,slru)',
    )
    .option('--timeout <duration>', 'give up when the server does not connect or answer within this time', '5s')
    .option('--keep-keys', 'leave the replayed keys on the server (by default they are deleted afterwards)')
    .option('--seed <n>', 'seed for the simulated policy (a synthetic trace takes seed= in its spec)', '1')
    .option('--lookup-cost <duration>', "time of one cache lookup, for the rows' expected latency", '0.1ms')
    .option('--miss-cost <duration>', "time to fetch a missed value, for the rows' expected latency", '5ms')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]));
  addTraceOptions(command);
  addOutputOptions(command);
  command.action(async (source: string, flags: ReplayFlags & CommonFlags & OutputFlags) => {
    if ((flags.redis === undefined) === (flags.memcached === undefined)) {
      throw new UsageError('name one server: --redis redis://host:port or --memcached host:port', flags.redis ? '--memcached' : '--redis');
    }
    if (flags.memcached !== undefined) {
      await replayMemcached(source, flags, command, io);
      return;
    }
    const output = await prepareOutput(flags, { command: 'replay', source });
    const target = parseRedisUrl(flags.redis!, '--redis');
    if (flags.maxmemory === undefined) throw new UsageError('a Redis replay sets maxmemory: give --maxmemory, e.g. 64mb', '--maxmemory');
    const maxmemoryText = flags.maxmemory;
    const maxmemory = parseBytes(maxmemoryText, '--maxmemory');
    const parsed = replayFlagsOf(flags, (ttl) => {
      if (ttl <= 0) throw new UsageError(`'${flags.ttl}' must be a positive duration`, '--ttl');
    });
    const { ttl, seed, cost, valueSize } = parsed;
    // Checked now so a typo fails before the server is touched; the default is rebuilt with
    // the server's own sampling settings once they are known.
    const chosen = parsePolicySpec(flags.simulate ?? SIMULATED_COUNTERPART[flags.policy], '--simulate');
    const trace = await loadReplayTrace(source, flags, io);
    const progress = progressBar('replaying on redis');
    const options: RedisReplayOptions = {
      target,
      maxmemory,
      policy: flags.policy,
      ...serverReplayOptions(flags, parsed, progress),
    };
    // The Redis client (ioredis, about a third of a second to import) loads only for a replay.
    const { checkReplayOptions, replayOnRedis } = await import('../redis/replay.js');
    checkReplayOptions(trace, options);
    const measurement = await interruptible((signal) => replayOnRedis(trace, { ...options, signal }), progress);
    const simulate = flags.simulate === undefined ? counterpartSpec(flags.policy, measurement.server) : chosen;
    const entries = measurement.equivalentEntries;
    const simulation =
      entries === null || entries < 1
        ? null
        : {
            policy: simulate,
            entries,
            counts: simulateAtEntries({
              trace,
              sentAt: measurement.sentAt,
              policy: simulate,
              entries,
              ...(ttl !== undefined && { ttl }),
              seed,
            }),
          };
    const memoryPolicy = memoryModelSpec(flags.policy, measurement.server, options.prefix, measurement.usedMemoryEmpty);
    const memorySimulation = memoryPolicy && {
      policy: memoryPolicy,
      counts: simulateInMemory({
        trace,
        sentAt: measurement.sentAt,
        policy: memoryPolicy,
        maxmemory,
        valueSize,
        ...(ttl !== undefined && { ttl }),
        seed,
      }),
    };
    const result = buildRedisResult({
      trace,
      options,
      measurement,
      simulation,
      memorySimulation: memorySimulation ?? null,
      cost,
      seed,
      byteUnits: byteUnitStyleOf(flags.maxmemory) ?? 'kb',
    });
    await deliverResult(result, output, { io, table: renderServerTable });
  });
}

/** The memcached side: its memory is read, not set; the model, lru and slru run at those bytes. */
async function replayMemcached(source: string, flags: ReplayFlags & CommonFlags & OutputFlags, command: Command, io: CliIo): Promise<void> {
  if (flags.maxmemory !== undefined) {
    throw new UsageError(
      "memcached's memory is fixed when it starts: start it with -m (e.g. memcached -m 64); the replay reads it",
      '--maxmemory',
    );
  }
  if (command.getOptionValueSource('policy') === 'cli') {
    throw new UsageError(
      '--policy sets a Redis maxmemory-policy; memcached has one eviction scheme, which the memcached model follows',
      '--policy',
    );
  }
  const output = await prepareOutput(flags, { command: 'replay', source });
  const target = parseMemcachedAddress(flags.memcached!, '--memcached');
  const parsed = replayFlagsOf(flags, (ttl) => {
    if (ttl < 1) throw new UsageError(`'${flags.ttl}' must be at least 1s: memcached counts TTLs in whole seconds`, '--ttl');
  });
  const { ttl, seed, cost, valueSize } = parsed;
  const others = splitPolicyList(flags.simulate ?? 'lru,slru', '--simulate').map((spec) => parsePolicySpec(spec, '--simulate').name);
  const trace = await loadReplayTrace(source, flags, io);
  const progress = progressBar('replaying on memcached');
  const options: MemcachedReplayOptions = { target, ...serverReplayOptions(flags, parsed, progress) };
  const { checkMemcachedReplay, replayOnMemcached } = await import('../memcached/replay.js');
  checkMemcachedReplay(trace, options);
  const measurement = await interruptible((signal) => replayOnMemcached(trace, { ...options, signal }), progress);
  const model = modelSpecFor(measurement.server, options.prefix);
  // The same trace at the server's -m, in the simulator: values as the replay sent them.
  const replayed = { ...trace, sizes: sentSizes(trace, valueSize) };
  const simulated = await simulate(replayed, {
    policies: [model, ...others.filter((name) => name !== model)],
    capacities: [measurement.server.maxbytes],
    unit: 'bytes',
    ...(ttl !== undefined && { ttlsMs: [ttl * 1e3] }),
    lookupCostMs: cost.lookupCost * 1e3,
    missCostMs: cost.missCost * 1e3,
    seed,
  });
  const result = buildMemcachedResult({ trace, options, measurement, simulatedRows: simulated.rows, cost, seed });
  await deliverResult(result, output, { io, table: renderServerTable });
}

/**
 * Runs a replay that Ctrl-C (or SIGTERM) stops after its current batch, so the server's
 * settings are restored and the keys removed; the command then ends as any interrupted one
 * does (exit 130), saying how far it got.
 */
async function interruptible<T>(replay: (signal: AbortSignal) => Promise<T>, progress: { done(): void }): Promise<T> {
  const interrupt = new AbortController();
  const onSignal = (): void => {
    interrupt.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await replay(interrupt.signal);
  } catch (error) {
    if (interrupt.signal.aborted && error instanceof Error) throw new CancelledError(error.message);
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    progress.done();
  }
}

/** The flags every server replay shares, parsed; `checkTtl` holds the server's own rule for --ttl. */
function replayFlagsOf(flags: ReplayFlags, checkTtl: (seconds: number) => void): ReplayFlagValues {
  const pipeline = parseCount(flags.pipeline, '--pipeline');
  const timeout = parseDuration(flags.timeout, '--timeout');
  if (timeout <= 0) throw new UsageError(`'${flags.timeout}' must be a positive duration`, '--timeout');
  const ttl = flags.ttl === undefined ? undefined : parseDuration(flags.ttl, '--ttl');
  if (ttl !== undefined) checkTtl(ttl);
  const seed = parseCount(flags.seed, '--seed', { allowZero: true });
  const cost = {
    lookupCost: parseDuration(flags.lookupCost, '--lookup-cost', 'ms'),
    missCost: parseDuration(flags.missCost, '--miss-cost', 'ms'),
  };
  const valueSize = flags.valueSize === undefined ? DEFAULT_VALUE_SIZE : parseBytes(flags.valueSize, '--value-size');
  return { pipeline, timeout, ttl, seed, cost, valueSize };
}

interface ReplayFlagValues {
  readonly pipeline: number;
  readonly timeout: number;
  readonly ttl: number | undefined;
  readonly seed: number;
  readonly cost: { readonly lookupCost: number; readonly missCost: number };
  readonly valueSize: number;
}

/** The trace to replay; --value-size is refused when the trace has sizes of its own. */
async function loadReplayTrace(source: string, flags: ReplayFlags & CommonFlags, io: CliIo): Promise<Trace> {
  const trace = await loadTraceFrom(source, flags, io);
  if (flags.valueSize !== undefined && trace.sizes) {
    throw new UsageError(
      `${source} has a size column, which sets each value's size; --value-size is for traces without one`,
      '--value-size',
    );
  }
  return trace;
}

/** The options every server replay takes, from the flags both kinds share. */
function serverReplayOptions(
  flags: ReplayFlags,
  parsed: ReplayFlagValues,
  progress: { update(done: number, total: number): void },
): ServerReplayOptions {
  return {
    prefix: flags.prefix,
    flush: flags.flush === true,
    valueSize: parsed.valueSize,
    ...(parsed.ttl !== undefined && { ttl: parsed.ttl }),
    pipeline: parsed.pipeline,
    timeout: parsed.timeout,
    keepKeys: flags.keepKeys === true,
    onProgress: (done, total) => {
      progress.update(done, total);
    },
  };
}
