/** The shape of a row of the trace-format table (formats/index.ts). */
import type { LoadOptions } from '../csv.js';
import { HEAD_BYTES, type TraceInput } from '../input.js';
import type { Trace } from '../trace.js';

/** A parameter a format takes: `--trace-format msr:block-size=4096`. */
export interface FormatParam {
  readonly name: string;
  readonly description: string;
  /** The value when not given, as text (as it would be written). */
  readonly default: string;
}

/** The format parameters as given (`name=value` pieces), checked against the format's list. */
export type FormatParams = ReadonlyMap<string, string>;

/** A row of the trace-format table: how to recognise a format and how to load it. */
export interface TraceFormat {
  /** The name `--trace-format` takes. */
  readonly id: string;
  /** One line for the README and `--help`. */
  readonly description: string;
  /** What each trace column is made of, for the README (`key: obj_id; size: key + value size`). */
  readonly columns: string;
  /**
   * Whether an input is in this format, from its name (compression suffix removed, `-` for
   * standard input) and its first bytes (up to HEAD_BYTES, decompressed). Tried in table
   * order: formats recognisable by their content come before those known only by name.
   */
  detect(name: string, head: Buffer): boolean;
  load(input: TraceInput, options: LoadOptions, params: FormatParams): Promise<Trace>;
  /** Rough bytes on disk per request, to size work before loading (worker threads start early). */
  readonly bytesPerRow: number;
  /** Parameters the format takes after its name; none when absent. */
  readonly params?: readonly FormatParam[];
  /** Whether the loader reads columns and headers from `--columns` / `--no-header` (CSV only). */
  readonly takesColumns?: boolean;
}

/** The lines of a text head that have something on them (the last, maybe cut short, left out). */
export function headLines(head: Buffer, count = 20): string[] {
  let known = headLineCache.get(head);
  if (known === undefined || (known.lines.length < count && !known.all)) {
    known = splitHead(head, Math.max(count, HEAD_LINES));
    headLineCache.set(head, known);
  }
  return known.lines.slice(0, count);
}

// Every format's detector asks for the lines of the same head: they are split once, and
// only as far as asked (a head of short lines has hundreds, each cleaned by two patterns).
const HEAD_LINES = 64;
const headLineCache = new WeakMap<Buffer, { readonly lines: string[]; readonly all: boolean }>();

function splitHead(head: Buffer, count: number): { readonly lines: string[]; readonly all: boolean } {
  const raw = head.toString('utf8').split('\n');
  if (head.length >= HEAD_BYTES && raw.length > 1) raw.pop();
  const lines: string[] = [];
  for (const line of raw) {
    const clean = line.replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (clean.trim() === '') continue;
    if (lines.length === count) return { lines, all: false };
    lines.push(clean);
  }
  return { lines, all: true };
}

/** True when the head has some lines and every one matches. */
export function everyLine(head: Buffer, pattern: RegExp, count = 20): boolean {
  const lines = headLines(head, count);
  return lines.length > 0 && lines.every((line) => pattern.test(line));
}
