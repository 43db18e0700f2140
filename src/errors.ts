/**
 * The errors the library throws. Library code never prints and never exits: the CLI (or any
 * other caller) turns these into messages and exit codes (2 for usage and input, 1 for gates,
 * 130 for a cancelled run). Anything else that escapes is a bug.
 */

/** Every error of cachebench's own. */
export class CachebenchError extends Error {}

/**
 * A bad option value or spec string. `where` names what was wrong: an option path of the
 * library's options (`policies`, `tiers`, `recommend.targetHitRate`) when the library found
 * it, or whatever label the caller gave a parser (a CLI flag, a config field). `detail` is the
 * message without that label, so a caller can name the thing in its own terms.
 */
export class UsageError extends CachebenchError {
  readonly where: string | undefined;
  readonly detail: string;
  constructor(detail: string, where?: string) {
    super(where ? `${where}: ${detail}` : detail);
    this.name = 'UsageError';
    this.where = where;
    this.detail = detail;
  }
}

/** Bad content in a trace file, located to the file, 1-based line and (when known) column. */
export class TraceFormatError extends CachebenchError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, file: string, line?: number, column?: number) {
    const where = [file, line, column].filter((part) => part !== undefined).join(':');
    super(`${where}: ${printable(message)}`);
    this.name = 'TraceFormatError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** One or more CI gates did not hold. Carries the human-readable failures. */
export class GateFailure extends CachebenchError {
  readonly failures: string[];
  constructor(failures: string[]) {
    super(`${failures.length} gate${failures.length === 1 ? '' : 's'} failed:\n` + failures.map((f) => `  - ${f}`).join('\n'));
    this.name = 'GateFailure';
    this.failures = failures;
  }
}

/** A long call stopped by its AbortSignal. */
export class CancelledError extends CachebenchError {
  /** `detail` says how far the work got, when the caller knows. */
  constructor(detail = 'cancelled') {
    super(detail);
    this.name = 'CancelledError';
  }
}

/** The most of a message that quotes file content: a binary file must not fill the terminal. */
const MAX_MESSAGE = 300;

/**
 * A message that quotes file content, made safe for one terminal line: control characters
 * (a stray CR, binary bytes) are shown as escapes, and a very long one is cut.
 */
export function printable(message: string): string {
  // Control characters are exactly what this looks for.
  // eslint-disable-next-line no-control-regex
  const escaped = message.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    if (c === '\ufffd') return '?';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return escaped.length > MAX_MESSAGE ? `${escaped.slice(0, MAX_MESSAGE)}...` : escaped;
}
