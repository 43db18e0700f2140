import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/report/markdown.js';
import { hitRateSeries, mermaidHitRateChart, thinLabels } from '../../src/report/mermaid.js';
import type { RunResult } from '../../src/model/result.js';
import { sampleResult } from '../helpers/result.js';

/** The data a recommendation carries besides its pick (a curve whose best is 4 entries). */
const REC = {
  policy: 'lfu',
  ttl: null,
  bestInRange: { capacity: 4, hitRate: 13 / 24, meanLatencyMs: 2.39 },
  fastestInRange: { capacity: 4, hitRate: 13 / 24, meanLatencyMs: 2.39 },
  stillRising: false,
  memoryCostMs: null,
  totalCostMs: null,
  marginalGain: null,
} as const;

function sectionTitles(markdown: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith('#'));
}

test('the report has its sections in reading order, and leaves out the ones with nothing to say', () => {
  const plain = renderMarkdown(sampleResult());
  assert.deepEqual(sectionTitles(plain), [
    '# cachebench run: hot-and-scan.csv',
    '## Trace',
    '## Options',
    '## Results',
    '## Hit rate by size',
  ]);

  const full = renderMarkdown(
    {
      ...sampleResult(),
      recommendations: [
        {
          ...REC,
          criterion: 'tolerance',
          threshold: 0.01,
          capacity: 4,
          hitRate: 13 / 24,
          meanLatencyMs: 2.39,
          primary: true,
          bestPolicyAtSize: { policy: 'lfu', hitRate: 13 / 24 },
        },
        {
          ...REC,
          criterion: 'target-hit-rate',
          threshold: 0.9,
          capacity: null,
          hitRate: null,
          meanLatencyMs: null,
          primary: false,
          bestPolicyAtSize: null,
        },
      ],
      best: null,
    },
    { verdicts: [{ gate: 'lfu@4.hitRate>=0.5', actual: '54.17%', required: '>= 50.00%', ok: true }] },
  );
  assert.deepEqual(sectionTitles(full).slice(1), [
    '## Gates',
    '## Trace',
    '## Options',
    '## Results',
    '## Recommendations',
    '## Hit rate by size',
  ]);
  assert.match(
    full,
    /\n- \*\*`lfu`\*\* — 4 entries: the smallest size reaching the best hit rate in range, 54\.17% hit rate _\(near the best\)_\n {2}- target hit rate: ⚠️ no size in range reaches a 90\.00% hit rate \(best: 54\.17% at 4 entries\)\n/,
  );
  assert.doesNotMatch(full, /does better there/); // lfu is itself the best at its size
  assert.match(full, /\*\*Best choice:\*\* ⚠️ no policy meets the target at any size in range\./);
  assert.match(full, /✅ The gate passed\./);
});

test('the trace summary shows the counts of the trace, including sizes when present', () => {
  const markdown = renderMarkdown(sampleResult());
  // 24 requests over 8 keys; d, e, f, g, h... d appears twice, so e, f, g, h are one-hit wonders.
  assert.match(markdown, /- \*\*requests:\*\* 24\n/);
  assert.match(markdown, /- \*\*distinct keys:\*\* 8\n/);
  assert.match(markdown, /- \*\*one-hit wonders:\*\* 4 \(50\.0% of keys\)\n/);
  // The top 1% of 8 keys is one key: `a`, requested 8 times of 24.
  assert.match(markdown, /- \*\*top 1% of keys:\*\* 33\.3% of requests \(1 key\)\n/);
  assert.match(markdown, /- \*\*object sizes:\*\* 100B min, .* 2.93KiB max\n/);
  assert.match(markdown, /- \*\*time span:\*\* 23s\n/);
});

test('the best hit rate of each size is bold, and only that one', () => {
  const result = sampleResult();
  const markdown = renderMarkdown(result);
  const bold = markdown.split('\n').filter((line) => line.startsWith('| `') && line.includes('**'));
  const best = new Map<number, number>();
  for (const row of result.rows) best.set(row.capacity, Math.max(best.get(row.capacity) ?? 0, row.hitRate));
  const expected = result.rows.filter((row) => row.hitRate > 0 && row.hitRate === best.get(row.capacity));
  assert.equal(bold.length, expected.length);
  for (const row of expected) assert.ok(bold.some((line) => line.startsWith(`| \`${row.policy}\` | ${row.capacity} |`)));
});

test('a failing gate is marked and counted', () => {
  const markdown = renderMarkdown(sampleResult(), {
    verdicts: [
      { gate: 'lru@4.hitRate>=0.5', actual: '45.83%', required: '>= 50.00%', ok: false },
      { gate: 'lfu@4.hitRate>=0.5', actual: '54.17%', required: '>= 50.00%', ok: true },
    ],
  });
  assert.match(markdown, /❌ 1 of 2 gates failed\./);
  assert.match(markdown, /\| ❌ \| `lru@4\.hitRate>=0\.5` \| 45\.83% \| >= 50\.00% \|/);
});

test('a pipe in a policy name cannot break the table', () => {
  const base = sampleResult({ policies: ['lru'], capacities: [2] });
  const markdown = renderMarkdown({ ...base, rows: [{ ...base.rows[0]!, policy: 'a|b' }] });
  assert.match(markdown, /\| `a\\\|b` \| 2 \|/);
});

test('the chart has one line per policy, in percent, over the sizes as categories', () => {
  const result = sampleResult();
  const { sizes, series } = hitRateSeries(result);
  assert.deepEqual(sizes, [2, 3, 4]);
  assert.deepEqual(
    series.map((line) => line.label),
    ['lru', 'lfu', 'fifo'],
  );
  const chart = mermaidHitRateChart(result)!;
  assert.match(chart, /^```mermaid\n/);
  assert.match(chart, /\n {2}x-axis "maxsize \(entries\)" \["2", "3", "4"\]\n/);
  const lines = chart.split('\n').filter((line) => line.startsWith('  line ['));
  assert.equal(lines.length, 3);
  const lru = result.rows.filter((row) => row.policy === 'lru').map((row) => Number((row.hitRate * 100).toFixed(2)));
  assert.equal(lines[0], `  line [${lru.join(', ')}]`);
  assert.match(chart, /🟦 lru · 🟧 lfu · 🟩 fifo$/);
});

test('with several TTLs each policy x TTL is its own line; with one size there is no chart', () => {
  const withTtls: RunResult = sampleResult({ policies: ['lru'], ttls: [null, 5] });
  assert.deepEqual(
    hitRateSeries(withTtls).series.map((line) => line.label),
    ['lru ttl=off', 'lru ttl=5s'],
  );
  assert.equal(mermaidHitRateChart(sampleResult({ capacities: [3] })), null);
  assert.doesNotMatch(renderMarkdown(sampleResult({ capacities: [3] })), /mermaid/);
});

test('a long sweep shows a hit-rate table with sizes down the side, and folds the full table', () => {
  const result = sampleResult({ policies: ['lru', 'lfu'], capacities: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] });
  const markdown = renderMarkdown(result);
  assert.match(markdown, /## Results\n\n\| maxsize \| `lru` \| `lfu` \|\n\| --: \| --: \| --: \|\n\| 1 \| /);
  const lfu4 = result.rows.find((row) => row.policy === 'lfu' && row.capacity === 4)!;
  const lru4 = result.rows.find((row) => row.policy === 'lru' && row.capacity === 4)!;
  assert.ok(markdown.includes(`| 4 | ${(lru4.hitRate * 100).toFixed(2)}% | **${(lfu4.hitRate * 100).toFixed(2)}%** |`));
  assert.match(markdown, /<details><summary>All metrics \(26 rows\)<\/summary>\n\n\| policy \| maxsize \|/);
  assert.match(markdown, /\n<\/details>\n/);
});

test('sampled results say they are estimates before anything else', () => {
  const result: RunResult = {
    ...sampleResult(),
    sampling: {
      rate: 0.01,
      methods: ['shards'],
      estimates: true,
      sampledKeys: 20,
      totalKeys: 2000,
      sampledLookups: 250,
      expectedLookups: 240,
      skew: 250 / 240 - 1,
      skewed: false,
    },
  };
  const lines = renderMarkdown(result).split('\n');
  assert.equal(
    lines[4],
    '> ⚠️ **Estimates:** estimates from 20 of 2,000 keys (spatial sampling at rate 0.01); hit counts are scaled up by 1/100. Method: shards.',
  );
});

test('with many sizes the Mermaid x labels are thinned to distinct blanks, keeping the first and the last', () => {
  const labels = Array.from({ length: 24 }, (_, i) => `${2 ** i}KiB`);
  const thinned = thinLabels(labels);
  assert.equal(thinned.length, 24);
  assert.equal(thinned[0], '1KiB');
  assert.equal(thinned[23], labels[23]);
  const shown = thinned.filter((label) => !label.startsWith('\u200b'));
  assert.ok(shown.length >= 4 && shown.length <= 9, `${shown.length} labels shown`);
  // Every label is distinct and none is blank once trimmed: xychart keys its axis by them.
  assert.equal(new Set(thinned).size, 24);
  for (const label of thinned) assert.notEqual(label.trim(), '');
  // The shown labels are evenly spaced, with no two closer than the step.
  const at = thinned.flatMap((label, i) => (label.startsWith('\u200b') ? [] : [i]));
  const gaps = at.slice(1).map((i, k) => i - at[k]!);
  assert.ok(Math.min(...gaps) >= gaps[0]!, gaps.join(','));
  // Few sizes: all shown.
  assert.deepEqual(thinLabels(['16', '32', '64']), ['16', '32', '64']);
});

test('stale reads above 1% of gets are flagged in the notes, as slower-than-no-cache is', async () => {
  const { staleNote } = await import('../../src/report/columns.js');
  const base = sampleResult();
  const freshness = (rate: number) => ({ writePolicy: 'ttl-only', staleReads: Math.round(rate * 24), staleReadRate: rate });
  const stale = { ...base, rows: base.rows.map((row, i) => ({ ...row, freshness: freshness(i === 0 ? 0.58 : 0.005) })) };
  assert.equal(
    staleNote(stale),
    '1 configuration serves stale data to more than 1% of gets (up to 58.0%): a shorter TTL or another write policy would read fresher',
  );
  assert.match(renderMarkdown(stale), /⚠️ 1 configuration serves stale data/);
  assert.equal(staleNote(base), null);
});
