import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, quoteField, renderCsv } from '../../src/report/csv.js';
import type { RunResult } from '../../src/model/result.js';
import { sampleResult } from '../helpers/result.js';

test('every result row becomes one CSV record whose fields read back to the row values', () => {
  const result = sampleResult();
  const records = parse<Record<string, string>>(renderCsv(result), { columns: true });
  assert.deepEqual(Object.keys(records[0]!), [...CSV_COLUMNS]);
  assert.equal(records.length, result.rows.length);
  result.rows.forEach((row, i) => {
    const record = records[i]!;
    assert.equal(record.policy, row.policy);
    assert.equal(record.ttl_s, '');
    assert.equal(Number(record.capacity), row.capacity);
    assert.equal(record.unit, 'entries');
    assert.equal(Number(record.hits), row.hits);
    assert.equal(Number(record.misses), row.misses);
    assert.ok(Math.abs(Number(record.hit_rate) - row.hitRate) < 1e-11);
    assert.ok(Math.abs(Number(record.latency_p99_ms) - row.latency.p99) < 1e-9);
    assert.equal(record.slower_than_no_cache, String(row.latency.slowerThanNoCache));
  });
});

test('fields with commas, quotes or line breaks are quoted as RFC 4180 says, and lines end in CRLF', () => {
  assert.equal(quoteField('lru'), 'lru');
  assert.equal(quoteField('s3-fifo:small=0.1,ghost=0.9'), '"s3-fifo:small=0.1,ghost=0.9"');
  assert.equal(quoteField('say "hi"'), '"say ""hi"""');
  assert.equal(quoteField('two\nlines'), '"two\nlines"');

  const base = sampleResult({ policies: ['lru'], capacities: [2] });
  const awkward: RunResult = { ...base, rows: [{ ...base.rows[0]!, policy: 'x,"y"', ttl: 60 }] };
  const text = renderCsv(awkward);
  assert.ok(text.endsWith('\r\n'));
  assert.equal(text.split('\r\n').length, 3); // header, one row, trailing empty piece
  assert.ok(text.split('\r\n')[1]!.startsWith('"x,""y""",60,2,entries,'));
  const [record] = parse<Record<string, string>>(text, { columns: true });
  assert.equal(record!.policy, 'x,"y"');
});

test('an infinite speed-up (zero latency with a cache) is an empty field, not "Infinity"', () => {
  const base = sampleResult({ policies: ['lru'], capacities: [2] });
  const row = base.rows[0]!;
  const infinite: RunResult = { ...base, rows: [{ ...row, latency: { ...row.latency, speedup: Infinity } }] };
  const [record] = parse<Record<string, string>>(renderCsv(infinite), { columns: true });
  assert.equal(record!.speedup, '');
});

test('time-aware columns appear only when the run used the feature, one set per tier', () => {
  const base = sampleResult({ policies: ['lru'], capacities: [2] });
  assert.doesNotMatch(renderCsv(base).split('\r\n')[0]!, /stale|origin|l1_/);
  const row = base.rows[0]!;
  const timed: RunResult = {
    ...base,
    options: { ...base.options, stampedes: ['coalesce'], tiers: ['lru:10@0.05ms', 'lru:100@1ms'] },
    rows: [
      {
        ...row,
        stampede: {
          mode: 'coalesce',
          originFetches: 7,
          peakConcurrentFetches: 3,
          coalescedWaits: 12,
          earlyRefreshes: 0,
          staleServes: 0,
          originWaits: { requests: 30, p50: 25, p90: 45, p99: 50, max: 50 },
        },
        tiers: [
          { policy: 'lru', capacity: 10, lookupMs: 0.05, lookups: 24, hits: 5, hitRate: 5 / 24, shareOfRequests: 5 / 24 },
          { policy: 'lru', capacity: 100, lookupMs: 1, lookups: 19, hits: 4, hitRate: 4 / 19, shareOfRequests: 4 / 24 },
        ],
      },
    ],
  };
  const [record] = parse<Record<string, string>>(renderCsv(timed), { columns: true });
  assert.equal(record!.origin_fetches, '7');
  assert.equal(record!.peak_concurrent_fetches, '3');
  assert.equal(record!.coalesced_waits, '12');
  assert.equal(record!.stampede, 'coalesce');
  assert.deepEqual(
    [record!.origin_waits, record!.origin_wait_p50_ms, record!.origin_wait_p90_ms, record!.origin_wait_p99_ms, record!.origin_wait_max_ms],
    ['30', '25', '45', '50', '50'],
  );
  assert.equal(record!.l1_hits, '5');
  assert.equal(record!.l2_lookups, '19');
  assert.equal(Number(record!.l2_hit_rate), Number((4 / 19).toPrecision(12)));
  assert.equal(record!.stale_reads, undefined); // no --write-policy
});
