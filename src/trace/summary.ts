/**
 * What a trace looks like, for the report header: lookups vs writes, distinct keys,
 * one-hit wonders, how concentrated the popularity is, object sizes and the time span.
 */
import type { TraceSummary } from '../model/result.js';
import { OP_DELETE, OP_SET, type Trace } from './trace.js';

export function summarizeTrace(trace: Trace): TraceSummary {
  const n = trace.length;
  const counts = new Uint32Array(trace.keySpace);
  let writes = 0;
  let deletes = 0;
  for (let i = 0; i < n; i++) {
    counts[trace.keys[i]!]!++;
    const op = trace.ops?.[i];
    if (op === OP_SET) writes++;
    else if (op === OP_DELETE) deletes++;
  }
  let oneHitWonders = 0;
  for (let id = 0; id < counts.length; id++) if (counts[id] === 1) oneHitWonders++;
  const top = Math.max(1, Math.ceil(trace.keySpace / 100));
  const sorted = counts.slice().sort().reverse();
  let topRequests = 0;
  for (let i = 0; i < top && i < sorted.length; i++) topRequests += sorted[i]!;

  return {
    source: trace.source,
    requests: n,
    lookups: n - writes - deletes,
    writes,
    deletes,
    distinctKeys: trace.keySpace,
    oneHitWonders,
    top1PercentShare: n === 0 ? 0 : topRequests / n,
    sizes: trace.sizes ? sizeSummary(trace, trace.sizes) : null,
    time: trace.times && n > 0 ? { start: trace.times[0]!, end: trace.times[n - 1]!, span: trace.times[n - 1]! - trace.times[0]! } : null,
  };
}

function sizeSummary(trace: Trace, sizes: Uint32Array): NonNullable<TraceSummary['sizes']> {
  let min = Infinity;
  let max = 0;
  let total = 0;
  // Working-set bytes: each key's last seen size, summed once.
  const lastSize = new Float64Array(trace.keySpace);
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    if (size < min) min = size;
    if (size > max) max = size;
    total += size;
    lastSize[trace.keys[i]!] = size;
  }
  let distinctBytes = 0;
  for (let id = 0; id < lastSize.length; id++) distinctBytes += lastSize[id]!;
  return { min: sizes.length ? min : 0, mean: sizes.length ? total / sizes.length : 0, max, distinctBytes };
}
