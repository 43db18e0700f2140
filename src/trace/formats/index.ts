/**
 * The trace-format table: one row per format, one file per format beside this one. A file's
 * format is named by the caller (`--trace-format NAME[:param=value,...]`) or detected from
 * its first bytes and its name, rows tried in order: formats known by their content first
 * (so a MONITOR dump saved as `.txt` is read as MONITOR output), then those known only by
 * name, CSV last. Adding a format means adding its file and a row here.
 * Compressed input (gzip, zstd, xz) is decompressed on the fly for every format, and told by
 * its first bytes, whatever its name.
 */
import { UsageError } from '../../errors.js';
import { parseAssignments, splitName } from '../../spec-text.js';
import { closeTraceInput, openTraceInput, traceHead, withoutCompressionSuffix, type TraceInput } from '../input.js';
import type { LoadOptions } from '../csv.js';
import type { Trace } from '../trace.js';
import { accessLog } from './access-log.js';
import { cachelib } from './cachelib.js';
import { cbt } from './cbt.js';
import { cdn } from './cdn.js';
import { csv } from './csv.js';
import type { FormatParams, TraceFormat } from './format.js';
import { lcs } from './lcs.js';
import { lis } from './lis.js';
import { memcachedWatch } from './memcached-watch.js';
import { msr } from './msr.js';
import { oracleGeneral } from './oracle-general.js';
import { redisMonitor } from './redis-monitor.js';
import { twitter } from './twitter.js';
import { txt } from './txt.js';

export type { FormatParam, FormatParams, TraceFormat } from './format.js';

/** The trace-format table, tried in this order when detecting (the CSV fallback last). */
export const TRACE_FORMATS: readonly TraceFormat[] = [
  // By magic number.
  cbt,
  lcs,
  // By content: every line of the head must match, so these do not claim each other's files.
  redisMonitor,
  memcachedWatch,
  accessLog,
  cachelib,
  twitter,
  msr,
  // By name: binary records without a header, and files whose lines would fit several formats.
  oracleGeneral,
  lis,
  // By content again, after .lis whose lines it would also accept.
  cdn,
  txt,
  csv,
];

/** A format named as `--trace-format` takes it: `msr` or `msr:block-size=512`. */
export interface NamedFormat {
  readonly format: TraceFormat;
  readonly params: FormatParams;
}

export function findTraceFormat(spec: string, where?: string): TraceFormat {
  return parseFormatSpec(spec, where).format;
}

/** `NAME[:param=value,...]`; a value may hold commas (`statuses=200,301,404`). */
export function parseFormatSpec(spec: string, where?: string): NamedFormat {
  const { name, body } = splitName(spec, { lowerCase: true });
  const format = TRACE_FORMATS.find((row) => row.id === name);
  if (!format) throw new UsageError(`unknown trace format '${name}' (known: ${TRACE_FORMATS.map((row) => row.id).join(', ')})`, where);
  const fail = (detail: string): never => {
    throw new UsageError(`${format.id}: ${detail}`, where);
  };
  const pieces: string[] = [];
  for (const piece of body.trim() === '' ? [] : body.split(',')) {
    const previous = pieces.at(-1);
    if (!piece.includes('=') && previous !== undefined) pieces[pieces.length - 1] = `${previous},${piece}`;
    else pieces.push(piece);
  }
  const allowed = (format.params ?? []).map((param) => param.name);
  return { format, params: parseAssignments(pieces, { allowed, owner: `trace format '${format.id}'` }, fail) };
}

/** The format of an opened input, from its first bytes and its name. */
export async function detectFormatOf(input: TraceInput): Promise<TraceFormat> {
  const head = await traceHead(input);
  const name = withoutCompressionSuffix(input.path);
  return TRACE_FORMATS.find((row) => row.detect(name, head))!;
}

/** The format of the file at `path`, from its first bytes and its name. */
export async function detectTraceFormat(path: string): Promise<TraceFormat> {
  const input = await openTraceInput(path);
  return detectFormatOf(input);
}

/** The format a path would be read as without opening it (by its name only; content formats can't be told). */
export function formatByPath(path: string): TraceFormat {
  const name = withoutCompressionSuffix(path);
  return TRACE_FORMATS.find((row) => row.detect(name, Buffer.alloc(0)))!;
}

/**
 * Opens `path` (a file, `-` for standard input, a FIFO), finds its format (named in
 * `options.format`, else detected) and loads it. `--columns` and `--no-header` belong to CSV;
 * given with another format they are refused rather than ignored.
 */
export async function loadTraceInput(
  path: string,
  options: LoadOptions & { readonly format?: string; readonly formatParams?: Readonly<Record<string, string>> },
): Promise<{ trace: Trace; format: TraceFormat }> {
  const named = options.format !== undefined ? parseFormatSpec(options.format, 'format') : undefined;
  const input = await openTraceInput(path);
  try {
    const format = named?.format ?? (await detectFormatOf(input));
    const params = new Map(named?.params ?? []);
    for (const [name, value] of Object.entries(options.formatParams ?? {})) {
      if (!(format.params ?? []).some((param) => param.name === name)) {
        throw new UsageError(`${path} is read as ${format.id}, which takes no ${name}`, `formatParams.${name}`);
      }
      if (!params.has(name)) params.set(name, value);
    }
    if (!format.takesColumns) {
      if (options.columns !== undefined) {
        throw new UsageError(`${path} is read as ${format.id}, which has its own columns (--columns is for CSV)`, 'columns');
      }
      if (options.header === false) throw new UsageError(`${path} is read as ${format.id}; --no-header is for CSV`, 'header');
    }
    return { trace: await format.load(input, options, params), format };
  } finally {
    closeTraceInput(input);
  }
}
