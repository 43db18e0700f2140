/**
 * CSV loading: rows per second end to end (file to columnar trace, keys interned) under
 * tinybench, on the loader benchmark's generated file (bench/load.ts: key,time,size with
 * Zipf-popular keys), plus the csv-parse reader and the binary cache for comparison, and the
 * loader's peak memory against the budget of 16 bytes per request plus 100 bytes per
 * distinct key; and a file large enough to be parsed in ranges on every core, against one
 * thread. The files live in the temp directory and are removed afterwards.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTraceFile } from '../../src/trace/csv.js';
import { measureBinaryLoad, measureCsvLoad, measurePeakMemory, writeLoadBenchFile } from '../load.js';
import { median, medianRange, time, type BenchRow, type Suite } from '../measure.js';

export const LOAD_TARGET_ROWS = 2; // M rows/s

/**
 * A file large enough to be cut into ranges (csv-ranges.ts), read on every core and on one
 * thread in turn: rows per second for each, and the ratio of the medians.
 */
async function parallelLoadRows(dir: string, rows: number, rounds: number): Promise<BenchRow[]> {
  const file = join(dir, 'large.csv');
  await writeLoadBenchFile(file, rows, 1_000_000, 2, 'seconds');
  const megabytes = (await stat(file)).size / 1e6;
  const times: Record<'every' | 'one', number[]> = { every: [], one: [] };
  for (let round = 0; round < rounds; round++) {
    for (const which of ['every', 'one'] as const) {
      const started = performance.now();
      await loadTraceFile(file, which === 'one' ? { workers: 1 } : {});
      times[which].push(performance.now() - started);
    }
  }
  const rate = (which: 'every' | 'one'): BenchRow => ({
    suite: 'load',
    name: `csv load, ${(rows / 1e6).toFixed(0)}e6 rows (${megabytes.toFixed(0)} MB), ${which === 'every' ? `${availableParallelism()} threads` : 'one thread'}`,
    unit: 'M rows/s',
    value: rows / Math.min(...times[which]) / 1e3,
    median: rows / median(times[which]) / 1e3,
    note: `load ${medianRange(times[which], 1e3, 2, ' s')}`,
  });
  return [
    rate('every'),
    rate('one'),
    {
      suite: 'load',
      name: 'csv load in ranges: every core / one thread',
      unit: 'x',
      value: median(times.every) / median(times.one),
      median: median(times.every) / median(times.one),
      lowerIsBetter: true,
      note: `wall time, medians of ${rounds} alternating rounds`,
    },
  ];
}

export const loadSuite: Suite = {
  name: 'load',
  description: 'CSV load rate and peak memory',
  async run(options) {
    const rows = options.quick ? 200_000 : 1_000_000;
    const dir = await mkdtemp(join(tmpdir(), 'cachebench-bench-'));
    try {
      const file = join(dir, 'trace.csv');
      await writeLoadBenchFile(file, rows);
      let loaded = 0;
      const timing = await time(
        'csv load',
        async () => {
          loaded = (await loadTraceFile(file)).length;
        },
        options.quick ? 500 : 3000,
        options.quick ? 2 : 5,
      );
      const result: BenchRow[] = [
        {
          suite: 'load',
          name: 'csv load (fast path)',
          unit: 'M rows/s',
          value: loaded / timing.bestMs / 1e3,
          median: loaded / timing.medianMs / 1e3,
          cpu: loaded / timing.bestCpuMs / 1e3,
          target: LOAD_TARGET_ROWS,
          note: `${loaded} rows of key,time,size, ${timing.runs} runs`,
        },
        ...(await parallelLoadRows(dir, options.quick ? 2_000_000 : 10_000_000, options.quick ? 2 : 5)),
      ];
      for (const rate of [await measureCsvLoad(file, 'csv-parse', 1), await measureBinaryLoad(file, options.quick ? 1 : 3)]) {
        result.push({
          suite: 'load',
          name: rate.what,
          unit: 'M rows/s',
          value: rate.rowsPerSecond / 1e6,
          cpu: rate.rowsPerCpuSecond / 1e6,
          note: 'for comparison',
        });
      }
      // Peak RSS depends on when V8's collector gets to run, so it varies from process to
      // process: the worst of several fresh processes is held to the budget (the median is
      // in the note). Millisecond times need a Float64 time column (16 bytes a request in
      // all); whole-second times, the usual production layout, fit a Uint32 one (12).
      const secondsFile = join(dir, 'trace-seconds.csv');
      await writeLoadBenchFile(secondsFile, rows, undefined, undefined, 'seconds');
      const probeCount = options.quick ? 1 : 5;
      for (const [what, path] of [
        ['ms times', file],
        ['whole-second times', secondsFile],
      ] as const) {
        const probes = Array.from({ length: probeCount }, () => measurePeakMemory(path)).sort((a, b) => a.peakBytes - b.peakBytes);
        const worst = probes[probes.length - 1]!;
        const median = probes[probes.length >> 1]!;
        result.push(
          {
            suite: 'load',
            name: `peak memory, ${what}`,
            unit: 'MB',
            value: worst.peakBytes / 1e6,
            median: median.peakBytes / 1e6,
            target: worst.budgetBytes / 1e6,
            lowerIsBetter: true,
            note: `worst of ${probeCount} processes; ${(worst.peakBytes / worst.rows).toFixed(1)} B/request; budget 16 B/request + 100 B/key (${worst.distinctKeys} keys)`,
          },
          {
            suite: 'load',
            name: `retained, ${what}`,
            unit: 'MB',
            value: median.retainedBytes / 1e6,
            target: median.budgetBytes / 1e6,
            lowerIsBetter: true,
            note: `${(median.retainedBytes / median.rows).toFixed(1)} B/request after a full GC`,
          },
        );
      }
      return result;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
