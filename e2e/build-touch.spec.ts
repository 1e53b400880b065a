// The same scenario with touch: drags are PointerEvents with pointerType "touch"
// (decisions §34); taps use page.touchscreen.
import { test, expect } from '@playwright/test';
import { watch, openApp, centre, touchDrag, expectFaultInLaneA } from './helpers';

test.use({ hasTouch: true });

test('touch: drag a jail and a gif, configure, step to the fault', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('script').fill('');

  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  await touchDrag(page, await centre(page, 'palette-jail'), { x: canvas.x + 140, y: canvas.y + 80 });
  const jail = page.getByTestId('obj-j1');
  await expect(jail).toBeVisible();

  const jb = (await jail.boundingBox())!;
  await touchDrag(page, await centre(page, 'palette-gif'), { x: jb.x + jb.width / 2, y: jb.y + jb.height - 20 });
  const chip = page.getByTestId('obj-j1/gif0');
  await expect(chip).toBeVisible();

  // A tap selects it.
  const c = await centre(page, 'obj-j1/gif0');
  await page.touchscreen.tap(c.x, c.y);
  await expect(page.getByTestId('inspector')).toContainText('gif0 in j1');
  await page.getByTestId('inspector-tunnel-src').fill('192.0.2.1');
  await page.getByTestId('inspector-tunnel-dst').fill('192.0.2.2');
  await page.getByTestId('inspector-tunnel-dst').blur();
  await page.getByTestId('inspector-addr').fill('10.0.0.1/30 10.0.0.2');
  await page.getByTestId('inspector-addr').blur();
  await page.getByTestId('inspector-route-via').selectOption('lo0');
  await expect(page.getByTestId('script')).toHaveValue(/route add -host 192\.0\.2\.2(\/32)? -interface lo0/);

  const rc = await centre(page, 'route-cache-toggle');
  await page.touchscreen.tap(rc.x, rc.y);
  await expect(page.getByTestId('route-cache-toggle')).toHaveAttribute('aria-checked', 'true');

  const last = await centre(page, 'step-last');
  await page.touchscreen.tap(last.x, last.y);
  await expectFaultInLaneA(page);
  await expect(page.getByTestId('fault-banner-a')).toContainText('rib_unsubscribe');
  w.check();
});

test('touch: drag an object to another place in the host moves it', async ({ page }) => {
  await openApp(page);
  const j = page.getByTestId('obj-j1');
  const before = (await j.boundingBox())!;
  const from = { x: before.x + 30, y: before.y + 12 };
  await touchDrag(page, from, { x: from.x + 60, y: from.y + 40 });
  await expect.poll(async () => (await j.boundingBox())!.x).toBeGreaterThan(before.x + 30);
});
