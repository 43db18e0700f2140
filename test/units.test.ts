/**
 * One meaning of byte units in every command, redis.conf's: kb/KB/KiB = 1024 and mb/MB/MiB =
 * 1024^2 in any case, a bare letter a power of 1000; sizes read back in the spelling typed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../src/errors.js';
import { byteUnitStyleOf, formatBytes, parseBytes } from '../src/units.js';
import { formatRedisMemory } from '../src/redis/memory.js';

test('MB, mb and MiB are the same 1024^2 bytes; a bare m is 10^6, as in redis.conf', () => {
  for (const text of ['64mb', '64MB', '64MiB', '64mib', '64Mb']) assert.equal(parseBytes(text), 64 * 1024 ** 2, text);
  assert.equal(parseBytes('64m'), 64_000_000);
  assert.equal(parseBytes('512kb'), 512 * 1024);
  assert.equal(parseBytes('1k'), 1000);
  assert.equal(parseBytes('2gb'), 2 * 1024 ** 3);
  assert.equal(parseBytes('2GiB'), 2 * 1024 ** 3);
  assert.equal(parseBytes('1g'), 1e9);
  assert.equal(parseBytes('1.5MB'), 1.5 * 1024 ** 2);
  assert.equal(parseBytes('1048576'), 1048576);
  assert.equal(parseBytes('100B'), 100);
});

for (const text of ['', 'lots', '64XB', '-1mb', '0', '0mb', '1e40gb']) {
  test(`refuses '${text}' naming the flag`, () => {
    assert.throws(
      () => parseBytes(text, '--maxmemory'),
      (error: unknown) => error instanceof UsageError && error.where === '--maxmemory',
    );
  });
}

test('the spelling of the first unit typed is the one reports keep', () => {
  assert.equal(byteUnitStyleOf('64MiB,1GiB'), 'KiB');
  assert.equal(byteUnitStyleOf('1MB..1GB'), 'KB');
  assert.equal(byteUnitStyleOf('64mb'), 'kb');
  assert.equal(byteUnitStyleOf('64m'), 'k');
  assert.equal(byteUnitStyleOf('lru:64MB@0.05ms,redis-lru:1GB@1ms'), 'KB');
  assert.equal(byteUnitStyleOf('1048576'), undefined);
  assert.equal(byteUnitStyleOf('100B'), undefined);
});

test('a size typed in any spelling reads back as typed', () => {
  for (const typed of ['1MiB', '512MiB', '1GiB', '4KiB', '64MB', '1KB', '5GB', '100B', '250MB', '64mb', '512kb', '64m', '1g', '1.5GB']) {
    const style = byteUnitStyleOf(typed) ?? 'KiB';
    assert.equal(formatBytes(parseBytes(typed), style), typed, typed);
  }
  // Not a whole number of any unit: four significant digits in the same family.
  assert.equal(formatBytes(1536 * 1000, 'KB'), '1.465MB');
  assert.equal(formatBytes(1536 * 1000), '1.465MiB');
});

test('the ticks of a doubling sweep from 1MiB read 1MiB, 2MiB, ... 1GiB', () => {
  const labels = Array.from({ length: 11 }, (_, i) => formatBytes(2 ** (20 + i)));
  assert.deepEqual(labels, ['1MiB', '2MiB', '4MiB', '8MiB', '16MiB', '32MiB', '64MiB', '128MiB', '256MiB', '512MiB', '1GiB']);
});

test('Redis memory reads in redis.conf spelling', () => {
  assert.equal(formatRedisMemory(64 * 1024 * 1024), '64mb');
  assert.equal(formatRedisMemory(1536), '1.5kb');
  assert.equal(formatRedisMemory(100), '100b');
});
