/**
 * The command line: the only place that prints, reads the terminal or decides exit codes.
 * 0 = ok, 1 = a gate failed, 2 = bad usage or bad input (one line, no stack trace),
 * 70 = an internal error (a bug: the stack is printed with a request to report it),
 * 130 = interrupted or cancelled. A reader that closes stdout early (`| head`) ends the
 * command quietly with 0.
 */
import chalk from 'chalk';
import { Command, CommanderError } from 'commander';
import { setProgressEnabled } from './progress.js';
import { CancelledError, GateFailure, TraceFormatError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { asFlagError } from './flag-names.js';
import { ExitCode, type CliIo } from './io.js';

type Register = (program: Command, io: CliIo) => void;

/**
 * Every command, loaded on demand: a command line that names one loads only that command's
 * modules (`cachebench policies` never loads the trace readers or the Redis client); the
 * top-level help and an unknown command load them all, to list them.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  run: async () => (await import('./run.js')).registerRun,
  sweep: async () => (await import('./sweep.js')).registerSweep,
  policies: async () => (await import('./policies.js')).registerPolicies,
  formats: async () => (await import('./formats.js')).registerFormats,
  gate: async () => (await import('./gate.js')).registerGate,
  bench: async () => (await import('./bench.js')).registerBench,
  gen: async () => {
    const { registerGen } = await import('./gen.js');
    return (program, io) => {
      registerGen(program, io.stream ?? process.stdout, (text) => {
        io.err(text);
      });
    };
  },
  convert: async () => (await import('./convert.js')).registerConvert,
  replay: async () => (await import('./replay.js')).registerReplay,
  capture: async () => (await import('./capture.js')).registerCapture,
  analyze: async () => (await import('./analyze.js')).registerAnalyze,
  merge: async () => {
    const { registerMerge } = await import('./merge.js');
    return (program, io) => {
      registerMerge(program, io, runMain);
    };
  },
  // Registered last: it reads the others from the program to describe them.
  completion: async () => (await import('./completion.js')).registerCompletion,
};

export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_USAGE = 2;
/** EX_SOFTWARE from sysexits.h: cachebench itself went wrong. */
export const EXIT_INTERNAL = 70;
export const EXIT_INTERRUPTED = 130;

const defaultIo: CliIo = {
  ...(process.stdout.isTTY && { columns: process.stdout.columns }),
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * The switches that apply to every command, wherever they stand on the line: colour
 * (--color, --no-color, then NO_COLOR and FORCE_COLOR, else chalk's own detection of the
 * terminal) and --no-progress. Taken out before the command's flags are parsed.
 */
function takeGlobalSwitches(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const rest = argv.filter((arg) => arg !== '--color' && arg !== '--no-color' && arg !== '--no-progress');
  const color = argv.lastIndexOf('--color') > argv.lastIndexOf('--no-color') ? true : argv.includes('--no-color') ? false : undefined;
  if (
    color === false ||
    (color === undefined && env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '' && env['FORCE_COLOR'] === undefined)
  ) {
    chalk.level = 0;
  } else if (color === true && chalk.level === 0) {
    chalk.level = 1;
  }
  setProgressEnabled(!argv.includes('--no-progress'));
  return rest;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const levelBefore = chalk.level;
  try {
    return await runMain(takeGlobalSwitches(argv, io.env ?? process.env), io);
  } finally {
    // In-process callers (tests) run main many times: each run decides colour afresh.
    chalk.level = levelBefore;
    setProgressEnabled(true);
  }
}

async function runMain(argv: readonly string[], io: CliIo): Promise<number> {
  const output = {
    writeOut: (text: string) => {
      io.out(text);
    },
    writeErr: (text: string) => {
      io.err(text);
    },
    // Commander's own errors (a missing argument, an unknown option) in the shape of every
    // other error: one line, prefixed, with the hint to --help on the same line.
    outputError: (text: string, write: (text: string) => void) => {
      write(
        `cachebench: ${text
          .trim()
          .replace(/^error: /, '')
          .replace(/\s*\n\s*/g, ' ')} (see --help)\n`,
      );
    },
  };
  const program = new Command('cachebench')
    .description('Which cache, which size, which TTL: replay access traces through eviction policies.')
    .version(VERSION, '-V, --version')
    .addHelpText('after', '\nEvery command also takes --color / --no-color (NO_COLOR and FORCE_COLOR are honoured) and --no-progress.')
    .exitOverride()
    .configureOutput(output);
  // `completion` describes every command, so it needs them all, as help does.
  const named = argv[0] !== undefined && argv[0] !== 'completion' && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  for (const name of named) (await COMMANDS[name]!())(program, io);
  for (const command of program.commands) command.exitOverride().configureOutput(output);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof ExitCode) return error.code;
  if (error instanceof CommanderError) {
    // Commander has already printed its one-line message; help and version are not errors.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT_OK;
    }
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof GateFailure) {
    io.err(`cachebench: ${error.message}\n`);
    return EXIT_GATE_FAILED;
  }
  if (error instanceof UsageError || error instanceof TraceFormatError) {
    // A library error names an option path; the user typed a flag.
    const named = asFlagError(error);
    io.err(`cachebench: ${(named as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CancelledError) {
    io.err(`cachebench: ${error.message}\n`);
    return EXIT_INTERRUPTED;
  }
  if (isClosedPipe(error)) return EXIT_OK;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && 'path' in error) {
    // A filesystem error that slipped past the loaders: still one line, still exit 2.
    io.err(`cachebench: ${String(error.path)}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.err(
    `cachebench: internal error: this is a bug in cachebench ${VERSION}; please report it with the command you ran and this text:\n${stack}\n`,
  );
  return EXIT_INTERNAL;
}

/** Whoever read stdout has gone (`cachebench gen ... | head -1`): nothing more to say. */
function isClosedPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}

// A write to a closed stdout fails asynchronously, outside any command's promise.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT_OK);
  throw error;
});
