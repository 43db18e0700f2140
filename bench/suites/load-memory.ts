/**
 * Child process of the load suite: loads one trace file and prints, as JSON, how much the
 * process's peak resident memory rose above what it used just before loading. A fresh
 * process is the only way to see the loader's own peak, untouched by earlier suites.
 * Usage: node dist/bench/suites/load-memory.js FILE
 */
import { loadTraceFile } from '../../src/trace/csv.js';

const file = process.argv[2];
if (!file) throw new Error('usage: load-memory.js FILE');
const baselineRss = process.memoryUsage().rss;
const trace = await loadTraceFile(file);
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ rows: trace.length, keys: trace.keySpace, baselineRss, peakRss }) + '\n');
