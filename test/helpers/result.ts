/** A small but non-trivial result for renderer and gate tests, replayed from an in-memory trace. */
import { runGrid } from '../../src/engine/grid.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import type { RunResult } from '../../src/model/result.js';
import { traceOf } from './trace.js';

/**
 * 24 requests over 8 keys: a hot set (a, b, c) revisited between a scan of cold keys, with
 * sizes and one request per second, so every section of the reports has something to show.
 */
export const SAMPLE_KEYS = 'a b c a d b e a c f a b g c a h b a c d a b c a'.split(' ');
const SIZE_OF: Record<string, number> = { a: 100, b: 200, c: 300, d: 1000, e: 1500, f: 2000, g: 2500, h: 3000 };

export function sampleTrace(source = 'traces/hot-and-scan.csv') {
  const trace = traceOf(SAMPLE_KEYS, { sizes: SAMPLE_KEYS.map((key) => SIZE_OF[key]!), times: SAMPLE_KEYS.map((_, i) => i) });
  return { ...trace, source };
}

export function sampleResult(
  overrides: { policies?: string[]; capacities?: number[]; ttls?: (number | null)[]; unit?: 'entries' | 'bytes' } = {},
): RunResult {
  return runGrid(sampleTrace(), {
    policies: (overrides.policies ?? ['lru', 'lfu', 'fifo']).map((spec) => parsePolicySpec(spec, '--policies')),
    capacities: overrides.capacities ?? [2, 3, 4],
    unit: overrides.unit ?? 'entries',
    ttls: overrides.ttls ?? [null],
    cost: { lookupCost: 0.0001, missCost: 0.005 },
    seed: 1,
    command: 'run',
  });
}
