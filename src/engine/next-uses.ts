/**
 * Belady on a streamed trace: the next use of every access (every get and set; deletes do
 * not reach a policy), found by one backward pass over the chunks and kept on disk, 8 bytes
 * per access, since a trace too long for memory has next uses too long for it as well. Each
 * Belady cell then reads them forwards a window at a time (NextUseWindow), in any thread.
 * The values are those belady.ts's `nextUses` computes over the trace in memory.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { removeTemporary, temporaryPath, trackTemporary } from '../temp-files.js';
import { OP_DELETE, type Trace, type TraceChunk } from '../trace/trace.js';

/** The next use of each access (Infinity: never again), as float64 values in access order. */
export interface NextUseFile {
  readonly path: string;
  /** Accesses: requests that are not deletes. */
  readonly count: number;
}

/** A trace that can also be read from its end, a chunk at a time (the chunks in reverse order, each in request order). */
export interface BackwardSource {
  readonly shape: Trace;
  chunks(): Iterable<TraceChunk>;
  chunksFromEnd(): Iterable<TraceChunk>;
}

const BYTES = Float64Array.BYTES_PER_ELEMENT;

/**
 * Writes the next uses of `source` to a temporary file (removed by `remove`, or on an
 * interrupt). Counting the accesses takes a forward pass when the trace has deletes.
 */
export function writeNextUses(source: BackwardSource): NextUseFile & { remove(): void } {
  const shape = source.shape;
  let count = shape.length;
  if (shape.ops !== undefined) {
    count = 0;
    for (const chunk of source.chunks()) for (let i = 0; i < chunk.length; i++) if (chunk.ops![i] !== OP_DELETE) count++;
  }
  // A file of its own name (not a folder), so an interrupt's clean-up removes it too.
  const path = temporaryPath('next-uses', '.f64');
  trackTemporary(path);
  const remove = (): void => {
    removeTemporary(path);
  };
  try {
    const fd = openSync(path, 'w');
    try {
      const last = new Float64Array(shape.keySpace).fill(Infinity);
      let t = count;
      let buffer = new Float64Array(0);
      for (const chunk of source.chunksFromEnd()) {
        if (buffer.length < chunk.length) buffer = new Float64Array(chunk.length);
        const { keys, ops } = chunk;
        // Filled from its end: the chunk's accesses are t - k .. t - 1.
        let k = 0;
        for (let i = chunk.length - 1; i >= 0; i--) {
          if (ops !== undefined && ops[i] === OP_DELETE) continue;
          t--;
          const key = keys[i]!;
          buffer[buffer.length - 1 - k] = last[key]!;
          last[key] = t;
          k++;
        }
        const bytes = new Uint8Array(buffer.buffer, (buffer.length - k) * BYTES, k * BYTES);
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, t * BYTES + done);
      }
      if (t !== 0) throw new Error(`next uses: ${t} accesses left after the backward pass`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    remove();
    throw error;
  }
  return { path, count, remove };
}

/** Next uses read forwards from a NextUseFile, a window at a time. */
export class NextUseWindow {
  private fd: number | undefined;
  private readonly window: Float64Array;
  private start = 0;
  private filled = 0;

  constructor(
    private readonly file: NextUseFile,
    windowSize = 1 << 17,
  ) {
    this.window = new Float64Array(windowSize);
  }

  /** The next use of access `t` (Infinity past the end). */
  at(t: number): number {
    const offset = t - this.start;
    if (offset >= 0 && offset < this.filled) return this.window[offset]!;
    if (t >= this.file.count || t < 0) return Infinity;
    this.load(t);
    return this.window[0]!;
  }

  /** Reads the window from access `t`; the file is closed once its last window is in. */
  private load(t: number): void {
    const count = Math.min(this.window.length, this.file.count - t);
    const bytes = new Uint8Array(this.window.buffer, 0, count * BYTES);
    const fd = (this.fd ??= openSync(this.file.path, 'r'));
    for (let done = 0; done < bytes.length;) {
      const read = readSync(fd, bytes, done, bytes.length - done, t * BYTES + done);
      if (read === 0) throw new Error(`next uses: ${this.file.path} ends before access ${t + count}`);
      done += read;
    }
    this.start = t;
    this.filled = count;
    if (t + count === this.file.count) {
      closeSync(fd);
      this.fd = undefined;
    }
  }
}
