/**
 * The Python recipe in docs/, run with python3 as a service would: functools.lru_cache behind
 * the recorder. Its trace replays through cachebench's lru to the misses functools counted,
 * its key sampling hash is cachebench's own (so capture, recordTrace and the recipe keep the
 * same keys), and a mapping's reads, writes and deletes are recorded as such.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { keyTextHash } from '../../src/capture/sample.js';
import { loadTrace, simulate } from '../../src/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('python-recipe');
const noPython = spawnSync('python3', ['--version']).status !== 0 ? 'python3 is not installed' : false;

function python(script: string): string {
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'docs') } });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

test('a trace recorded from functools.lru_cache replays to the misses functools counted', { skip: noPython }, async () => {
  const workload = generateTrace('zipf:alpha=0.9,keys=3000,requests=20000,seed=11');
  const keysFile = files.write('keys.txt', Array.from(workload.keys).join('\n'));
  const out = join(files.dir, 'functools.csv');
  const misses = Number(
    python(`
import functools
from cachebench_record import TraceRecorder
recorder = TraceRecorder(${JSON.stringify(out)})
@recorder.record_calls(key=lambda k: "item:%d" % k)
@functools.lru_cache(maxsize=250)
def load(k):
    return k * 2
for line in open(${JSON.stringify(keysFile)}):
    load(int(line))
recorder.close()
print(load.__wrapped__.cache_info().misses)
`),
  );
  const trace = await loadTrace(out);
  assert.equal(trace.length, workload.length);
  const result = await simulate(trace, { policies: ['lru'], capacities: [250] });
  assert.equal(result.rows[0]!.misses, misses);
});

test('the recipe samples keys by the very hash cachebench uses', { skip: noPython }, () => {
  const keys = ['user:1', 'a,b', 'ключ', '🙂 emoji', '', 'x'.repeat(300)];
  const hashes = python(`
from cachebench_record import key_hash
import json
for key in ${JSON.stringify(keys)}:
    print(key_hash(key, 0), key_hash(key, 7))
`)
    .trim()
    .split('\n');
  assert.deepEqual(
    hashes,
    keys.map((key) => `${keyTextHash(key, 0)} ${keyTextHash(key, 7)}`),
  );
});

test('a wrapped mapping records gets (with sizes), sets and deletes', { skip: noPython }, async () => {
  const out = join(files.dir, 'mapping.csv');
  python(`
from cachebench_record import TraceRecorder
recorder = TraceRecorder(${JSON.stringify(out)}, size=len)
cache = recorder.wrap_mapping({})
cache.get("a")
cache["a"] = "hello"
assert cache["a"] == "hello"
del cache["a"]
cache.get("a")
recorder.close()
`);
  const trace = await loadTrace(out);
  assert.deepEqual(Array.from(trace.ops!), [0, 1, 0, 2, 0]);
  // The first get knows no size (an empty cell, 1); later ones take the value's.
  assert.deepEqual(Array.from(trace.sizes!), [1, 5, 5, 5, 5]);
});
