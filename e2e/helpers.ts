// Shared helpers for the end-to-end tests: console and network watchdogs, screenshots.
import { Page, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';

/** Collects console errors and failed requests; call `check()` at the end of a test. */
export function watch(page: Page) {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return {
    problems,
    check() {
      expect(problems, problems.join('\n')).toEqual([]);
    },
  };
}

/** Saves a screenshot into the git-ignored e2e/screenshots/ folder. */
export async function shot(page: Page, name: string) {
  mkdirSync('e2e/screenshots', { recursive: true });
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: false });
}

/** Loads the app with clean storage and waits for the wasm to mount. */
export async function openApp(page: Page, path = '') {
  await page.goto(path || './');
  await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
}
