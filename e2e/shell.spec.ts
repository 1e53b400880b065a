// The app shell loads cleanly: no console errors, no failed requests, all three areas.
import { test, expect } from '@playwright/test';
import { watch, shot, openApp } from './helpers';

test('the app loads without console errors or failed requests', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await expect(page.locator('header')).toContainText('vnet-playground');
  await expect(page.getByTestId('canvas')).toBeVisible();
  await expect(page.getByTestId('player')).toBeVisible();
  await page.waitForLoadState('networkidle');
  await shot(page, 'shell');
  w.check();
});

test('the theme toggle is remembered across a reload', async ({ page }) => {
  await openApp(page);
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByTestId('theme-toggle').click();
  const after = await html.getAttribute('data-theme');
  expect(after).not.toEqual(before);
  await page.reload();
  await page.waitForSelector('[data-testid="app"]');
  await expect(html).toHaveAttribute('data-theme', after!);
});

test('while the app loads, the page shows its top bar in the stored theme, then the app takes its place', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('theme-toggle').click();
  const theme = await page.locator('html').getAttribute('data-theme');
  // The first load's requests (the favicon comes late) end before the reload.
  await page.waitForLoadState('networkidle');
  // Hold the wasm back, as a slow network would.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => { release = r; });
  await page.route(/\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.reload({ waitUntil: 'domcontentloaded' });
  const boot = page.locator('#boot');
  await expect(boot).toBeVisible();
  await expect(boot.locator('.topbar')).toContainText('vnet-playground');
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme!);
  await expect(page.getByTestId('app')).toHaveCount(0);
  release();
  await page.waitForSelector('[data-testid="app"]');
  await expect(boot).toHaveCount(0);
  await expect(page.locator('.topbar')).toHaveCount(1);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme!);
  w.check();
});
