// Accessibility as a user's tools see it: axe-core (WCAG 2.0/2.1, levels A and AA) on the
// main screens, light and dark, held at zero violations. axe-core is injected from
// node_modules (pinned in package-lock.json); nothing is downloaded.
import { test, expect, Page } from '@playwright/test';
import { openApp, watch } from './helpers';

async function violations(page: Page, where: string) {
  await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  const found: { id: string; help: string; nodes: string[] }[] = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: any) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  });
  expect(found, `${where}:\n${found.map((v) => `${v.id}: ${v.help}: ${v.nodes.join(', ')}`).join('\n')}`).toEqual([]);
}

for (const theme of ['light', 'dark']) {
  test(`axe finds no WCAG A/AA violation on the main screens (${theme})`, async ({ page }) => {
    const w = watch(page);
    await openApp(page);
    if (theme === 'dark') {
      await page.getByTestId('theme-toggle').click();
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    }
    await violations(page, 'start');
    // rtables_destroy: more than fits at a readable size, so the edges count the rest.
    for (let i = 0; i < 14; i++) await page.getByTestId('step-next').click();
    await expect(page.locator('[data-testid^="beyond-a-"]:not([hidden])').first()).toBeVisible();
    await violations(page, 'a step whose objects do not all fit');
    for (let i = 14; i < 18; i++) await page.getByTestId('step-next').click();
    await expect(page.getByTestId('fault-banner-a')).toBeVisible();
    await violations(page, 'at the page fault');
    await page.getByTestId('obj-j1/gif0').click();
    await violations(page, 'inspector');
    await page.getByTestId('share-button').click();
    await violations(page, 'share dialog');
    await page.keyboard.press('Escape');
    await page.getByTestId('explorer-tab').click();
    await page.getByTestId('explorer-run').click();
    await expect(page.getByTestId('explorer-grid')).toBeVisible({ timeout: 30_000 });
    await violations(page, 'explorer');
    await page.getByTestId('preset-zombie-keeps-jail').click();
    await page.getByTestId('step-last').click();
    await expect(page.getByTestId('fault-banner-a')).toContainText(/stuck/i);
    await violations(page, 'a stuck jail');
    // The other drivers: the palette's "More drivers" open, a bridge's members and a
    // vlan's parent in the inspector.
    await page.getByTestId('explorer-tab').click(); // back to the builder
    await page.getByTestId('preset-bridge-returned-home').click();
    const unfold = page.getByTestId('builder-unfold');
    if (await unfold.isVisible()) await unfold.click();
    await page.getByTestId('palette-more').locator('summary').click();
    await violations(page, 'more drivers');
    await page.getByTestId('obj-j1/bridge0').click();
    await violations(page, 'bridge inspector');
    await page.getByTestId('preset-vlan-on-loaned-epair').click();
    await page.getByTestId('obj-j1/vlan5').click();
    await violations(page, 'vlan inspector');
    w.check();
  });
}

test('axe finds no violation on a damaged link and in embed mode', async ({ page }) => {
  await openApp(page, './#v1.AAAA%3D%3D');
  await expect(page.getByTestId('link-error')).toBeVisible();
  await violations(page, 'a damaged link');
  await page.getByTestId('link-error-dismiss').click();
  await page.getByTestId('share-button').click();
  const snippet = await page.getByTestId('share-embed').inputValue();
  const src = snippet.match(/src="([^"]+)"/)![1];
  await page.goto(src);
  await expect(page.getByTestId('player')).toBeVisible({ timeout: 30_000 });
  await violations(page, 'embed');
});

test('axe finds no violation in the model guide', async ({ page }) => {
  await page.goto('model.html#reaping');
  await expect(page.locator('h1')).toHaveText('The model guide');
  await expect(page.locator('#reaping')).toBeVisible();
  await violations(page, 'model guide');
});

test('axe finds no violation in the import dialog with a paste and its notes', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('import-button').click();
  const { readFileSync } = await import('node:fs');
  await page.getByTestId('import-text').fill(readFileSync('tests/import/upstream-gif.txt', 'utf8'));
  await expect(page.getByTestId('import-notes')).toBeVisible();
  await violations(page, 'import dialog');
  await page.getByTestId('import-text').fill('# jexec j1 ifconfig -a\ngif0: flags=8051<UP> metric 0 mtu 1280\n\tinet 10.0.0.999 netmask 0xffffff00\n');
  await expect(page.getByTestId('import-errors')).toBeVisible();
  await violations(page, 'import dialog with an error');
});
