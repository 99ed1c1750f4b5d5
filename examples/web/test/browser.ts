import fs from 'node:fs';
import path from 'node:path';
import { selectBackend } from '@bomrl/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { serveStatic } from './static-server';

/** The system Chromium the browser tests drive (`CHROMIUM_PATH` overrides it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags this closed network needs: no background connections, no QUIC, no sandbox (root).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches headless Chromium with one page whose console errors, page errors and failed requests
 * (its workers' included) are collected into `errors`.
 */
export async function openBrowser(viewport: { width: number; height: number }): Promise<{
  browser: Browser;
  page: Page;
  errors: string[];
}> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  return { browser, page, errors };
}

/** Waits for the page to reach `selector`; fails at once, with the page's message, on an error. */
export async function waitFor(page: Page, selector: string, timeout = 120_000): Promise<void> {
  await page.waitForSelector(`${selector}, body[data-state="error"]`, { timeout });
  if ((await page.getAttribute('body', 'data-state')) === 'error') {
    throw new Error(`the page reports: ${await page.textContent('#status-text')}`);
  }
}

/** A number the page shows as `data-value` of `[data-testid=...]`. */
export async function pageValue(page: Page, testId: string): Promise<number> {
  const text = await page.getAttribute(`[data-testid="${testId}"]`, 'data-value');
  if (text === null) throw new Error(`the page shows no value for ${testId}`);
  return Number(text);
}

/** A built page of the example served on loopback, open in headless Chromium. */
export interface SiteSession {
  readonly page: Page;
  /** The served `dist/` folder's URL: a sub-path, so the build's relative URLs are exercised. */
  readonly siteUrl: string;
  /** Console errors, page errors and failed requests so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

/**
 * Checks the build and the browser are there, selects the cpu backend for the Node side of the
 * comparisons, empties `outDir` (screenshots), serves `exampleDir` and opens Chromium.
 */
export async function openSite(options: {
  readonly exampleDir: string;
  /** The built file the test opens, relative to dist/ (checked before anything starts). */
  readonly entry: string;
  readonly outDir: string;
  readonly viewport: { width: number; height: number };
}): Promise<SiteSession> {
  if (!fs.existsSync(path.join(options.exampleDir, 'dist', options.entry))) {
    throw new Error('examples/web/dist is missing: run `vite build` first (the test script does)');
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  await selectBackend('cpu');
  fs.rmSync(options.outDir, { recursive: true, force: true });
  fs.mkdirSync(options.outDir, { recursive: true });
  const server = await serveStatic(options.exampleDir);
  const { browser, page, errors } = await openBrowser(options.viewport);
  return {
    page,
    siteUrl: `${server.url}dist/`,
    errors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
