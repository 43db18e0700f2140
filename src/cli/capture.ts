/**
 * `cachebench capture URL`: records a trace from a running Redis or memcached through the
 * stream the server offers (MONITOR, watch), bounded by time and requests, and writes it as
 * CSV (atomically to --out, or to stdout). Ctrl-C ends the capture early and keeps what was
 * recorded.
 */
import type { Command } from 'commander';
import {
  captureBounds,
  captureSourceFor,
  captureTrace,
  checkCaptureOptions,
  DEFAULT_CAPTURE_MS,
  type CaptureOptions,
} from '../capture/capture.js';
import { UsageError } from '../errors.js';
import { outError } from '../report/write.js';
import { writeTraceCsv, saveTraceCsv } from '../trace/write.js';
import { parseCount, parseDuration, parseNumber } from '../units.js';
import { asFlagError } from './flag-names.js';
import type { CliIo } from './io.js';
import { progressBar } from './progress.js';

interface CaptureFlags {
  duration?: string;
  requests?: string;
  sample?: string;
  seed: string;
  anonymize?: boolean;
  out?: string;
}

const FLAGS = { durationMs: '--duration', requests: '--requests', sample: '--sample', source: 'capture' };

export function registerCapture(program: Command, io: CliIo): void {
  program
    .command('capture')
    .description('record a trace from a running Redis (MONITOR) or memcached (watch), read-only')
    .argument('<url>', 'redis://[user:password@]host:port[/db], rediss://..., or memcached://host:port')
    .option('--duration <time>', `stop after this long (at most 1h; default ${DEFAULT_CAPTURE_MS / 1000}s unless --requests is given)`)
    .option('--requests <n>', 'stop once this many requests are recorded (at most 1e8)')
    .option('--sample <rate>', 'keep this share of the keys, by key hash, with every request of each kept key (e.g. 0.1)')
    .option('--seed <n>', 'seed of the sampling hash', '0')
    .option('--anonymize', 'replace keys by a keyed hash, so the trace can be shared')
    .option('-o, --out <file>', 'write the CSV to this file (atomically) instead of stdout')
    .action(async (url: string, flags: CaptureFlags) => {
      const options: CaptureOptions = {
        ...(flags.duration !== undefined && { durationMs: parseDuration(flags.duration, '--duration') * 1000 }),
        ...(flags.requests !== undefined && { requests: parseCount(flags.requests, '--requests') }),
        ...(flags.sample !== undefined && { sample: parseNumber(flags.sample, '--sample', 0, 1) }),
        seed: parseCount(flags.seed, '--seed', { allowZero: true }),
        ...(flags.anonymize === true && { anonymize: true }),
      };
      let source;
      try {
        checkCaptureOptions(options);
        source = captureSourceFor(url);
      } catch (error) {
        throw asFlagError(error, FLAGS);
      }
      const bounds = [
        `${(captureBounds(options).durationMs / 1000).toLocaleString('en-US')}s`,
        ...(options.requests !== undefined ? [`${options.requests.toLocaleString('en-US')} requests`] : []),
      ].join(' or ');
      const first = bounds.includes(' or ') ? ', whichever comes first' : '';
      io.err(`cachebench: ${source.cost}. Capturing for ${bounds}${first}; Ctrl-C stops early and keeps what was recorded.\n`);

      const stop = new AbortController();
      const onInterrupt = (): void => {
        stop.abort();
      };
      process.once('SIGINT', onInterrupt);
      const progress = progressBar('capturing', process.stderr, 'requests');
      let captured;
      try {
        captured = await captureTrace(url, {
          ...options,
          signal: stop.signal,
          onProgress: (kept) => {
            progress.update(kept, NaN);
          },
        });
      } catch (error) {
        if (error instanceof UsageError) throw asFlagError(error, FLAGS);
        // A server that cannot be reached or refuses: one line, exit 2, as any bad input.
        if (!(error instanceof Error) || error.constructor !== Error) throw error;
        throw new UsageError(error.message, 'capture');
      } finally {
        progress.done();
        process.removeListener('SIGINT', onInterrupt);
      }

      const { trace } = captured;
      if (flags.out === undefined) await writeTraceCsv(trace, io.stream ?? process.stdout);
      else {
        try {
          await saveTraceCsv(trace, flags.out);
        } catch (error) {
          throw asFlagError(outError(error, flags.out));
        }
      }
      const count = (value: number): string => value.toLocaleString('en-US');
      const sampled =
        captured.sample < 1
          ? `; ${captured.sample * 100}% of keys kept by hash, so read a cache of C entries here as one of C / ${captured.sample} there`
          : '';
      io.err(
        `captured ${count(trace.length)} requests over ${count(trace.keySpace)} keys from ${captured.source} in ${(captured.elapsedMs / 1000).toFixed(1)}s (stopped by ${captured.stoppedBy}; ${count(captured.seen)} seen${sampled})${flags.out === undefined ? '' : `; wrote ${flags.out}`}\n`,
      );
    });
}
