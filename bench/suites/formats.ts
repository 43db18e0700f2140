/**
 * Load rate of the other people's formats, each written from the same generated trace (Zipf
 * keys, whole-second times, sizes, a tenth sets), against the CSV of the same requests
 * measured in the same run: requests per second end to end, and the ratio to CSV. The zstd
 * case (libCacheSim's published form) needs the zstd tool to make its file and is left out
 * without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrace } from '../../src/api/trace.js';
import { generateTrace } from '../../src/trace/spec.js';
import { OP_SET, type Trace } from '../../src/trace/trace.js';
import { saveTraceCsv } from '../../src/trace/write.js';
import { time, type BenchRow, type Suite } from '../measure.js';

function lines(trace: Trace, line: (key: string, time: number, size: number, set: boolean, i: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < trace.length; i++) {
    parts.push(line(`key:${trace.keys[i]!}`, trace.times![i]!, trace.sizes![i]!, trace.ops?.[i] === OP_SET, i));
  }
  return parts.join('\n') + '\n';
}

function oracleGeneral(trace: Trace): Buffer {
  const buf = Buffer.alloc(trace.length * 24);
  for (let i = 0; i < trace.length; i++) {
    buf.writeUInt32LE(trace.times![i]!, i * 24);
    buf.writeBigUInt64LE(BigInt(trace.keys[i]!), i * 24 + 4);
    buf.writeUInt32LE(trace.sizes![i]!, i * 24 + 12);
    buf.writeBigInt64LE(-1n, i * 24 + 16);
  }
  return buf;
}

export const formatsSuite: Suite = {
  name: 'formats',
  description: 'load rate of each trace format against CSV of the same requests',
  async run(options) {
    const requests = options.quick ? 100_000 : 1_000_000;
    const base = generateTrace(`zipf:alpha=0.9,keys=${requests / 10},requests=${requests},rate=1000,sizes=100..10000,seed=7`);
    // Whole seconds, a tenth of the requests sets: what the production formats carry.
    const times = Uint32Array.from(base.times!, (t) => Math.floor(t));
    const ops = Uint8Array.from(base.keys, (_, i) => (i % 10 === 9 ? OP_SET : 0));
    const trace: Trace = { ...base, times, ops };
    const dir = await mkdtemp(join(tmpdir(), 'cachebench-formats-'));
    try {
      const files: Array<[string, string]> = [];
      const add = async (name: string, file: string, content: string | Buffer): Promise<void> => {
        await writeFile(join(dir, file), content);
        files.push([name, join(dir, file)]);
      };
      await saveTraceCsv(trace, join(dir, 'trace.csv'));
      files.push(['csv', join(dir, 'trace.csv')]);
      await add(
        'twitter',
        'cluster.0',
        lines(trace, (key, t, size, set) => `${t},${key},10,${size - 10},1,${set ? 'set' : 'get'},0`),
      );
      await add('oracle-general', 'w.oracleGeneral.bin', oracleGeneral(trace));
      if (spawnSync('zstd', ['--version']).status === 0) {
        spawnSync('zstd', ['-q', '-k', join(dir, 'w.oracleGeneral.bin'), '-o', join(dir, 'w.oracleGeneral.bin.zst')]);
        files.push(['oracle-general .zst', join(dir, 'w.oracleGeneral.bin.zst')]);
      }
      await add(
        'redis-monitor',
        'monitor.txt',
        lines(
          trace,
          (key, t, size, set) =>
            `${t}.000000 [0 127.0.0.1:5000] ${set ? `"SET" "${key}" "${'v'.repeat(Math.min(size, 64))}"` : `"GET" "${key}"`}`,
        ),
      );
      await add(
        'memcached-watch',
        'watch.log',
        lines(trace, (key, t, size, set, i) =>
          // As memcached logs a store: its own lookup of the key first.
          set
            ? `ts=${t}.0 gid=${i} type=item_get key=${key} status=found clsid=1 cfd=9 size=${size}\nts=${t}.0 gid=${i} type=item_store key=${key} status=stored cmd=set ttl=0 clsid=1 cfd=9 size=${size}`
            : `ts=${t}.0 gid=${i} type=item_get key=${key} status=found clsid=1 cfd=9 size=${size}`,
        ),
      );
      await add(
        'cdn',
        'cdn.tr',
        lines(trace, (key, t, size) => `${t} ${key} ${size}`),
      );
      const rows: BenchRow[] = [];
      let csvRate = 0;
      for (const [name, path] of files) {
        let loaded = 0;
        const timing = await time(
          name,
          async () => {
            loaded = (await loadTrace(path)).length;
          },
          options.quick ? 300 : 2000,
          options.quick ? 1 : 3,
        );
        const rate = loaded / timing.bestMs / 1e3;
        if (name === 'csv') csvRate = rate;
        rows.push({
          suite: 'formats',
          name,
          unit: 'M req/s',
          value: rate,
          median: loaded / timing.medianMs / 1e3,
          cpu: loaded / timing.bestCpuMs / 1e3,
          note:
            name === 'csv'
              ? `${loaded.toLocaleString('en-US')} requests, the reference`
              : `${(rate / csvRate).toFixed(2)}x CSV; ${loaded.toLocaleString('en-US')} requests`,
        });
      }
      return rows;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
