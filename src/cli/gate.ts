/**
 * `cachebench gate`: the CI check. Reads `cachebench.config.json` (or `--config FILE`),
 * replays its trace and grid, and exits 1 unless every gate in it holds. Flags given on the
 * command line add assertions or override the file's baseline and output settings. Errors in
 * a value from the file name the file and the field, not a flag the user never typed.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { blamedOnConfigField, configFieldOf, DEFAULT_CONFIG_FILE, loadGateConfig, type GateConfig } from '../gate/config.js';
import { REPORT_FORMATS } from '../report/render.js';
import type { CliIo } from './io.js';
import type { CommonFlags } from './options.js';
import { addOutputOptions, deliverResult, prepareOutput, type OutputFlags } from './output.js';
import { runSimulation } from './run.js';
import { streamsByItself, withTraceStream } from './stream.js';
import { simulate } from '../api/simulate.js';
import { blameField, simulateOptionsOfConfig } from '../gate/options.js';

interface GateFlags extends OutputFlags {
  config?: string;
}

export function registerGate(program: Command, io: CliIo): void {
  const command = program
    .command('gate')
    .description(`run the checks in ${DEFAULT_CONFIG_FILE}; exit 1 when a gate fails (for CI)`)
    .option(
      '--config <file>',
      `the config file (default: the nearest ${DEFAULT_CONFIG_FILE}, .mjs/.js/.cjs, or package.json "cachebench", here or above)`,
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]));
  addOutputOptions(command);
  command.action(async (cli: GateFlags) => {
    const config = await loadGateConfig(cli.config);
    const output = outputFlagsFrom(config, cli);
    if ((output.assert ?? []).length === 0 && output.baseline === undefined) {
      throw new UsageError(`${config.file}: no gates: add "asserts" (e.g. ["lru@1024.hitRate>=0.8"]) or "baseline"`);
    }
    const fromConfig = (field: string): boolean => field in config && !overriddenOnCommandLine(field, cli);
    await blamingConfig(config, fromConfig, async () => {
      const prepared = await prepareOutput(output, { command: 'gate', source: config.trace });
      const options = simulateOptionsOfConfig(config);
      const load = {
        header: config.header ?? true,
        ...(config.columns !== undefined && { columns: config.columns }),
        ...(config.traceFormat !== undefined && { traceFormat: config.traceFormat }),
        ...(config.blockSize !== undefined && { blockSize: config.blockSize }),
      } as CommonFlags;
      const blame = (error: unknown): unknown => blameField(error, config);
      // A binary trace too big to load comfortably is streamed, as `run` streams it.
      const result = streamsByItself(config.trace, io)
        ? await withTraceStream(config.trace, load, io, blame, 'replaying', (stream, _shares, onProgress) =>
            simulate(stream, { ...options, onProgress }),
          )
        : await runSimulation(config.trace, options, load, io, blame);
      await deliverResult({ ...result, command: 'gate' }, prepared, { io });
    });
  });
}

/** The output side of the gate (format, out, gates): config values, with command-line flags winning. */
function outputFlagsFrom(config: GateConfig, cli: GateFlags): OutputFlags {
  const format = cli.format ?? config.format;
  const out = cli.out ?? config.out;
  const baseline = cli.baseline ?? config.baseline;
  const maxDrop = cli.maxDrop ?? config.maxDrop;
  const maxLatencyRise = cli.maxLatencyRise ?? config.maxLatencyRise;
  return {
    ...(format !== undefined && { format }),
    ...(out !== undefined && { out }),
    ...(baseline !== undefined && { baseline }),
    ...(maxDrop !== undefined && { maxDrop }),
    ...(maxLatencyRise !== undefined && { maxLatencyRise }),
    assert: [...config.asserts, ...(cli.assert ?? [])],
  };
}
/** Whether the value an error names (by flag or by config field) came from the command line. */
function overriddenOnCommandLine(where: string, cli: GateFlags): boolean {
  const byField: Record<string, unknown> = {
    format: cli.format,
    out: cli.out,
    baseline: cli.baseline,
    maxDrop: cli.maxDrop,
    maxLatencyRise: cli.maxLatencyRise,
  };
  const field = configFieldOf(where);
  return field !== undefined && byField[field] !== undefined;
}

/** Runs `body`, re-labelling a flag parser's error as an error in the config field the value came from. */
async function blamingConfig(config: GateConfig, fromConfig: (field: string) => boolean, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    throw blamedOnConfigField(error, config.file, fromConfig);
  }
}
