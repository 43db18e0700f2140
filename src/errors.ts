/**
 * The three kinds of failure the CLI distinguishes. Library code throws these;
 * only src/cli/ turns them into messages and exit codes (2 for usage and input, 1 for gates).
 */

/** A bad flag, option value or spec string. `flag` names what the user typed wrong. */
export class UsageError extends Error {
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(flag ? `${flag}: ${message}` : message);
    this.name = 'UsageError';
    this.flag = flag;
  }
}

/** Bad content in a trace file, located to the file, 1-based line and (when known) column. */
export class TraceFormatError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, file: string, line?: number, column?: number) {
    const where = [file, line, column].filter((part) => part !== undefined).join(':');
    super(`${where}: ${message}`);
    this.name = 'TraceFormatError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** One or more CI gates did not hold. Carries the human-readable failures. */
export class GateFailure extends Error {
  readonly failures: string[];
  constructor(failures: string[]) {
    super(`${failures.length} gate${failures.length === 1 ? '' : 's'} failed:\n` + failures.map((f) => `  - ${f}`).join('\n'));
    this.name = 'GateFailure';
    this.failures = failures;
  }
}
