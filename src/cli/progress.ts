/**
 * A progress line on stderr for long runs: only when stderr is a terminal, not in CI (the
 * CI variable) and not with --no-progress, so logs and `--format json` pipelines stay clean.
 * Each redraw erases the line and fits the terminal's width; at most ten a second.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };

let enabled = true;

/** Turns every progress line of this process off (--no-progress) or back on. */
export function setProgressEnabled(on: boolean): void {
  enabled = on;
}

/** CI systems set CI (to true, 1, or a name); CI=false or 0 means not CI. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** What `done` and `total` count: requests replayed, or bytes of a file read. */
export type ProgressUnit = 'requests' | 'bytes';

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, unit: ProgressUnit = 'requests'): Progress {
  if (!enabled || !stream.isTTY || inCi()) return SILENT;
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < 100 && !(done >= total)) return;
      lastDraw = now;
      drawn = true;
      if (!(total > 0)) {
        // A stream: no size to count down from, so only how far and how fast.
        const seconds = (now - started) / 1000;
        const amount = unit === 'bytes' ? `${(done / 2 ** 20).toFixed(1)} MiB` : `${done.toLocaleString('en-US')} requests`;
        const pace =
          seconds > 0
            ? unit === 'bytes'
              ? `${(done / 2 ** 20 / seconds).toFixed(1)} MiB/s`
              : `${(done / seconds / 1e3).toFixed(1)}k req/s`
            : '';
        stream.write(`\r\x1b[2K${`${label} ${amount}  ${pace}`.slice(0, Math.max(1, (stream.columns || 80) - 1))}`);
        return;
      }
      const fraction = total > 0 ? done / total : 1;
      // The bar gives way first in a narrow terminal: the figures after it are what people read.
      const width = Math.max(10, Math.min(30, (stream.columns || 80) - label.length - 42));
      const filled = Math.round(fraction * width);
      const elapsed = (now - started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const eta = rate > 0 ? (total - done) / rate : 0;
      const speed =
        unit === 'bytes'
          ? `${(rate / 2 ** 20).toFixed(1)} MiB/s`
          : `${rate >= 1e6 ? `${(rate / 1e6).toFixed(1)}M` : `${(rate / 1e3).toFixed(1)}k`} req/s`;
      const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${speed}  eta ${eta.toFixed(0)}s`;
      // Erase what was there, and never wrap: a wrapped line cannot be redrawn in place.
      const columns = stream.columns > 1 ? stream.columns - 1 : line.length;
      stream.write(`\r\x1b[2K${line.slice(0, columns)}`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
