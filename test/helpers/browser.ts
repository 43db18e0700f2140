/**
 * A real headless browser for tests of the HTML report: Debian's chromium driven by
 * puppeteer-core (which downloads nothing), with a fresh profile each time and the flags
 * that keep it from reaching for the network. Tests skip only when chromium is not
 * installed; .ci/run installs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Why chromium cannot be used here, or undefined when it can. */
export function chromiumUnavailable(): string | undefined {
  const probe = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `${CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it`;
  return undefined;
}

/** Starts a browser for this test, closed (and its profile removed) when the test ends; undefined after t.skip without chromium. */
export async function startBrowser(t: TestContext): Promise<Browser | undefined> {
  const unavailable = chromiumUnavailable();
  if (unavailable) {
    t.skip(unavailable);
    return undefined;
  }
  const profile = mkdtempSync(join(tmpdir(), 'cachebench-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return browser;
}
