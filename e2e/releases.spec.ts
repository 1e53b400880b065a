// Kernel releases (issue 14): a lane runs a FreeBSD release; presets open on theirs; the
// explorer shows the scenario across releases; links carry the kernels; old v1 links
// open on main.
import { test, expect } from '@playwright/test';
import { openApp, shot, watch } from './helpers';

test('a lane on FreeBSD 13.0: the seed panics in ip_destroy instead of faulting, and undo brings main back', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await expect(page.getByTestId('lane-a-kernel')).toHaveValue('main');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('page fault');
  await page.getByTestId('lane-a-kernel').selectOption('13.0');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('panic');
  await expect(page.getByTestId('lane-b-kernel')).toHaveValue('main');
  await expect(page.getByTestId('lane-b-outcome')).toHaveText('clean');
  // Step 0 says where each lane is going, and goes there in one click.
  await expect(page.getByTestId('stepcard-a')).toContainText('on FreeBSD 13.0');
  await expect(page.getByTestId('stepcard-a')).toContainText('It ends in a panic at step 14');
  await expect(page.getByTestId('stepcard-b')).toContainText('It ends clean');
  await page.getByTestId('jump-fault-a').click();
  await expect(page.getByTestId('step-counter')).toHaveText(/^14 \/ /);
  await expect(page.getByTestId('fault-banner-a')).toContainText('ip_destroy');
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('fault-banner-a')).toContainText('ip_destroy');
  // gif's step names 13.0's slot and the review that moved it.
  await expect(page.getByTestId('narration-a')).toBeVisible();
  await shot(page, 'release-13.0-seed');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('lane-a-kernel')).toHaveValue('main');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('page fault');
  w.check();
});

test('a preset opens on its release, and a link carries both lanes\' kernels', async ({ page, browser }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('preset-pre-d32835-gif').click();
  await expect(page.getByTestId('lane-a-kernel')).toHaveValue('13.0');
  await expect(page.getByTestId('lane-b-kernel')).toHaveValue('13.0');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('panic');
  await page.getByTestId('lane-b-kernel').selectOption('13.x');
  await page.getByTestId('lane-b-order').selectOption('legacy');
  await expect(page.getByTestId('lane-b-outcome')).toHaveText('clean');
  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/#v2\.[A-Za-z0-9_-]+$/);
  const fresh = await (await browser.newContext()).newPage();
  await openApp(fresh, link.replace(/^http:\/\/127\.0\.0\.1:\d+\//, './'));
  await expect(fresh.getByTestId('lane-a-kernel')).toHaveValue('13.0');
  await expect(fresh.getByTestId('lane-b-kernel')).toHaveValue('13.x');
  await expect(fresh.getByTestId('lane-b-order')).toHaveValue('legacy');
  await expect(fresh.getByTestId('lane-a-outcome')).toHaveText('panic');
  await expect(fresh.getByTestId('lane-b-outcome')).toHaveText('clean');
  w.check();
});

test('an old v1 link opens on main', async ({ page }) => {
  const w = watch(page);
  // The seed's golden v1 link (tests/golden_links.txt), written before lanes had kernels.
  await openApp(page, './#v1.HYvBCcAwDANPMqQkEOizr-4_RkerHMPZloRYIBXmCnPInsWH9WDvxkf2yuyiG6_6uOIvwc2RI2_C8AM');
  await expect(page.getByTestId('lane-a-kernel')).toHaveValue('main');
  await expect(page.getByTestId('lane-b-kernel')).toHaveValue('main');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('page fault');
  w.check();
});

test('the explorer runs the D47991 preset across releases and opens 14.3 in lane B', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('preset-vlan-on-lagg-removal-deadlock').click();
  await expect(page.getByTestId('lane-a-kernel')).toHaveValue('14.x');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('stuck');
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('fault-banner-a')).toContainText('taskqueue_drain');
  await page.getByTestId('explorer-tab').click();
  await page.getByTestId('explorer-run').click();
  const table = page.getByTestId('explorer-releases');
  await expect(table).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('explorer-release-14.x-legacy')).toHaveAttribute('aria-label', /stuck in taskqueue_drain/);
  await expect(page.getByTestId('explorer-release-13.0-legacy')).toHaveAttribute('aria-label', /stuck/);
  await expect(page.getByTestId('explorer-release-14.3-legacy')).toHaveAttribute('aria-label', /clean/);
  await expect(page.getByTestId('explorer-first-safe')).toContainText('first safe from FreeBSD 14.3');
  await table.scrollIntoViewIfNeeded();
  await shot(page, 'explorer-releases');
  // Keyboard: the cell is a button.
  await page.getByTestId('explorer-release-14.3-legacy').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lane-b-kernel')).toHaveValue('14.3');
  await expect(page.getByTestId('lane-b-order')).toHaveValue('legacy');
  await expect(page.getByTestId('lane-b-outcome')).toHaveText('clean');
  w.check();
});
