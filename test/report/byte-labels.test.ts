/** Byte sizes read back in the unit they were typed in: IEC stays IEC, SI stays SI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, parseBytes } from '../../src/units.js';

test('a size typed in IEC units is shown in them, one typed in SI in SI', () => {
  for (const typed of ['1MiB', '2MiB', '512MiB', '1GiB', '3GiB', '4KiB', '64MB', '1MB', '1KB', '5GB', '100B', '250MB']) {
    assert.equal(formatBytes(parseBytes(typed)), typed, typed);
  }
  // Neither a whole number of MiB nor of MB: SI, rounded to four digits.
  assert.equal(formatBytes(1536 * 1024), '1.573MB');
});

test('the ticks of a doubling sweep from 1MiB read 1MiB, 2MiB, ... 1GiB, not 1.049MB', () => {
  const labels = Array.from({ length: 11 }, (_, i) => formatBytes(2 ** (20 + i)));
  assert.deepEqual(labels, ['1MiB', '2MiB', '4MiB', '8MiB', '16MiB', '32MiB', '64MiB', '128MiB', '256MiB', '512MiB', '1GiB']);
});
