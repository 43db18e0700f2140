/**
 * `--shard K/N` on `run` and `sweep`: compute one slice of the grid and write it as a part,
 * which `cachebench merge` turns into the unsharded report. A part records the command line
 * that made it (without --shard and the output flags), so merge runs the same command.
 */
import type { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { ShardPart } from '../api/shards.js';
import { parseSlice, type Slice } from '../engine/slices.js';
import { isFolderTarget, writeFileAtomic } from '../report/write.js';
import type { CliIo } from './io.js';
import { join } from 'node:path';

export function addShardOption(command: Command): Command {
  return command.option(
    '--shard <K/N>',
    'compute only the K-th of N slices of the grid (balanced by cost) and write it as a part for `cachebench merge`',
  );
}

/** Flags that shape the report rather than the work: merge takes its own, so a part leaves them out. */
export const REPORT_FLAGS = ['out', 'format', 'assert', 'baseline', 'maxDrop', 'maxLatencyRise', 'wide'] as const;

interface ShardFlags {
  shard?: string;
  format?: string;
  out?: string | true;
  assert?: string[];
  baseline?: string;
}

/** The slice `--shard` asks for, after refusing flags that only make sense on the merged result. */
export function shardFrom(flags: ShardFlags): Slice | undefined {
  if (flags.shard === undefined) return undefined;
  const slice = parseSlice(flags.shard, '--shard');
  if (flags.assert !== undefined || flags.baseline !== undefined) {
    const flag = flags.assert !== undefined ? '--assert' : '--baseline';
    throw new UsageError('gates judge the whole result: give them to `cachebench merge`, not to a shard', flag);
  }
  if (flags.format !== undefined && flags.format !== 'json') {
    throw new UsageError(`a shard writes a JSON part for \`cachebench merge\`; ask merge for ${flags.format}`, '--format');
  }
  if (flags.out === true) throw new UsageError('name the part file, e.g. --out part-1.json', '--out');
  return slice;
}

/** Writes the part (atomically) to --out, a file or a folder (`part-K-of-N.json` there), or to stdout. */
export async function deliverPart(part: ShardPart, flags: ShardFlags, command: Command, io: CliIo): Promise<void> {
  const text = JSON.stringify({ ...part, argv: commandLineOf(command) }) + '\n';
  if (flags.out === undefined || flags.out === true) {
    io.out(text);
    return;
  }
  const out = flags.out;
  const path = isFolderTarget(out) ? join(out, `part-${part.slice.index}-of-${part.slice.count}.json`) : out;
  await writeFileAtomic(path, text);
  io.err(`wrote ${path} (slice ${part.slice.index}/${part.slice.count}: ${part.results.length} of ${part.units} units)\n`);
}

/** The command line as typed (`run trace --policies ...`), without --shard and the report flags. */
function commandLineOf(command: Command): string[] {
  // Commander keeps the words it parsed as `rawArgs` (not in its typings).
  const raw: unknown = command.parent === null ? undefined : Reflect.get(command.parent, 'rawArgs');
  const words = Array.isArray(raw) ? raw.filter((word): word is string => typeof word === 'string') : [];
  const dropped = new Set<string>(['shard', ...REPORT_FLAGS]);
  return withoutOptions(words, command.options, dropped);
}

/**
 * `argv` without the options named in `dropped` (by attribute name) and their values, read the
 * way commander reads them: `--name value`, `--name=value`, `-x value`, `-xvalue`, and an
 * optional value only when the next word is not a flag.
 */
export function withoutOptions(argv: readonly string[], options: readonly Option[], dropped: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      kept.push(...argv.slice(i));
      break;
    }
    const long = arg.startsWith('--');
    const flag = long ? arg.split('=')[0]! : arg.startsWith('-') && arg.length >= 2 ? arg.slice(0, 2) : undefined;
    const option = flag === undefined ? undefined : options.find((o) => o.long === flag || o.short === flag);
    if (option === undefined || !dropped.has(option.attributeName())) {
      kept.push(arg);
      continue;
    }
    const attached = long ? arg.includes('=') : arg.length > 2;
    const takesValue = option.required || option.optional;
    if (takesValue && !attached && i + 1 < argv.length && (option.required || !argv[i + 1]!.startsWith('-'))) i++;
  }
  return kept;
}
