/** --maxmemory uses redis.conf's units, which differ from the rest of cachebench on purpose. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { formatRedisMemory, parseRedisMemory } from '../../src/redis/memory.js';

test('k/m/g are powers of 1000 and kb/mb/gb powers of 1024, as in redis.conf', () => {
  assert.equal(parseRedisMemory('64mb'), 64 * 1024 * 1024);
  assert.equal(parseRedisMemory('64MB'), 64 * 1024 * 1024);
  assert.equal(parseRedisMemory('64m'), 64_000_000);
  assert.equal(parseRedisMemory('512kb'), 512 * 1024);
  assert.equal(parseRedisMemory('1k'), 1000);
  assert.equal(parseRedisMemory('2gb'), 2 * 1024 ** 3);
  assert.equal(parseRedisMemory('1g'), 1e9);
  assert.equal(parseRedisMemory('1048576'), 1048576);
});

for (const text of ['', 'lots', '1.5mb', '64MiB', '-1mb', '0', '0mb']) {
  test(`refuses '${text}'`, () => {
    assert.throws(
      () => parseRedisMemory(text, '--maxmemory'),
      (error: unknown) => error instanceof UsageError && error.where === '--maxmemory',
    );
  });
}

test('formats in the same binary units', () => {
  assert.equal(formatRedisMemory(64 * 1024 * 1024), '64mb');
  assert.equal(formatRedisMemory(1536), '1.5kb');
  assert.equal(formatRedisMemory(100), '100b');
});
