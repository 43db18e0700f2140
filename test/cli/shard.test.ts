/** `--shard K/N` and `merge`: three parts merge into the unsharded result, byte for byte; bad parts are refused. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertOneLineFailure, cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cachebench-shard-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const TRACE = 'zipf:alpha=0.9,keys=5000,requests=40000,rate=1000,seed=3';
const RUN = ['run', TRACE, '-p', 'lru,s3-fifo,arc,sieve,w-tinylfu', '-m', '50,500,2000', '--ttl', 'off,20s', '--no-progress'];
const SWEEP = ['sweep', TRACE, '-p', 'lru,fifo,s3-fifo', '-m', '32..4096', '--target-hit-rate', '0.55', '--no-progress'];

/** Runs the command as N shards into `folder`, then merges them into `merged` (format from its extension). */
async function shardAndMerge(argv: string[], count: number, folder: string, merged: string): Promise<string[]> {
  const written: string[] = [];
  for (let k = 1; k <= count; k++) {
    const run = await cli(...argv, '--shard', `${k}/${count}`, '--out', `${folder}/`);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    written.push(join(folder, `part-${k}-of-${count}.json`));
  }
  assert.deepEqual(readdirSync(folder).sort(), written.map((path) => path.slice(folder.length + 1)).sort());
  // Any order: merge sorts the slices out itself.
  const merge = await cli('merge', ...[...written].reverse(), '--out', merged);
  assert.equal(merge.code, 0, merge.stderr);
  return written;
}

test('a run in 3 shards merges into exactly the unsharded JSON, and every slice did part of the work', async () => {
  const parts = await shardAndMerge(RUN, 3, join(dir, 'run-parts'), join(dir, 'run-merged.json'));
  const full = await cli(...RUN, '--out', join(dir, 'run-full.json'));
  assert.equal(full.code, 0, full.stderr);
  assert.equal(readFileSync(join(dir, 'run-merged.json'), 'utf8'), readFileSync(join(dir, 'run-full.json'), 'utf8'));
  const units = parts.map((path) => (JSON.parse(readFileSync(path, 'utf8')) as { results: unknown[]; units: number }).results.length);
  assert.equal(
    units.reduce((a, b) => a + b, 0),
    5 * 3 * 2,
  );
  for (const count of units) assert.ok(count >= 8 && count <= 12, `balanced slices, got ${units.join(', ')}`);
});

test("a streamed run and sweep in 3 shards merge into the unsharded JSON, and their parts are the loaded trace's", async () => {
  const cbt = join(dir, 'streamed.cbt');
  assert.equal((await cli('gen', TRACE, '--out', cbt)).code, 0);
  const grid = RUN.slice(2);
  const full = await cli('run', cbt, ...grid, '--no-trace-cache', '--format', 'json');
  assert.equal(full.code, 0, full.stderr);
  // Parts streamed, merged streamed (merge runs their command line, --stream included).
  await shardAndMerge(['run', cbt, '--stream', ...grid], 3, join(dir, 'streamed-parts'), join(dir, 'streamed-merged.json'));
  assert.equal(readFileSync(join(dir, 'streamed-merged.json'), 'utf8'), full.stdout);
  // Parts of the same work from the loaded trace and from the stream are the same parts.
  const withoutArgv = (text: string): unknown => ({ ...(JSON.parse(text) as Record<string, unknown>), argv: undefined });
  const loadedPart = await cli('run', cbt, ...grid, '--shard', '2/3', '--no-trace-cache');
  const streamedPart = await cli('run', cbt, '--stream', ...grid, '--shard', '2/3');
  assert.deepEqual(withoutArgv(streamedPart.stdout), withoutArgv(loadedPart.stdout));

  // A streamed sweep the same way: its one-pass LRU curves and replayed sizes are the units.
  const sweepGrid = ['-p', 'lru,fifo,s3-fifo', '-m', '32..4096', '--no-progress'];
  const sweepFull = await cli('sweep', cbt, ...sweepGrid, '--no-trace-cache', '--format', 'json');
  assert.equal(sweepFull.code, 0, sweepFull.stderr);
  await shardAndMerge(['sweep', cbt, '--stream', ...sweepGrid], 3, join(dir, 'streamed-sweep-parts'), join(dir, 'streamed-sweep.json'));
  assert.equal(readFileSync(join(dir, 'streamed-sweep.json'), 'utf8'), sweepFull.stdout);
  const loadedSweepPart = await cli('sweep', cbt, ...sweepGrid, '--shard', '1/3', '--no-trace-cache');
  const streamedSweepPart = await cli('sweep', cbt, '--stream', ...sweepGrid, '--shard', '1/3');
  assert.deepEqual(withoutArgv(streamedSweepPart.stdout), withoutArgv(loadedSweepPart.stdout));
});

test('a sweep in 3 shards merges into exactly the unsharded JSON and HTML, recommendations and refined targets included', async () => {
  const folder = join(dir, 'sweep-parts');
  await shardAndMerge(SWEEP, 3, folder, join(dir, 'sweep-merged.json'));
  const full = await cli(...SWEEP, '--out', join(dir, 'sweep-full.json'));
  assert.equal(full.code, 0, full.stderr);
  const merged = readFileSync(join(dir, 'sweep-merged.json'), 'utf8');
  assert.equal(merged, readFileSync(join(dir, 'sweep-full.json'), 'utf8'));
  const result = JSON.parse(merged) as { recommendations: { criterion: string; capacity: number | null }[] };
  assert.ok(result.recommendations.some((rec) => rec.criterion === 'target-hit-rate' && rec.capacity !== null));
  const parts = readdirSync(folder).map((name) => join(folder, name));
  assert.equal((await cli('merge', ...parts, '--out', join(dir, 'merged.html'))).code, 0);
  assert.equal((await cli(...SWEEP, '--out', join(dir, 'full.html'))).code, 0);
  assert.equal(readFileSync(join(dir, 'merged.html'), 'utf8'), readFileSync(join(dir, 'full.html'), 'utf8'));
});

test('merge gates the merged result: --assert on merge passes or fails (exit 1) as on the unsharded run', async () => {
  const folder = join(dir, 'gate-parts');
  await shardAndMerge(RUN, 2, folder, join(dir, 'gate-merged.json'));
  const parts = readdirSync(folder).map((name) => join(folder, name));
  const pass = await cli('merge', ...parts, '-f', 'json', '--assert', 'lru@2000/ttl=off.hitRate>=0.3');
  assert.equal(pass.code, 0, pass.stderr);
  const fail = await cli('merge', ...parts, '-f', 'json', '--assert', 'lru@2000/ttl=off.hitRate>=0.99');
  assert.equal(fail.code, 1, fail.stderr);
  assert.match(fail.stderr, /gate failed/);
});

test('merge refuses a missing, repeated or foreign part, and a file that is not a part, in one line with exit 2', async () => {
  const folder = join(dir, 'bad-parts');
  const parts = await shardAndMerge(RUN, 3, folder, join(dir, 'bad-merged.json'));
  assertOneLineFailure(await cli('merge', parts[0]!, parts[2]!), /slice 2\/3 is missing/);
  assertOneLineFailure(await cli('merge', parts[0]!, parts[1]!, parts[1]!, parts[2]!), /repeats slice 2\/3/);
  // The same command line over another trace: the fingerprint differs.
  const other = join(dir, 'other.json');
  const part = JSON.parse(readFileSync(parts[1]!, 'utf8')) as { fingerprint: string };
  writeFileSync(other, JSON.stringify({ ...part, fingerprint: '0'.repeat(64) }));
  assertOneLineFailure(await cli('merge', parts[0]!, other, parts[2]!), /other\.json is a slice of other work/);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"format": "cachebench-shard",\n  "slice": }');
  assertOneLineFailure(await cli('merge', broken), /broken\.json:2:12: not valid JSON/);
  assertOneLineFailure(await cli('merge', join(dir, 'run-full.json')), /not a part written by/);
});

test('--shard refuses a bad slice and flags that belong to the merged report', async () => {
  assertOneLineFailure(await cli(...RUN, '--shard', '4/3'), /--shard: '4\/3': K must be from 1 to N/);
  assertOneLineFailure(await cli(...RUN, '--shard', 'two'), /--shard: 'two' is not K\/N/);
  assertOneLineFailure(await cli(...RUN, '--shard', '1/2', '--assert', 'lru@50.hitRate>0'), /--assert: gates judge the whole result/);
  assertOneLineFailure(await cli(...SWEEP, '--shard', '1/2', '--format', 'md'), /--format: a shard writes a JSON part/);
  assertOneLineFailure(await cli(...SWEEP, '--shard', '1/2', '--sample', '0.5'), /--shard: a sampled sweep is not split/);
});
