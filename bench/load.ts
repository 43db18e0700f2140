/**
 * Trace loading benchmark (issue 6 targets: CSV at 2 M rows/s end to end; peak memory at
 * most 16 bytes per request + 100 bytes per distinct key; a binary cache that skips parsing).
 * Generates a seeded CSV (key,time,size; 1e6 Zipf(1)-popular requests over 1e5 keys) in the
 * temp directory, then times each reader and the binary cache, and measures peak memory in
 * a fresh child process so earlier runs do not pollute it. Plain measurement functions, no
 * printing except when run directly: `node dist/bench/load.js [rows]`.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadTraceBinary, saveTraceBinary } from '../src/trace/binary.js';
import { loadTraceFile, type LoadOptions } from '../src/trace/csv.js';

export interface LoadRate {
  readonly what: string;
  readonly rows: number;
  readonly distinctKeys: number;
  /** Best of the repeats, wall clock. */
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** Rows per second of this process's CPU time (user + system): less sensitive to a busy machine. */
  readonly rowsPerCpuSecond: number;
}

export interface PeakMemory {
  readonly rows: number;
  readonly distinctKeys: number;
  /** Growth of the peak resident set over the resident set just before loading. */
  readonly peakBytes: number;
  /** What the loaded trace keeps (typed arrays plus heap), after a full GC. */
  readonly retainedBytes: number;
  /** 16 bytes per request + 100 bytes per distinct key. */
  readonly budgetBytes: number;
}

/** xorshift32: the benchmark file must be the same on every run (no Math.random). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * How the benchmark file times its requests: `milliseconds` as decimals of a second from 0
 * (0.001, 0.002, ...: the time column must be Float64), or `seconds` as whole Unix seconds
 * at 1000 requests a second (the layout of most production traces: a Uint32 column).
 */
export type BenchTimes = 'milliseconds' | 'seconds';

/** Writes the benchmark CSV: Zipf(1)-like ranks (density 1/x), times, sizes. */
export async function writeLoadBenchFile(
  path: string,
  rows = 1_000_000,
  keys = 100_000,
  seed = 1,
  times: BenchTimes = 'milliseconds',
): Promise<void> {
  const random = rng(seed);
  const out = createWriteStream(path);
  const logKeys = Math.log(keys);
  let chunk = 'key,time,size\n';
  for (let i = 0; i < rows; i++) {
    const rank = Math.min(keys - 1, Math.floor(Math.exp(random() * logKeys)) - 1);
    const time = times === 'seconds' ? String(1_700_000_000 + Math.floor(i / 1000)) : (i / 1000).toFixed(3);
    chunk += `obj${rank},${time},${100 + ((rank * 7919) % 9000)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function timed(what: string, repeats: number, load: () => Promise<{ length: number; keySpace: number }>): Promise<LoadRate> {
  let best = Infinity;
  let bestCpu = Infinity;
  let rows = 0;
  let distinctKeys = 0;
  for (let r = 0; r < repeats; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const trace = await load();
    const seconds = (performance.now() - start) / 1e3;
    const used = process.cpuUsage(cpu);
    best = Math.min(best, seconds);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
    rows = trace.length;
    distinctKeys = trace.keySpace;
  }
  return { what, rows, distinctKeys, seconds: best, rowsPerSecond: rows / best, rowsPerCpuSecond: rows / bestCpu };
}

/** Load rate of a CSV file with one reader (`auto` = fast path with fallback). */
export function measureCsvLoad(path: string, reader: NonNullable<LoadOptions['reader']> = 'auto', repeats = 3): Promise<LoadRate> {
  return timed(`csv (${reader})`, repeats, () => loadTraceFile(path, { reader }));
}

/** Load rate of the binary cache of a CSV file (written first). */
export async function measureBinaryLoad(csvPath: string, repeats = 3): Promise<LoadRate> {
  const binaryPath = `${csvPath}.cbt`;
  await saveTraceBinary(await loadTraceFile(csvPath), binaryPath);
  return timed('binary cache', repeats, () => loadTraceBinary(binaryPath));
}

/** Peak memory of loading `path` in a fresh Node process. */
export function measurePeakMemory(path: string): PeakMemory {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--expose-gc', script, '--peak-memory', path], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`peak-memory child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as PeakMemory;
}

/**
 * The process's peak resident set since the last resetPeakResidentSet(). On Linux this is
 * VmHWM, which /proc/self/clear_refs can reset. getrusage's maxRSS cannot serve: it keeps
 * the high-water mark across exec, so a child spawned by a large process (the benchmark
 * after its timed loads) starts with its parent's size as its peak. Elsewhere maxRSS is the
 * fallback, good only in a process spawned by a small one.
 */
function peakResidentSet(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

function resetPeakResidentSet(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: the peak stays the process's whole-life one
  }
}

async function peakMemoryChild(path: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  resetPeakResidentSet();
  const trace = await loadTraceFile(path);
  const peakBytes = peakResidentSet() - before.rss;
  // Freed ArrayBuffers are released by a sweeper after the collection: counted straight
  // after gc(), the loader's dropped reservations would still show as kept.
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc?.();
  const after = process.memoryUsage();
  const retainedBytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  const result: PeakMemory = {
    rows: trace.length,
    distinctKeys: trace.keySpace,
    peakBytes,
    retainedBytes,
    budgetBytes: 16 * trace.length + 100 * trace.keySpace,
  };
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'cachebench-load-bench-'));
  try {
    const path = join(dir, 'bench.csv');
    await writeLoadBenchFile(path, rows);
    console.log(`file: ${rows} rows, ${(statSync(path).size / 1e6).toFixed(1)} MB`);
    const rates = [await measureCsvLoad(path, 'auto', 5), await measureCsvLoad(path, 'csv-parse', 1), await measureBinaryLoad(path)];
    for (const rate of rates) {
      console.log(
        `${rate.what.padEnd(16)} ${(rate.rowsPerSecond / 1e6).toFixed(2)} M rows/s wall, ${(rate.rowsPerCpuSecond / 1e6).toFixed(2)} M rows/s cpu (${rate.distinctKeys} keys)`,
      );
    }
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
    const secondsPath = join(dir, 'bench-seconds.csv');
    await writeLoadBenchFile(secondsPath, rows, undefined, undefined, 'seconds');
    for (const [what, file] of [
      ['ms times', path],
      ['whole seconds', secondsPath],
    ] as const) {
      const memory = measurePeakMemory(file);
      console.log(
        `peak memory      ${mb(memory.peakBytes)} over the process's resident set before loading, ${what} ` +
          `(trace kept: ${mb(memory.retainedBytes)}); budget 16 B/request + 100 B/key = ${mb(memory.budgetBytes)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--peak-memory') await peakMemoryChild(process.argv[3]!);
  else await main();
}
