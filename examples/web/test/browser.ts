import { type Browser, chromium, type Page } from 'playwright-core';

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
