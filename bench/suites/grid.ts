/**
 * Parallel grid: 8 policies x 16 sizes replayed serially on one core, then on the calling
 * thread plus cores - 1 workers; the target is a wall time close to serial / cores.
 * Results must be identical.
 * A control runs the same fixed arithmetic loop on one worker, then on one per core: its
 * speed-up is what the machine offers right now (on a busy machine, far less than the
 * core count), the ceiling for the grid's.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runGrid, type GridConfig } from '../../src/engine/grid.js';
import { runGridParallel } from '../../src/engine/parallel.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import type { RunResult } from '../../src/report/model.js';
import { generateTrace } from '../../src/trace/spec.js';
import { time, type BenchRow, type Suite } from '../measure.js';

export const GRID_POLICIES = ['lru', 'fifo', 'clock', 'sieve', 's3-fifo', 'arc', 'lfu', 'two-q'];

// A fixed amount of integer arithmetic over a small table, in a worker; posts when done.
const CONTROL_WORKER = `
const { parentPort } = require('node:worker_threads');
const table = new Int32Array(1 << 12);
let x = 1;
for (let i = 0; i < 1e8; i++) { x = (Math.imul(x, 1103515245) + 12345) | 0; table[x & 4095] += 1; }
parentPort.postMessage(x);
`;

/** Wall time (ms) for `count` workers each running the control loop at once. */
async function controlRun(count: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(CONTROL_WORKER, { eval: true });
          worker.once('message', () => void worker.terminate().then(() => resolve()));
          worker.once('error', reject);
        }),
    ),
  );
  return performance.now() - start;
}

export const gridSuite: Suite = {
  name: 'grid',
  description: `${GRID_POLICIES.length} policies x 16 sizes, serial vs worker threads`,
  async run(options) {
    const cores = availableParallelism();
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
    const pooled = await time('grid parallel', async () => (parallelResult = await runGridParallel(trace, { ...config, mode: 'always' })), 0, runs, false);
    const same = JSON.stringify(serialResult) === JSON.stringify(parallelResult);
    const cells = `${GRID_POLICIES.length * capacities.length} replays of ${trace.length}`;
    const rows: BenchRow[] = [
      { suite: 'grid', name: 'serial', unit: 's', value: serial.bestMs / 1e3, note: `${cells}; ${(serial.bestCpuMs / 1e3).toFixed(2)}s CPU` },
      {
        suite: 'grid',
        // The calling thread replays too, next to cores - 1 workers (parallel.ts).
        name: `parallel (${cores} threads)`,
        unit: 's',
        value: pooled.bestMs / 1e3,
        // Process CPU time counts every worker: far above serial means the workers did extra
        // work (start-up, cold code), not just that they lacked a free core.
        note: `${same ? 'same results as serial' : 'RESULTS DIFFER from serial'}; ${(pooled.bestCpuMs / 1e3).toFixed(2)}s CPU in all threads`,
      },
      { suite: 'grid', name: 'speed-up', unit: 'x', value: serial.bestMs / pooled.bestMs, target: cores, note: `ideal = ${cores} cores` },
    ];
    const one = Math.min(await controlRun(1), await controlRun(1));
    const all = Math.min(await controlRun(cores), await controlRun(cores));
    rows.push({ suite: 'grid', name: 'control: cores available', unit: 'x', value: (cores * one) / all, note: `a CPU-bound loop on ${cores} workers vs 1` });
    return rows;
  },
};
