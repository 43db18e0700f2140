/** Property checks shared by policy tests: occupancy within capacity, consistent accounting, determinism. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { traceOf } from './trace.js';

/** Requests as (key, delete?) pairs; each key has one fixed size, derived from the key. */
const requests = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.nat(9)), { maxLength: 400, size: 'max' });

function sizeOf(key: number, bytes: boolean): number {
  return bytes ? 1 + ((key * 37) % 23) : 1;
}

/** Replays one request list, checking occupancy and accounting after each request; returns the hit sequence. */
function runChecked(
  spec: string,
  list: readonly (readonly [number, number])[],
  capacity: number,
  bytes: boolean,
  seed: number,
  times?: readonly number[],
): string {
  const trace = traceOf(list.map(([key]) => key));
  const policy = createPolicy(parsePolicySpec(spec), {
    capacity,
    unit: bytes ? 'bytes' : 'entries',
    keySpace: trace.keySpace,
    seed,
    trace,
  });
  const keyOf = trace.keyNames!.toArray().map(Number);
  let out = '';
  list.forEach(([key, roll], i) => {
    const id = trace.keys[i]!;
    const now = times?.[i] ?? i;
    // About one request in ten is an invalidation.
    if (roll === 0) out += policy.delete(id) ? 'D' : 'd';
    else out += policy.access(id, sizeOf(key, bytes), now) ? 'H' : 'M';
    assert.ok(policy.bytes <= capacity, `${spec}: ${policy.bytes} bytes resident over capacity ${capacity} after request ${i}`);
    let resident = 0;
    let residentBytes = 0;
    for (let k = 0; k < trace.keySpace; k++) {
      if (policy.has(k)) {
        resident++;
        residentBytes += sizeOf(keyOf[k]!, bytes);
      }
    }
    assert.equal(policy.size, resident, `${spec}: size after request ${i}`);
    assert.equal(policy.bytes, residentBytes, `${spec}: bytes after request ${i}`);
  });
  return out;
}

/**
 * Occupancy never exceeds capacity (entries and bytes), `size`/`bytes` agree with `has`, and
 * the same seed gives the same hit sequence.
 */
export function checkPolicyInvariants(spec: string, numRuns = 120): void {
  fc.assert(
    fc.property(
      requests,
      fc.integer({ min: 1, max: 40 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 1000 }),
      (list, capacity, bytes, seed) => {
        const cap = bytes ? capacity * 8 : capacity;
        // Times advance by up to a minute per request so that clocks and decay matter.
        const times = list.map((_, i) => i * 7);
        const first = runChecked(spec, list, cap, bytes, seed, times);
        const second = runChecked(spec, list, cap, bytes, seed, times);
        assert.equal(second, first, `${spec}: not deterministic for seed ${seed}`);
      },
    ),
    { numRuns },
  );
}
