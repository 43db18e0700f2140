/** The --redis URL: what is accepted, what is refused at the CLI edge, and that passwords never print. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { parseRedisUrl } from '../../src/redis/url.js';

test('host, port and database come from the URL, with 6379 and db 0 as defaults', () => {
  assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6390/3'), {
    url: 'redis://127.0.0.1:6390/3',
    display: 'redis://127.0.0.1:6390/3',
    host: '127.0.0.1',
    port: 6390,
    db: 3,
    tls: false,
  });
  const plain = parseRedisUrl('redis://cache.internal');
  assert.equal(plain.port, 6379);
  assert.equal(plain.db, 0);
  assert.equal(parseRedisUrl('rediss://cache.internal:6380').tls, true);
  assert.equal(parseRedisUrl('redis://[::1]:7000').host, '::1');
});

test('the password is masked in everything that may be printed, but kept for the client', () => {
  const target = parseRedisUrl('redis://app:s3cret@10.0.0.5:6379/1');
  assert.equal(target.url, 'redis://app:s3cret@10.0.0.5:6379/1');
  assert.equal(target.display, 'redis://app:***@10.0.0.5:6379/1');
  assert.doesNotMatch(target.display, /s3cret/);
  assert.equal(parseRedisUrl('redis://:pw@h:1').display, 'redis://:***@h:1');
});

const bad: [string, RegExp][] = [
  ['127.0.0.1:6379', /is not a Redis URL/],
  ['localhost:6379', /scheme must be redis:\/\/ or rediss:\/\//],
  ['http://127.0.0.1:6379', /scheme must be redis:\/\//],
  ['redis//127.0.0.1', /is not a Redis URL/],
  ['redis://127.0.0.1:99999', /is not a Redis URL/],
  ['redis://127.0.0.1:0', /port 0 is not a usable port/],
  ['redis://127.0.0.1:6379/cache', /path must be a database number/],
  ['redis://127.0.0.1:6379/0?timeout=1', /query strings/],
];
for (const [text, message] of bad) {
  test(`refuses '${text}' as a usage error naming --redis`, () => {
    assert.throws(
      () => parseRedisUrl(text),
      (error: unknown) =>
        error instanceof UsageError && error.where === 'redis' && message.test(error.message) && !error.message.includes('\n'),
    );
  });
}

test('a refused URL with a password does not echo it', () => {
  assert.throws(
    () => parseRedisUrl('http://u:topsecret@h:1'),
    (error: Error) => !error.message.includes('topsecret'),
  );
});
