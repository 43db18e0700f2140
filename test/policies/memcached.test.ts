/**
 * The memcached model: its slab classes and item sizes against a real memcached's own
 * listing and placement, its segmented LRU and page rules on hand-worked traces, and its
 * page rebalancing on a trace whose traffic moves from one slab class to another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { itemTotal, MemcachedPolicy, slabClassSizes, DEFAULT_MEMCACHED_SETTINGS } from '../../src/policies/memcached.js';
import { simulate } from '../../src/index.js';
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { memcachedUnavailable, slabClassListing, startMemcached } from '../helpers/memcached-server.js';

const PAGE = 1024 * 1024;

function policyFor(trace: Trace, capacity: number, settings = DEFAULT_MEMCACHED_SETTINGS): MemcachedPolicy {
  return new MemcachedPolicy({ capacity, unit: 'bytes', keySpace: trace.keySpace, seed: 1, trace }, settings);
}

/** A trace of [key, size, time?] rows, keys interned in order of first use. */
function traceOf(requests: readonly (readonly [key: string, size: number, time?: number])[]): Trace {
  const builder = new TraceBuilder(requests.length);
  const ids = new Map<string, number>();
  for (const [key, size, time] of requests) {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    builder.push(id, size, time);
  }
  return builder.build('hand-made', ids.size, [...ids.keys()]);
}

for (const args of [[], ['-f', '2'], ['-n', '100', '-f', '1.1'], ['-f', '1.07']]) {
  test(`slab classes equal the listing of memcached -vv ${args.join(' ')}`, { skip: memcachedUnavailable() }, async () => {
    const listing = await slabClassListing(['-m', '64', ...args]);
    const factor = args.includes('-f') ? Number(args[args.indexOf('-f') + 1]) : 1.25;
    const chunk = args.includes('-n') ? Number(args[args.indexOf('-n') + 1]) : 48;
    const sizes = slabClassSizes(factor, chunk, PAGE / 2).slice(1);
    assert.ok(listing.length > 5, 'memcached printed its classes');
    assert.deepEqual(
      sizes.map((size) => [size, Math.floor(PAGE / size)]),
      listing,
    );
  });
}

test('an item lands in the slab class its computed size says, on a real memcached', async (t) => {
  const server = await startMemcached(t, ['-m', '64']);
  if (!server) return;
  const sizes = slabClassSizes(1.25, 48, PAGE / 2);
  // Class 5's chunk exactly, then one byte more (class 6), for a 6-byte key with CAS.
  const key = 'k12345';
  const exact = sizes[5]! - itemTotal(key.length, 0, { cas: true, clientFlags: false });
  for (const [name, value] of [
    ['exact', exact],
    ['over', exact + 1],
  ] as const) {
    await server.send(`set ${name}${key.slice(name.length)} 0 0 ${value}\r\n${'x'.repeat(value)}\r\n`, /STORED|ERROR/);
  }
  const slabs = await server.send('stats slabs\r\n', /END\r\n/);
  const used = (cls: number): number => Number(new RegExp(`STAT ${cls}:used_chunks (\\d+)`).exec(slabs)?.[1] ?? 0);
  assert.equal(used(5), 1, 'the exact fit is in class 5');
  assert.equal(used(6), 1, 'one byte more is in class 6');
});

test('new items enter HOT and flow to COLD, where evictions happen; an item got twice is rescued to WARM', () => {
  // 3-byte keys and 998-byte values: 1060-byte items, all in the 1184-byte class, 885 a page.
  const total = itemTotal(3, 998, { cas: true, clientFlags: false });
  assert.equal(total, 1060);
  assert.equal(
    slabClassSizes(1.25, 48, PAGE / 2).find((size) => size >= total),
    1184,
  );
  const requests: [string, number][] = [];
  for (let k = 0; k < 900; k++) requests.push([String(k).padStart(3, '0'), 998]);
  const trace = traceOf(requests);
  const policy = policyFor(trace, PAGE);
  for (let k = 0; k < 100; k++) policy.access(k, 998, 0);
  // Got twice after its set: FETCHED, then ACTIVE (in COLD by now, so it moves to WARM).
  assert.equal(policy.segmentOf(0), 'cold', 'HOT keeps only its 20% share; the rest has flowed to COLD');
  assert.equal(policy.access(0, 998, 0), true);
  assert.equal(policy.segmentOf(0), 'cold', 'one get only marks it FETCHED');
  assert.equal(policy.access(0, 998, 0), true);
  assert.equal(policy.segmentOf(0), 'warm', 'the second makes it ACTIVE, which moves it to WARM');
  assert.equal(policy.segmentOf(99), 'hot', 'the newest are still in HOT');
  for (let k = 100; k < 900; k++) policy.access(k, 998, 0);
  assert.equal(policy.size, 885, 'one page of 885 chunks, all in use');
  assert.equal(policy.has(1), false, 'the oldest untouched item was evicted from COLD');
  assert.equal(policy.has(0), true, 'the item got twice survived in WARM');
});

test('every slab class gets its first page even past -m, as memcached does; later pages only within -m', () => {
  // -m 2 and items in five classes: five pages, then each class evicts within its own page.
  const requests: [string, number][] = [];
  for (let round = 0; round < 3000; round++) for (const size of [100, 400, 1600, 6400, 25600]) requests.push([`${size}-${round}`, size]);
  const trace = traceOf(requests);
  const policy = policyFor(trace, 2 * PAGE);
  for (let i = 0; i < trace.length; i++) policy.access(trace.keys[i]!, trace.sizes![i]!, 0);
  const pages = policy.pageCounts().byClass.filter((count) => count > 0);
  assert.equal(pages.length, 5);
  assert.deepEqual(pages, [1, 1, 1, 1, 1]);
});

test('pages move from a class that stopped being used to the one now evicting, after the 30-second window', () => {
  // Phase 1 (t 0-19): 3000 items of 1 KB fill a few pages of their class. Phase 2 (t 20-219):
  // only 4 KB items, evicting in their own class, while the 1 KB class's COLD tail grows old.
  const requests: [string, number, number][] = [];
  for (let i = 0; i < 6000; i++) requests.push([`small-${i}`, 1000, Math.floor(i / 300)]);
  for (let i = 0; i < 40000; i++) requests.push([`large-${i % 8000}`, 4000, 20 + Math.floor(i / 200)]);
  const trace = traceOf(requests);
  const run = (automove: number): { pages: readonly number[]; moves: number } => {
    const policy = policyFor(trace, 8 * PAGE, { ...DEFAULT_MEMCACHED_SETTINGS, slabAutomove: automove });
    for (let i = 0; i < trace.length; i++) policy.access(trace.keys[i]!, trace.sizes![i]!, trace.times![i]!);
    const counts = policy.pageCounts();
    return { pages: counts.byClass, moves: counts.moves };
  };
  const still = run(0);
  const moving = run(1);
  assert.equal(still.moves, 0);
  assert.ok(moving.moves > 0, 'the automover moved pages');
  const smallClass = still.pages.findIndex((count) => count > 0);
  const largeClass = still.pages.length - 1 - [...still.pages].reverse().findIndex((count) => count > 0);
  assert.ok(moving.pages[smallClass]! < still.pages[smallClass]!, 'the idle class gave pages');
  assert.ok(moving.pages[largeClass]! > still.pages[largeClass]!, 'the evicting class received them');
});

test('memcached models bytes: an entry count is refused with a message saying what to give', async () => {
  const trace = traceOf([['a', 10]]);
  await assert.rejects(
    () => simulate(trace, { policies: ['memcached'], capacities: [100] }),
    /'memcached' models memory in bytes: give byte sizes/,
  );
});

test('the memory models give the same counts on worker threads as in-process, key lengths included', async () => {
  // Keys of very different lengths: the memory models charge each key's own bytes, so a
  // worker that saw other lengths (workers get no key text) would count differently.
  const requests: [string, number][] = [];
  for (let i = 0; i < 30_000; i++) {
    const k = (i * 7919) % 4000;
    requests.push([`${'k'.repeat(1 + (k % 200))}${k}`, 500 + ((k * 31) % 3000)]);
  }
  const trace = traceOf(requests);
  const options = {
    policies: ['memcached', 'redis-lru:memory=redis', 'lru'],
    capacities: [2 * PAGE, 4 * PAGE, 6 * PAGE],
    unit: 'bytes' as const,
  };
  const inProcess = await simulate(trace, { ...options, parallel: 'never' });
  const threaded = await simulate(trace, { ...options, parallel: 'always', workers: 2 });
  assert.deepEqual(threaded.rows, inProcess.rows);
  // And the lengths matter: the same trace with short keys gives other counts.
  const short = traceOf(requests.map(([key, size]) => [String(key.length * 10_000 + Number(/\d+$/.exec(key)![0])), size]));
  const shortRows = (await simulate(short, { ...options, parallel: 'never' })).rows;
  assert.notDeepEqual(
    shortRows.filter((row) => row.policy === 'memcached').map((row) => row.hits),
    inProcess.rows.filter((row) => row.policy === 'memcached').map((row) => row.hits),
  );
});
