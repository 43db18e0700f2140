/**
 * A worker thread of a streamed grid (stream-threads.ts): replays its group of jobs over
 * every chunk as this thread's slot receives it, then posts the group's counts. Its facts
 * (cold keys, last sizes) are gathered from the same chunks, as the main thread's are.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PolicySpec } from '../policies/index.js';
import { fromWire, replayConfigOf } from './jobs.js';
import { ReplayRun } from './replay.js';
import {
  awaitChunk,
  raiseFailure,
  releaseChunk,
  slotChunk,
  STREAM_SLOTS,
  type StreamWorkerInit,
  type StreamWorkerReply,
} from './stream-threads.js';
import { StreamedFacts } from './trace-facts.js';

const init = workerData as StreamWorkerInit;
const port = parentPort!;
const { shape, control, bounds, slots, settings, warmup, nextUses } = init;

try {
  const specs = new Map<string, PolicySpec>();
  const facts = new StreamedFacts(shape.keySpace, shape.sizes !== undefined, [warmup]);
  const runs = init.jobs.map(
    (wire) => new ReplayRun(shape, { ...replayConfigOf(shape, fromWire(wire, specs), settings), ...(nextUses && { nextUses }) }, facts),
  );
  let stopped = false;
  for (let index = 0, done = 0; done < shape.length; index++) {
    const slot = index % STREAM_SLOTS;
    if (!awaitChunk(control, slot, index + 1)) {
      stopped = true;
      break;
    }
    const chunk = slotChunk(slots[slot]!, bounds[2 * slot]!, bounds[2 * slot + 1]!);
    facts.observe(chunk);
    for (const run of runs) run.advance(chunk);
    done += chunk.length;
    releaseChunk(control, slot);
  }
  const reply: StreamWorkerReply = stopped ? { type: 'stopped' } : { type: 'done', counts: runs.map((run) => run.finish()) };
  port.postMessage(reply);
} catch (error) {
  raiseFailure(control);
  const reply: StreamWorkerReply = {
    type: 'error',
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
  };
  port.postMessage(reply);
}
