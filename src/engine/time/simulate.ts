/**
 * The time-aware replay: used instead of the plain `replay()` only when one of `--tiers`,
 * `--write-policy`, `--stampede`, `--instances`, an incident or an origin limit is given, so
 * the plain hot loop stays as it is.
 *
 * Per request, in trace order: incidents due by now take their tier down, bring it back or
 * restart it cold (incidents.ts); fetches that have landed by now fill the cache; write-behind
 * flushes and invalidation broadcasts that are due go out; the balancer picks the request's
 * instance, whose own L1 heads the chain of shared tiers (fleet.ts); then
 * - delete removes the key from every tier;
 * - set is a write, handled per the write policy (freshness.ts);
 * - get looks the key up tier by tier (paying each tier's lookup cost): an expired entry is
 *   dropped (or, under stale-while-revalidate, served while one refresh runs); a hit in a lower
 *   tier is copied into the tiers above it with its remaining TTL; a miss in every tier goes to
 *   the origin and the value is inserted into every tier (inclusive fill). Without `--stampede`
 *   that fetch is instantaneous for the cache (the request still pays its miss cost); with it,
 *   the fill happens when the fetch lands, and concurrent requests behave per stampede.ts.
 * A tier that is down is skipped: no lookup, no fill, and writes to it are lost. An origin
 * limit admits, queues or sheds each fetch (a shed get fails after its lookups).
 * Percentiles are exact over the requests without keeping one number per request: a hit in
 * tier t costs the lookups of tiers 1..t unless a tier above was down, so the latencies are
 * each tier's hits at that fixed cost merged with the misses' and those detours' own latencies
 * (kept, sorted at the end).
 *
 * Misses are split as in replay.ts (cold / expired / capacity), judged end to end. A fetch
 * reads the origin when it starts, so a write that lands during the fetch leaves the filled
 * value stale: the classic cache-aside race, which this model shows rather than hides.
 */
import type { Trace } from '../../trace/trace.js';
import { OP_DELETE, OP_SET } from '../../trace/trace.js';
import { Rng } from '../../trace/synthetic/rng.js';
import { finalBytesOf, JITTER_STREAM, ttlApplies, type ReplayCounts } from '../replay.js';
import { lastSizes } from '../resident-bytes.js';
import { Versions, type WritePolicy } from './freshness.js';
import { FetchQueue, LANDING_SLACK, type StampedeConfig } from './stampede.js';
import { Tier, type TierSpec } from './tiers.js';
import { OriginRate } from './origin-rate.js';
import type { OriginLoad } from '../../model/result.js';
import { chunkEnd, intervalCount, intervalRecorder, type IntervalSpec } from '../intervals.js';
import { Balancer, Broadcasts, DEFAULT_INVALIDATION, type FleetConfig } from './fleet.js';
import { OriginLimiter, RecoveryMeter, type Incident, type IncidentCounts, type OriginLimit } from './incidents.js';

export interface TimedConfig {
  /** One entry for a single cache; L1 first. */
  readonly tiers: readonly TierSpec[];
  readonly unit: 'entries' | 'bytes';
  /** Default TTL in seconds; a request's own `ttl` wins. */
  readonly ttl?: number;
  readonly ttlJitter?: number;
  readonly seed: number;
  /** Miss cost (seconds) for requests whose `cost` column is empty. */
  readonly defaultMissCost: number;
  /** What a `set` does to the cache; write-through is what the plain replay does. */
  readonly writePolicy: WritePolicy;
  /** Seconds between write-behind flushes. */
  readonly flushInterval: number;
  /** Absent: fetches fill the cache at once (no concurrency modelled). */
  readonly stampede?: StampedeConfig;
  /** Count lookups and hits per interval of the trace as well (hit rate over time). */
  readonly interval?: IntervalSpec;
  /** Leave the requests before this index out of every count (warm-up); 0 or absent = none. */
  readonly warmup?: number;
  /** N instances, each with its own L1 (the first tier), in front of the shared tiers. Absent: one. */
  readonly fleet?: FleetConfig;
  /** Outages and restarts, in seconds after the first request. */
  readonly incidents?: readonly Incident[];
  /** At most so many origin fetches per second; the rest shed or queued. */
  readonly originLimit?: OriginLimit;
  /** Per-key default TTL in seconds (Infinity: none), from per-class TTLs; a request's own `ttl` wins. */
  readonly keyTtls?: Float64Array;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One instance of a fleet: its gets, the hits in its own L1, and the stale reads it returned. */
export interface InstanceCounts {
  readonly gets: number;
  readonly hits: number;
  readonly staleReads: number;
}

export interface TierCounts {
  /** Gets that reached this tier (every get reaches L1; L2 sees L1's misses). */
  readonly lookups: number;
  readonly hits: number;
}

export interface TimedCounts extends ReplayCounts {
  readonly coldMisses: number;
  readonly capacityMisses: number;
  readonly tiers: readonly TierCounts[];
  /** Latency (seconds) of each get that missed every tier, sorted ascending. */
  readonly missLatencies: Float64Array;
  /** Latency of a hit in each tier: the sum of the lookups down to it. */
  readonly tierHitLatencies: readonly number[];
  /** Hits that skipped a tier that was down, so cost less than tierHitLatencies: per tier, and their latencies sorted. */
  readonly detours?: { readonly hits: readonly number[]; readonly latencies: Float64Array };
  readonly latencySum: number;
  /** Gets that returned a version older than the key's latest write. */
  readonly staleReads: number;
  /** Expired values served under stale-while-revalidate. */
  readonly staleServes: number;
  readonly originFetches: number;
  /** Most fetches in flight at once (stampede model only; 0 without it). */
  readonly peakConcurrentFetches: number;
  /** Misses that waited for a fetch already in flight instead of starting one. */
  readonly coalescedWaits: number;
  /** Refreshes started by XFetch before the entry expired. */
  readonly earlyRefreshes: number;
  readonly writesCoalesced: number;
  /** Longest wait of a write-behind write for its flush, seconds. */
  readonly longestPending: number;
  readonly flushes: number;
  /** Origin fetches per second of trace time; only when the trace has times. */
  readonly originLoad?: OriginLoad;
  /** Seconds each stale read's value had been stale (since the first write it missed), sorted; on a trace with times and sets. */
  readonly staleAges?: Float64Array;
  /** A fleet of more than one instance: per instance, in order. */
  readonly instances?: readonly InstanceCounts[];
  /** With an origin limit: requests shed, fetches delayed, their total and longest wait (seconds). */
  readonly originLimit?: { readonly shed: number; readonly delayed: number; readonly delaySum: number; readonly longestDelay: number };
  /** Per incident, in the order given. */
  readonly incidents?: readonly IncidentCounts[];
}

const CHUNK = 1 << 16;
/** Seeded stream of XFetch's draws. */
const XFETCH_STREAM = 0x7fe7;

/** The counters of a run that has done nothing yet: what a run without warm-up subtracts. */
function counters0(tierCount: number, instanceCount: number) {
  return {
    requests: 0,
    hits: 0,
    expiredMisses: 0,
    coldMisses: 0,
    uncacheable: 0,
    bytesRequested: 0,
    bytesHit: 0,
    writes: 0,
    deletes: 0,
    costSum: 0,
    latencySum: 0,
    staleReads: 0,
    staleServes: 0,
    instantFetches: 0,
    coalescedWaits: 0,
    earlyRefreshes: 0,
    missCount: 0,
    detourCount: 0,
    staleAgeCount: 0,
    shed: 0,
    delayed: 0,
    delaySum: 0,
    started: 0,
    writesCoalesced: 0,
    flushes: 0,
    tierLookups: new Float64Array(tierCount),
    tierHits: new Float64Array(tierCount),
    detourHits: new Float64Array(tierCount),
    instanceGets: new Float64Array(instanceCount),
    instanceHits: new Float64Array(instanceCount),
    instanceStale: new Float64Array(instanceCount),
  };
}

/** One instance when no fleet is asked for: the chain of `--tiers` as it always was. */
const SINGLE_INSTANCE: FleetConfig = { instances: 1, balance: 'round-robin', invalidation: DEFAULT_INVALIDATION };

export function simulateTimed(trace: Trace, config: TimedConfig): TimedCounts {
  const n = trace.length;
  const keySpace = trace.keySpace;
  const keyTtls = config.keyTtls;
  const withTtl = ttlApplies(trace, config.ttl) || keyTtls !== undefined;
  const tierCount = config.tiers.length;
  const makeTier = (t: number): Tier => new Tier(config.tiers[t]!, trace, config.unit, config.seed, withTtl);
  const fleet = config.fleet ?? SINGLE_INSTANCE;
  const instanceCount = fleet.instances;
  // Every instance has its own L1; the tiers below are shared. `path` is the chain the
  // current request goes through: its instance's L1, then the shared tiers.
  const l1s = Array.from({ length: instanceCount }, () => makeTier(0));
  const shared = config.tiers.slice(1).map((_, k) => makeTier(k + 1));
  const path: Tier[] = [l1s[0]!, ...shared];
  const balancer = new Balancer(instanceCount, fleet.balance, config.seed);
  const invalidation = fleet.invalidation;
  // `none`: the writer's own L1 is not told of its writes either.
  const writerL1 = invalidation.kind !== 'none';
  const broadcast = instanceCount > 1 && invalidation.kind === 'pubsub';
  const broadcasts = broadcast && invalidation.delay > 0 ? new Broadcasts() : undefined;
  const largest = Math.max(...config.tiers.map((t) => t.capacity));
  const versions = new Versions(keySpace, config.flushInterval);
  const writePolicy = config.writePolicy;
  const writeBehind = writePolicy === 'write-behind';
  const mode = config.stampede?.mode;
  const beta = config.stampede?.beta ?? 1;
  const queue = mode === undefined ? undefined : new FetchQueue(keySpace);
  const waitsOnFlight = mode === 'coalesce' || mode === 'stale-while-revalidate';
  const serveStale = mode === 'stale-while-revalidate';
  const xfetch = mode === 'xfetch';
  const xfetchRng = xfetch ? new Rng(config.seed, XFETCH_STREAM) : undefined;
  /** Duration of each key's last fetch: XFetch's delta. */
  const lastFetchTime = xfetch ? new Float64Array(keySpace) : undefined;
  const jitter = withTtl && config.ttlJitter !== undefined && config.ttlJitter > 0 ? config.ttlJitter : 0;
  const jitterRng = jitter > 0 ? new Rng(config.seed, JITTER_STREAM) : undefined;
  const defaultTtl = config.ttl ?? Infinity;
  const defaultMissCost = config.defaultMissCost;

  const { keys, times, ops, ttls, costs } = trace;
  const sizes = config.unit === 'bytes' ? trace.sizes : undefined;
  // Byte hit rate counts real object sizes even when capacity counts entries.
  const objectBytes = trace.sizes;
  const stored = new Uint8Array(keySpace);
  const fillExpiry = new Float64Array(keySpace).fill(Infinity);
  const sizeOf = new Uint32Array(keySpace);
  let missLatencies: Float64Array = new Float64Array(Math.min(n, 1 << 16));
  let missCount = 0;
  // When each key's versions were written: worked out at the first stale read (most runs have none).
  let writeTimes: ReturnType<typeof writeTimesOf> | null = null;
  let staleAges: Float64Array = new Float64Array(0);
  let staleAgeCount = 0;
  const limiter = config.originLimit === undefined ? undefined : new OriginLimiter(config.originLimit);
  const firstTime = times === undefined || n === 0 ? 0 : times[0]!;
  const incidents = config.incidents ?? [];
  const meter = incidents.length > 0 && times !== undefined && n > 0 ? new RecoveryMeter(firstTime, times[n - 1]!, tierCount) : undefined;
  const events = incidentEvents(incidents, firstTime);
  let nextEvent = 0;
  const eventCount = events.length;
  /** Whether any tier can be down: without incidents, every hit costs its tier's fixed latency. */
  const withIncidents = eventCount > 0;
  /** 1 while the tier is unreachable. */
  const down = new Uint8Array(tierCount);
  const downUntil = new Float64Array(tierCount).fill(-Infinity);

  let requests = 0;
  let hits = 0;
  let expiredMisses = 0;
  let coldMisses = 0;
  let uncacheable = 0;
  let bytesRequested = 0;
  let bytesHit = 0;
  let writes = 0;
  let deletes = 0;
  let costSum = 0;
  let latencySum = 0;
  let staleReads = 0;
  let staleServes = 0;
  let instantFetches = 0;
  let coalescedWaits = 0;
  let earlyRefreshes = 0;
  let shed = 0;
  const tierHitLatencies = config.tiers.map((_, t) => config.tiers.slice(0, t + 1).reduce((sum, tier) => sum + tier.lookupCost, 0));
  const detourHits = new Float64Array(tierCount);
  let detourLatencies: Float64Array = new Float64Array(incidents.length > 0 ? 1024 : 0);
  let detourCount = 0;
  const tierLookups = new Float64Array(tierCount);
  const tierHits = new Float64Array(tierCount);
  // Per instance: gets, L1 hits, stale reads.
  const instanceGets = new Float64Array(instanceCount);
  const instanceHits = new Float64Array(instanceCount);
  const instanceStale = new Float64Array(instanceCount);

  const expiresAt = (now: number, own: number, id: number): number => {
    const ttl = own === own ? own : keyTtls === undefined ? defaultTtl : keyTtls[id]!;
    if (ttl === Infinity) return Infinity;
    return now + (jitter === 0 ? ttl : ttl * (1 + jitter * (2 * jitterRng!.nextFloat() - 1)));
  };
  // Over intervals of trace time, a fetch counts in the interval it starts in (a queued one
  // later than it was asked for); over intervals of requests, in its request's.
  const timeIntervals = config.interval?.unit === 'seconds' && times !== undefined && n > 0 ? config.interval : undefined;
  const originByInterval = timeIntervals === undefined ? undefined : new Float64Array(intervalCount(trace, timeIntervals));
  const originFetch = (at: number): void => {
    originRate?.add(at);
    meter?.originFetch(at);
    if (originByInterval !== undefined) {
      const k = Math.floor((at - firstTime) / timeIntervals!.size);
      originByInterval[Math.min(originByInterval.length - 1, Math.max(0, k))]!++;
    }
  };
  /** A value from the origin goes into every reachable tier of the path (inclusive fill). */
  const fillPath = (id: number, size: number, now: number, version: number, expires: number, fromTier: number): void => {
    for (let t = fromTier; t < tierCount; t++) if (down[t] === 0) path[t]!.fill(id, size, now, version, expires);
    stored[id] = 1;
    fillExpiry[id] = expires;
  };
  /** A write: the writer's path per the invalidation mode, and the broadcast to the other L1s. */
  const dropFromOthers = (writer: number, id: number): void => {
    if (down[0] === 1) return;
    for (let j = 0; j < instanceCount; j++) if (j !== writer) l1s[j]!.invalidate(id);
  };
  const announce = (writer: number, id: number, now: number): void => {
    if (!broadcast) return;
    if (broadcasts === undefined) dropFromOthers(writer, id);
    else broadcasts.send(now + (invalidation as { delay: number }).delay, writer, id);
  };
  const dropFromPath = (id: number): void => {
    for (let t = writerL1 ? 0 : 1; t < tierCount; t++) if (down[t] === 0) path[t]!.invalidate(id);
  };
  const land = (id: number, time: number, version: number, duration: number, ttl: number): void => {
    fillPath(id, sizeOf[id]!, time, version, expiresAt(time, ttl, id), 0);
    if (lastFetchTime !== undefined) lastFetchTime[id] = duration;
  };
  /** Whether a fetch asked for at `now` may go to the origin, and when it starts (NaN: shed). */
  const admit = (now: number): number => (limiter === undefined ? now : limiter.admit(now));
  const applyEvent = (event: IncidentEvent): void => {
    const t = event.tier;
    if (event.kind === 'restart') {
      if (t === 0) {
        for (let j = 0; j < instanceCount; j++) l1s[j] = makeTier(0);
        path[0] = l1s[0]!;
      } else {
        shared[t - 1] = makeTier(t);
        path[t] = shared[t - 1]!;
      }
    } else if (event.kind === 'down') {
      downUntil[t] = Math.max(downUntil[t]!, event.until);
      down[t] = 1;
    } else if (event.time >= downUntil[t]!) {
      down[t] = 0;
    }
  };

  const recorder = intervalRecorder(trace, config.interval);
  const warmup = config.warmup ?? 0;
  // The running counts where the warm-up ends; every count reported is the whole run's minus these.
  const counters = () => ({
    requests,
    hits,
    expiredMisses,
    coldMisses,
    uncacheable,
    bytesRequested,
    bytesHit,
    writes,
    deletes,
    costSum,
    latencySum,
    staleReads,
    staleServes,
    instantFetches,
    coalescedWaits,
    earlyRefreshes,
    missCount,
    detourCount,
    staleAgeCount,
    shed,
    delayed: limiter?.delayed ?? 0,
    delaySum: limiter?.delaySum ?? 0,
    started: queue?.started ?? 0,
    writesCoalesced: versions.writesCoalesced,
    flushes: versions.flushes,
    tierLookups: tierLookups.slice(),
    tierHits: tierHits.slice(),
    detourHits: detourHits.slice(),
    instanceGets: instanceGets.slice(),
    instanceHits: instanceHits.slice(),
    instanceStale: instanceStale.slice(),
  });
  let warm: ReturnType<typeof counters> | undefined;
  const originRate = times === undefined || n === 0 ? undefined : new OriginRate(times[0]!, times[n - 1]!);
  for (let start = 0, end = 0; start < n; start = end) {
    end = chunkEnd(start, CHUNK, n, recorder, warmup);
    for (let i = start; i < end; i++) {
      const now = times === undefined ? i : times[i]!;
      while (nextEvent < eventCount && events[nextEvent]!.time <= now) applyEvent(events[nextEvent++]!);
      if (queue !== undefined) while (queue.nextCompletion() <= now + LANDING_SLACK) queue.pop(land);
      if (writeBehind) versions.flushDue(now);
      broadcasts?.deliverDue(now, LANDING_SLACK, dropFromOthers);
      const id = keys[i]!;
      const instance = instanceCount === 1 ? 0 : balancer.pick(id);
      if (instanceCount > 1) path[0] = l1s[instance]!;
      const op = ops === undefined ? 0 : ops[i]!;
      const size = sizes === undefined ? 1 : sizes[i]!;
      sizeOf[id] = size;
      const ownTtl = ttls === undefined ? NaN : ttls[i]!;

      if (op === OP_DELETE) {
        dropFromPath(id);
        announce(instance, id, now);
        stored[id] = 0;
        deletes++;
        continue;
      }
      if (op === OP_SET) {
        writes++;
        if (writePolicy === 'invalidate') {
          versions.writeThrough(id);
          dropFromPath(id);
          stored[id] = 0;
        } else if (writePolicy === 'write-through') {
          fillPath(id, size, now, versions.writeThrough(id), expiresAt(now, ownTtl, id), writerL1 ? 0 : 1);
        } else if (writeBehind) {
          fillPath(id, size, now, versions.writeBehind(id, now), expiresAt(now, ownTtl, id), writerL1 ? 0 : 1);
        } else {
          versions.writeThrough(id);
          continue;
        }
        announce(instance, id, now);
        continue;
      }

      requests++;
      instanceGets[instance]!++;
      const bytes = objectBytes === undefined ? 1 : objectBytes[i]!;
      bytesRequested += bytes;
      const missCost = costs === undefined ? defaultMissCost : costs[i]! === costs[i]! ? costs[i]! : defaultMissCost;
      costSum += missCost;
      let latency = 0;
      let served = -1;
      let hitTier = -1;
      for (let t = 0; t < tierCount; t++) {
        if (withIncidents && down[t] === 1) continue;
        const tier = path[t]!;
        tierLookups[t]!++;
        latency += tier.lookupCost;
        if (!tier.policy.has(id)) continue;
        const expires = tier.expiry === undefined ? Infinity : tier.expiry[id]!;
        if (tier.expired(id, now)) {
          if (!serveStale) {
            tier.invalidate(id);
            continue;
          }
          // Stale-while-revalidate: serve what is there; one refresh brings the new value.
          staleServes++;
          if (!queue!.busy(id, now)) {
            const at = admit(now);
            if (at === at) {
              queue!.start(id, at, missCost, versions.origin[id]!, ownTtl);
              originFetch(at);
            }
          }
        } else if (xfetch && expires !== Infinity && !queue!.busy(id, now)) {
          const delta = lastFetchTime![id]! > 0 ? lastFetchTime![id]! : missCost;
          // U = 1 - [0, 1) is in (0, 1], so ln U is finite; delta and expiry are both seconds.
          if (now - delta * beta * Math.log(1 - xfetchRng!.nextFloat()) >= expires) {
            const at = admit(now);
            if (at === at) {
              queue!.start(id, at, missCost, versions.origin[id]!, ownTtl);
              originFetch(at);
              earlyRefreshes++;
            }
          }
        }
        tier.policy.access(id, size, now);
        tierHits[t]!++;
        hitTier = t;
        if (withIncidents && latency !== tierHitLatencies[t]) {
          // A tier above was down: this hit cost less than a hit here usually does.
          detourHits[t]!++;
          if (detourCount === detourLatencies.length) detourLatencies = grown(detourLatencies, n);
          detourLatencies[detourCount++] = latency;
        }
        served = tier.version[id]!;
        if (expires > now) for (let u = 0; u < t; u++) if (down[u] === 0) path[u]!.fill(id, size, now, served, expires);
        break;
      }

      if (served >= 0) {
        hits++;
        bytesHit += bytes;
        if (hitTier === 0) instanceHits[instance]!++;
      } else {
        if (stored[id] === 0) coldMisses++;
        else if (l1s[0]!.servesAtTtl ? fillExpiry[id]! < now : fillExpiry[id]! <= now) expiredMisses++;
        if (size > largest) uncacheable++;
        if (queue !== undefined && waitsOnFlight && queue.busy(id, now)) {
          latency += queue.inFlightUntil[id]! - now;
          served = queue.inFlightVersion[id]!;
          coalescedWaits++;
        } else {
          const at = admit(now);
          if (at !== at) {
            // Shed: the request fails after its lookups, with no value and nothing filled.
            shed++;
          } else {
            served = versions.origin[id]!;
            originFetch(at);
            latency += at - now + missCost;
            if (queue === undefined) {
              fillPath(id, size, now, served, expiresAt(now, ownTtl, id), 0);
              instantFetches++;
            } else {
              queue.start(id, at, missCost, served, ownTtl);
            }
          }
        }
      }
      if (served >= 0 && served < versions.latest[id]!) {
        staleReads++;
        instanceStale[instance]!++;
        if (times !== undefined) {
          writeTimes ??= writeTimesOf(trace);
          if (staleAgeCount === staleAges.length) staleAges = grown(staleAges);
          // Stale since the first write it has not seen: the write that made version served + 1.
          staleAges[staleAgeCount++] = now - writeTimes!.times[writeTimes!.start[id]! + served]!;
        }
      }
      meter?.request(now, hitTier);
      if (hitTier < 0) {
        if (missCount === missLatencies.length) missLatencies = grown(missLatencies, n);
        missLatencies[missCount++] = latency;
      }
      latencySum += latency;
    }
    // Over trace time the fetches are counted by start time (originByInterval), not here.
    recorder?.reached(end, requests, hits, originByInterval === undefined ? instantFetches + (queue?.started ?? 0) : undefined);
    if (end === warmup) {
      warm = counters();
      if (end < n) originRate?.restart(times![end]!);
    }
    config.onProgress?.(end, n);
  }
  if (writeBehind) versions.finish();

  const w = warm ?? counters0(tierCount, instanceCount);
  const counted = {
    requests: requests - w.requests,
    hits: hits - w.hits,
    expiredMisses: expiredMisses - w.expiredMisses,
    coldMisses: coldMisses - w.coldMisses,
  };
  const misses = counted.requests - counted.hits;
  let finalEntries = 0;
  let finalBytes = 0;
  for (const tier of [...l1s, ...shared]) {
    finalEntries += tier.policy.size;
    finalBytes += finalBytesOf(tier.policy, lastSizes(trace), config.unit);
  }
  let previousEnd = -Infinity;
  const incidentCounts = meter
    ? incidents.map((incident) => {
        const measured = meter.measure(incident, firstTime, previousEnd);
        previousEnd = Math.max(previousEnd, incident.at + incident.duration);
        return measured;
      })
    : undefined;
  return {
    ...counted,
    misses,
    capacityMisses: misses - counted.coldMisses - counted.expiredMisses,
    uncacheable: uncacheable - w.uncacheable,
    bytesRequested: bytesRequested - w.bytesRequested,
    bytesHit: bytesHit - w.bytesHit,
    writes: writes - w.writes,
    deletes: deletes - w.deletes,
    finalEntries,
    finalBytes,
    missCostSum: latencySum - w.latencySum,
    costSum: costSum - w.costSum,
    tiers: config.tiers.map((_, t) => ({ lookups: tierLookups[t]! - w.tierLookups[t]!, hits: tierHits[t]! - w.tierHits[t]! })),
    missLatencies: missLatencies.slice(w.missCount, missCount).sort(),
    tierHitLatencies,
    ...(detourCount - w.detourCount > 0 && {
      detours: {
        hits: config.tiers.map((_, t) => detourHits[t]! - w.detourHits[t]!),
        latencies: detourLatencies.slice(w.detourCount, detourCount).sort(),
      },
    }),
    latencySum: latencySum - w.latencySum,
    staleReads: staleReads - w.staleReads,
    staleServes: staleServes - w.staleServes,
    originFetches: instantFetches - w.instantFetches + (queue?.started ?? 0) - w.started,
    // Peaks are over the whole run, warm-up included: a maximum cannot be split.
    peakConcurrentFetches: queue?.peak ?? 0,
    coalescedWaits: coalescedWaits - w.coalescedWaits,
    earlyRefreshes: earlyRefreshes - w.earlyRefreshes,
    writesCoalesced: versions.writesCoalesced - w.writesCoalesced,
    longestPending: versions.longestPending,
    flushes: versions.flushes - w.flushes,
    ...(times !== undefined && { staleAges: staleAges.slice(w.staleAgeCount, staleAgeCount).sort() }),
    ...(instanceCount > 1 && {
      instances: Array.from({ length: instanceCount }, (_, j) => ({
        gets: instanceGets[j]! - w.instanceGets[j]!,
        hits: instanceHits[j]! - w.instanceHits[j]!,
        staleReads: instanceStale[j]! - w.instanceStale[j]!,
      })),
    }),
    ...(limiter && {
      originLimit: {
        shed: shed - w.shed,
        delayed: limiter.delayed - w.delayed,
        delaySum: limiter.delaySum - w.delaySum,
        longestDelay: limiter.longestDelay,
      },
    }),
    ...(incidentCounts && { incidents: incidentCounts }),
    ...(recorder && {
      intervals: originByInterval === undefined ? recorder.counts() : { ...recorder.counts(), originFetches: originByInterval },
    }),
    ...(originRate && { originLoad: originRate.summary() }),
  };
}

/** A typed array twice as long (at most `cap`), holding what the old one held. */
function grown(old: Float64Array, cap = Infinity): Float64Array {
  const bigger = new Float64Array(Math.max(old.length + 1, Math.min(cap, old.length * 2)));
  bigger.set(old);
  return bigger;
}

/**
 * The time of every set, grouped by key in trace order: key id's k-th set is at
 * times[start[id] + k]. A key's version v + 1 is made by its (v+1)-th set (every write policy
 * bumps the version once per set), so this dates when a served version went stale.
 */
function writeTimesOf(trace: Trace): { start: Uint32Array; times: Float64Array } | undefined {
  const { ops, keys, times } = trace;
  if (ops === undefined || times === undefined) return undefined;
  const start = new Uint32Array(trace.keySpace + 1);
  let sets = 0;
  for (let i = 0; i < trace.length; i++) {
    if (ops[i] === OP_SET) {
      start[keys[i]! + 1]!++;
      sets++;
    }
  }
  if (sets === 0) return undefined;
  for (let k = 0; k < trace.keySpace; k++) start[k + 1]! += start[k]!;
  const next = start.slice(0, trace.keySpace);
  const at = new Float64Array(sets);
  for (let i = 0; i < trace.length; i++) if (ops[i] === OP_SET) at[next[keys[i]!]!++] = times[i]!;
  return { start, times: at };
}

interface IncidentEvent {
  readonly time: number;
  readonly kind: 'down' | 'up' | 'restart';
  readonly tier: number;
  /** For `down`: when the tier is back. */
  readonly until: number;
}

/** The incidents as a time-ordered list of tier state changes (absolute trace time). */
function incidentEvents(incidents: readonly Incident[], firstTime: number): IncidentEvent[] {
  const events: IncidentEvent[] = [];
  for (const incident of incidents) {
    const at = firstTime + incident.at;
    if (incident.kind === 'restart') {
      events.push({ time: at, kind: 'restart', tier: incident.tier, until: at });
    } else {
      const until = at + incident.duration;
      events.push({ time: at, kind: 'down', tier: incident.tier, until }, { time: until, kind: 'up', tier: incident.tier, until });
    }
  }
  // Stable: at one moment, events keep the order given.
  return events.sort((a, b) => a.time - b.time);
}

/** Mean and nearest-rank percentiles over the simulated per-request latencies (seconds). */
export function latencyFromSamples(counts: TimedCounts): {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  noCache: number;
} {
  const n = counts.requests;
  if (n === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0, noCache: 0 };
  // The latencies in order: each tier's hits at its fixed latency (those that took a detour
  // past a tier that was down are with the misses, one by one), merged with the rest.
  const levels = counts.tiers.map((tier, t) => ({ value: counts.tierHitLatencies[t]!, count: tier.hits - (counts.detours?.hits[t] ?? 0) }));
  const singles = counts.detours === undefined ? counts.missLatencies : merged(counts.missLatencies, counts.detours.latencies);
  const rank = (p: number): number => {
    let r = Math.max(1, Math.ceil(p * n));
    let s = 0;
    for (const level of levels) {
      // Singles below this level come first.
      while (s < singles.length && singles[s]! < level.value) {
        if (--r === 0) return singles[s]!;
        s++;
      }
      if (r <= level.count) return level.value;
      r -= level.count;
    }
    return singles[s + r - 1]!;
  };
  return {
    mean: counts.latencySum / n,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    p999: rank(0.999),
    max: rank(1),
    noCache: counts.costSum / n,
  };
}

/** Two sorted arrays as one. */
function merged(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
