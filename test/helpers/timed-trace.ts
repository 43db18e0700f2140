/** Hand-built traces with every column (times, ops, ttls, costs) for the time-aware tests. */
import { OP_DELETE, OP_GET, OP_SET, TraceBuilder, type Trace } from '../../src/trace/trace.js';
import type { TimedConfig } from '../../src/engine/time/simulate.js';
import { parseTiers, type TierSpec } from '../../src/engine/time/tiers.js';

export interface Row {
  key: string;
  time: number;
  op?: 'get' | 'set' | 'delete' | undefined;
  ttl?: number;
  cost?: number;
}

const OPS = { get: OP_GET, set: OP_SET, delete: OP_DELETE } as const;

export function timedTrace(rows: readonly Row[]): Trace {
  const ids = new Map<string, number>();
  const builder = new TraceBuilder(rows.length);
  const withOps = rows.some((row) => row.op !== undefined);
  for (const row of rows) {
    let id = ids.get(row.key);
    if (id === undefined) ids.set(row.key, (id = ids.size));
    builder.push(id, undefined, row.time, withOps ? OPS[row.op ?? 'get'] : undefined, row.ttl, row.cost);
  }
  return builder.build('test', ids.size, [...ids.keys()]);
}

/** `get a@0 get b@1.5 set a@2`: a compact way to write a timed trace in a test. */
export function parseRows(text: string): Row[] {
  return text
    .trim()
    .split(/\s+(?=get|set|delete)/)
    .map((piece) => {
      const match = /^(get|set|delete)\s+(\S+)@([\d.]+)$/.exec(piece.trim());
      if (!match) throw new Error(`bad row '${piece}'`);
      return { op: match[1] as Row['op'], key: match[2]!, time: Number(match[3]) };
    });
}

/** The time-aware simulator's settings for a tier chain as typed (`lru:2@0.05ms,lru:10@1ms`): write-through, 5 ms misses. */
export function timedConfig(tierText: string, extra: Partial<TimedConfig> = {}): TimedConfig {
  return {
    tiers: parseTiers(tierText).tiers as TierSpec[],
    unit: 'entries',
    seed: 1,
    defaultMissCost: 0.005,
    writePolicy: 'write-through',
    flushInterval: 1,
    ...extra,
  };
}
