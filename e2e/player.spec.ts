// The player's keys, the `?` overlay, the script editor both ways, and the presets gallery.
import { test, expect } from '@playwright/test';
import { watch, openApp } from './helpers';

test('player keys: → ← Home End Space, and the ? overlay', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText('0 / 29');
  await page.locator('body').press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(counter).toHaveText('2 / 29');
  await page.keyboard.press('ArrowLeft');
  await expect(counter).toHaveText('1 / 29');
  await page.keyboard.press('End');
  await expect(counter).toHaveText('29 / 29');
  await page.keyboard.press('Home');
  await expect(counter).toHaveText('0 / 29');
  await page.getByTestId('speed').selectOption('3');
  await page.locator('body').press(' ');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'true');
  await expect(counter).not.toHaveText('0 / 29');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
  const paused = await counter.textContent();
  await page.waitForTimeout(500);
  await expect(counter).toHaveText(paused!);
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toBeVisible();
  await expect(page.getByTestId('shortcuts')).toContainText('play / pause');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts')).toHaveCount(0);
  w.check();
});

test('script: an edit updates the canvas; a syntax error shows at its line and keeps the scenario', async ({ page }) => {
  await openApp(page);
  const script = page.getByTestId('script');
  const text = await script.inputValue();
  await script.fill(text.replace('jail -r j1', 'jail -c name=j2 vnet persist\njail -r j1\njail -r j2'));
  await expect(page.getByTestId('obj-j2')).toBeVisible();
  await expect(page.getByTestId('script-error')).toHaveText('');

  await script.fill('jail -c name=j1 vnet persist\nifconfig gif0 frobnicate\njail -r j1');
  await expect(page.getByTestId('script-error')).toContainText('line 2');
  await expect(page.locator('.gutter .bad')).toHaveText('2');
  // The canvas keeps the last valid scenario.
  await expect(page.getByTestId('obj-j2')).toBeVisible();
  await expect(page.getByTestId('obj-j1/gif0')).toBeVisible();
});

test('presets: one click loads pre-d32835-gif and lane A panics', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('preset-pre-d32835-gif').click();
  await expect(page.getByTestId('preset-pre-d32835-gif')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('step-counter')).toHaveText(/^0 \/ \d+$/);
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/panic/i);
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('fault-banner-a')).toContainText(/panic/i);
});

test('a lane graph can be read at actual size and fitted back', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const graph = page.getByTestId('graph-a');
  const fitted = (await graph.boundingBox())!.width;
  await page.getByTestId('graph-zoom-a').click();
  await expect(page.getByTestId('graph-zoom-a')).toHaveAttribute('aria-pressed', 'true');
  const actual = (await graph.boundingBox())!.width;
  expect(actual).toBeGreaterThan(fitted * 1.5);
  await page.getByTestId('graph-zoom-a').click();
  await expect(page.getByTestId('graph-zoom-a')).toHaveAttribute('aria-pressed', 'false');
  expect((await graph.boundingBox())!.width).toBeCloseTo(fitted, 0);
  w.check();
});
