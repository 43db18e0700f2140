/**
 * KeyNames holds names either as strings or as one block of UTF-8 bytes with offsets; both
 * forms must give the same names, and the binary layout (bytes + per-name lengths) must
 * describe them exactly, whichever form it is taken from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyNames } from '../../src/trace/key-names.js';

function asUtf8(names: readonly string[]): KeyNames {
  const encoded = names.map((name) => Buffer.from(name, 'utf8'));
  const offsets = new Uint32Array(names.length + 1);
  encoded.forEach((bytes, id) => (offsets[id + 1] = offsets[id]! + bytes.length));
  return KeyNames.fromUtf8(Buffer.concat(encoded), offsets, names.length);
}

/** As a binary trace gives them: the bytes and each name's length, offsets made on first use. */
function asUtf8Lengths(names: readonly string[]): KeyNames {
  const encoded = names.map((name) => Buffer.from(name, 'utf8'));
  return KeyNames.fromUtf8Lengths(
    Buffer.concat(encoded),
    Uint32Array.from(encoded, (bytes) => bytes.length),
    names.length,
  );
}

test('names kept as UTF-8 bytes read back as the strings they encode, in every form', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { maxLength: 50 }), (names) => {
      // byteLengths() first on one table of lengths, before any name is asked for.
      const lengthsFirst = asUtf8Lengths(names);
      assert.deepEqual(
        [...lengthsFirst.byteLengths()],
        names.map((name) => Buffer.byteLength(name, 'utf8')),
      );
      for (const table of [KeyNames.fromStrings(names), asUtf8(names), asUtf8Lengths(names), lengthsFirst]) {
        assert.equal(table.length, names.length);
        assert.deepEqual(table.toArray(), names);
        assert.deepEqual([...table], names);
        const { bytes, lengths } = table.utf8();
        assert.equal(Buffer.from(bytes).toString('utf8'), names.join(''));
        assert.deepEqual(
          [...lengths],
          names.map((name) => Buffer.byteLength(name, 'utf8')),
        );
      }
    }),
    { numRuns: 100, seed: 11 },
  );
});

test('a name is decoded from bytes that start anywhere in a larger buffer', () => {
  const block = Buffer.from('xxabcdé', 'utf8').subarray(2);
  const table = KeyNames.fromUtf8(block, Uint32Array.of(0, 3, 3, 6), 3);
  assert.deepEqual(table.toArray(), ['abc', '', 'dé']);
  assert.equal(table.get(2), table.get(2));
});

test('asking for a key that does not exist is an error, not undefined', () => {
  const table = KeyNames.fromStrings(['a']);
  assert.throws(() => table.get(1), /no key 1 \(there are 1\)/);
  assert.throws(() => table.get(-1), RangeError);
  assert.throws(() => KeyNames.fromUtf8(new Uint8Array(1), new Uint32Array(1), 1), /need 2 offsets/);
});
