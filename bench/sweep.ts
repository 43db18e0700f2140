/**
 * Sweep benchmarks (not tests): requests per second of the one-pass LRU curve on a 1e6-request
 * Zipf trace, and wall time of a policies x 16 sizes grid replayed serially versus on the
 * worker pool. `npm run build && node dist/bench/sweep.js [requests] [grid requests]`.
 * Reports wall and CPU time, since shared machines make wall time noisy.
 */
import { availableParallelism } from 'node:os';
import { runGrid, type GridConfig, runGridParallel } from '../src/engine/grid.js';
import { stackDistances } from '../src/engine/lru-curve.js';

import { parseSizes } from '../src/engine/sizes.js';
import { POLICIES, parsePolicySpec } from '../src/policies/index.js';
import { generateTrace } from '../src/trace/spec.js';

const curveRequests = Number(process.argv[2] ?? 1e6);
const gridRequests = Number(process.argv[3] ?? 2e5);

function timed<T>(run: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1e3 };
}

const trace = generateTrace(`zipf:alpha=0.9,keys=${curveRequests / 10},requests=${curveRequests},seed=1`);
const runs = Array.from({ length: 5 }, () => timed(() => stackDistances(trace)));
const best = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
console.log(
  `lru curve, ${trace.length} requests, ${trace.keySpace} keys: best of 5 ${best.wallMs.toFixed(0)}ms wall ` +
    `(${(trace.length / best.wallMs / 1e3).toFixed(2)}M req/s), ${best.cpuMs.toFixed(0)}ms cpu (${(trace.length / best.cpuMs / 1e3).toFixed(2)}M req/s)`,
);

const gridTrace = generateTrace(`zipf:alpha=0.9,keys=${gridRequests / 10},requests=${gridRequests},seed=2`);
// The issue-6 grid: 8 online policies x 16 sizes (any of these not registered yet is skipped).
const wanted = ['lru', 'fifo', 'lfu', 'clock', 'sieve', 's3-fifo', 'two-q', 'arc'];
const policies = wanted.filter((name) => POLICIES.some((p) => p.name === name)).map((name) => parsePolicySpec(name));
const config: GridConfig = {
  policies,
  capacities: parseSizes(`16..${gridTrace.keySpace}`, 'entries', '--maxsize', { points: 16 }),
  unit: 'entries',
  ttls: [null],
  cost: { lookupCost: 1e-4, missCost: 5e-3 },
  seed: 1,
};
const cells = policies.length * config.capacities.length;
const serial = timed(() => runGrid(gridTrace, config));
console.log(
  `grid ${policies.length} policies x ${config.capacities.length} sizes (${cells} replays of ${gridRequests}): serial ${serial.wallMs.toFixed(0)}ms`,
);
const start = performance.now();
const parallel = await runGridParallel(gridTrace, { ...config, mode: 'always' });
const parallelMs = performance.now() - start;
const same = JSON.stringify(parallel) === JSON.stringify(serial.value);
console.log(
  `grid on ${availableParallelism()} threads: ${parallelMs.toFixed(0)}ms (${(serial.wallMs / parallelMs).toFixed(2)}x), identical results: ${same}`,
);
