/**
 * Cache tiers: an L1 (say an in-process lru-cache) in front of an L2 (say Redis) in front of
 * the origin. Written `--tiers 'lru:1000@0.05ms,redis-lru:100000@1ms'`: each tier is a policy
 * spec, its size and the time one lookup in it takes, listed from the closest tier outwards.
 *
 * A `Tier` is one level at run time: the policy, the expiry it enforces (per tier, so a value
 * copied up from L2 keeps L2's remaining TTL) and the version of the value each key holds, so
 * a hit can be checked against the latest write.
 */
import { UsageError } from '../../errors.js';
import { splitSpecList } from '../../spec-text.js';
import { createPolicy, parsePolicySpec, type Policy, type PolicySpec } from '../../policies/index.js';
import type { Trace } from '../../trace/trace.js';
import { parseDuration } from '../../units.js';
import { parseSizeList } from '../sizes.js';

export interface TierSpec {
  readonly policy: PolicySpec;
  readonly capacity: number;
  /** Seconds per lookup in this tier, paid by every request that reaches it. */
  readonly lookupCost: number;
}

/**
 * Parses a `--tiers` list. Policy parameters are comma-separated too, so a tier runs until a
 * piece that carries `@latency`: `s3-fifo:small=0.1,ghost=0.9:1000@0.05ms,lru:1e5@1ms` is two.
 */
export function parseTiers(text: string, flag = 'tiers'): { unit: 'entries' | 'bytes'; tiers: ParsedTier[] } {
  const tiers: ParsedTier[] = [];
  const units = new Set<'entries' | 'bytes'>();
  // A tier runs until the piece that carries its @latency.
  for (const piece of splitSpecList(text, (_piece, previous) => !previous.includes('@'))) {
    if (!piece.includes('@')) throw new UsageError(`'${piece}' needs a size and a lookup latency, e.g. lru:1000@0.05ms`, flag);
    const tier = parseTier(piece, flag);
    if (tier.unit !== undefined) units.add(tier.unit);
    tiers.push(tier.spec);
  }
  if (tiers.length === 0) throw new UsageError('name at least one tier, e.g. lru:1000@0.05ms,lru:100000@1ms', flag);
  if (units.size > 1) throw new UsageError('give every tier a count of entries (1000) or every tier bytes (64MB), not a mix', flag);
  return { unit: [...units][0] ?? 'entries', tiers };
}

/** One tier: a size with a byte unit (64MB) makes it a byte capacity, a bare count entries. */
/** A tier as written: its capacity may be `*` (the size a sweep varies). */
export interface ParsedTier {
  readonly policy: PolicySpec;
  readonly capacity: number | '*';
  /** Seconds. */
  readonly lookupCost: number;
}

function parseTier(text: string, flag: string): { spec: ParsedTier; unit: 'entries' | 'bytes' | undefined } {
  const at = text.lastIndexOf('@');
  const colon = text.lastIndexOf(':', at);
  if (colon < 0) throw new UsageError(`'${text}' should be policy:size@latency, e.g. lru:1000@0.05ms`, flag);
  const policy = parsePolicySpec(text.slice(0, colon), flag);
  if (policy.definition.offline) {
    throw new UsageError(`'${policy.name}' needs the future of the exact request sequence, which a tier does not see`, flag);
  }
  const sizeText = text.slice(colon + 1, at).trim();
  const lookupCost = parseDuration(text.slice(at + 1), flag, 'ms');
  if (sizeText === '*') return { spec: { policy, capacity: '*', lookupCost }, unit: undefined };
  const unit = /[a-df-z]\s*$/i.test(sizeText) ? 'bytes' : 'entries';
  const sizes = parseSizeList(sizeText, unit, flag);
  return { spec: { policy, capacity: sizes[0]!, lookupCost }, unit };
}

/** One tier as it would be typed: `lru:1000@0.05ms`. */
export function tierLabel(tier: TierSpec, size = String(tier.capacity)): string {
  return `${tier.policy.name}:${size}@${formatMs(tier.lookupCost)}`;
}

/** A readable name for a tier list, used as the row's policy label. */
export function tiersLabel(tiers: readonly TierSpec[]): string {
  return tiers.map((tier) => tierLabel(tier)).join(' > ');
}

function formatMs(seconds: number): string {
  return `${Number((seconds * 1e3).toPrecision(4))}ms`;
}

export class Tier {
  readonly policy: Policy;
  /** Absolute expiry per key in this tier; Infinity = never. Present when a TTL applies. */
  readonly expiry: Float64Array | undefined;
  /** Version of the value this tier holds for each resident key. */
  readonly version: Uint32Array;
  readonly lookupCost: number;
  readonly capacity: number;
  /** An entry whose age equals its TTL is still live here (the policy's `servesAtTtl`). */
  readonly servesAtTtl: boolean;

  constructor(spec: TierSpec, trace: Trace, unit: 'entries' | 'bytes', seed: number, withTtl: boolean) {
    this.expiry = withTtl ? new Float64Array(trace.keySpace).fill(Infinity) : undefined;
    this.version = new Uint32Array(trace.keySpace);
    this.lookupCost = spec.lookupCost;
    this.capacity = spec.capacity;
    this.servesAtTtl = spec.policy.definition.servesAtTtl === true;
    this.policy = createPolicy(spec.policy, {
      capacity: spec.capacity,
      unit,
      keySpace: trace.keySpace,
      seed,
      trace,
      ...(this.expiry && { expiry: this.expiry }),
    });
  }

  /** Writes a value into this tier: inserts or refreshes it, with its version and expiry. */
  fill(id: number, size: number, now: number, version: number, expiresAt: number): void {
    if (this.expiry !== undefined) {
      // As in replay(): an expired entry is dropped and inserted afresh, not refreshed in place.
      if (this.expired(id, now) && this.policy.has(id)) this.policy.delete(id);
      this.expiry[id] = expiresAt;
    }
    this.policy.access(id, size, now);
    this.version[id] = version;
  }

  /** Whether the key's entry here has expired by `now`; false without a TTL. */
  expired(id: number, now: number): boolean {
    if (this.expiry === undefined) return false;
    const expires = this.expiry[id]!;
    return this.servesAtTtl ? expires < now : expires <= now;
  }

  /** Drops a key (an invalidation or a delete); returns whether it was resident. */
  invalidate(id: number): boolean {
    return this.policy.delete(id);
  }
}
