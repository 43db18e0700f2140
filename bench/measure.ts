/**
 * The measuring and reporting pieces shared by the benchmark suites.
 *
 * Each case runs under tinybench; besides its wall-clock samples we keep the process CPU
 * time of every run, because on a shared machine (other builds and tests running) wall time
 * includes the time the benchmark spent waiting for a core. The best run is the figure of
 * merit (the run least disturbed), the median shows the spread.
 */
import { Bench } from 'tinybench';

export interface BenchOptions {
  /** Short runs (a few samples per case) for a quick look. */
  readonly quick: boolean;
  /** Restrict the replay suite to these policies (all online policies when absent). */
  readonly policies?: readonly string[];
}

/** One measured figure. Rates are "more is better"; memory and time are "less is better". */
export interface BenchRow {
  readonly suite: string;
  readonly name: string;
  readonly unit: string;
  /** Best (least disturbed) value. */
  readonly value: number;
  readonly median?: number;
  /** The same rate computed from process CPU time instead of wall time. */
  readonly cpu?: number;
  readonly target?: number;
  readonly lowerIsBetter?: boolean;
  readonly note?: string;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

export interface Timing {
  /** Fastest run, milliseconds of wall time. */
  readonly bestMs: number;
  readonly medianMs: number;
  /** Fastest run, milliseconds of process CPU time. */
  readonly bestCpuMs: number;
  readonly runs: number;
}

/**
 * Times `fn` with tinybench: `timeMs` of samples after a warm-up, at least `minRuns` runs.
 * CPU time is the whole process's, so it means nothing for work spread over worker threads.
 */
export async function time(name: string, fn: () => unknown, timeMs: number, minRuns: number, warmup = true): Promise<Timing> {
  let bestCpuMs = Infinity;
  const bench = new Bench({
    time: timeMs,
    iterations: minRuns,
    warmup,
    warmupTime: Math.min(timeMs, 250),
    warmupIterations: 1,
    throws: true,
  });
  bench.add(name, async () => {
    const before = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(before);
    bestCpuMs = Math.min(bestCpuMs, (used.user + used.system) / 1e3);
  });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`benchmark ${name} did not complete (${result.state})`);
  return { bestMs: result.latency.min, medianMs: result.latency.p50, bestCpuMs, runs: result.latency.samplesCount };
}

/** How far a row is from its target: at least 1 meets it. */
export function ratioToTarget(row: BenchRow): number | undefined {
  if (row.target === undefined) return undefined;
  return row.lowerIsBetter ? row.target / row.value : row.value / row.target;
}

/** The median of a few measurements (the upper middle one of an even count). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** `median M<unit> (min-max)`, each divided by `scale` and shown with `digits` decimals. */
export function medianRange(values: readonly number[], scale: number, digits: number, unit = ''): string {
  const show = (value: number): string => (value / scale).toFixed(digits);
  return `median ${show(median(values))}${unit} (${show(Math.min(...values))}-${show(Math.max(...values))})`;
}
