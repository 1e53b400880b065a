// A person asks "what if the jail's process is never reaped?": types a jail with a
// process, ticks the inspector's what-if, watches both lanes end stuck with the holder
// named, then unticks it and the jail dies cleanly again. Also: a gif loaned into a jail
// goes home at vnet_if_return and loses its tunnel (gif_reassign, upstream FreeBSD).
import { test, expect } from '@playwright/test';
import { watch, openApp, clearScenario } from './helpers';

test('the noreap what-if keeps the jail stuck, and unticking it frees the jail', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await clearScenario(page);
  await page.getByTestId('script').fill('jail -c name=build vnet persist\njexec build make -j4 &\njail -r build\n');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/clean/i);

  await page.getByTestId('obj-build').click();
  const box = page.getByTestId('inspector-noreap');
  await expect(box).not.toBeChecked();
  await box.check();
  await expect(page.getByTestId('script')).toHaveValue(/noreap build\njail -r build/);
  await expect(page.getByTestId('obj-build')).toContainText('no reap');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/stuck/i);
  await expect(page.getByTestId('lane-b-outcome')).toHaveText(/stuck/i);

  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('fault-banner-a')).toContainText('held by make');
  await expect(page.getByTestId('fault-banner-a')).toContainText('p_ucred->cr_prison');
  // The exit and the (missing) reap are their own steps: exit1 narrates the zombie.
  await page.getByTestId('step-first').click();
  let sawExit = false;
  for (let i = 0; i < 12 && !sawExit; i++) {
    await page.getByTestId('step-next').click();
    sawExit = (await page.getByTestId('narration-a').textContent())?.includes('exit1 takes it off') ?? false;
  }
  expect(sawExit).toBe(true);
  await expect(page.getByTestId('narration-a')).toContainText('never waits for it');

  await page.getByTestId('obj-build').click();
  await page.getByTestId('inspector-noreap').uncheck();
  await expect(page.getByTestId('script')).not.toHaveValue(/noreap/);
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/clean/i);
  w.check();
});

test('a loaned gif goes home without its tunnel: gif_reassign is upstream', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('preset-upstream-gif-loaned-in').click();
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/clean/i);
  let found = '';
  for (let i = 0; i < 12 && !found; i++) {
    await page.getByTestId('step-next').click();
    const t = (await page.getByTestId('narration-a').textContent()) ?? '';
    if (t.includes('gif_reassign')) found = t;
  }
  expect(found).toContain("gif_reassign deletes gif0's tunnel (gif_delete_tunnel)");
  // The badge says where the fact comes from.
  await expect(page.getByTestId('narration-a').locator('.prov-v[title*="if_gif.c"]')).toHaveCount(1);
  w.check();
});

test('an inferred step links to its section of the model guide', async ({ page, context }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('preset-zombie-keeps-jail').click();
  let link = page.getByTestId('narration-a').locator('a.prov-i');
  for (let i = 0; i < 12 && (await link.count()) === 0; i++) await page.getByTestId('step-next').click();
  await expect(link.first()).toHaveAttribute('href', /^model\.html#(reaping|noreap)$/);
  const [guide] = await Promise.all([context.waitForEvent('page'), link.first().click()]);
  await guide.waitForLoadState();
  const anchor = new URL(guide.url()).hash.slice(1);
  await expect(guide.locator(`#${anchor}`)).toBeVisible();
  await expect(guide.locator('h1')).toHaveText('The model guide');
  // The top bar's link opens the same guide.
  await expect(page.getByTestId('model-guide')).toHaveAttribute('href', 'model.html');
  w.check();
});
