/**
 * Differential tests against Python's caches, driven through python3: functools.lru_cache,
 * and cachetools 5's LRUCache, FIFOCache, LFUCache (whose ties evict the earliest inserted:
 * our `lfu:ties=insertion`) and TTLCache with an injected timer. Each case replays the same
 * requests as get-or-set (a hit reads, a miss stores), in entries and in bytes (getsizeof),
 * and the hit counts must be equal. Skipped only when cachetools is not installed (Debian's
 * python3-cachetools; .ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { replay } from '../../src/engine/replay.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { traceOf } from '../helpers/trace.js';
import { Rng } from '../../src/trace/synthetic/rng.js';

type Kind = 'functools' | 'lru' | 'fifo' | 'lfu' | 'ttl';

interface Case {
  readonly kind: Kind;
  readonly maxsize: number;
  readonly keys: number[];
  readonly sizes?: number[];
  readonly times?: number[];
  readonly ttl?: number;
}

const OURS: Record<Kind, string> = { functools: 'lru', lru: 'lru', fifo: 'fifo', lfu: 'lfu:ties=insertion', ttl: 'ttl' };

const PYTHON = String.raw`
import json, sys, functools
import cachetools
out = []
for case in json.load(sys.stdin):
    kind, maxsize, keys = case['kind'], case['maxsize'], case['keys']
    sizes, times = case.get('sizes'), case.get('times')
    if kind == 'functools':
        cached = functools.lru_cache(maxsize=maxsize)(lambda key: key)
        for key in keys:
            cached(key)
        out.append(cached.cache_info().hits)
        continue
    clock = [0.0]
    getsizeof = (lambda value: value) if sizes else None
    if kind == 'lru': cache = cachetools.LRUCache(maxsize, getsizeof=getsizeof)
    elif kind == 'fifo': cache = cachetools.FIFOCache(maxsize, getsizeof=getsizeof)
    elif kind == 'lfu': cache = cachetools.LFUCache(maxsize, getsizeof=getsizeof)
    else: cache = cachetools.TTLCache(maxsize, ttl=case['ttl'], timer=lambda: clock[0], getsizeof=getsizeof)
    hits = 0
    for i, key in enumerate(keys):
        if times: clock[0] = times[i]
        if key in cache:
            cache[key]
            hits += 1
        else:
            try:
                cache[key] = sizes[i] if sizes else 1
            except ValueError:
                pass  # larger than the whole cache: not stored
    out.append(hits)
print(json.dumps(out))
`;

/**
 * The first python3 that has cachetools 5 or later: the one on PATH (which may be a
 * virtualenv's or pyenv's), else Debian's, where python3-cachetools installs.
 */
function findPython(): { python?: string; missing?: string } {
  let missing = 'cachetools is not installed (apt-get install python3-cachetools); .ci/run installs it';
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import cachetools, sys; sys.exit(0 if int(cachetools.__version__.split(".")[0]) >= 5 else 3)']);
    if (probe.status === 0) return { python };
    if (probe.status === 3) missing = 'cachetools is older than 5 (its LFU ties differ)';
  }
  return { missing };
}

function pythonHits(python: string, cases: readonly Case[]): number[] {
  const result = spawnSync(python, ['-c', PYTHON], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as number[];
}

function ourHits(c: Case): number {
  return replayAs(OURS[c.kind], c);
}

/** Skewed keys (a product of two uniforms), so ties among equal counts and re-entries are common. */
function cases(): Case[] {
  const rng = new Rng(2024);
  const random = (): number => rng.nextFloat();
  const all: Case[] = [];
  for (let n = 0; n < 60; n++) {
    const keySpace = 5 + Math.floor(random() * 60);
    const length = 200 + Math.floor(random() * 800);
    const keys = Array.from({ length }, () => Math.floor(random() * random() * keySpace));
    const inBytes = n % 3 === 2;
    const sizes = inBytes ? keys.map((key) => 1 + ((key * 13) % 9)) : undefined;
    const maxsize = (inBytes ? 5 : 1) * (1 + Math.floor(random() * Math.min(keySpace, 20)));
    let time = 0;
    const times = keys.map(() => (time += Math.floor(random() * 4)));
    for (const kind of ['functools', 'lru', 'fifo', 'lfu', 'ttl'] as const) {
      if (kind === 'functools' && sizes) continue;
      all.push({ kind, maxsize, keys, ...(sizes && { sizes }), ...(kind === 'ttl' && { times, ttl: 5 + Math.floor(random() * 40) }) });
    }
  }
  return all;
}

test('lru, fifo, lfu:ties=insertion and ttl hit exactly as functools and cachetools 5 do', (t) => {
  const { python, missing } = findPython();
  if (python === undefined) {
    t.skip(missing);
    return;
  }
  const all = cases();
  const theirs = pythonHits(python, all);
  const mismatches = all
    .map((c, i) => ({ kind: c.kind, maxsize: c.maxsize, bytes: c.sizes !== undefined, ours: ourHits(c), theirs: theirs[i] }))
    .filter((r) => r.ours !== r.theirs);
  assert.deepEqual(mismatches, []);
  // The insertion rule must matter on these traces, or the lfu case proves nothing.
  const lfuCases = all.filter((c) => c.kind === 'lfu');
  const differ = lfuCases.filter((c) => replayAs('lfu', c) !== replayAs('lfu:ties=insertion', c)).length;
  assert.ok(differ >= 3, `only ${differ} of ${lfuCases.length} traces separate the two tie rules`);
});

function replayAs(spec: string, c: Case): number {
  const trace = traceOf(c.keys, { ...(c.sizes && { sizes: c.sizes }), ...(c.times && { times: c.times }) });
  const counts = replay(trace, {
    policy: parsePolicySpec(spec),
    capacity: c.maxsize,
    unit: c.sizes ? 'bytes' : 'entries',
    seed: 1,
    ...(c.ttl !== undefined && { ttl: c.ttl }),
  });
  return counts.hits;
}
