/**
 * `npm run bench`: the performance suites of issue 6, on generated traces (no network, no
 * large files). Never part of `npm test`; nothing here asserts anything.
 *
 *   npm run bench                      every suite
 *   npm run bench -- replay curve     only the named suites (replay, curve, load, grid, startup, record, formats, shard, stream, libcachesim)
 *   npm run bench -- --quick          a few samples per case, for a quick look
 *   npm run bench -- --json           machine-readable output
 *   npm run bench -- replay --policies lru,arc
 *
 * Rates are best-of-N over tinybench samples of wall time; the median and a rate from
 * process CPU time are shown too, since on a shared machine wall time includes waiting for
 * a core. The load average at start and end says how quiet the machine was.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import chalk from 'chalk';
import { terminalTable } from '../src/report/format.js';
import { ratioToTarget, type BenchOptions, type BenchRow, type Suite } from './measure.js';
import { curveSuite } from './suites/curve.js';
import { gridSuite } from './suites/grid.js';
import { loadSuite } from './suites/load.js';
import { replaySuite } from './suites/replay.js';
import { formatsSuite } from './suites/formats.js';
import { recordSuite } from './suites/record.js';
import { startupSuite } from './suites/startup.js';
import { shardSuite } from './suites/shard.js';
import { streamSuite } from './suites/stream.js';
import { libcachesimSuite } from './suites/libcachesim.js';

const SUITES: readonly Suite[] = [
  replaySuite,
  curveSuite,
  loadSuite,
  gridSuite,
  startupSuite,
  recordSuite,
  formatsSuite,
  shardSuite,
  streamSuite,
  libcachesimSuite,
];

interface Args {
  readonly suites: readonly Suite[];
  readonly options: BenchOptions;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let json = false;
  let policies: string[] | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') json = true;
    else if (arg === '--policies') policies = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`usage: npm run bench -- [${SUITES.map((s) => s.name).join('|')} ...] [--quick] [--json] [--policies a,b]\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) fail(`unknown option '${arg}'`);
    else names.push(arg);
  }
  const unknown = names.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length) fail(`unknown suite '${unknown[0]}' (suites: ${SUITES.map((s) => s.name).join(', ')})`);
  const suites = names.length ? SUITES.filter((s) => names.includes(s.name)) : SUITES;
  return { suites, options: { quick, ...(policies && { policies }) }, json };
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function number(value: number | undefined): string {
  if (value === undefined) return '';
  if (Number.isNaN(value)) return '-';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function table(rows: readonly BenchRow[]): string {
  const out = terminalTable(['suite', 'case', 'best', 'median', 'cpu-time', 'unit', 'target', 'ratio', '', 'note'], [0, 1, 5, 8, 9]);
  for (const row of rows) {
    const ratio = ratioToTarget(row);
    const verdict = ratio === undefined || Number.isNaN(ratio) ? '' : ratio >= 1 ? chalk.green('ok') : chalk.red('below');
    const target = row.target === undefined ? '' : `${row.lowerIsBetter ? '<=' : '>='} ${number(row.target)}`;
    out.push([
      row.suite,
      row.name,
      number(row.value),
      number(row.median),
      number(row.cpu),
      row.unit,
      target,
      ratio === undefined ? '' : number(ratio),
      verdict,
      row.note ?? '',
    ]);
  }
  return out.toString();
}

const { suites, options, json } = parseArgs(process.argv.slice(2));
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  node: process.version,
  loadAverageAtStart: loadavg()[0]!,
};
if (!json) {
  process.stdout.write(
    chalk.dim(
      `${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load average ${machine.loadAverageAtStart.toFixed(2)}${options.quick ? ', quick' : ''}\n`,
    ),
  );
}
const rows: BenchRow[] = [];
for (const suite of suites) {
  if (!json && process.stderr.isTTY) process.stderr.write(chalk.dim(`running ${suite.name}: ${suite.description}...\n`));
  rows.push(...(await suite.run(options)));
}
const loadAverageAtEnd = loadavg()[0]!;
if (json) {
  const withRatio = rows.map((row) => ({ ...row, ratio: ratioToTarget(row) ?? null, value: Number.isNaN(row.value) ? null : row.value }));
  process.stdout.write(
    JSON.stringify({ machine: { ...machine, loadAverageAtEnd }, quick: options.quick, rows: withRatio }, null, 2) + '\n',
  );
} else {
  process.stdout.write(table(rows) + '\n');
  process.stdout.write(
    chalk.dim(
      `best = fastest run (wall clock); cpu-time = the same from process CPU time; ratio = best vs target (>= 1 meets it). Load average at end ${loadAverageAtEnd.toFixed(2)}.\n`,
    ),
  );
}
