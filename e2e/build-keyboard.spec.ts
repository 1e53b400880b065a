// The same scenario with the keyboard only: no mouse event is sent. Focus moves with Tab
// (or lands where a person's Tab would, via focus() on the start of a group).
import { test, expect } from '@playwright/test';
import { watch, openApp, expectFaultInLaneA } from './helpers';

test('keyboard: add a jail and a gif from the palette, configure, step to the fault', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const script = page.getByTestId('script');
  await script.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await expect(script).toHaveValue('');

  // Palette items are buttons: Enter adds into the selected jail (or the host).
  await page.getByTestId('palette-jail').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('obj-j1')).toBeVisible();
  await page.keyboard.press('Tab'); // jail (no vnet)
  await page.keyboard.press('Tab'); // epair
  await page.keyboard.press('Tab'); // gif
  await expect(page.getByTestId('palette-gif')).toBeFocused();
  await page.keyboard.press('Enter');
  const chip = page.getByTestId('obj-j1/gif0');
  await expect(chip).toBeVisible();

  // Enter on the object opens it in the inspector.
  await chip.focus();
  await page.keyboard.press('ArrowRight'); // arrows move the object, not the player
  await expect(page.getByTestId('step-counter')).toHaveText(/^0 \//);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector-name')).toBeFocused();
  await page.keyboard.press('Tab'); // "Lives in"
  await page.keyboard.press('Tab'); // tunnel source
  await expect(page.getByTestId('inspector-tunnel-src')).toBeFocused();
  await page.keyboard.type('192.0.2.1');
  await page.keyboard.press('Tab');
  await page.keyboard.type('192.0.2.2');
  await page.keyboard.press('Tab');
  await expect(script).toHaveValue(/gif0 tunnel 192\.0\.2\.1 192\.0\.2\.2/);
  await expect(page.getByTestId('inspector-addr')).toBeFocused();
  await page.keyboard.type('10.0.0.1/30 10.0.0.2');
  await page.keyboard.press('Tab');
  await expect(script).toHaveValue(/gif0 inet 10\.0\.0\.1\/30 10\.0\.0\.2/);
  await page.getByTestId('inspector-route-via').focus();
  await page.keyboard.press('ArrowDown');
  await expect(script).toHaveValue(/route add -host 192\.0\.2\.2(\/32)? -interface lo0/);

  // ROUTE_CACHE with Space on the switch.
  const rc = page.getByTestId('route-cache-toggle');
  await rc.focus();
  await page.keyboard.press('Space');
  await expect(rc).toHaveAttribute('aria-checked', 'true');

  // Player: Enter on Next, then End from outside any field.
  await page.getByTestId('step-next').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-counter')).toHaveText(/^2 \//);
  await page.keyboard.press('End');
  await expectFaultInLaneA(page);
  await expect(page.getByTestId('fault-banner-a')).toContainText('rib_unsubscribe');
  await expect(page.getByTestId('fault-banner-b')).toHaveCount(0);
  w.check();
});

test('keyboard: Delete removes the focused object', async ({ page }) => {
  await openApp(page);
  const j = page.getByTestId('obj-j1');
  await j.focus();
  await page.keyboard.press('Delete');
  await expect(j).toHaveCount(0);
  await expect(page.getByTestId('script')).not.toHaveValue(/name=j1/);
});
