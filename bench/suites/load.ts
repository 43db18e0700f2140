/**
 * CSV loading: rows per second end to end (file to columnar trace, keys interned) under
 * tinybench, on the loader benchmark's generated file (bench/load.ts: key,time,size with
 * Zipf-popular keys), plus the csv-parse reader and the binary cache for comparison, and the
 * loader's peak memory against the budget of 16 bytes per request plus 100 bytes per
 * distinct key. The file lives in the temp directory and is removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTraceFile } from '../../src/trace/csv.js';
import { measureBinaryLoad, measureCsvLoad, measurePeakMemory, writeLoadBenchFile } from '../load.js';
import { time, type BenchRow, type Suite } from '../measure.js';

export const LOAD_TARGET_ROWS = 2; // M rows/s

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
      // Peak RSS depends on when V8's collector gets to run, which a busy machine delays:
      // the least of a few fresh processes, like the best run elsewhere.
      const probes = Array.from({ length: options.quick ? 1 : 3 }, () => measurePeakMemory(file));
      const memory = probes.reduce((least, probe) => (probe.peakBytes < least.peakBytes ? probe : least));
      const budget = memory.budgetBytes / 1e6;
      const perKeys = `${memory.distinctKeys} keys; budget 16 B/request + 100 B/key`;
      result.push(
        {
          suite: 'load',
          name: 'peak memory over baseline',
          unit: 'MB',
          value: memory.peakBytes / 1e6,
          target: budget,
          lowerIsBetter: true,
          note: `${(memory.peakBytes / memory.rows).toFixed(1)} B/request, ${perKeys}; least of ${probes.length}`,
        },
        {
          suite: 'load',
          name: 'retained by the trace',
          unit: 'MB',
          value: memory.retainedBytes / 1e6,
          target: budget,
          lowerIsBetter: true,
          note: `${(memory.retainedBytes / memory.rows).toFixed(1)} B/request after a full GC`,
        },
      );
      return result;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
