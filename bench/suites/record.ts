/**
 * The recorder's cost: a service's cache-aside loop over a real lru-cache, plain and through
 * recordTrace (writing to a stream that drops the bytes), alternately in the same run. The
 * figure is the time the recorder adds per cache operation, in nanoseconds, and the ratio of
 * the two loops; sampling at 10% shows what the hash test alone costs for dropped keys.
 */
import { Writable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import { recordTrace } from '../../src/capture/record.js';
import { generateTrace } from '../../src/trace/spec.js';
import { time, type BenchOptions, type BenchRow, type Suite } from '../measure.js';

const sink = (): Writable =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/** get, and set on a miss: the operations done, for a per-operation figure. */
function cacheAside(cache: { get(key: number): string | undefined; set(key: number, value: string): unknown }, keys: Uint32Array): number {
  let operations = 0;
  for (const key of keys) {
    operations++;
    if (cache.get(key) === undefined) {
      cache.set(key, 'value');
      operations++;
    }
  }
  return operations;
}

export const recordSuite: Suite = {
  name: 'record',
  description: 'recordTrace overhead per cache operation on a real lru-cache (cache-aside loop)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const keys = generateTrace(`zipf:alpha=0.9,keys=50000,requests=${options.quick ? 100_000 : 500_000},seed=3`).keys;
    const timeMs = options.quick ? 400 : 2500;
    const operations = cacheAside(new LRUCache<number, string>({ max: 5000 }), keys);
    const plain = await time('plain', () => cacheAside(new LRUCache<number, string>({ max: 5000 }), keys), timeMs, 3);
    const cases: Array<[string, Parameters<typeof recordTrace>[1] extends infer O ? Omit<O & object, 'out'> : never]> = [
      ['recorded', {}],
      ['recorded, size function', { size: () => 5 }],
      ['recorded, 10% sample', { sample: 0.1 }],
    ];
    const rows: BenchRow[] = [];
    for (const [name, extra] of cases) {
      const timing = await time(
        name,
        async () => {
          const recording = recordTrace(new LRUCache<number, string>({ max: 5000 }), { out: sink(), ...extra });
          cacheAside(recording.target, keys);
          await recording.close();
        },
        timeMs,
        3,
      );
      const overheadNs = ((timing.medianMs - plain.medianMs) * 1e6) / operations;
      rows.push({
        suite: 'record',
        name: `${name}: overhead per operation`,
        unit: 'ns/op',
        value: ((timing.bestMs - plain.bestMs) * 1e6) / operations,
        median: overheadNs,
        lowerIsBetter: true,
        note: `${(timing.medianMs / plain.medianMs).toFixed(2)}x the plain loop (median ${timing.medianMs.toFixed(0)} ms vs ${plain.medianMs.toFixed(0)} ms for ${operations.toLocaleString('en-US')} operations)`,
      });
    }
    return rows;
  },
};
