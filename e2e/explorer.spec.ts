// The order explorer on the seed (issue 6): run it, see the grid, open
// vnet_gif_uninit × PROTO_DOMAIN/SECOND in lane B and see lane B turn clean.
import { test, expect } from '@playwright/test';
import { openApp, shot, watch } from './helpers';

test('explorer: run on the seed, click PROTO_DOMAIN/SECOND for gif, lane B turns clean', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('page fault');
  await page.getByTestId('explorer-tab').click();
  await page.getByTestId('explorer-run').click();
  const grid = page.getByTestId('explorer-grid');
  await expect(grid).toBeVisible({ timeout: 30_000 });
  const progress = page.getByTestId('explorer-progress');
  await expect(progress).toHaveAttribute('role', 'progressbar');
  const sims = Number(await grid.getAttribute('data-simulations'));
  expect(sims).toBeGreaterThan(1000);
  await expect(progress).toHaveAttribute('aria-valuenow', String(sims));

  const cell = page.getByTestId('explorer-cell-vnet_gif_uninit-PROTO_DOMAIN-SECOND');
  await expect(cell).toHaveAttribute('aria-label', /clean/);
  await expect(page.getByTestId('explorer-cell-vnet_gif_uninit-PROTO_DOMAIN-THIRD')).toHaveAttribute(
    'aria-label', /panic in ip_destroy/);
  await expect(page.getByTestId('explorer-cell-vnet_gif_uninit-PSEUDO-ANY')).toHaveAttribute(
    'aria-label', /page fault in rib_unsubscribe.*current slot/);
  await shot(page, 'explorer-grid');

  await cell.click();
  await expect(page.getByTestId('lane-b-outcome')).toHaveText('clean');
  await expect(page.getByTestId('lane-b-order')).toHaveValue('legacy');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('page fault');
  await expect(cell).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('lane-b-whatif')).toContainText('vnet_gif_uninit at PROTO_DOMAIN/SECOND');
  await shot(page, 'explorer-lane-b');

  // Keyboard: the tab toggle and the cells are reachable and work with Enter.
  const fault = page.getByTestId('explorer-cell-vnet_gif_uninit-PSEUDO-ANY');
  await fault.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lane-b-outcome')).toHaveText('page fault');
  await page.getByTestId('explorer-clear-b').click();
  await expect(page.getByTestId('lane-b-whatif')).toHaveCount(0);
  w.check();
});

test('explorer: cancel stops a run', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('explorer-tab').click();
  // Throttle the main thread so the run spans many frames.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
  await page.getByTestId('explorer-run').click();
  await page.getByTestId('explorer-cancel').click();
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await expect(page.getByTestId('explorer-status')).toContainText('Cancelled');
  await expect(page.getByTestId('explorer-cancel')).toHaveCount(0);
  await expect(page.getByTestId('explorer-grid')).toHaveCount(0);
  w.check();
});
