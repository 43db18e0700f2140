/**
 * Parallel grid: 8 policies x 16 sizes replayed serially on one core, then on the worker
 * pool; the target is a wall time close to serial / cores. Results must be identical.
 */
import { availableParallelism } from 'node:os';
import { runGrid, type GridConfig } from '../../src/engine/grid.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import type { RunResult } from '../../src/report/model.js';
import { generateTrace } from '../../src/trace/spec.js';
import type { Trace } from '../../src/trace/trace.js';
import { optionalModule, time, type BenchRow, type Suite } from '../measure.js';

interface ParallelModule {
  runGridParallel(trace: Trace, config: GridConfig & { readonly mode?: 'always' }): Promise<RunResult>;
}

export const GRID_POLICIES = ['lru', 'fifo', 'clock', 'sieve', 's3-fifo', 'arc', 'lfu', 'two-q'];

export const gridSuite: Suite = {
  name: 'grid',
  description: `${GRID_POLICIES.length} policies x 16 sizes, serial vs worker threads`,
  async run(options) {
    const parallel = await optionalModule<ParallelModule>(new URL('../../src/engine/parallel.js', import.meta.url));
    const cores = availableParallelism();
    if (!parallel) return [{ suite: 'grid', name: 'parallel speed-up', unit: 'x', value: NaN, target: cores, note: 'parallel.ts not on this branch yet' }];
    const requests = options.quick ? '1e5' : '1e6';
    const trace = generateTrace(`zipf:alpha=1.0,keys=1e5,requests=${requests},seed=1`);
    const capacities = Array.from({ length: 16 }, (_, i) => Math.round(100 * Math.pow(1000, i / 15)));
    const config: GridConfig = {
      policies: GRID_POLICIES.map((name) => parsePolicySpec(name)),
      capacities,
      unit: 'entries',
      ttls: [null],
      cost: { lookupCost: 1e-4, missCost: 5e-3 },
      seed: 1,
    };
    let serialResult: RunResult | undefined;
    let parallelResult: RunResult | undefined;
    const runs = options.quick ? 1 : 2;
    const serial = await time('grid serial', () => (serialResult = runGrid(trace, config)), 0, runs, false);
    const pooled = await time('grid parallel', async () => (parallelResult = await parallel.runGridParallel(trace, { ...config, mode: 'always' })), 0, runs, false);
    const same = JSON.stringify(serialResult) === JSON.stringify(parallelResult);
    const cells = `${GRID_POLICIES.length * capacities.length} replays of ${trace.length}`;
    const rows: BenchRow[] = [
      { suite: 'grid', name: 'serial', unit: 's', value: serial.bestMs / 1e3, note: `${cells}; ${(serial.bestCpuMs / 1e3).toFixed(2)}s CPU` },
      {
        suite: 'grid',
        name: `parallel (${cores} workers)`,
        unit: 's',
        value: pooled.bestMs / 1e3,
        // Process CPU time counts every worker: far above serial means the workers did extra
        // work (start-up, cold code), not just that they lacked a free core.
        note: `${same ? 'same results as serial' : 'RESULTS DIFFER from serial'}; ${(pooled.bestCpuMs / 1e3).toFixed(2)}s CPU in all threads`,
      },
      { suite: 'grid', name: 'speed-up', unit: 'x', value: serial.bestMs / pooled.bestMs, target: cores, note: `ideal = ${cores} cores` },
    ];
    return rows;
  },
};
