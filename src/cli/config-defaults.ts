/**
 * Settings for `run` and `sweep` from the project's config (the nearest `cachebench.config.*`
 * or `package.json#cachebench`, as `gate` finds it). `cachebench run` without a trace runs the
 * configured trace with the configured grid; the grid and trace fields stand in for flags not
 * given on the command line, which always win. A trace named on the command line is a run of
 * its own: a found config is not applied to it (its TTL or column map would mean nothing for
 * another trace), unless `--config FILE` asks for it. Gate-only fields (asserts, baseline,
 * out, format) are left to `gate`. An error in a value from the file names the file and the
 * field, not a flag the user never typed.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { blamedOnConfigField, parseGateConfig, type GateConfig } from '../gate/config.js';
import { findConfig, loadConfigFile } from '../gate/discover.js';
import { relative } from 'node:path';
import type { CliIo } from './io.js';

/** The config fields that stand in for flags of run and sweep (flag attribute = field name). */
const GRID_FIELDS = [
  'policies',
  'maxsize',
  'capacity',
  'ttl',
  'lookupCost',
  'missCost',
  'seed',
  'columns',
  'header',
  'traceFormat',
  'blockSize',
  'writePolicy',
  'flushInterval',
  'stampede',
  'tiers',
  'instances',
  'balance',
  'invalidation',
  'outage',
  'restart',
  'originLimit',
] as const;

export interface ConfigFlags {
  /** A config file, or false for --no-config. */
  config?: string | false;
}

export function addConfigOption(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'settings from this file (default: the nearest cachebench.config.* or package.json "cachebench", here or above)',
    )
    .option('--no-config', 'use no config file');
}

/** What the config gave: its file, and the fields it set. */
export interface AppliedConfig {
  readonly config: GateConfig | undefined;
  readonly fields: readonly string[];
  readonly source: string;
}

/**
 * Fills `flags` from the config where the command line did not set them, and returns the
 * trace to use (the argument, else the config's).
 */
export async function applyConfig(
  command: Command,
  flags: Record<string, unknown> & ConfigFlags,
  source: string | undefined,
): Promise<AppliedConfig> {
  const found =
    flags.config === false
      ? undefined
      : typeof flags.config === 'string'
        ? await loadConfigFile(flags.config)
        : source === undefined
          ? await findConfig()
          : undefined;
  const config = found
    ? parseGateConfig(found.data, relative(process.cwd(), found.file) || found.file, { requireTrace: false })
    : undefined;
  const fields: string[] = [];
  if (config) {
    const fromCli = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
    // Entries and bytes exclude each other: a size given on the command line replaces both.
    const sizeOnCli = fromCli('maxsize') || fromCli('capacity');
    for (const field of GRID_FIELDS) {
      const value = config[field];
      if (value === undefined || fromCli(field)) continue;
      if ((field === 'maxsize' || field === 'capacity') && sizeOnCli) continue;
      flags[field] = value;
      fields.push(field);
    }
  }
  const trace = source ?? config?.trace;
  if (trace === undefined) {
    throw new UsageError(
      `no trace: name one (a file, - or a spec), or set "trace" in ${config?.file ?? 'cachebench.config.json'}`,
      command.name(),
    );
  }
  if (source === undefined && config) fields.unshift('trace');
  return { config, fields, source: trace };
}

/**
 * Says which settings came from the file, after the command's output: an error stays one
 * line, and a result is not preceded by noise.
 */
export function reportConfig(applied: AppliedConfig, io: CliIo): void {
  if (applied.config && applied.fields.length > 0) io.err(`cachebench: from ${applied.config.file}: ${applied.fields.join(', ')}\n`);
}

/** Re-labels a flag parser's error as an error in the config field the value came from. */
export function blameConfig(error: unknown, applied: AppliedConfig | undefined): unknown {
  if (!applied?.config) return error;
  return blamedOnConfigField(error, applied.config.file, (field) => applied.fields.includes(field));
}
