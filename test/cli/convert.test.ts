/**
 * `cachebench convert TRACE --out FILE.cbt`: the binary trace streams to exactly what the
 * loaded trace gives, whatever the input's format or compression; bad input is a one-line
 * error (exit 2) that leaves no file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateTrace } from '../../src/trace/spec.js';
import { assertOneLineFailure, ROOT, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('convert');

test('convert writes the binary trace of any input, which streams to the loaded run', () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=2000,requests=50000,rate=100,seed=9');
  const text = 'key,time,size\n' + Array.from(trace.keys, (id, i) => `obj${id},${trace.times![i]},${10 + (id % 50)}`).join('\n') + '\n';
  const grid = ['-p', 'lru,s3-fifo', '-m', '50,500', '--ttl', 'off,30s', '--format', 'json', '--no-trace-cache'];
  const csv = files.write('trace.csv', text);
  const loaded = spawnCli('run', csv, ...grid);
  assert.equal(loaded.code, 0, loaded.stderr);
  for (const [name, content] of [
    ['trace.csv', text],
    ['trace.csv.gz', gzipSync(text)],
  ] as const) {
    const input = files.write(name, content);
    const out = join(files.dir, `${name}.cbt`);
    const converted = spawnCli('convert', input, '--out', out);
    assert.equal(converted.code, 0, converted.stderr);
    assert.match(converted.stderr, new RegExp(`wrote .*${name}\\.cbt: 50,000 requests over [\\d,]+ keys, binary`));
    const streamed = spawnCli('run', out, '--stream', ...grid);
    assert.equal(streamed.code, 0, streamed.stderr);
    // The same report, the trace named as the file it was converted from.
    const withoutSource = (json: string): unknown => ({
      ...(JSON.parse(json) as object),
      trace: { ...JSON.parse(json).trace, source: undefined },
    });
    assert.deepEqual(withoutSource(streamed.stdout), withoutSource(loaded.stdout), name);
    assert.equal(JSON.parse(streamed.stdout).trace.source, input);
  }
  // A format of the table, named: the fixture of Twitter's format.
  const twitter = join(files.dir, 'twitter.cbt');
  assert.equal(
    spawnCli('convert', join(ROOT, 'test', 'fixtures', 'formats', 'twitter.csv'), '--out', twitter, '--trace-format', 'twitter').code,
    0,
  );
  assert.ok(existsSync(twitter));
});

test('bad input, a missing folder or a binary trace given are one-line errors that leave nothing behind', () => {
  const rows = ['key,time,size'];
  for (let i = 0; i < 5000; i++) rows.push(i === 4000 ? `k${i},${i},big` : `k${i % 70},${i},10`);
  const bad = files.write('bad.csv', rows.join('\n') + '\n');
  const before = readdirSync(files.dir);
  assertOneLineFailure(
    spawnCli('convert', bad, '--out', join(files.dir, 'bad.cbt')),
    /bad\.csv:4002:3: column 3 \(size\): 'big' is not a whole number of bytes/,
  );
  assert.deepEqual(readdirSync(files.dir), before);
  assertOneLineFailure(
    spawnCli('convert', bad, '--out', join(files.dir, 'no', 'such', 'x.cbt')),
    /--out: cannot write .*x\.cbt: its folder does not exist/,
  );
  const cbt = join(files.dir, 'ok.cbt');
  writeFileSync(join(files.dir, 'ok.csv'), 'key\na\nb\na\n');
  assert.equal(spawnCli('convert', join(files.dir, 'ok.csv'), '--out', cbt).code, 0);
  assertOneLineFailure(spawnCli('convert', cbt, '--out', join(files.dir, 'again.cbt')), /convert: .*ok\.cbt is a binary trace already/);
  assertOneLineFailure(spawnCli('convert', join(files.dir, 'missing.csv'), '--out', join(files.dir, 'm.cbt')), /no such file/);
});
