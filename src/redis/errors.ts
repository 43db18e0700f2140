/**
 * Why a replay against a real server stopped, with how far it got. It is a UsageError so
 * the CLI treats it like any bad input (one line, exit 2): the server named by --redis could
 * not be used. The message already carries the progress; `progress` keeps it as data.
 */
import { UsageError } from '../errors.js';

export interface ReplayProgress {
  /** Trace rows sent and answered (lookups + writes + deletes). */
  readonly done: number;
  readonly total: number;
  readonly lookups: number;
  /** Lookups that found their key, as the client saw the replies. */
  readonly hits: number;
}

export class RedisReplayError extends UsageError {
  readonly progress: ReplayProgress;
  constructor(message: string, progress: ReplayProgress) {
    super(`${message}; ${describeProgress(progress)}`);
    this.name = 'RedisReplayError';
    this.progress = progress;
  }
}

export function describeProgress(progress: ReplayProgress): string {
  if (progress.done === 0) return `nothing was replayed (0 of ${progress.total.toLocaleString('en-US')} requests)`;
  const share = ((progress.done / progress.total) * 100).toFixed(1);
  const hitRate = progress.lookups > 0 ? `, hit rate so far ${((progress.hits / progress.lookups) * 100).toFixed(2)}%` : '';
  return (
    `replayed ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} requests (${share}%)` +
    ` before stopping: ${progress.lookups.toLocaleString('en-US')} lookups, ${progress.hits.toLocaleString('en-US')} hits${hitRate}`
  );
}
