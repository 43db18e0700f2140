import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { recommendationText } from '../../src/report/words.js';
import type { RunResult } from '../../src/model/result.js';
import { ROOT } from '../helpers/cli.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
  return { code, out, err };
}

test('a reversed range is a usage error (exit 2) naming the flag', async () => {
  const { code, out, err } = await cli('sweep', 'no-such-trace.csv', '--maxsize', '4096..16');
  assert.equal(code, 2);
  assert.equal(out, '');
  assert.equal(err, "cachebench: --maxsize: range '4096..16' is reversed (write the smaller size first)\n");
});

test('bad sweep flags exit 2 before any trace is read', async () => {
  for (const [flag, value] of [
    ['--sample', '0'],
    ['--sample', '1.5'],
    ['--tolerance', '2'],
    ['--target-hit-rate', 'high'],
    ['--points', '0'],
    ['--capacity', '1GB..1MB'],
    ['--workers', '0'],
  ] as const) {
    const { code, err } = await cli('sweep', 'no-such-trace.csv', '--maxsize', '16..64', flag, value);
    assert.equal(code, 2, `${flag} ${value}`);
    assert.match(err, new RegExp(`^cachebench: ${flag}: `), `${flag} ${value}: ${err}`);
  }
});

test('sweep --format json: exact hit counts, recommendations and the best policy', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cachebench-sweep-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'trace.csv');
  writeFileSync(file, 'key\na\nb\nc\nb\na\nd\na\n');
  const json = await cli('sweep', file, '--maxsize', '1..4:1', '--policies', 'lru,fifo', '--format', 'json');
  assert.equal(json.code, 0, json.err);
  const result = JSON.parse(json.out) as RunResult;
  // a b c b a d a. LRU: b is reused after {c} (distance 1), a after {b, c} (2), a after {d} (1):
  // hits 0, 2, 3, 3 at sizes 1..4.
  const hits = (policy: string): number[] => result.rows.filter((r) => r.policy === policy).map((r) => r.hits);
  assert.deepEqual(hits('lru'), [0, 2, 3, 3]);
  // FIFO at 2: c evicts a, b hits, a evicts b, d evicts c, a hits -> 2. At 3: b and a hit, then
  // d evicts a (first in), so the last a misses -> 2. At 4 nothing is evicted -> 3.
  assert.deepEqual(hits('fifo'), [0, 2, 2, 3]);
  assert.equal(result.command, 'sweep');
  assert.equal(result.sampling, null);
  const primary = result.recommendations!.filter((r) => r.primary).map((r) => [r.policy, r.capacity]);
  // FIFO still gains at the largest size (2 -> 3 hits from 3 to 4): no size, said so.
  assert.deepEqual(primary, [
    ['lru', 3],
    ['fifo', null],
  ]);
  assert.deepEqual([result.best!.policy, result.best!.capacity], ['lru', 3]);

  const targeted = await cli('sweep', file, '--maxsize', '1..4:1', '--policies', 'lru', '--target-hit-rate', '90%', '--format', 'json');
  assert.equal(targeted.code, 0);
  const none = (JSON.parse(targeted.out) as RunResult).recommendations!.find((r) => r.criterion === 'target-hit-rate')!;
  assert.equal(none.capacity, null);
  assert.match(recommendationText(none, 'entries'), /no size in range reaches a 90\.00% hit rate/);

  const table = await cli('sweep', file, '--maxsize', '1..4:1', '--policies', 'lru,fifo');
  assert.equal(table.code, 0);
  assert.match(table.out, /recommended size/);
  assert.match(table.out, /hit rate vs cache size/);
  assert.match(table.out, /● lru {3}■ fifo/);
});

test('sweep applies TTL jitter exactly as run does', async () => {
  const spec = 'zipf:alpha=0.9,keys=300,requests=5000,rate=50,seed=3';
  const flags = ['--maxsize', '8..64', '--policies', 'lru,lfu', '--ttl', '20s~20%', '--format', 'json'];
  const swept = JSON.parse((await cli('sweep', spec, ...flags)).out) as RunResult;
  const replayed = JSON.parse((await cli('run', spec, ...flags)).out) as RunResult;
  assert.deepEqual(swept.rows, replayed.rows);
  assert.ok(swept.rows.every((row) => row.ttlJitter === 0.2));
  const plain = JSON.parse((await cli('run', spec, ...flags.map((f) => (f === '20s~20%' ? '20s' : f)))).out) as RunResult;
  assert.notDeepEqual(
    plain.rows.map((r) => r.hits),
    replayed.rows.map((r) => r.hits),
  );
});

test('sweep on a synthetic trace: the same rows as run, plus recommendations', async () => {
  const spec = 'zipf:alpha=0.9,keys=300,requests=5000,seed=3';
  const flags = ['--maxsize', '8..256', '--policies', 'lru,fifo,lfu', '--format', 'json'];
  const sweep = await cli('sweep', spec, ...flags);
  assert.equal(sweep.code, 0, sweep.err);
  const run = await cli('run', spec, ...flags);
  assert.equal(run.code, 0, run.err);
  const swept = JSON.parse(sweep.out) as RunResult;
  const replayed = JSON.parse(run.out) as RunResult;
  assert.deepEqual(swept.options.capacities, [8, 16, 32, 64, 128, 256]);
  // lru came from the one-pass curve, the others from replays; run replayed everything.
  assert.deepEqual(swept.rows, replayed.rows);
  assert.deepEqual(
    swept.curves!.map((c) => c.method),
    ['mattson', 'replay', 'replay'],
  );
  for (const r of swept.recommendations!) {
    // Diminishing returns: every doubling past the pick gains less than a point, the one into it at least one.
    const rows = swept.rows.filter((x) => x.policy === r.policy);
    const gains = rows.slice(1).map((x, i) => (x.hitRate - rows[i]!.hitRate) / Math.log2(x.capacity / rows[i]!.capacity));
    const at = r.capacity === null ? rows.length - 1 : rows.findIndex((x) => x.capacity === r.capacity);
    assert.ok(gains.slice(at).every((gain) => gain < 0.01));
    if (at > 0) assert.ok(gains[at - 1]! >= 0.01);
    if (r.capacity === null) assert.equal(r.stillRising, true);
    else assert.equal(r.hitRate, rows[at]!.hitRate);
  }
  // Same inputs, same bytes.
  assert.equal((await cli('sweep', spec, ...flags)).out, sweep.out);

  const sampled = await cli('sweep', spec, ...flags, '--sample', '50%');
  assert.equal(sampled.code, 0, sampled.err);
  const estimate = JSON.parse(sampled.out) as RunResult;
  assert.equal(estimate.sampling!.rate, 0.5);
  assert.equal(estimate.sampling!.estimates, true);
  assert.deepEqual(estimate.sampling!.methods, ['shards', 'minisim']);
});

test('--maxsize and --capacity take shares of the trace working set: distinct keys, or distinct bytes', async () => {
  const trace = join(ROOT, 'traces/sample.csv');
  const entries = await cli('run', trace, '-p', 'lru', '--maxsize', '10%,50%', '-f', 'json');
  assert.equal(entries.code, 0, entries.err);
  const run = JSON.parse(entries.out) as RunResult;
  assert.deepEqual(run.options.capacities, [Math.round(run.trace.distinctKeys * 0.1), Math.round(run.trace.distinctKeys * 0.5)]);
  const bytes = await cli('sweep', trace, '-p', 'lru', '--capacity', '25%..100%', '-f', 'json');
  assert.equal(bytes.code, 0, bytes.err);
  const swept = JSON.parse(bytes.out) as RunResult;
  const working = swept.trace.sizes!.distinctBytes;
  assert.deepEqual(swept.options.capacities, [Math.round(working / 4), Math.round(working / 2), working]);
  const bad = await cli('run', trace, '--maxsize', '0%');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--maxsize: '0%' must be a share above 0%/);
});
