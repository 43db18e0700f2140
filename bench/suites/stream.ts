/**
 * Larger than memory: a Zipf trace of 1e9 requests over 1e7 keys (2e7 over 1e6 with --quick)
 * is written by `cachebench gen … --out FILE.cbt` a chunk at a time into a temporary folder
 * (4 GB on disk, never held in memory), then `cachebench run FILE --stream` replays it through lru, s3-fifo and
 * w-tinylfu at three sizes in a fresh process: end-to-end requests/s (requests of the trace
 * x cells / wall time) and the process's peak RSS, whose target is 2 GB. A loaded 1e9-request
 * trace alone would take 4 GB. Medians and ranges over the rounds; the streamed JSON of the
 * quick trace is checked against the same run on the loaded trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, medianRange, type BenchOptions, type BenchRow, type Suite } from '../measure.js';

const BIN = fileURLToPath(new URL('../../../bin/cachebench.cjs', import.meta.url));
const POLICIES = 'lru,s3-fifo,w-tinylfu';

interface Measured {
  readonly seconds: number;
  readonly peakBytes: number;
  readonly stdout: string;
}

/** One fresh process; wall time and peak RSS from /usr/bin/time when present (else RSS is not measured). */
function measured(args: readonly string[]): Measured {
  const withTime = existsSync('/usr/bin/time');
  const command = withTime ? '/usr/bin/time' : process.execPath;
  const argv = withTime ? ['-f', 'peak-rss-kb %M', process.execPath, BIN, ...args] : [BIN, ...args];
  const started = process.hrtime.bigint();
  const child = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`cachebench ${args.join(' ')} exited with ${String(child.status)}: ${child.stderr}`);
  const rss = /peak-rss-kb (\d+)/.exec(child.stderr);
  return { seconds, peakBytes: rss ? Number(rss[1]) * 1024 : NaN, stdout: child.stdout };
}

/**
 * A CSV streamed: `run FILE.csv --stream` converts it to a binary trace as it reads it (a
 * buffer of rows at a time, never the whole trace) and replays that, against `run FILE.csv`
 * loading it; both without the trace cache, so each reads the CSV. Time and peak RSS of each,
 * and whether the JSON agrees.
 */
function csvConversionRows(folder: string, rows: number): BenchRow[] {
  const csv = join(folder, 'zipf.csv');
  measured(['gen', `zipf:alpha=0.9,keys=${rows / 10},requests=${rows},rate=1000,seed=4`, '--out', csv, '--no-progress']);
  const grid = [
    'run',
    csv,
    '-p',
    'lru,s3-fifo',
    '-m',
    `${rows / 1000},${rows / 100}`,
    '--format',
    'json',
    '--no-progress',
    '--no-trace-cache',
  ];
  const loaded = measured(grid);
  const streamed = measured([...grid, '--stream']);
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  return [
    {
      suite: 'stream',
      name: `run FILE.csv --stream, ${rows.toExponential(0)} rows (converted as read)`,
      unit: 's',
      value: streamed.seconds,
      median: streamed.seconds,
      note: `peak RSS ${mib(streamed.peakBytes)}; loaded instead: ${loaded.seconds.toFixed(1)} s, ${mib(loaded.peakBytes)}; JSON ${
        streamed.stdout === loaded.stdout ? 'identical' : 'DIFFERS'
      }`,
    },
    {
      suite: 'stream',
      name: 'run FILE.csv --stream, peak RSS / loaded',
      unit: 'x',
      value: streamed.peakBytes / loaded.peakBytes,
      median: streamed.peakBytes / loaded.peakBytes,
      lowerIsBetter: true,
      note: 'the conversion holds the key table and a buffer of rows, the load every request',
    },
  ];
}

export const streamSuite: Suite = {
  name: 'stream',
  description: `a 1e9-request trace streamed through ${POLICIES} at 3 sizes (2e7 with --quick)`,
  run(options: BenchOptions): Promise<BenchRow[]> {
    const requests = options.quick ? 2e7 : 1e9;
    const keys = options.quick ? 1e6 : 1e7;
    const sizes = [keys / 100, keys / 10, keys / 2].join(',');
    const folder = mkdtempSync(join(tmpdir(), 'cachebench-bench-stream-'));
    try {
      const path = join(folder, 'zipf.cbt');
      const generation = measured(['gen', `zipf:alpha=0.9,keys=${keys},requests=${requests}`, '--out', path, '--no-progress']);
      const grid = ['run', path, '-p', POLICIES, '-m', sizes, '--format', 'json', '--no-progress'];
      const rounds = options.quick ? 3 : 1;
      const runs = Array.from({ length: rounds }, () => measured([...grid, '--stream']));
      const cells = 3 * 3;
      const rates = runs.map((run) => (requests * cells) / run.seconds);
      const peaks = runs.map((run) => run.peakBytes);
      let agreement = 'not checked at this size (the trace does not fit in memory loaded)';
      if (options.quick) {
        const loaded = measured([...grid, '--no-trace-cache']);
        agreement =
          loaded.stdout === runs[0]!.stdout ? 'streamed JSON identical to the loaded run' : 'STREAMED JSON DIFFERS from the loaded run';
        agreement += `; loaded run ${loaded.seconds.toFixed(1)} s, peak RSS ${(loaded.peakBytes / 2 ** 20).toFixed(0)} MiB`;
      }
      return Promise.resolve([
        ...csvConversionRows(folder, options.quick ? 2e6 : 1e7),
        {
          suite: 'stream',
          name: `gen ${requests.toExponential(0)} requests to .cbt`,
          unit: 's',
          value: generation.seconds,
          median: generation.seconds,
          note: `${((requests * 4) / 2 ** 30).toFixed(1)} GiB of keys, written a chunk at a time; peak RSS ${(generation.peakBytes / 2 ** 20).toFixed(0)} MiB`,
        },
        {
          suite: 'stream',
          name: `run --stream, ${cells} cells`,
          unit: 'M req/s',
          value: Math.max(...rates) / 1e6,
          median: median(rates) / 1e6,
          note: `end to end, requests x cells / wall; ${medianRange(
            runs.map((run) => run.seconds),
            1,
            1,
            ' s',
          )} over ${rounds} round(s); ${agreement}`,
        },
        {
          suite: 'stream',
          name: 'run --stream, peak RSS',
          unit: 'MiB',
          value: Math.max(...peaks) / 2 ** 20,
          median: median(peaks) / 2 ** 20,
          lowerIsBetter: true,
          target: 2048,
          note: `worst of the rounds; ${medianRange(peaks, 2 ** 20, 0, ' MiB')}; target 2048 MiB; ${keys.toExponential(0)} keys`,
        },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
