/**
 * Child process of the load suite: loads one trace file and prints, as JSON, how much the
 * process's peak resident memory rose above what it used just before loading, and how much
 * memory the loaded trace keeps (JS heap plus typed arrays, after a full collection). A
 * fresh process is the only way to see the loader's own peak, untouched by earlier suites.
 * Usage: node --expose-gc dist/bench/suites/load-memory.js FILE
 */
import { loadTraceFile } from '../../src/trace/csv.js';

const file = process.argv[2];
if (!file) throw new Error('usage: load-memory.js FILE');
const collect = (globalThis as { gc?: () => void }).gc ?? ((): void => {});
const live = (): number => {
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const baselineLive = live();
const baselineRss = process.memoryUsage().rss;
const trace = await loadTraceFile(file);
const peakRss = process.resourceUsage().maxRSS * 1024;
const retained = live() - baselineLive;
process.stdout.write(JSON.stringify({ rows: trace.length, keys: trace.keySpace, baselineRss, peakRss, retained }) + '\n');
