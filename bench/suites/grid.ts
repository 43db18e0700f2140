/**
 * Parallel grid: 8 policies x 16 sizes replayed serially on one core, then on the calling
 * thread plus cores - 1 workers, each in a fresh process as the CLI would run it; the target
 * is a wall time close to serial / cores. Results must be identical.
 * A control runs the same fixed arithmetic loop on one worker, then on one per core: its
 * speed-up is what the machine offers right now (on a busy machine, far less than the
 * core count), the ceiling for the grid's.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runGrid, type GridConfig } from '../../src/engine/grid.js';
import { withWorkerPool } from '../../src/engine/executor.js';
import { runGridParallel } from '../../src/engine/grid.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import type { RunResult } from '../../src/model/result.js';
import { generateTrace } from '../../src/trace/spec.js';
import { time, type BenchRow, type Suite } from '../measure.js';

export const GRID_POLICIES = ['lru', 'fifo', 'clock', 'sieve', 's3-fifo', 'arc', 'lfu', 'two-q'];
/** Speed-up counted as close to ideal: at least this fraction of the core count. */
const CLOSE_TO_IDEAL = 0.9;

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
          worker.once(
            'message',
            () =>
              void worker.terminate().then(() => {
                resolve();
              }),
          );
          worker.once('error', reject);
        }),
    ),
  );
  return performance.now() - start;
}

interface GridRun {
  readonly ms: number;
  readonly cpuMs: number;
  /** SHA-256 of the result's JSON, to check that both ways agree. */
  readonly digest: string;
  readonly cells: number;
  readonly requests: number;
}

function gridConfig(): GridConfig {
  return {
    policies: GRID_POLICIES.map((name) => parsePolicySpec(name)),
    capacities: Array.from({ length: 16 }, (_, i) => Math.round(100 * Math.pow(1000, i / 15))),
    unit: 'entries',
    ttls: [null],
    cost: { lookupCost: 1e-4, missCost: 5e-3 },
    seed: 1,
  };
}

/** One grid in this (fresh) process, timed from the loaded trace to the result. */
async function gridChild(mode: 'serial' | 'parallel', requests: string): Promise<void> {
  const config = gridConfig();
  const spec = `zipf:alpha=1.0,keys=1e5,requests=${requests},seed=1`;
  let result: RunResult | undefined;
  let requestCount = 0;
  // As the CLI does: the workers start while the trace is made (loaded, for a file).
  const timing = await withWorkerPool(mode === 'parallel' ? Infinity : 0, undefined, async (pool) => {
    const trace = generateTrace(spec);
    requestCount = trace.length;
    return time(
      `grid ${mode}`,
      async () =>
        (result =
          mode === 'serial' ? runGrid(trace, config) : await runGridParallel(trace, { ...config, mode: 'always', ...(pool && { pool }) })),
      0,
      1,
      false,
    );
  });
  const run: GridRun = {
    ms: timing.bestMs,
    cpuMs: timing.bestCpuMs,
    digest: createHash('sha256').update(JSON.stringify(result)).digest('hex'),
    cells: config.policies.length * config.capacities.length,
    requests: requestCount,
  };
  process.stdout.write(JSON.stringify(run));
}

function spawnGrid(mode: 'serial' | 'parallel', requests: string): GridRun {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--grid-child', mode, requests], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`grid ${mode} child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as GridRun;
}

export const gridSuite: Suite = {
  name: 'grid',
  description: `${GRID_POLICIES.length} policies x 16 sizes, serial vs worker threads`,
  async run(options) {
    const cores = availableParallelism();
    const requests = options.quick ? '1e5' : '1e6';
    // Each run is a fresh process, as the CLI runs a grid: code starts cold in every thread,
    // so neither way profits from the other's warmed-up code. Runs alternate between the two
    // ways so that a busy spell on the machine does not fall on one of them only.
    const serialRuns: GridRun[] = [];
    const parallelRuns: GridRun[] = [];
    for (let r = 0; r < (options.quick ? 1 : 3); r++) {
      serialRuns.push(spawnGrid('serial', requests));
      parallelRuns.push(spawnGrid('parallel', requests));
    }
    const best = (runs: GridRun[]): GridRun => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const serial = best(serialRuns);
    const pooled = best(parallelRuns);
    const same = [...serialRuns, ...parallelRuns].every((run) => run.digest === serial.digest);
    const cells = `${serial.cells} replays of ${serial.requests}`;
    const rows: BenchRow[] = [
      {
        suite: 'grid',
        name: 'serial',
        unit: 's',
        value: serial.ms / 1e3,
        note: `${cells}; ${(serial.cpuMs / 1e3).toFixed(2)}s CPU; best of ${serialRuns.length} fresh processes`,
      },
      {
        suite: 'grid',
        // The calling thread replays too, next to cores - 1 workers (parallel.ts).
        name: `parallel (${cores} threads)`,
        unit: 's',
        value: pooled.ms / 1e3,
        // Process CPU time counts every worker: far above serial means the workers did extra
        // work (start-up, cold code), not just that they lacked a free core.
        note: `${same ? 'same results as serial' : 'RESULTS DIFFER from serial'}; ${(pooled.cpuMs / 1e3).toFixed(2)}s CPU in all threads`,
      },
      // "Close to 1/cores of the serial time", read as within 10% of it: start-up and the
      // last jobs' imbalance keep any pool a little short of exactly `cores` times.
      {
        suite: 'grid',
        name: 'speed-up',
        unit: 'x',
        value: serial.ms / pooled.ms,
        target: CLOSE_TO_IDEAL * cores,
        // A serial run is not all on one core: V8 compiles and collects on helper threads,
        // which the idle cores absorb for free; in a parallel run they compete for cores.
        note: `ideal = ${cores} cores; target: wall time within ${Math.round((1 / CLOSE_TO_IDEAL - 1) * 100)}% of serial / cores; the serial run kept ${(serial.cpuMs / serial.ms).toFixed(2)} cores busy (JIT and GC threads)`,
      },
    ];
    const one = Math.min(await controlRun(1), await controlRun(1));
    const all = Math.min(await controlRun(cores), await controlRun(cores));
    rows.push({
      suite: 'grid',
      name: 'control: cores available',
      unit: 'x',
      value: (cores * one) / all,
      note: `a CPU-bound loop on ${cores} workers vs 1`,
    });
    return rows;
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === '--grid-child') {
  await gridChild(process.argv[3] === 'parallel' ? 'parallel' : 'serial', process.argv[4] ?? '1e6');
}
