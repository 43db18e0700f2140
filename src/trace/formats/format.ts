/** The shape of a row of the trace-format table (formats/index.ts). */
import type { LoadOptions } from '../csv.js';
import type { Trace } from '../trace.js';

/** A row of the trace-format table: how to recognise a format and how to load it. */
export interface TraceFormat {
  /** The name `--trace-format` takes. */
  readonly id: string;
  /** One line for the README and `--help`. */
  readonly description: string;
  /**
   * Whether a file is in this format, from its path and first bytes (up to 64, fewer for a
   * short file; compressed files are judged by their path). Tried in table order.
   */
  detect(path: string, head: Buffer): boolean;
  load(path: string, options: LoadOptions): Promise<Trace>;
  /** Rough bytes on disk per request, to size work before loading (worker threads start early). */
  readonly bytesPerRow: number;
}
