/**
 * Side by side with libCacheSim's `cachesim` (C) on the same files, LRU at 1e4 entries, whole
 * processes: a 1e6-row CSV (parsed, as on a first run, and again on a repeat run, which
 * reads the trace cache's binary copy; cachesim parses it each time), the same trace in
 * binary (our `.cbt` against libCacheSim's oracleGeneral), and a 1e7-request trace over 1e6
 * keys in binary. Rounds alternate the two
 * tools so a busy spell does not fall on one only; medians with min-max, and the ratio of the
 * medians (ours / theirs). The miss counts must agree, and the note says whether they do.
 *
 * libCacheSim is not a dependency: build it from its public source (cmake, with glib and
 * zstd) and point CACHEBENCH_LIBCACHESIM at `_build/bin/cachesim`, or put `cachesim` on the
 * PATH; without it this suite reports our own times and the split into start-up, load and
 * replay only.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, medianRange, type BenchOptions, type BenchRow, type Suite } from '../measure.js';
import { generateTrace } from '../../src/trace/spec.js';
import { saveTraceBinary } from '../../src/trace/binary.js';
import type { Trace } from '../../src/trace/trace.js';

const BIN = fileURLToPath(new URL('../../../bin/cachebench.cjs', import.meta.url));
const CAPACITY = 10_000;

function findCachesim(): string | undefined {
  const given = process.env.CACHEBENCH_LIBCACHESIM;
  if (given !== undefined && given !== '') return existsSync(given) ? given : undefined;
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(folder, 'cachesim');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

interface Timed {
  readonly ms: number;
  /** The miss ratio: ours exact, cachesim's as it prints it (4 decimals). */
  readonly missRatio: number;
}

function wall<T>(fn: () => T): { ms: number; value: T } {
  const started = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** cachebench `run FILE -p lru -m 1e4` as a fresh process; misses from its JSON. */
function ours(path: string, extra: readonly string[] = []): Timed {
  const { ms, value } = wall(() =>
    spawnSync(process.execPath, [BIN, 'run', path, '-p', 'lru', '-m', String(CAPACITY), '--format', 'json', '--no-progress', ...extra], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  );
  if (value.status !== 0) throw new Error(`cachebench run ${path} exited with ${String(value.status)}: ${value.stderr}`);
  const row = (JSON.parse(value.stdout) as { rows: { misses: number; requests: number }[] }).rows[0]!;
  return { ms, missRatio: row.misses / row.requests };
}

/** cachesim FILE TYPE lru 1e4 with unit sizes as a fresh process; misses from its miss ratio line. */
function theirs(cachesim: string, path: string, type: string): Timed {
  const params = type === 'csv' ? ['-t', 'obj-id-col=1,has-header=true,obj-id-is-num=true'] : [];
  const { ms, value } = wall(() =>
    // It writes a report file into its working folder: the trace's temporary one.
    spawnSync(cachesim, [path, type, 'lru', String(CAPACITY), '--ignore-obj-size=true', ...params], {
      cwd: dirname(path),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  );
  const ratio = /miss ratio ([\d.]+)/.exec(value.stdout + value.stderr);
  if (value.status !== 0 || ratio === null)
    throw new Error(`cachesim ${path} exited with ${String(value.status)}: ${value.stderr.slice(-500)}`);
  return { ms, missRatio: Number(ratio[1]) };
}

/** libCacheSim's oracleGeneral: 24-byte records {u32 time, u64 id, u32 size, i64 next access (-1: none)}. */
function writeOracleGeneral(trace: Trace, path: string): void {
  const records = Buffer.alloc(24 * trace.length);
  const next = new Float64Array(trace.length);
  const last = new Float64Array(trace.keySpace).fill(-1);
  for (let i = trace.length - 1; i >= 0; i--) {
    next[i] = last[trace.keys[i]!]!;
    last[trace.keys[i]!] = i;
  }
  for (let i = 0; i < trace.length; i++) {
    const at = 24 * i;
    records.writeUInt32LE(i, at);
    records.writeBigUInt64LE(BigInt(trace.keys[i]!), at + 4);
    records.writeUInt32LE(1, at + 12);
    records.writeBigInt64LE(BigInt(next[i]!), at + 16);
  }
  const fd = openSync(path, 'w');
  try {
    for (let done = 0; done < records.length;) done += writeSync(fd, records, done, records.length - done);
  } finally {
    closeSync(fd);
  }
}

function writeCsv(trace: Trace, path: string): void {
  const lines = ['key'];
  for (let i = 0; i < trace.length; i++) lines.push(String(trace.keys[i]!));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, lines.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

/** `run` made once, untimed, before its first timed call (for a case that measures a repeat). */
function primed(run: () => Timed): () => Timed {
  let ready = false;
  return () => {
    if (!ready) run();
    ready = true;
    return run();
  };
}

const spread = (values: readonly number[]): string => medianRange(values, 1e3, 3, ' s');

export const libcachesimSuite: Suite = {
  name: 'libcachesim',
  description: "LRU at 1e4 entries against libCacheSim's cachesim on the same files, whole process",
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const cachesim = findCachesim();
    const rounds = options.quick ? 2 : 5;
    const folder = mkdtempSync(join(tmpdir(), 'cachebench-bench-libcachesim-'));
    // The children keep parsed traces in a cache folder of this run's, removed with it.
    const cacheDir = process.env.CACHEBENCH_CACHE_DIR;
    process.env.CACHEBENCH_CACHE_DIR = join(folder, 'trace-cache');
    try {
      const small = generateTrace('zipf:alpha=0.9,keys=1e5,requests=1e6,seed=1');
      const large = generateTrace(`zipf:alpha=0.9,keys=1e6,requests=${options.quick ? '2e6' : '1e7'},seed=2`);
      const csv = join(folder, 'small.csv');
      writeCsv(small, csv);
      const cases: { name: string; ours: () => Timed; theirs?: () => Timed }[] = [];
      for (const [name, trace] of [
        ['1e6-row CSV', small],
        [`${large.length.toExponential(0)} requests, 1e6 keys, binary`, large],
      ] as const) {
        const cbt = join(folder, `${trace === small ? 'small' : 'large'}.cbt`);
        await saveTraceBinary(trace, cbt);
        const oracle = join(folder, `${trace === small ? 'small' : 'large'}.oracleGeneral.bin`);
        writeOracleGeneral(trace, oracle);
        if (trace === small) {
          cases.push({
            name,
            // The CSV parsed each time: no trace cache, as on a first run.
            ours: () => ours(csv, ['--no-trace-cache']),
            ...(cachesim && { theirs: () => theirs(cachesim, csv, 'csv') }),
          });
          cases.push({
            name: '1e6-row CSV, repeat run',
            // The same CSV again, read from the trace cache's binary copy (the first call writes it).
            ours: primed(() => ours(csv)),
            ...(cachesim && { theirs: () => theirs(cachesim, csv, 'csv') }),
          });
          cases.push({
            name: '1e6 requests, binary',
            ours: () => ours(cbt),
            ...(cachesim && { theirs: () => theirs(cachesim, oracle, 'oracleGeneralBin') }),
          });
        } else {
          cases.push({
            name,
            ours: () => ours(cbt),
            ...(cachesim && { theirs: () => theirs(cachesim, oracle, 'oracleGeneralBin') }),
          });
        }
      }
      const startup = Array.from({ length: rounds }, () => wall(() => spawnSync(process.execPath, [BIN, '--version'])).ms);
      const bare = Array.from({ length: rounds }, () => wall(() => spawnSync(process.execPath, ['-e', '0'])).ms);
      const rows: BenchRow[] = [
        {
          suite: 'libcachesim',
          name: 'start-up: cachebench --version / node -e 0',
          unit: 'x',
          value: median(startup) / median(bare),
          median: median(startup) / median(bare),
          lowerIsBetter: true,
          note: `${spread(startup)} against ${spread(bare)}`,
        },
      ];
      for (const c of cases) {
        const mine: number[] = [];
        const other: number[] = [];
        let agree = true;
        for (let round = 0; round < rounds; round++) {
          const a = c.ours();
          mine.push(a.ms);
          if (c.theirs) {
            const b = c.theirs();
            other.push(b.ms);
            // cachesim prints 4 decimals: ours must round to them.
            agree &&= Math.abs(a.missRatio - b.missRatio) <= 5e-5 + 1e-12;
          }
        }
        rows.push({
          suite: 'libcachesim',
          name: `${c.name}: cachebench`,
          unit: 's',
          value: Math.min(...mine) / 1e3,
          median: median(mine) / 1e3,
          note: spread(mine),
        });
        if (other.length > 0) {
          const target = c.name.includes('CSV') ? 0.33 : c.name.startsWith('1e6') ? 0.5 : 0.25;
          rows.push({
            suite: 'libcachesim',
            name: `${c.name}: cachebench / cachesim`,
            unit: 'x',
            value: median(mine) / median(other),
            median: median(mine) / median(other),
            lowerIsBetter: true,
            target,
            note: `cachesim ${spread(other)}; miss ratios ${agree ? 'agree (to the 4 decimals cachesim prints)' : 'DIFFER'}`,
          });
        }
      }
      if (cachesim === undefined) {
        rows.push({
          suite: 'libcachesim',
          name: 'cachesim not found',
          unit: '',
          value: 0,
          note: 'set CACHEBENCH_LIBCACHESIM to a built cachesim to compare',
        });
      }
      return rows;
    } finally {
      if (cacheDir === undefined) delete process.env.CACHEBENCH_CACHE_DIR;
      else process.env.CACHEBENCH_CACHE_DIR = cacheDir;
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
