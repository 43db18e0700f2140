import type { ShardPart } from '../api/shards.js';
/** Where the CLI writes. Tests pass their own to capture output without spawning a process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Environment to read (GITHUB_STEP_SUMMARY); process.env when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The width of the terminal `out` writes to; undefined when it is not one (a pipe, a file). */
  readonly columns?: number;
  /** For commands that stream large outputs (gen); defaults to process.stdout. */
  stream?: NodeJS.WritableStream;
  /** The parts `merge` read, for the command it runs again to finish from them instead of replaying. */
  readonly fromShards?: readonly ShardPart[];
}

/** Ends the command with this exit code, its reason already printed (merge, passing on the command it ran). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitCode';
  }
}
