// The drivers beyond the first palette row, as a person builds with them: a vlan on an
// epair end and a bridge with a member, from "More drivers" and the inspector; and a
// preset whose legacy teardown faults in a driver other than gif.
import { test, expect } from '@playwright/test';
import { watch, openApp, clearScenario } from './helpers';

test('more drivers: a vlan on an epair end and a bridge member, built with clicks', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await clearScenario(page);
  const script = page.getByTestId('script');

  await page.getByTestId('palette-jail').click();
  await expect(page.getByTestId('obj-j1')).toBeVisible();
  await page.getByTestId('palette-epair').click();
  await expect(page.getByTestId('obj-j1/epair0a')).toBeVisible();

  // The vlan sits behind "More drivers" and picks the jail's first epair end as parent.
  await page.getByTestId('palette-more').locator('summary').click();
  await page.getByTestId('palette-vlan').click();
  await expect(script).toHaveValue(/jexec j1 ifconfig vlan0 create vlan 1 vlandev epair0a/);
  await page.getByTestId('obj-j1/vlan0').click();
  const tag = page.getByTestId('inspector-vlan-tag');
  await tag.fill('42');
  await tag.press('Tab');
  await expect(script).toHaveValue(/vlan0 create vlan 42 vlandev epair0a/);

  // A bridge gets the other end as a member from the inspector's select.
  await page.getByTestId('palette-bridge').click();
  await expect(page.getByTestId('obj-j1/bridge0')).toBeVisible();
  await page.getByTestId('obj-j1/bridge0').click();
  await page.getByTestId('inspector-add-member').selectOption('epair0b');
  await expect(script).toHaveValue(/jexec j1 ifconfig bridge0 addm epair0b/);
  await expect(page.getByTestId('inspector-members')).toContainText('epair0b');
  await expect(page.locator('.wire.member')).toHaveCount(1);
  await expect(page.locator('.wire.vlan')).toHaveCount(1);

  // The teardown: vnet_bridge_uninit's destroy takes the member out first; both lanes
  // end clean.
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/clean/i);
  await expect(page.getByTestId('lane-b-outcome')).toHaveText(/clean/i);

  // Removing the member from the inspector deletes its addm line.
  await page.getByTestId('obj-j1/bridge0').click();
  await page.getByRole('button', { name: 'deletem epair0b' }).click();
  await expect(script).not.toHaveValue(/addm/);
  w.check();
});

test('the me preset: legacy writes into freed hash tables, vnet_shutdown does not', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('preset-me-tunnel-in-jail').click();
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/page fault/i);
  await expect(page.getByTestId('lane-b-outcome')).toHaveText(/clean/i);
  await expect(page.getByTestId('fault-banner-a')).toContainText('me_delete_tunnel');
  // A write into freed memory, not a page fault: the banner says so.
  await expect(page.getByTestId('fault-banner-a')).toContainText(/Use after free at step/);
  await expect(page.getByTestId('narration-a')).toContainText('V_me_hashtbl');
  w.check();
});

test('the pf switch loads pf: kifs hold the interfaces until vnet_pf_uninit', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const pf = page.getByTestId('pf-toggle');
  await pf.click();
  await expect(pf).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('script')).toHaveValue(/^options ROUTE_CACHE\nkldload pf\n/);
  // Step until lane A reaches pf's destructor; the seed still faults later in gif.
  for (let i = 0; i < 40; i++) {
    if ((await page.getByTestId('narration-a').textContent())?.includes('pfi_cleanup_vnet')) break;
    await page.getByTestId('step-next').click();
  }
  await expect(page.getByTestId('narration-a')).toContainText('V_pf_vnet_active');
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/page fault/i);
  const unfold = page.getByTestId('builder-unfold');
  if (await unfold.isVisible()) await unfold.click();
  await pf.click();
  await expect(page.getByTestId('script')).not.toHaveValue(/kldload/);
  w.check();
});

test('what-if: a kernel without wg_prison_remove leaves the jail stuck, held by wg0', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('preset-wg-in-jail').click();
  await page.getByTestId('obj-j1/wg0').click();
  await page.getByTestId('inspector-without-wg_prison_remove').check();
  await expect(page.getByTestId('script')).toHaveValue(/^without wg_prison_remove\n/);
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/stuck/i);
  await expect(page.getByTestId('fault-banner-a')).toContainText('wg0');
  w.check();
});
