/**
 * The command line: the only place that prints, reads the terminal or decides exit codes.
 * 0 = ok, 1 = a gate failed, 2 = bad usage or bad input (one line, no stack trace),
 * 70 = an internal error (a bug: the stack is printed with a request to report it),
 * 130 = interrupted or cancelled. A reader that closes stdout early (`| head`) ends the
 * command quietly with 0.
 */
import { Command, CommanderError } from 'commander';
import { CancelledError, GateFailure, TraceFormatError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerBench } from './bench.js';
import { asFlagError } from './options.js';
import { registerGate } from './gate.js';
import { registerGen } from './gen.js';
import { registerPolicies } from './policies.js';
import type { CliIo } from './io.js';
import { registerReplay } from './replay.js';
import { registerRun } from './run.js';
import { registerSweep } from './sweep.js';

export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_USAGE = 2;
/** EX_SOFTWARE from sysexits.h: cachebench itself went wrong. */
export const EXIT_INTERNAL = 70;
export const EXIT_INTERRUPTED = 130;

const defaultIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const output = {
    writeOut: (text: string) => {
      io.out(text);
    },
    writeErr: (text: string) => {
      io.err(text);
    },
  };
  const program = new Command('cachebench')
    .description('Which cache, which size, which TTL: replay access traces through eviction policies.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput(output);
  registerRun(program, io);
  registerSweep(program, io);
  registerPolicies(program, io);
  registerGate(program, io);
  registerBench(program, io);
  registerGen(program, io.stream ?? process.stdout);
  registerReplay(program, io);
  for (const command of program.commands) command.exitOverride().configureOutput(output);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
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
    io.err('cachebench: cancelled\n');
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
