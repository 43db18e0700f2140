/**
 * The terminal view of a real-server replay (`cachebench replay`): the server's row beside the
 * simulated one, the difference, how the entry count was derived, client-side latency and the
 * notes. Markdown, JSON and CSV render the same result through their usual renderers.
 */
import chalk from 'chalk';
import type { MemcachedComparison, RedisComparison, RunResult, ServerComparison } from '../model/result.js';
import { formatRedisMemory } from '../redis/memory.js';
import { integer, ms, percent, terminalTable } from './format.js';
import { memcachedNoteText, serverNoteText } from './words.js';

export function renderServerTable(result: RunResult): string {
  const comparison = result.server;
  if (comparison === undefined) throw new Error('renderServerTable needs a replay result');
  if (comparison.kind === 'memcached') return memcachedTable(result, comparison);
  const { trace } = result;
  const { server, memory } = comparison;
  const lines: string[] = [traceLine(trace)];
  const values = server.valueSize === null ? "the trace's sizes" : `${integer(server.valueSize)} B values`;
  lines.push(
    chalk.dim(
      `redis ${server.version} at ${server.url}: maxmemory ${formatRedisMemory(server.maxmemory)} (${integer(server.maxmemory)} B), ` +
        `${server.policy}, maxmemory-samples ${server.maxmemorySamples}, ${values}` +
        `${server.ttl === null ? '' : `, ttl ${server.ttl}s`}, pipeline ${server.pipeline}, keys under '${server.prefix}'`,
    ),
  );

  const table = terminalTable(['', 'entries', 'lookups', 'hits', 'misses', 'hit rate']);
  for (const row of result.rows) {
    const fromServer = row.source === 'server';
    table.push([
      fromServer ? `redis ${server.policy} (INFO stats)` : `simulated ${row.policy}`,
      fromServer
        ? `${integer(memory.residentKeys)} resident`
        : row.equivalentEntries !== undefined
          ? integer(row.equivalentEntries)
          : `${formatRedisMemory(row.capacity)} of memory`,
      integer(row.requests),
      integer(row.hits),
      integer(row.misses),
      fromServer ? chalk.bold(percent(row.hitRate)) : percent(row.hitRate),
    ]);
  }
  lines.push(table.toString());
  for (const line of serverLines(comparison)) lines.push(line.startsWith('note: ') ? chalk.yellow(line) : line);
  return lines.join('\n') + '\n';
}

/** One sentence naming the server and its settings, for the markdown and HTML reports. */
export function serverHeadline(comparison: ServerComparison): string {
  const { server } = comparison;
  if (comparison.kind === 'memcached') {
    const s = comparison.server;
    return (
      `memcached ${s.version} at \`${s.url}\`, \`-m ${integer(s.maxbytes / 1048576)}\` (${integer(s.maxbytes)} bytes), ` +
      `-f ${s.growthFactor}, -n ${s.chunkSize}; the \`memcached\` model ran with these settings, lru and slru at the same bytes.`
    );
  }
  return (
    `Redis ${server.version} at \`${server.url}\`, \`maxmemory ${integer(comparison.server.maxmemory)}\` bytes, ` +
    `\`${comparison.server.policy}\` with maxmemory-samples ${comparison.server.maxmemorySamples}; the simulated row ran at the entries that memory holds.`
  );
}

/** The lines under the table, shared with the markdown report's server section. */
export function serverLines(comparison: ServerComparison): string[] {
  if (comparison.kind === 'memcached') return memcachedLines(comparison);
  return redisLines(comparison);
}

function redisLines(comparison: RedisComparison): string[] {
  const { server, real, memory } = comparison;
  const lines: string[] = [];
  if (comparison.differencePoints !== null) {
    const points = comparison.differencePoints;
    lines.push(`difference: ${points >= 0 ? '+' : ''}${points.toFixed(2)} points (real minus simulated)`);
  }
  if (comparison.memoryModel) {
    const model = comparison.memoryModel;
    lines.push(
      `memory model: ${model.policy} at maxmemory itself, counting Redis's bytes per key: ${percent(model.hitRate)}, ` +
        `${model.differencePoints >= 0 ? '+' : ''}${model.differencePoints.toFixed(2)} points (real minus model; what run --capacity predicts)`,
    );
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
  lines.push(latencyLine(real, 'of'));
  for (const note of comparison.notes) lines.push(`note: ${serverNoteText(note, comparison)}`);
  return lines;
}

function memcachedTable(result: RunResult, comparison: MemcachedComparison): string {
  const { trace } = result;
  const { server } = comparison;
  const lines: string[] = [traceLine(trace)];
  const values = server.valueSize === null ? "the trace's sizes" : `${integer(server.valueSize)} B values`;
  lines.push(
    chalk.dim(
      `memcached ${server.version} at ${server.url}: -m ${integer(server.maxbytes / 1048576)} (${integer(server.maxbytes)} B), ` +
        `-f ${server.growthFactor}, -n ${server.chunkSize}, slab_chunk_max ${integer(server.slabChunkMax)}, ` +
        `${server.lruSegmented ? 'segmented LRU' : 'flat LRU'}, slab_automove ${server.slabAutomove}, ${values}` +
        `${server.ttl === null ? '' : `, ttl ${server.ttl}s`}, pipeline ${server.pipeline}, keys under '${server.prefix}'`,
    ),
  );
  const table = terminalTable(['', 'lookups', 'hits', 'misses', 'hit rate', 'real minus this']);
  for (const row of result.rows) {
    const fromServer = row.source === 'server';
    const simulated = comparison.simulated.find((entry) => entry.policy === row.policy);
    table.push([
      fromServer ? 'memcached (stats)' : `simulated ${row.policy}`,
      integer(row.requests),
      integer(row.hits),
      integer(row.misses),
      fromServer ? chalk.bold(percent(row.hitRate)) : percent(row.hitRate),
      simulated === undefined ? '' : points(simulated.differencePoints),
    ]);
  }
  lines.push(table.toString());
  for (const line of memcachedLines(comparison)) lines.push(line.startsWith('note: ') ? chalk.yellow(line) : line);
  return lines.join('\n') + '\n';
}

function points(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)} points`;
}

function memcachedLines(comparison: MemcachedComparison): string[] {
  const { real, memory } = comparison;
  const lines: string[] = [];
  const model = comparison.simulated[0];
  if (model !== undefined) lines.push(`difference: ${points(model.differencePoints)} (real minus the ${model.policy} model)`);
  lines.push(
    `client saw ${integer(real.clientHits)} hits in ${integer(real.lookups)} lookups (${percent(real.clientHitRate)}); ` +
      `evicted ${integer(real.evictions)} items` +
      (real.writes + real.deletes > 0 ? `; ${integer(real.writes)} sets, ${integer(real.deletes)} deletes` : ''),
  );
  lines.push(
    `memory: item bytes ${integer(memory.itemBytes)} for ${integer(memory.residentItems)} items; ` +
      `${integer(memory.totalMalloced / 1048576)} MiB of 1 MiB pages handed to slab classes`,
  );
  // memcached batches are cut before a repeated key, so they can be shorter.
  lines.push(latencyLine(real, 'of up to'));
  for (const note of comparison.notes) lines.push(`note: ${memcachedNoteText(note, comparison)}`);
  return lines;
}

function traceLine(trace: RunResult['trace']): string {
  return (
    `${chalk.bold(trace.source)}: ${integer(trace.requests)} requests, ${integer(trace.distinctKeys)} distinct keys, ` +
    `${integer(trace.lookups)} lookups`
  );
}

/** The client-side latency line of a replay; `size` words the batch size (`of`, `of up to`). */
function latencyLine(real: RedisComparison['real'] | MemcachedComparison['real'], size: string): string {
  const latency = real.latencyMs;
  const unit = latency.pipeline === 1 ? 'per request' : `per pipeline batch ${size} ${integer(latency.pipeline)} requests`;
  return (
    `latency (client side, ${unit}, ${integer(latency.batches)} batches): p50 ${ms(latency.batchP50)}, p95 ${ms(latency.batchP95)}, ` +
    `p99 ${ms(latency.batchP99)}, max ${ms(latency.batchMax)}; mean per request ${ms(latency.meanPerRequest)}; ` +
    `${integer(Math.round(real.requestsPerSecond))} requests/s`
  );
}
