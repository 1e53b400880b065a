// A person pastes what a real FreeBSD host printed (ifconfig -a, jls -n, and the jail's
// ifconfig -a and netstat -rn), reads the scenario and what could not be inferred, opens
// it, and steps the teardown; a damaged paste names its line and opens nothing; Undo
// brings the previous scenario back.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { watch, openApp } from './helpers';

const sample = readFileSync('tests/import/upstream-gif.txt', 'utf8');

test('import: paste a host with a vnet jail, read it, open it, undo', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const before = await page.getByTestId('script').inputValue();
  await page.getByTestId('import-button').click();
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('import-text')).toBeFocused();
  await page.getByTestId('import-text').fill(sample);
  const preview = page.getByTestId('import-preview');
  await expect(preview).toHaveValue(/jail -c name=j1 vnet persist/);
  await expect(preview).toHaveValue(/ifconfig epair0b vnet j1/);
  await expect(preview).toHaveValue(/jexec j1 ifconfig gif0 tunnel 192\.0\.2\.1 192\.0\.2\.2/);
  await expect(preview).toHaveValue(/jexec j1 route add -net 10\.1\.0\.0\/16 10\.0\.0\.2/);
  await expect(page.getByTestId('import-notes')).toContainText('vtnet0');
  await expect(page.getByTestId('import-errors')).toHaveCount(0);
  await page.getByTestId('import-open').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('script')).toHaveValue(/jexec j1 ifconfig gif0 tunnel/);
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/clean/i);
  await expect(page.getByTestId('obj-j1/gif0')).toBeVisible();
  await page.getByTestId('step-last').click();
  await expect(page.getByTestId('step-counter')).toHaveText(/^(\d+) \/ \1$/);

  await page.getByTestId('undo').click();
  await expect(page.getByTestId('script')).toHaveValue(before);
  w.check();
});

test('import: a uname -r line opens both lanes on the host\'s release', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await page.getByTestId('import-button').click();
  await page.getByTestId('import-text').fill(`# uname -r\n13.0-RELEASE-p14\n${sample}`);
  await expect(page.getByTestId('import-notes')).toContainText('FreeBSD 13.0');
  await page.getByTestId('import-open').click();
  await expect(page.getByTestId('lane-a-kernel')).toHaveValue('13.0');
  await expect(page.getByTestId('lane-b-kernel')).toHaveValue('13.0');
  // gif with an address in a jail, on 13.0: before D32835, ip_destroy panics.
  await expect(page.getByTestId('lane-a-outcome')).toHaveText('panic');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('lane-a-kernel')).toHaveValue('main');
  w.check();
});

test('import: a damaged line is named and nothing opens', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const before = await page.getByTestId('script').inputValue();
  await page.getByTestId('import-button').click();
  const bad = sample.replace('inet 10.0.0.1 --> 10.0.0.2 netmask 0xfffffffc', 'inet 10.0.0.999 --> 10.0.0.2 netmask 0xfffffffc');
  const line = bad.split('\n').findIndex((l) => l.includes('10.0.0.999')) + 1;
  await page.getByTestId('import-text').fill(bad);
  await expect(page.getByTestId('import-errors')).toContainText(`line ${line}:`);
  await expect(page.getByTestId('import-open')).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('import-dialog')).toHaveCount(0);
  await expect(page.getByTestId('script')).toHaveValue(before);
  w.check();
});

test('import: typing keeps the focus in the paste box', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('import-button').click();
  const box = page.getByTestId('import-text');
  await box.pressSequentially('# jls -n\njid=1 name=j9 persist vnet=new\n', { delay: 5 });
  await expect(box).toBeFocused();
  await expect(page.getByTestId('import-preview')).toHaveValue(/jail -c name=j9 vnet persist/);
});
