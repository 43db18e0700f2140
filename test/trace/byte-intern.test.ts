/**
 * ByteKeyInterner must number keys exactly as KeyInterner does (first-seen order), through
 * table growth and hash collisions, since the two CSV readers use one each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteKeyInterner } from '../../src/trace/byte-intern.js';
import { KeyInterner } from '../../src/trace/intern.js';

test('same ids and names as KeyInterner on random key sequences', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: 0, max: 20000 }).map(String)), { maxLength: 3000 }),
      (keys) => {
        const reference = new KeyInterner();
        const bytes = new ByteKeyInterner();
        for (const key of keys) assert.equal(bytes.intern(key), reference.intern(key));
        assert.equal(bytes.size, reference.size);
        assert.deepEqual(bytes.keyNames().toArray(), reference.keyNames().toArray());
      },
    ),
    { numRuns: 40, seed: 3 },
  );
});

test('keys found from a larger buffer compare by their bytes only', () => {
  const table = new ByteKeyInterner();
  const buf = Buffer.from('abcabcab');
  assert.equal(table.find(buf, 0, 3), -1);
  assert.equal(table.add(buf, 0, 3), 0);
  assert.equal(table.find(buf, 3, 6), 0);
  assert.equal(table.find(buf, 6, 8), -1); // 'ab' is a prefix, not the key
  assert.equal(table.add(buf, 6, 8), 1);
  assert.equal(table.find(buf, 0, 0), -1); // the empty key is distinct too
  assert.equal(table.intern('ab'), 1);
  assert.deepEqual(table.keyNames().toArray(), ['abc', 'ab']);
});

test('many keys, short and longer than the 8 bytes kept in a slot, survive table growth', () => {
  const table = new ByteKeyInterner();
  const reference = new KeyInterner();
  // Long keys sharing their first 8 bytes differ only in the tail the arena holds.
  const keys = Array.from({ length: 30_000 }, (_, i) => (i % 2 === 0 ? String(i) : `shared-prefix-${i}`));
  for (const key of keys) assert.equal(table.intern(key), reference.intern(key));
  for (const key of keys.reverse()) assert.equal(table.intern(key), reference.intern(key));
  assert.equal(table.size, 30_000);
  assert.deepEqual(table.keyNames().toArray(), reference.keyNames().toArray());
});

test('bounds only reserve: keys beyond them still fit, and the names come back trimmed to their bytes', () => {
  for (const bounds of [
    { keys: 10, keyBytes: 20 },
    { keys: 1_000_000, keyBytes: 50_000_000 },
  ]) {
    const table = new ByteKeyInterner(bounds);
    const reference = new KeyInterner();
    const keys = Array.from({ length: 20_000 }, (_, i) => `key-${i % 7000}-${'x'.repeat(i % 13)}`);
    for (const key of keys) assert.equal(table.intern(key), reference.intern(key));
    const names = table.keyNames();
    assert.deepEqual(names.toArray(), reference.keyNames().toArray());
    const { bytes } = names.utf8();
    assert.equal(
      bytes.length,
      reference
        .keyNames()
        .toArray()
        .reduce((sum, name) => sum + Buffer.byteLength(name), 0),
    );
    // The reserve is not kept: the names' block is no bigger than their text.
    assert.ok(bytes.buffer.byteLength <= bytes.length * 1.34, `${bytes.buffer.byteLength} bytes held for ${bytes.length}`);
  }
});

test('decimal keys (their own table) and every other spelling of a number get the ids KeyInterner gives', () => {
  // Around the table's edges: leading zeros, 10 and 11 digits, 2^32 - 1 and 2^32, signs, exponents.
  const edges = [
    '0',
    '00',
    '007',
    '7',
    '4294967295',
    '4294967296',
    '9999999999',
    '1000000000',
    '99999999999',
    '-1',
    '+1',
    '1e3',
    '1.0',
    ' 1',
  ];
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.constantFrom(...edges),
          fc.integer({ min: 0, max: 0xffffffff }).map(String),
          fc.integer({ min: 0, max: 5000 }).map(String),
          fc.integer({ min: 0, max: 5000 }).map((n) => `0${n}`),
          fc.string({ maxLength: 3 }),
        ),
        { maxLength: 6000, size: 'max' },
      ),
      (keys) => {
        const reference = new KeyInterner();
        const bytes = new ByteKeyInterner();
        for (const key of keys) assert.equal(bytes.intern(key), reference.intern(key), key);
        assert.equal(bytes.size, reference.size);
        assert.deepEqual(bytes.keyNames().toArray(), reference.keyNames().toArray());
      },
    ),
    { numRuns: 30, seed: 11 },
  );
});

test('decimal keys through the numbers table growing, found again from a larger buffer', () => {
  const table = new ByteKeyInterner();
  const text = Array.from({ length: 20_000 }, (_, i) => String(i * 214_748 + (i % 3))).join(',');
  const buf = Buffer.from(text);
  const cells: [number, number][] = [];
  for (let start = 0, end = 0; start <= buf.length; start = end + 1) {
    end = buf.indexOf(44, start);
    if (end < 0) end = buf.length;
    cells.push([start, end]);
  }
  for (const [id, [start, end]] of cells.entries()) {
    assert.equal(table.find(buf, start, end), -1);
    assert.equal(table.add(buf, start, end), id);
  }
  for (const [id, [start, end]] of cells.entries()) assert.equal(table.find(buf, start, end), id);
  // The same digits with a leading zero are another key.
  const second = text.split(',')[1]!;
  assert.equal(table.intern(`0${second}`), cells.length);
  assert.equal(table.intern(second), 1);
  assert.deepEqual(table.keyNames().toArray(), [...text.split(','), `0${second}`]);
});
