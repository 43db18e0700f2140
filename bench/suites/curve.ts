/**
 * One-pass LRU curve throughput: the hit counts at every size from one pass over the trace
 * (Mattson stack distances), on the replay suite's trace. Target: 5 M requests/s.
 */
import { lruCurveCounts } from '../../src/engine/lru-curve.js';
import { replay } from '../../src/engine/replay.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { time, type BenchRow, type Suite } from '../measure.js';
import { REPLAY_CAPACITY, REPLAY_TRACE } from './replay.js';

/** 16 sizes, log-spaced from 100 entries to the whole key space, plus the replay size. */
function curveSizes(keySpace: number): number[] {
  const sizes = new Set<number>([REPLAY_CAPACITY]);
  for (let i = 0; i < 16; i++) sizes.add(Math.round(100 * Math.pow(keySpace / 100, i / 15)));
  return [...sizes].sort((a, b) => a - b);
}

export const curveSuite: Suite = {
  name: 'curve',
  description: `one-pass LRU hit-rate curve over ${REPLAY_TRACE}`,
  async run(options) {
    const trace = generateTrace(REPLAY_TRACE);
    const sizes = curveSizes(trace.keySpace);
    let curveHits = 0;
    const timing = await time(
      'lru curve',
      () => {
        curveHits = lruCurveCounts(trace, sizes)[sizes.indexOf(REPLAY_CAPACITY)]!.hits;
      },
      options.quick ? 300 : 2000,
      options.quick ? 3 : 5,
    );
    // The curve must agree with a replay at the same size, or its speed means nothing.
    const replayed = replay(trace, { policy: parsePolicySpec('lru'), capacity: REPLAY_CAPACITY, unit: 'entries', seed: 1 }).hits;
    const row: BenchRow = {
      suite: 'curve',
      name: `lru curve (${sizes.length} sizes)`,
      unit: 'M req/s',
      value: trace.length / timing.bestMs / 1e3,
      median: trace.length / timing.medianMs / 1e3,
      cpu: trace.length / timing.bestCpuMs / 1e3,
      target: 5,
      note:
        curveHits === replayed ? `hits at ${REPLAY_CAPACITY} equal lru replay` : `MISMATCH: curve ${curveHits} vs replay ${replayed} hits`,
    };
    return [row];
  },
};
