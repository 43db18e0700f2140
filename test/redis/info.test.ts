/** Parsing INFO replies: fields by name and keys per database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { info, keysPerDatabase } from '../../src/redis/replay.js';

test('INFO fields by name, skipping section headers and blank lines', () => {
  const fields = info(
    '# Stats\r\ntotal_connections_received:3\r\nkeyspace_hits:120\r\nkeyspace_misses:7\r\n\r\n# Memory\r\nused_memory:939280\r\n',
  );
  assert.equal(fields.get('keyspace_hits'), '120');
  assert.equal(fields.get('keyspace_misses'), '7');
  assert.equal(fields.get('used_memory'), '939280');
  assert.equal(fields.size, 4);
});

test('keys per database from INFO keyspace; an empty server has no db lines', () => {
  const counts = keysPerDatabase('# Keyspace\r\ndb0:keys=12,expires=3,avg_ttl=100\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n');
  assert.deepEqual(
    [...counts],
    [
      [0, 12],
      [5, 1],
    ],
  );
  assert.equal(keysPerDatabase('# Keyspace\r\n').size, 0);
});
