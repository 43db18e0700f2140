/**
 * Shared helpers for policy tests: build a small trace from letters or ids, drive a policy
 * through it request by request, and read back the exact hit/miss sequence.
 */
import assert from 'node:assert/strict';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import type { Policy } from '../../src/policies/index.js';
import { replay } from '../../src/engine/replay.js';
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';

/** Letters become ids: 'A' = 0, 'B' = 1, ... so hand-worked traces read naturally. */
export function ids(letters: string): number[] {
  return [...letters.replace(/\s+/g, '')].map((c) => c.charCodeAt(0) - 65);
}

export function buildTrace(keys: readonly number[], sizes?: readonly number[]): Trace {
  const builder = new TraceBuilder(keys.length);
  keys.forEach((key, i) => builder.push(key, sizes?.[i]));
  const keySpace = keys.reduce((max, key) => Math.max(max, key + 1), 1);
  return builder.build('test', keySpace);
}

export interface Run {
  /** 'H' or 'M' per request. */
  readonly sequence: string;
  readonly hits: number;
  readonly policy: Policy;
}

/**
 * Feeds every request to a fresh policy (all gets), as the engine does, and records the
 * answers. Also checks occupancy after every request, so each known-answer test doubles as
 * an invariant check.
 */
export function run(
  spec: string,
  capacity: number,
  keys: readonly number[],
  options: { sizes?: readonly number[]; seed?: number } = {},
): Run {
  const trace = buildTrace(keys, options.sizes);
  const unit = options.sizes ? 'bytes' : 'entries';
  const policy = createPolicy(parsePolicySpec(spec), {
    capacity,
    unit,
    keySpace: trace.keySpace,
    seed: options.seed ?? 1,
    trace,
  });
  let sequence = '';
  let hits = 0;
  for (let i = 0; i < keys.length; i++) {
    const hit = policy.access(keys[i]!, options.sizes ? options.sizes[i]! : 1, i);
    sequence += hit ? 'H' : 'M';
    if (hit) hits++;
    assert.ok(policy.bytes <= capacity, `${spec}: ${policy.bytes} resident > capacity ${capacity} after request ${i}`);
  }
  return { sequence, hits, policy };
}

/** The hit/miss sequence of `letters` at `capacity` entries. */
export function sequenceOf(spec: string, capacity: number, letters: string, seed = 1): string {
  return run(spec, capacity, ids(letters), { seed }).sequence;
}

/** The same trace through the real engine: its hit count must agree with the direct run. */
export function engineHits(spec: string, capacity: number, keys: readonly number[], seed = 1): number {
  const trace = buildTrace(keys);
  return replay(trace, { policy: parsePolicySpec(spec), capacity, unit: 'entries', seed }).hits;
}
