/**
 * Start-up: `cachebench --version` and `cachebench policies` as fresh processes, against
 * `node -e 0` measured alternately in the same run (the reference), so the ratio holds on a
 * noisy machine. Target: --version within 1.5x of node -e 0.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, type BenchOptions, type BenchRow, type Suite } from '../measure.js';

const BIN = fileURLToPath(new URL('../../../bin/cachebench.cjs', import.meta.url));

function once(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited with ${String(child.status)}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export const startupSuite: Suite = {
  name: 'startup',
  description: 'fresh processes: cachebench --version and policies against node -e 0',
  run(options: BenchOptions): Promise<BenchRow[]> {
    const runs = options.quick ? 5 : 21;
    const times: Record<'node' | 'version' | 'policies', number[]> = { node: [], version: [], policies: [] };
    for (let i = 0; i < runs; i++) {
      times.node.push(once(['-e', '0']));
      times.version.push(once([BIN, '--version']));
      times.policies.push(once([BIN, 'policies']));
    }
    const reference = median(times.node);
    const row = (name: string, values: number[], target?: number): BenchRow => ({
      suite: 'startup',
      name,
      unit: 'x node -e 0',
      value: median(values) / reference,
      median: median(values) / reference,
      lowerIsBetter: true,
      ...(target !== undefined && { target }),
      note: `median ${median(values).toFixed(0)} ms (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}); node -e 0 ${reference.toFixed(0)} ms`,
    });
    return Promise.resolve([row('cachebench --version', times.version, 1.5), row('cachebench policies', times.policies)]);
  },
};
