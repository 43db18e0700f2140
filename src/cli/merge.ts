/**
 * `cachebench merge part-*.json`: the report of a sharded `run` or `sweep`, from its parts.
 * Each part records the command line that made it; merge runs that command again, here, with
 * the parts' results in place of the replays, so the report is exactly the one the unsharded
 * command writes (the trace is read again for its summary, the rows and the recommendations).
 * Report flags (--out, --format, --assert, --baseline, ...) are merge's own.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { checkShardParts, type ShardPart } from '../api/shards.js';
import { jsonErrorMessage } from '../gate/json-position.js';
import { REPORT_FORMATS } from '../report/render.js';
import { ExitCode, type CliIo } from './io.js';
import { addOutputOptions, type OutputFlags } from './output.js';

/** Runs a command line in this process, as `cachebench` would (main.ts), returning its exit code. */
export type RunCommandLine = (argv: readonly string[], io: CliIo) => Promise<number>;

export function registerMerge(program: Command, io: CliIo, runCommandLine: RunCommandLine): void {
  const command = program
    .command('merge')
    .description('combine the parts of a sharded run or sweep (--shard K/N) into the report the unsharded command gives')
    .argument('<parts...>', 'the part files, one per slice, in any order (e.g. part-*.json)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]));
  addOutputOptions(command);
  command.action(async (files: string[], flags: OutputFlags) => {
    const parts = await Promise.all(files.map(readPart));
    const first = parts[0]!;
    const command = first.argv[0];
    if (command !== 'run' && command !== 'sweep') throw new UsageError(`${first.name}: its command line is not a run or sweep`, 'merge');
    const checked = checkShardParts(parts, command);
    for (const part of parts.slice(1)) {
      if (JSON.stringify(part.argv) !== JSON.stringify(first.argv)) {
        throw new UsageError(`${part.name} was made by another command line than ${first.name}`, 'merge');
      }
    }
    const argv = [...first.argv, ...reportArgs(flags)];
    const code = await runCommandLine(argv, { ...io, fromShards: checked });
    if (code !== 0) throw new ExitCode(code);
  });
}

type PartFile = ShardPart & { readonly argv: readonly string[]; readonly name: string };

async function readPart(path: string): Promise<PartFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 'merge');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(jsonErrorMessage(path, text, (error as Error).message), 'merge');
  }
  const argv = (data as { argv?: unknown } | null)?.argv;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((word) => typeof word === 'string')) {
    throw new UsageError(`${path}: not a part written by \`cachebench run|sweep --shard K/N\` (no command line in it)`, 'merge');
  }
  return { ...(data as ShardPart), argv: argv, name: path };
}

/** Merge's report flags as words for the command it runs (which were left out of the parts). */
function reportArgs(flags: OutputFlags): string[] {
  const words: string[] = [];
  if (flags.format !== undefined) words.push('--format', flags.format);
  if (flags.out === true) words.push('--out');
  else if (flags.out !== undefined) words.push(`--out=${flags.out}`);
  for (const assertion of flags.assert ?? []) words.push(`--assert=${assertion}`);
  if (flags.baseline !== undefined) words.push(`--baseline=${flags.baseline}`);
  if (flags.maxDrop !== undefined) words.push(`--max-drop=${flags.maxDrop}`);
  if (flags.maxLatencyRise !== undefined) words.push(`--max-latency-rise=${flags.maxLatencyRise}`);
  if (flags.wide === true) words.push('--wide');
  return words;
}
