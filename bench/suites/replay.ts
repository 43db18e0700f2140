/**
 * Replay throughput: one policy at maxsize 1e4 over a preloaded 1e6-request Zipf(1.0)
 * trace of 1e5 keys, on one core, against the targets (20 M req/s for the simple
 * policies, 10 M req/s for the adaptive ones). Every online policy in the registry is
 * measured, in one process one after another, as a real sweep would run them. Garbage
 * collections per run are counted too: a policy that allocates per request shows several,
 * one that does not shows about none (the policy's own typed arrays are its only garbage).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { replay } from '../../src/engine/replay.js';
import { POLICIES, findPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { time, type BenchRow, type Suite } from '../measure.js';

export const REPLAY_TRACE = 'zipf:alpha=1.0,keys=1e5,requests=1e6,seed=1';
export const REPLAY_CAPACITY = 10_000;
/** A memory model (memcached) counts bytes: the same keys with 100 B-10 KB values, at 64 MiB. */
export const BYTES_TRACE = 'zipf:alpha=1.0,keys=1e5,requests=1e6,seed=1,sizes=100..10000';
export const BYTES_CAPACITY = 64 * 1024 * 1024;

/** Million requests per second each policy must reach. */
export const REPLAY_TARGETS: Readonly<Record<string, number>> = {
  lru: 20,
  fifo: 20,
  clock: 20,
  sieve: 20,
  's3-fifo': 10,
  arc: 10,
  lfu: 10,
  'two-q': 10,
  'w-tinylfu': 10,
};

export const replaySuite: Suite = {
  name: 'replay',
  description: `replay of ${REPLAY_TRACE} at maxsize ${REPLAY_CAPACITY}, one core`,
  async run(options) {
    const trace = generateTrace(REPLAY_TRACE);
    let sized: ReturnType<typeof generateTrace> | undefined;
    const online = POLICIES.filter((p) => !p.offline).map((p) => p.name);
    const names = options.policies ?? [...Object.keys(REPLAY_TARGETS), ...online.filter((name) => !(name in REPLAY_TARGETS))];
    const rows: BenchRow[] = [];
    let collections = 0;
    const observer = new PerformanceObserver((list) => {
      collections += list.getEntries().length;
    });
    observer.observe({ entryTypes: ['gc'] });
    for (const name of names) {
      const target = REPLAY_TARGETS[name];
      if (!findPolicy(name.split(':')[0]!)) {
        rows.push({ suite: 'replay', name, unit: 'M req/s', value: NaN, ...(target && { target }), note: 'not registered' });
        continue;
      }
      const policy = parsePolicySpec(name);
      const bytes = policy.definition.unit === 'bytes';
      const input = bytes ? (sized ??= generateTrace(BYTES_TRACE)) : trace;
      let hitRate = 0;
      await sleep(10);
      collections = 0;
      const timing = await time(
        name,
        () => {
          const counts = bytes
            ? replay(input, { policy, capacity: BYTES_CAPACITY, unit: 'bytes', seed: 1 })
            : replay(input, { policy, capacity: REPLAY_CAPACITY, unit: 'entries', seed: 1 });
          hitRate = counts.hits / counts.requests;
        },
        options.quick ? 300 : 2000,
        options.quick ? 3 : 10,
      );
      await sleep(10); // gc entries arrive asynchronously
      rows.push({
        suite: 'replay',
        name,
        unit: 'M req/s',
        value: trace.length / timing.bestMs / 1e3,
        median: trace.length / timing.medianMs / 1e3,
        cpu: trace.length / timing.bestCpuMs / 1e3,
        ...(target && { target }),
        note:
          `hit rate ${(hitRate * 100).toFixed(2)}%, ${timing.runs} runs, ${(collections / timing.runs).toFixed(2)} GC/run` +
          (bytes ? `, at 64MiB on ${BYTES_TRACE}` : ''),
      });
    }
    observer.disconnect();
    return rows;
  },
};
