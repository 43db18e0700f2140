import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSizeList, parseSizes } from '../../src/engine/sizes.js';
import { UsageError } from '../../src/errors.js';

const entries = (text: string, points?: number): number[] =>
  parseSizes(text, 'entries', '--maxsize', points === undefined ? {} : { points });

test('a..b doubles from a and always ends at b', () => {
  assert.deepEqual(entries('16..4096'), [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]);
  // 100 is not a power-of-two multiple of 16, but it is still included.
  assert.deepEqual(entries('16..100'), [16, 32, 64, 100]);
  assert.deepEqual(entries('7..7'), [7]);
});

test('a..bxF steps geometrically by F, rounding to whole sizes', () => {
  // 10, 15, 22.5 -> 23, 33.75 -> 34, 50.6 -> 51, 75.9 -> 76, then the end 100.
  assert.deepEqual(entries('10..100x1.5'), [10, 15, 23, 34, 51, 76, 100]);
});

test('a..b:step is linear and includes b even off-step', () => {
  assert.deepEqual(entries('100..500:100'), [100, 200, 300, 400, 500]);
  assert.deepEqual(entries('100..450:100'), [100, 200, 300, 400, 450]);
});

test('--points spreads N sizes evenly on a log scale', () => {
  // 16 * 256^(i/4): 16, 64, 256, 1024, 4096.
  assert.deepEqual(entries('16..4096', 5), [16, 64, 256, 1024, 4096]);
  assert.equal(entries('100..1e6', 32).length, 32);
  // Rounding can merge the small end: 1, 1.56 -> 2, 2.44 -> 2 ...; duplicates are dropped.
  assert.ok(entries('1..1e6', 32).length < 32);
});

test('lists and ranges mix, sort and de-duplicate', () => {
  assert.deepEqual(entries('1024,16..64,32'), [16, 32, 64, 1024]);
  assert.deepEqual(parseSizeList('64,1e3,64', 'entries', '--maxsize'), [64, 1000]);
});

test('byte ranges accept units', () => {
  const mib = 1024 ** 2;
  assert.deepEqual(parseSizes('1MB..8MB', 'bytes', '--capacity'), [mib, 2 * mib, 4 * mib, 8 * mib]);
  assert.deepEqual(parseSizes('1MiB..8mb', 'bytes', '--capacity'), [mib, 2 * mib, 4 * mib, 8 * mib]);
  assert.deepEqual(parseSizes('1KiB..4KiB:1KiB', 'bytes', '--capacity'), [1024, 2048, 3072, 4096]);
  assert.deepEqual(parseSizes('1m..1gx10', 'bytes', '--capacity'), [1e6, 1e7, 1e8, 1e9]);
});

test('bad ranges are usage errors naming the flag', () => {
  const bad = (text: string, flag = '--maxsize', points?: number): void => {
    assert.throws(
      () => parseSizes(text, flag === '--capacity' ? 'bytes' : 'entries', flag, points === undefined ? {} : { points }),
      (error: unknown) => error instanceof UsageError && error.where === flag,
      text,
    );
  };
  bad('4096..16'); // reversed
  bad('1GB..1MB', '--capacity');
  bad('0..16'); // zero size
  bad('0');
  bad('16..64x1'); // a factor that never grows
  bad('16..64x0.5');
  bad('16..64:0'); // zero step
  bad('16..');
  bad('');
  bad('1..1e9:1'); // far too many sizes
  bad('16,64', '--maxsize', 8); // --points needs a range
  bad('16..64:8', '--maxsize', 8);
  bad('16..64', '--maxsize', 0);
  assert.throws(() => entries('64..16'), /--maxsize: range '64..16' is reversed/);
});

test('sizes as shares of the working set: lists and ranges of percentages, rounded, at least 1', () => {
  assert.deepEqual(parseSizes('1%..8%', 'entries', '--maxsize', { workingSet: 1896 }), [19, 38, 76, 152]);
  assert.deepEqual(parseSizes('10%,50%,100%', 'bytes', '--capacity', { workingSet: 8_115_499 }), [811_550, 4_057_750, 8_115_499]);
  // Shares and plain sizes mix; a tiny share still makes a cache of one.
  assert.deepEqual(parseSizes('0.001%,64,50%', 'entries', '--maxsize', { workingSet: 1000 }), [1, 64, 500]);
  const fails = (text: string, options: { workingSet?: number }, message: RegExp): void => {
    assert.throws(
      () => parseSizes(text, 'entries', '--maxsize', options),
      (error: unknown) => error instanceof UsageError && error.where === '--maxsize' && message.test(error.message),
    );
  };
  fails('10%', {}, /share of the working set, which only a trace has/);
  fails('0%', { workingSet: 10 }, /must be a share above 0%/);
  fails('x%', { workingSet: 10 }, /'x%' is not a share/);
  fails('10%', { workingSet: 0 }, /no keys to take a share of/);
});
