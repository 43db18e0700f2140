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
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

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

/** Opens a report file in a new page, collecting every console error or warning and page error into `problems`. */
export async function openReport(
  browser: Browser,
  path: string,
  viewport?: { width: number; height: number },
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  if (viewport !== undefined) await page.setViewport(viewport);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  return { page, problems };
}
