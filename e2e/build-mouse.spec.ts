// A person with a mouse builds the seed-like scenario from nothing, by drag and drop and
// the inspector, then steps the teardown to the page fault in lane A (legacy) while lane B
// (vnet-shutdown) stays clean.
import { test, expect } from '@playwright/test';
import { watch, shot, openApp, centre, clearScenario, expectFaultInLaneA } from './helpers';

test('mouse: drag a jail and a gif, configure them, step to the fault', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await clearScenario(page);
  await expect(page.getByTestId('obj-j1')).toHaveCount(0);

  // Drag a vnet jail from the palette onto the canvas.
  const src = await centre(page, 'palette-jail');
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  await page.mouse.move(src.x, src.y);
  await page.mouse.down();
  await page.mouse.move(canvas.x + 140, canvas.y + 80, { steps: 8 });
  await page.mouse.up();
  const jail = page.getByTestId('obj-j1');
  await expect(jail).toBeVisible();
  await expect(page.getByTestId('script')).toHaveValue(/jail -c name=j1 vnet persist/);

  // Drag a gif from the palette into that jail.
  const gif = await centre(page, 'palette-gif');
  const jb = (await jail.boundingBox())!;
  await page.mouse.move(gif.x, gif.y);
  await page.mouse.down();
  await page.mouse.move(jb.x + jb.width / 2, jb.y + jb.height - 20, { steps: 8 });
  await page.mouse.up();
  const chip = page.getByTestId('obj-j1/gif0');
  await expect(chip).toBeVisible();
  await expect(page.getByTestId('script')).toHaveValue(/jexec j1 ifconfig gif0 create/);

  // Configure it in the inspector: tunnel endpoints, inner address, a route.
  await chip.click();
  await page.getByTestId('inspector-tunnel-src').fill('192.0.2.1');
  await page.getByTestId('inspector-tunnel-dst').fill('192.0.2.2');
  await page.getByTestId('inspector-tunnel-dst').press('Tab');
  await expect(page.getByTestId('script')).toHaveValue(/gif0 tunnel 192\.0\.2\.1 192\.0\.2\.2/);
  await page.getByTestId('inspector-addr').fill('10.0.0.1/30 10.0.0.2');
  await page.getByTestId('inspector-addr').press('Tab');
  await expect(page.getByTestId('script')).toHaveValue(/gif0 inet 10\.0\.0\.1\/30 10\.0\.0\.2/);
  await page.getByTestId('inspector-route-via').selectOption('lo0');
  await expect(page.getByTestId('script')).toHaveValue(/route add -host 192\.0\.2\.2(\/32)? -interface lo0/);

  // ROUTE_CACHE on.
  const rc = page.getByTestId('route-cache-toggle');
  await expect(rc).toHaveAttribute('aria-checked', 'false');
  await rc.click();
  await expect(rc).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('script')).toHaveValue(/^options ROUTE_CACHE/);
  await shot(page, 'builder');

  // Step through the teardown.
  await expect(page.getByTestId('step-counter')).toHaveText(/^0 \/ \d+$/);
  for (let i = 0; i < 6; i++) await page.getByTestId('step-next').click();
  await expect(page.getByTestId('step-counter')).toHaveText(/^6 \/ \d+$/);
  await expect(page.getByTestId('narration-a')).toContainText('Step 6');
  await shot(page, 'player-mid-teardown');
  await page.getByTestId('step-last').click();
  await expectFaultInLaneA(page);
  const banner = page.getByTestId('fault-banner-a');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('rib_unsubscribe');
  await expect(page.getByTestId('fault-banner-b')).toHaveCount(0);
  await shot(page, 'fault');
  w.check();
});
