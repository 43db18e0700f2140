/**
 * Sharding: a sweep as one process against the same sweep in 3 shards (`--shard K/3`, each a
 * fresh process, as on three machines) and the `merge` that finishes it. Rounds alternate the
 * two ways so a busy spell does not fall on one only. The merged JSON must equal the
 * unsharded one byte for byte; the figure is the slowest shard's wall time plus the merge
 * against the unsharded run (on three machines the shards run at once).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, medianRange, type BenchOptions, type BenchRow, type Suite } from '../measure.js';

const BIN = fileURLToPath(new URL('../../../bin/cachebench.cjs', import.meta.url));
const SHARDS = 3;

function timed(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [BIN, ...args, '--no-progress'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`cachebench ${args.join(' ')} exited with ${String(child.status)}: ${child.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const range = (values: readonly number[]): string => medianRange(values, 1e3, 2, ' s');

export const shardSuite: Suite = {
  name: 'shard',
  description: `a sweep unsharded vs in ${SHARDS} shards + merge, fresh processes`,
  run(options: BenchOptions): Promise<BenchRow[]> {
    const requests = options.quick ? '2e5' : '1e6';
    const sweep = ['sweep', `zipf:alpha=0.9,keys=1e5,requests=${requests}`, '-p', 'lru,s3-fifo,arc,w-tinylfu', '-m', '64..65536'];
    const folder = mkdtempSync(join(tmpdir(), 'cachebench-bench-shard-'));
    try {
      const full: number[] = [];
      const slowest: number[] = [];
      const merges: number[] = [];
      let identical = true;
      for (let round = 0; round < (options.quick ? 1 : 5); round++) {
        full.push(timed([...sweep, '--out', join(folder, 'full.json')]));
        const parts = join(folder, `parts-${round}`);
        const shards = Array.from({ length: SHARDS }, (_, k) => timed([...sweep, '--shard', `${k + 1}/${SHARDS}`, '--out', `${parts}/`]));
        slowest.push(Math.max(...shards));
        const files = Array.from({ length: SHARDS }, (_, k) => join(parts, `part-${k + 1}-of-${SHARDS}.json`));
        merges.push(timed(['merge', ...files, '--out', join(folder, 'merged.json')]));
        identical &&= readFileSync(join(folder, 'merged.json'), 'utf8') === readFileSync(join(folder, 'full.json'), 'utf8');
      }
      const sharded = slowest.map((ms, i) => ms + merges[i]!);
      return Promise.resolve([
        {
          suite: 'shard',
          name: 'unsharded sweep',
          unit: 's',
          value: Math.min(...full) / 1e3,
          median: median(full) / 1e3,
          note: range(full),
        },
        {
          suite: 'shard',
          name: `slowest of ${SHARDS} shards`,
          unit: 's',
          value: Math.min(...slowest) / 1e3,
          median: median(slowest) / 1e3,
          note: range(slowest),
        },
        { suite: 'shard', name: 'merge', unit: 's', value: Math.min(...merges) / 1e3, median: median(merges) / 1e3, note: range(merges) },
        {
          suite: 'shard',
          name: 'wall time, sharded / unsharded',
          unit: 'x',
          value: median(sharded) / median(full),
          median: median(sharded) / median(full),
          lowerIsBetter: true,
          note: `slowest shard + merge, medians; ${identical ? 'merged JSON identical to unsharded' : 'MERGED JSON DIFFERS from unsharded'}`,
        },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
