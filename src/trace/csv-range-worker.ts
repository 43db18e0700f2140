/**
 * A thread reading one byte range of a large CSV file (csv-ranges.ts): it counts the range's
 * lines, waits for its slots in the shared columns (or the prefix of its column files, when
 * the trace goes to disk), reads the range into them and posts what the join needs (or asks
 * for the file to be read on one thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { linesIn, ONE_THREAD, readRange, type RangeReply, type RangeTarget, type RangeTask } from './csv-ranges.js';

const port = parentPort!;
const task = workerData as RangeTask;

function reply(message: RangeReply): void {
  port.postMessage(message);
}

async function read(): Promise<void> {
  try {
    const lines = await linesIn(task);
    if (lines === ONE_THREAD) {
      reply({ oneThread: true });
      return;
    }
    const target = new Promise<RangeTarget>((resolve) => port.once('message', resolve));
    reply({ lines });
    const outcome = await readRange(task, await target, lines, true, (progress) => {
      port.postMessage({ progress });
    });
    reply(outcome === ONE_THREAD ? { oneThread: true } : { part: outcome.part });
  } catch (error) {
    reply({ internal: (error as Error).stack ?? String(error) });
  }
}

void read();
