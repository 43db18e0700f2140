/**
 * Renders the `replay` result: a terminal table (real server beside the simulation, then
 * how the entry count was derived, then client-side latency) or JSON. Returns strings.
 */
import chalk from 'chalk';
import Table from 'cli-table3';
import { integer, ms, percent } from '../report/format.js';
import { formatRedisMemory } from './memory.js';
import type { RedisReplayResult } from './result.js';

export function renderRedisTable(result: RedisReplayResult): string {
  const { trace, server, real, memory, simulated } = result;
  const lines: string[] = [];
  lines.push(
    `${chalk.bold(trace.source)}: ${integer(trace.requests)} requests, ${integer(trace.distinctKeys)} distinct keys, ` +
      `${integer(trace.lookups)} lookups`,
  );
  const values = server.valueSize === null ? "the trace's sizes" : `${integer(server.valueSize)} B values`;
  lines.push(
    chalk.dim(
      `redis ${server.version} at ${server.url}: maxmemory ${formatRedisMemory(server.maxmemory)} (${integer(server.maxmemory)} B), ` +
        `${server.policy}, maxmemory-samples ${server.maxmemorySamples}, ${values}` +
        `${server.ttl === null ? '' : `, ttl ${server.ttl}s`}, pipeline ${server.pipeline}, keys under '${server.prefix}'`,
    ),
  );

  const head = ['', 'entries', 'lookups', 'hits', 'misses', 'hit rate'];
  const table = new Table({
    head: head.map((h) => chalk.cyan(h)),
    colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')),
    style: { head: [], border: [] },
  });
  const keyspaceLookups = real.keyspaceHits + real.keyspaceMisses;
  table.push([
    `redis ${server.policy} (INFO stats)`,
    `${integer(memory.residentKeys)} resident`,
    integer(keyspaceLookups),
    integer(real.keyspaceHits),
    integer(real.keyspaceMisses),
    chalk.bold(percent(real.hitRate)),
  ]);
  if (simulated) {
    table.push([
      `simulated ${simulated.policy}`,
      integer(simulated.entries),
      integer(simulated.lookups),
      integer(simulated.hits),
      integer(simulated.misses),
      percent(simulated.hitRate),
    ]);
  }
  lines.push(table.toString());
  if (result.differencePoints !== null) {
    const points = result.differencePoints;
    lines.push(`difference: ${points >= 0 ? '+' : ''}${points.toFixed(2)} points (real minus simulated)`);
  }
  lines.push(
    `client saw ${integer(real.clientHits)} hits in ${integer(real.lookups)} lookups (${percent(real.clientHitRate)}); ` +
      `evicted ${integer(real.evictedKeys)} keys, expired ${integer(real.expiredKeys)}` +
      (real.writes + real.deletes > 0 ? `; ${integer(real.writes)} writes, ${integer(real.deletes)} deletes` : ''),
  );
  if (memory.bytesPerKey !== null && memory.equivalentEntries !== null) {
    lines.push(
      `memory: used_memory ${formatRedisMemory(memory.usedMemoryEmpty)} empty, ${formatRedisMemory(memory.usedMemoryAfter)} ` +
        `with ${integer(memory.residentKeys)} keys = ${memory.bytesPerKey.toFixed(1)} B per key, so ` +
        `${formatRedisMemory(server.maxmemory)} holds ${integer(memory.equivalentEntries)} entries`,
    );
  }
  const latency = real.latencyMs;
  const unit = latency.pipeline === 1 ? 'per request' : `per pipeline batch of ${integer(latency.pipeline)} requests`;
  lines.push(
    `latency (client side, ${unit}, ${integer(latency.batches)} batches): p50 ${ms(latency.batchP50)}, p95 ${ms(latency.batchP95)}, ` +
      `p99 ${ms(latency.batchP99)}, max ${ms(latency.batchMax)}; mean per request ${ms(latency.meanPerRequest)}; ` +
      `${integer(Math.round(real.requestsPerSecond))} requests/s`,
  );
  for (const note of result.notes) lines.push(chalk.yellow(`note: ${note}`));
  return lines.join('\n') + '\n';
}

export function renderRedisJson(result: RedisReplayResult): string {
  return JSON.stringify(result, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}
