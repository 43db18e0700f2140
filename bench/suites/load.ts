/**
 * CSV loading: rows per second end to end (file to columnar trace, keys interned) on a
 * generated file of key, time and size columns, and the loader's peak memory against the
 * budget of 16 bytes per request plus 100 bytes per distinct key. The file is written to
 * the temp directory and removed afterwards; nothing large is kept in the repository.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTraceFile } from '../../src/trace/csv.js';
import { generateTrace } from '../../src/trace/spec.js';
import { writeTraceCsv } from '../../src/trace/write.js';
import { time, type BenchRow, type Suite } from '../measure.js';

export const LOAD_TARGET_ROWS = 2; // M rows/s
export const BYTES_PER_REQUEST = 16;
export const BYTES_PER_KEY = 100;

interface MemoryReport {
  rows: number;
  keys: number;
  baselineRss: number;
  peakRss: number;
  retained: number;
}

export const loadSuite: Suite = {
  name: 'load',
  description: 'CSV load rate and peak memory',
  async run(options) {
    const requests = options.quick ? '2e5' : '1e6';
    const spec = `zipf:alpha=1.0,keys=1e5,requests=${requests},seed=1,rate=1000,sizes=100..10000`;
    const dir = await mkdtemp(join(tmpdir(), 'cachebench-bench-'));
    try {
      const file = join(dir, 'trace.csv');
      const out = createWriteStream(file);
      await writeTraceCsv(generateTrace(spec), out);
      out.end();
      await once(out, 'finish');

      try {
        await loadTraceFile(file);
      } catch (error) {
        return [{ suite: 'load', name: 'csv load', unit: 'M rows/s', value: NaN, target: LOAD_TARGET_ROWS, note: `loader unavailable (${(error as Error).message.replace(/^.*: /, '')})` }];
      }
      let rows = 0;
      const timing = await time(
        'csv load',
        async () => {
          rows = (await loadTraceFile(file)).length;
        },
        options.quick ? 500 : 3000,
        options.quick ? 2 : 5,
      );
      const result: BenchRow[] = [
        {
          suite: 'load',
          name: 'csv load (key,time,size)',
          unit: 'M rows/s',
          value: rows / timing.bestMs / 1e3,
          median: rows / timing.medianMs / 1e3,
          cpu: rows / timing.bestCpuMs / 1e3,
          target: LOAD_TARGET_ROWS,
          note: `${rows} rows, ${timing.runs} runs`,
        },
      ];

      const child = fileURLToPath(new URL('./load-memory.js', import.meta.url));
      const memory = JSON.parse(execFileSync(process.execPath, ['--expose-gc', child, file], { encoding: 'utf8' })) as MemoryReport;
      const peak = memory.peakRss - memory.baselineRss;
      const budget = BYTES_PER_REQUEST * memory.rows + BYTES_PER_KEY * memory.keys;
      result.push({
        suite: 'load',
        name: 'peak memory over baseline',
        unit: 'MB',
        value: peak / 1e6,
        target: budget / 1e6,
        lowerIsBetter: true,
        note: `${(peak / memory.rows).toFixed(1)} B/request with ${memory.keys} keys; budget ${BYTES_PER_REQUEST} B/request + ${BYTES_PER_KEY} B/key`,
      });
      result.push({
        suite: 'load',
        name: 'retained by the trace',
        unit: 'MB',
        value: memory.retained / 1e6,
        target: budget / 1e6,
        lowerIsBetter: true,
        note: `${(memory.retained / memory.rows).toFixed(1)} B/request (heap + typed arrays after a full GC)`,
      });
      return result;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
