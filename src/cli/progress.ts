/**
 * A progress line on stderr for long runs: only when stderr is a terminal (so CI logs and
 * `--format json` pipelines stay clean), redrawn at most ten times a second.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };

/** What `done` and `total` count: requests replayed, or bytes of a file read. */
export type ProgressUnit = 'requests' | 'bytes';

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, unit: ProgressUnit = 'requests'): Progress {
  if (!stream.isTTY) return SILENT;
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      drawn = true;
      const fraction = total > 0 ? done / total : 1;
      const width = 30;
      const filled = Math.round(fraction * width);
      const elapsed = (now - started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const eta = rate > 0 ? (total - done) / rate : 0;
      const speed =
        unit === 'bytes'
          ? `${(rate / 1e6).toFixed(1)} MB/s`
          : `${rate >= 1e6 ? `${(rate / 1e6).toFixed(1)}M` : `${(rate / 1e3).toFixed(1)}k`} req/s`;
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${speed}  eta ${eta.toFixed(0)}s `,
      );
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
