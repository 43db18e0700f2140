/**
 * The library names options by path (`policies[1]`, `recommend.targetHitRate`); the command
 * line has flags. This table and asFlagError turn one into the other. A module of its own,
 * with no heavy imports, because every command's error report needs it.
 */
import { UsageError } from '../errors.js';

/** Where each library option is typed on the command line, for errors that name an option path. */
export const OPTION_FLAGS: Readonly<Record<string, string>> = {
  policies: '--policies',
  capacities: '--maxsize',
  unit: '--capacity',
  ttlsMs: '--ttl',
  ttlJitter: '--ttl',
  ttlClasses: '--ttl',
  instances: '--instances',
  balance: '--balance',
  invalidation: '--invalidation',
  outages: '--outage',
  restarts: '--restart',
  originLimit: '--origin-limit',
  'originLimit.perSecond': '--origin-limit',
  'originLimit.excess': '--origin-limit',
  lookupCostMs: '--lookup-cost',
  missCostMs: '--miss-cost',
  seed: '--seed',
  tiers: '--tiers',
  writePolicy: '--write-policy',
  flushIntervalMs: '--flush-interval',
  stampede: '--stampede',
  intervalRequests: '--interval',
  intervalMs: '--interval',
  warmup: '--warmup',
  sample: '--sample',
  workers: '--workers',
  shard: '--shard',
  stream: '--stream',
  'sample.keys': '--sample',
  fromShards: 'merge',
  'recommend.minGain': '--min-gain',
  'recommend.tolerance': '--tolerance',
  'recommend.maxStale': '--max-stale',
  'recommend.targetHitRate': '--target-hit-rate',
  'recommend.targetLatencyMs': '--target-latency',
  'recommend.memoryCostMs': '--memory-cost',
  columns: '--columns',
  asserts: '--assert',
  baseline: '--baseline',
  maxDrop: '--max-drop',
  maxLatencyRise: '--max-latency-rise',
  out: '--out',
  simulate: '--simulate',
  redis: '--redis',
  policy: '--policy',
  pipeline: '--pipeline',
  prefix: '--prefix',
  maxmemory: '--maxmemory',
  flush: '--flush',
  valueSize: '--value-size',
  ttl: '--ttl',
};

/** The option a path names: `tiers[0].policy` -> `tiers`, `recommend.targetHitRate` as is. */
export function optionOf(path: string): string {
  return path.replace(/\[\d+\].*$/, '');
}

/**
 * A library error that names an option path, renamed to the flag it was typed as (`names`
 * maps options to flags); any other error as it is. `bytes` says whether sizes came from
 * --capacity rather than --maxsize.
 */
export function asFlagError(error: unknown, names: Readonly<Record<string, string>> = OPTION_FLAGS, bytes = false): unknown {
  if (!(error instanceof UsageError) || error.where === undefined) return error;
  const option = optionOf(error.where);
  const flag = option === 'capacities' && bytes ? '--capacity' : names[option];
  return flag === undefined ? error : new UsageError(error.detail, flag);
}
