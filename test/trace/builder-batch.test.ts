/**
 * TraceBuilder.pushBatch must build exactly what the same rows pushed one by one build,
 * including when a column first appears mid-way (earlier rows take the defaults).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TraceBuilder } from '../../src/trace/trace.js';

const row = fc.record({
  id: fc.integer({ min: 0, max: 9 }),
  size: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
  // Whole seconds too, which keep the time column a Uint32Array until a fraction arrives.
  time: fc.option(fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 100 })), { nil: undefined }),
  op: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  ttl: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
  cost: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

test('pushBatch equals one push per row, for any split into batches', () => {
  fc.assert(
    fc.property(
      fc.array(row, { maxLength: 80 }),
      fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 10 }),
      (rows, splits) => {
        const single = new TraceBuilder(4);
        for (const r of rows) single.push(r.id, r.size, r.time, r.op, r.ttl, r.cost);

        const batched = new TraceBuilder(4);
        let at = 0;
        for (let s = 0; at < rows.length; s++) {
          const part = rows.slice(at, at + splits[s % splits.length]!);
          at += part.length;
          // A column goes in a batch when some row of the batch gives it; the others take
          // the defaults push() would give them.
          const given = (pick: (r: (typeof rows)[number]) => number | undefined) => part.some((r) => pick(r) !== undefined);
          const column = <A extends Uint32Array | Float64Array | Uint8Array>(
            Type: { new (n: number): A },
            pick: (r: (typeof rows)[number]) => number | undefined,
            fallback: (i: number) => number,
          ): A => {
            const values = new Type(part.length);
            part.forEach((r, i) => (values[i] = pick(r) ?? fallback(at - part.length + i)));
            return values;
          };
          batched.pushBatch(
            part.length,
            Uint32Array.from(part, (r) => r.id),
            given((r) => r.size)
              ? column(
                  Uint32Array,
                  (r) => r.size,
                  () => 1,
                )
              : undefined,
            given((r) => r.time)
              ? column(
                  Float64Array,
                  (r) => r.time,
                  (i) => i,
                )
              : undefined,
            given((r) => r.op)
              ? column(
                  Uint8Array,
                  (r) => r.op,
                  () => 0,
                )
              : undefined,
            given((r) => r.ttl)
              ? column(
                  Float64Array,
                  (r) => r.ttl,
                  () => NaN,
                )
              : undefined,
            given((r) => r.cost)
              ? column(
                  Float64Array,
                  (r) => r.cost,
                  () => NaN,
                )
              : undefined,
          );
        }
        assert.deepEqual(batched.build('t', 10), single.build('t', 10));
      },
    ),
    { numRuns: 200, seed: 11 },
  );
});
