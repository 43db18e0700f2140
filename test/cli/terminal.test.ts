/** Colour and progress follow the conventions: --color/--no-color, NO_COLOR, --no-progress, CI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { inCi, progressBar, setProgressEnabled } from '../../src/cli/progress.js';

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ out: string; code: number }> {
  let out = '';
  const code = await main(argv, {
    out: (text) => {
      out += text;
    },
    err: () => {},
    env,
  });
  return { out, code };
}

const ESCAPE = '\x1b[';

test('--color forces colour, --no-color (last wins) and NO_COLOR turn it off, anywhere on the line', async () => {
  assert.ok((await run(['policies', '--color'])).out.includes(ESCAPE));
  assert.ok((await run(['--color', 'policies'])).out.includes(ESCAPE), 'before the command too');
  assert.ok(!(await run(['policies', '--color', '--no-color'])).out.includes(ESCAPE));
  assert.ok(!(await run(['policies'], { NO_COLOR: '1' })).out.includes(ESCAPE));
  assert.ok((await run(['policies', '--color'], { NO_COLOR: '1' })).out.includes(ESCAPE), 'the flag wins over the variable');
  // Each run decides afresh: nothing leaks into the next one.
  assert.ok(!(await run(['policies'])).out.includes(ESCAPE));
});

/** A terminal of `columns` that records what is written to it. */
function fakeTerminal(columns: number): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = [];
  return {
    isTTY: true,
    columns,
    written,
    write: (text: string) => {
      written.push(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream & { written: string[] };
}

test('the progress line erases what was there, fits the width, and is off with --no-progress or in CI', () => {
  const saved = process.env['CI'];
  delete process.env['CI'];
  try {
    for (const columns of [50, 80, 200]) {
      const terminal = fakeTerminal(columns);
      const bar = progressBar('replaying', terminal);
      bar.update(500, 1000);
      bar.update(1000, 1000);
      bar.done();
      assert.ok(terminal.written.length >= 2, `${columns} columns: drew`);
      for (const line of terminal.written.slice(0, -1)) {
        assert.ok(line.startsWith('\r\x1b[2K'), 'erases the line first');
        assert.ok(line.length - '\r\x1b[2K'.length < columns, `${columns} columns: fits (${line.length})`);
      }
      assert.equal(terminal.written.at(-1), '\r\x1b[2K', 'done clears it');
    }
    setProgressEnabled(false);
    const off = fakeTerminal(80);
    progressBar('replaying', off).update(1, 2);
    assert.deepEqual(off.written, []);
  } finally {
    setProgressEnabled(true);
    if (saved !== undefined) process.env['CI'] = saved;
  }
  assert.equal(inCi({ CI: 'true' }), true);
  assert.equal(inCi({ CI: '1' }), true);
  assert.equal(inCi({ CI: 'false' }), false);
  assert.equal(inCi({}), false);
});

test('the run table fits the terminal, leaving out the least needed columns first; --wide and pipes get all', async () => {
  const argv = [
    'run',
    'zipf:alpha=0.9,keys=2000,requests=20000,rate=100,size=1KB',
    '-p',
    'lru,s3-fifo',
    '-m',
    '64,1e3',
    '--ttl',
    'off,60s',
  ];
  const capture = async (extra: string[], columns?: number): Promise<string> => {
    let out = '';
    await main([...argv, ...extra], {
      out: (text) => {
        out += text;
      },
      err: () => {},
      ...(columns !== undefined && { columns }),
    });
    return out;
  };
  const full = await capture([]);
  const fullWidth = Math.max(
    ...full
      .split('\n')
      .filter((line) => line.startsWith('│'))
      .map((line) => line.length),
  );
  assert.ok(fullWidth > 100, `the whole table is wide (${fullWidth})`);
  for (const columns of [80, 100]) {
    const fitted = await capture([], columns);
    const table = fitted.split('\n').filter((line) => /^[│┌└├]/.test(line));
    assert.ok(
      table.every((line) => line.length <= columns),
      `${columns} columns: ${Math.max(...table.map((l) => l.length))}`,
    );
    for (const essential of ['policy', 'ttl', 'maxsize', 'hit rate', 'mean latency', 'speed-up'])
      assert.ok(table[1]!.includes(essential), essential);
    assert.match(fitted, new RegExp(`left out to fit ${columns} columns: .*capacity.* \\(--wide shows all\\)`));
  }
  assert.equal(await capture(['--wide'], 80), full);
});

test('the trace line of the run table breaks between phrases to fit the terminal, never inside one', async () => {
  const { fitPhrases } = await import('../../src/report/table.js');
  const phrases = ['100,000 requests', '9,285 distinct keys', '16.1% one-hit wonders', 'top 1% of keys get 40.4% of requests'];
  const lines = fitPhrases('zipf:alpha=0.9: ', phrases, 64);
  assert.deepEqual(lines, [
    'zipf:alpha=0.9: 100,000 requests, 9,285 distinct keys,',
    '  16.1% one-hit wonders, top 1% of keys get 40.4% of requests',
  ]);
  assert.ok(lines.every((line) => line.length <= 64));
  assert.equal(fitPhrases('zipf:alpha=0.9: ', phrases, 60).length, 3);
  assert.deepEqual(fitPhrases('t: ', phrases, undefined), [`t: ${phrases.join(', ')}`]);
});

test('synthetic generation reports its progress in requests, ending at the total', async () => {
  const { generateTrace } = await import('../../src/trace/spec.js');
  const reports: [number, number][] = [];
  generateTrace('zipf:alpha=0.9,keys=1000,requests=600000', (done, total) => reports.push([done, total]));
  assert.deepEqual(
    reports.map(([done]) => done),
    [262144, 524288, 600000],
  );
  assert.ok(reports.every(([, total]) => total === 600000));
});

/** Runs the CLI as on a terminal `columns` wide (no colour), returning stdout. */
async function atWidth(argv: string[], columns?: number): Promise<string> {
  let out = '';
  await main(argv, {
    out: (text) => {
      out += text;
    },
    err: () => {},
    env: { NO_COLOR: '1' },
    ...(columns !== undefined && { columns }),
  });
  return out;
}

const MANY_CURVES = [
  'sweep',
  'zipf:alpha=0.9,keys=2000,requests=20000,rate=100',
  '-p',
  'lru,lfu,fifo,arc,s3-fifo,w-tinylfu,clock,sieve',
  '-m',
  '16..2048',
  '--ttl',
  'off,60s',
  '--no-progress',
];

test('a sweep too wide for the terminal is folded into stacked tables; every line of the report fits', async () => {
  const wide = await atWidth(MANY_CURVES);
  for (const columns of [60, 80]) {
    const out = await atWidth(MANY_CURVES, columns);
    const lines = out.split('\n');
    const longest = Math.max(...lines.map((line) => [...line].length));
    assert.ok(longest <= columns, `${columns} columns: a line of ${longest}`);
    // Stacked tables, each led by the sizes, together holding every curve once, in order.
    const heads = lines.filter((line) => line.startsWith('│ maxsize'));
    assert.ok(heads.length > 1, `${heads.length} tables`);
    const curves = heads.flatMap((head) =>
      head
        .split('│')
        .slice(2, -1)
        .map((cell) => cell.trim()),
    );
    assert.deepEqual(curves.slice(0, 3), ['lru ttl=off', 'lru ttl=1m', 'lfu ttl=off']);
    assert.equal(curves.length, 16);
    // The same numbers as the unfolded table: lru at 2,048 entries, with no TTL.
    const row = (text: string): string =>
      text
        .split('\n')
        .find((line) => line.startsWith('│ 2,048'))!
        .split('│')[2]!
        .trim();
    assert.equal(row(out), row(wide));
  }
  // Without a terminal (a pipe) nothing is folded.
  assert.equal(wide.split('\n').filter((line) => line.startsWith('│ maxsize')).length, 1);
});

test('a long run grid at a terminal reads as curves; --wide keeps a row per configuration', async () => {
  const argv = ['run', 'zipf:alpha=0.9,keys=2000,requests=20000', '-p', 'lru,lfu,fifo', '-m', '8,16,32,64,128,256,512,1024,2048'];
  const fitted = await atWidth(argv, 80);
  assert.match(fitted, /│ maxsize │ +lru │ +lfu │ +fifo │/);
  assert.match(fitted, /--wide shows every metric per row/);
  const wide = await atWidth([...argv, '--wide'], 80);
  assert.equal(wide.split('\n').filter((line) => /^│ (lru|lfu|fifo) /.test(line)).length, 27);
});

test('wrapped words keep their order, fit the width and indent continuation lines', async () => {
  const { wrapWords } = await import('../../src/report/table.js');
  const text = '  lru ttl=off   2,048 entries: the smallest size reaching the best hit rate in range';
  const lines = wrapWords(text, 40, 17);
  assert.ok(
    lines.every((line) => line.length <= 40),
    lines.join('\n'),
  );
  assert.ok(lines.slice(1).every((line) => line.startsWith(' '.repeat(17)) && line[17] !== ' '));
  assert.equal(lines.map((line) => line.trim()).join(' '), text.trim().replace(/ {3}/, '   '));
  assert.ok(lines[0]!.startsWith('  lru ttl=off   2,048'));
  assert.deepEqual(wrapWords(text, undefined, 4), [text]);
});

test('--interval adds hit rate over time: one sparkline per row on one scale, fitting the terminal', async () => {
  const argv = ['run', 'zipf:alpha=0.9,keys=2000,requests=40000,rate=100', '-p', 'lru,lfu', '-m', '64,512', '--interval', '20s'];
  const out = await atWidth(argv, 70);
  const lines = out.split('\n');
  const at = lines.findIndex((line) => line.startsWith('hit rate over time (every 20s;'));
  assert.ok(at > 0, out);
  const sparks = lines.slice(at + 1, at + 5);
  assert.deepEqual(
    sparks.map((line) => line.split(/\s+/)[0]),
    ['lru', 'lru', 'lfu', 'lfu'],
  );
  for (const line of sparks) {
    assert.match(line, /@(64|512) +[▁▂▃▄▅▆▇█]+ \d+\.\d\d% → \d+\.\d\d%$/);
    assert.ok([...line].length <= 70, line);
  }
  // About 400 s of trace in 20 s intervals: a bar per interval.
  const json = JSON.parse(await atWidth([...argv, '-f', 'json'])) as { rows: { intervals: unknown[] }[] };
  assert.ok(json.rows[0]!.intervals.length >= 20);
  assert.equal(/[▁▂▃▄▅▆▇█]+/.exec(sparks[0]!)![0].length, json.rows[0]!.intervals.length);
  // Without --interval there is none.
  assert.doesNotMatch(await atWidth(argv.slice(0, -2), 70), /hit rate over time/);
});
