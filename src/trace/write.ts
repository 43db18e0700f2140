/**
 * Writes a Trace as CSV in the format the loader reads: a header row `key` plus whichever
 * optional columns the trace has (in OPTIONAL_COLUMNS order), one row per request. This is
 * what `cachebench gen` emits, so a synthetic trace can be saved, shared and replayed.
 *
 * Round-trip guarantees: keys are written as their `keyNames` (or the id when there are
 * none), quoted only when they contain a comma, quote or line break; numbers use
 * String(number), the shortest text that parses back to the same double; ops are written as
 * get/set/delete; a ttl or cost of NaN (none given) is an empty field. Rows are joined into
 * chunks of a few thousand, so a 1e7-row trace streams in bounded memory and with few
 * writes.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { withTemporary } from '../temp-files.js';
import { OP_NAMES, OPTIONAL_COLUMNS, type OptionalColumn, type Trace } from './trace.js';

const ROWS_PER_CHUNK = 8192;

/** The optional columns present in `trace`, in canonical order. */
export function presentColumns(trace: Trace): OptionalColumn[] {
  const present: Record<OptionalColumn, boolean> = {
    time: trace.times !== undefined,
    size: trace.sizes !== undefined,
    op: trace.ops !== undefined,
    ttl: trace.ttls !== undefined,
    cost: trace.costs !== undefined,
  };
  return OPTIONAL_COLUMNS.filter((column) => present[column]);
}

/** The CSV text in chunks of whole rows; the first chunk starts with the header. */
export function* traceCsvChunks(trace: Trace, rowsPerChunk = ROWS_PER_CHUNK): Generator<string> {
  const columns = presentColumns(trace);
  const names = trace.keyNames;
  // Quoting is decided once per key, not once per request.
  const keyText = names ? Array.from(names, csvField) : undefined;
  const { keys, times, sizes, ops, ttls, costs } = trace;
  const withTime = columns.includes('time');
  const withSize = columns.includes('size');
  const withOp = columns.includes('op');
  const withTtl = columns.includes('ttl');
  const withCost = columns.includes('cost');

  let chunk = ['key', ...columns].join(',') + '\n';
  let rowsInChunk = 0;
  for (let i = 0; i < trace.length; i++) {
    const id = keys[i]!;
    let row = keyText ? keyText[id]! : String(id);
    if (withTime) row += ',' + String(times![i]);
    if (withSize) row += ',' + String(sizes![i]);
    if (withOp) row += `,${OP_NAMES[ops![i]!]!}`;
    if (withTtl) row += ',' + optionalNumber(ttls![i]!);
    if (withCost) row += ',' + optionalNumber(costs![i]!);
    chunk += row + '\n';
    if (++rowsInChunk === rowsPerChunk) {
      yield chunk;
      chunk = '';
      rowsInChunk = 0;
    }
  }
  if (chunk !== '') yield chunk;
}

/** The whole CSV as one string; for small traces and tests. */
export function traceToCsv(trace: Trace): string {
  let text = '';
  for (const chunk of traceCsvChunks(trace)) text += chunk;
  return text;
}

/**
 * Streams the CSV to `out`, waiting for 'drain' when the stream asks for it. Resolves once
 * everything has been handed to the stream; does not end it (the caller may be writing to
 * stdout), so to know a file is complete, end it and wait for 'finish'.
 */
export async function writeTraceCsv(
  trace: Trace,
  out: NodeJS.WritableStream,
  onProgress?: (rows: number, total: number) => void,
): Promise<void> {
  let rows = 0;
  for (const chunk of traceCsvChunks(trace)) {
    if (!out.write(chunk)) await once(out, 'drain');
    rows = Math.min(trace.length, rows + ROWS_PER_CHUNK);
    onProgress?.(rows, trace.length);
  }
}

function optionalNumber(value: number): string {
  if (value === Infinity) return 'never';
  return Number.isNaN(value) ? '' : String(value);
}

/** A CSV field, quoted (RFC 4180) only when it has to be. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes the trace as a CSV file: streamed to a temporary file beside `path`, renamed into
 * place once complete, so that `path` is either the whole trace or left as it was (also
 * when interrupted).
 */
export async function saveTraceCsv(trace: Trace, path: string, onProgress?: (rows: number, total: number) => void): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const stream = createWriteStream(temp);
  // A stream that cannot open its file fails its first write, which the writer awaits.
  await withTemporary(
    temp,
    async (file) => {
      try {
        await writeTraceCsv(trace, stream, onProgress);
        stream.end();
        await finished(stream);
      } catch (error) {
        stream.destroy();
        throw error;
      }
      await rename(file, path);
    },
    (file) => rm(file, { force: true }),
  );
}
