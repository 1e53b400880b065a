// Sharing and keeping work safe (issue 5): share links in a fresh browser, autosave
// across reloads, undo/redo over 20 edits, mangled links, snapshots, embed mode, exports.
import { test, expect, Page } from '@playwright/test';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { watch, shot, openApp } from './helpers';

/** Replaces the script text (one SetScript edit). */
async function setScript(page: Page, text: string) {
  await page.getByTestId('script').fill(text);
}

async function stepTo(page: Page, k: number) {
  const first = page.getByTestId('step-first');
  if (await first.isEnabled()) await first.click();
  for (let i = 0; i < k; i++) await page.getByTestId('step-next').click();
  await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${k} / `));
}

/** Opens the share dialog and returns the link it shows. */
async function shareLink(page: Page): Promise<string> {
  await page.getByTestId('share-button').click();
  await expect(page.getByTestId('share-dialog')).toBeVisible();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*#v2\.[A-Za-z0-9_-]+$/);
  return link;
}

/** Waits until the debounced address bar has caught up with the work. */
async function settled(page: Page) {
  await page.waitForTimeout(400);
}

test('a shared link opens the same scenario, lanes and step in a fresh browser', async ({ page, browser, context }) => {
  const w = watch(page);
  await openApp(page);
  const seed = await page.getByTestId('script').inputValue();
  await setScript(page, `# shared from the e2e test\n${seed}`);
  await page.getByTestId('lane-b-order').selectOption('prison-cleanup');
  await stepTo(page, 4);
  const script = await page.getByTestId('script').inputValue();
  const counter = await page.getByTestId('step-counter').textContent();

  const link = await shareLink(page);
  await expect(page.getByTestId('share-at-step')).toBeChecked();
  const length = await page.getByTestId('share-length').textContent();
  expect(length).toContain(`${link.length} characters`);
  await expect(page.getByTestId('share-warning')).toHaveCount(0);
  const mail = await page.getByTestId('share-mail').inputValue();
  const lines = mail.split('\n');
  expect(lines[0]).toBe(`<${link}>`);
  expect(mail).toContain('# shared from the e2e test');
  const traceLines = lines.slice(lines.findIndex((l) => l.startsWith('Lane A:')));
  for (const l of traceLines) expect(l.length, l).toBeLessThanOrEqual(72);
  expect(mail).toContain('vnet-trace: kernel main, order legacy');
  expect(mail).toContain('vnet-trace: kernel main, order prison-cleanup');
  // The answer to "does 14.2 have this?": the scenario on every release.
  expect(mail).toContain('Across releases');
  expect(mail).toMatch(/\n  14\.x +page fault/);
  const embed = await page.getByTestId('share-embed').inputValue();
  expect(embed).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/.*#v2\.[A-Za-z0-9_-]+" /);

  // The clipboard gets exactly the link.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-status')).toHaveText('Copied the link.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await shot(page, 'share-dialog');

  // Without "Open at this step" the link opens at step 0.
  await page.getByTestId('share-at-step').uncheck();
  const atZero = await page.getByTestId('share-link').inputValue();
  expect(atZero).not.toBe(link);

  const fresh = await browser.newContext();
  const p2 = await fresh.newPage();
  const w2 = watch(p2);
  await p2.goto(link);
  await p2.waitForSelector('[data-testid="app"]');
  await expect(p2.getByTestId('script')).toHaveValue(script);
  await expect(p2.getByTestId('step-counter')).toHaveText(counter!);
  await expect(p2.getByTestId('lane-a-order')).toHaveValue('legacy');
  await expect(p2.getByTestId('lane-b-order')).toHaveValue('prison-cleanup');
  await expect(p2.getByTestId('snapshots-button')).toHaveText('Snapshots (0)');
  await p2.goto(atZero);
  await expect(p2.getByTestId('step-counter')).toHaveText(/^0 \//);
  w2.check();
  await fresh.close();
  w.check();
});

test('a reload keeps the work: scenario, lanes and step', async ({ page }) => {
  await openApp(page);
  const seed = await page.getByTestId('script').inputValue();
  await setScript(page, `# kept across reloads\n${seed}`);
  await page.getByTestId('lane-a-order').selectOption('vnet-shutdown');
  await stepTo(page, 3);
  const script = await page.getByTestId('script').inputValue();
  await settled(page);
  await page.reload();
  await page.waitForSelector('[data-testid="app"]');
  await expect(page.getByTestId('script')).toHaveValue(script);
  await expect(page.getByTestId('step-counter')).toHaveText(/^3 \//);
  await expect(page.getByTestId('lane-a-order')).toHaveValue('vnet-shutdown');

  // A reload right after an edit (before the address bar caught up) keeps it too.
  await setScript(page, `# edited just before the reload\n${script}`);
  await page.waitForTimeout(150); // inside the 250 ms the address bar waits
  await page.reload();
  await page.waitForSelector('[data-testid="app"]');
  await expect(page.getByTestId('script')).toHaveValue(/# edited just before the reload/);
  await expect(page.getByTestId('link-error')).toHaveCount(0);
  await expect(page.getByTestId('snapshots-button')).toHaveText('Snapshots (0)');
});

test('undo and redo across 20 edits; stepping is not an edit', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('undo')).toBeDisabled();
  await page.getByTestId('step-next').click();
  await page.getByTestId('step-next').click();
  await expect(page.getByTestId('undo')).toBeDisabled();
  const seed = await page.getByTestId('script').inputValue();
  let text = seed;
  for (let k = 1; k <= 20; k++) {
    text = `# edit ${k}\n${text}`;
    await setScript(page, text);
    await expect(page.getByTestId('script')).toHaveValue(text);
  }
  for (let k = 20; k >= 1; k--) {
    await expect(page.getByTestId('script')).toHaveValue(new RegExp(`# edit ${k}\\n`));
    await page.getByTestId('undo').click();
    await expect(page.getByTestId('script')).not.toHaveValue(new RegExp(`# edit ${k}\\n`));
  }
  await expect(page.getByTestId('script')).toHaveValue(seed);
  await expect(page.getByTestId('undo')).toBeDisabled();
  for (let k = 1; k <= 20; k++) {
    await page.getByTestId('redo').click();
    await expect(page.getByTestId('script')).toHaveValue(new RegExp(`# edit ${k}\\n`));
  }
  await expect(page.getByTestId('redo')).toBeDisabled();
  // The keyboard: Ctrl+Z and Ctrl+Shift+Z outside text fields; a lane change is an edit.
  await page.getByTestId('lane-b-order').selectOption('prison-cleanup');
  await page.getByTestId('step-counter').click();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('lane-b-order')).toHaveValue('vnet-shutdown');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('lane-b-order')).toHaveValue('prison-cleanup');
  await page.keyboard.press('Meta+z');
  await expect(page.getByTestId('lane-b-order')).toHaveValue('vnet-shutdown');
});

test('a mangled link explains what went wrong and leaves the work intact', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const seed = await page.getByTestId('script').inputValue();
  await setScript(page, `# my own work\n${seed}`);
  await stepTo(page, 2);
  const mine = await page.getByTestId('script').inputValue();
  const link = await shareLink(page);
  await page.getByTestId('share-close').click();
  await settled(page);
  const [base, frag] = link.split('#');
  const cases: [string, RegExp][] = [
    [frag.slice(0, frag.length - 25), /cut short/],
    [frag.slice(0, 40) + '=3D' + frag.slice(40), /quoted-printable/],
    ['v7.' + frag.slice(3), /newer version/],
    ['hello', /not a vnet-playground link/],
  ];
  for (const [bad, why] of cases) {
    await page.goto(`${base}#${bad}`);
    await expect(page.getByTestId('link-error')).toBeVisible();
    await expect(page.getByTestId('link-error-message')).toHaveText(why);
    await expect(page.getByTestId('link-error-message')).toContainText('Your work was not changed');
    await expect(page.getByTestId('script')).toHaveValue(mine);
    await expect(page.getByTestId('step-counter')).toHaveText(/^2 \//);
    await page.getByTestId('link-error-dismiss').click();
    await expect(page.getByTestId('link-error')).toHaveCount(0);
  }
  // A bad link at start-up (a new tab): the same, with the work from the autosave.
  const tab = await page.context().newPage();
  await tab.goto(`${base}#${frag.slice(0, 30)}`);
  await tab.waitForSelector('[data-testid="app"]');
  await expect(tab.getByTestId('link-error')).toBeVisible();
  await expect(tab.getByTestId('link-error-message')).toHaveText(/cut short/);
  await shot(tab, 'bad-link');
  await expect(tab.getByTestId('script')).toHaveValue(mine);
  await tab.close();
  // Line breaks a mail client added (and `<…>`) are repaired: the link opens.
  const wrapped = encodeURIComponent('<' + frag.slice(0, 50) + '\n' + frag.slice(50) + '>');
  await page.goto(`${base}#${wrapped}`);
  await expect(page.getByTestId('link-error')).toHaveCount(0);
  await expect(page.getByTestId('script')).toHaveValue(mine);
  w.check();
});

test('opening a link keeps the local work as a snapshot that can be reopened', async ({ page, browser }) => {
  await openApp(page);
  // Someone else's link: the upstream-gif preset, from a fresh browser.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto('./');
  await p2.waitForSelector('[data-testid="app"]');
  await p2.getByTestId('preset-upstream-gif').click();
  const theirs = await p2.getByTestId('script').inputValue();
  const link = await shareLink(p2);
  await other.close();

  const seed = await page.getByTestId('script').inputValue();
  await setScript(page, `# my work, not shared yet\n${seed}`);
  const mine = await page.getByTestId('script').inputValue();
  await settled(page);
  await page.goto(link);
  await expect(page.getByTestId('script')).toHaveValue(theirs);
  await expect(page.getByTestId('snapshots-button')).toHaveText('Snapshots (1)');
  await page.getByTestId('snapshots-button').click();
  await expect(page.getByTestId('snapshot-open-0')).toHaveText('Your work before opening a link, 1');
  await page.getByTestId('snapshot-open-0').click();
  await expect(page.getByTestId('script')).toHaveValue(mine);
  // Undo also goes back to the link's scenario.
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('script')).toHaveValue(theirs);
});

test('embed mode renders the player without the editing chrome', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await stepTo(page, 5);
  await shareLink(page);
  const snippet = await page.getByTestId('share-embed').inputValue();
  const src = snippet.match(/src="([^"]+)"/)![1];
  await page.setContent(`<!doctype html><link rel="icon" href="data:,"><body style="margin:0">${snippet}</body>`);
  const frame = page.frameLocator('iframe');
  await expect(frame.getByTestId('player')).toBeVisible({ timeout: 30_000 });
  await expect(frame.getByTestId('step-counter')).toHaveText(/^5 \//);
  await expect(frame.getByTestId('palette-jail')).toHaveCount(0);
  await expect(frame.getByTestId('script')).toHaveCount(0);
  await expect(frame.getByTestId('inspector')).toHaveCount(0);
  await expect(frame.getByTestId('share-button')).toHaveCount(0);
  await expect(frame.getByTestId('undo')).toHaveCount(0);
  const full = await frame.getByTestId('open-full').getAttribute('href');
  expect(full).toMatch(/#v2\./);
  expect(full).not.toBe(src);
  await shot(page, 'embed');
  // The full app opens from that link, editable, at the same step.
  const tab = await page.context().newPage();
  await tab.goto(full!);
  await tab.waitForSelector('[data-testid="app"]');
  await expect(tab.getByTestId('script')).toBeVisible();
  await expect(tab.getByTestId('step-counter')).toHaveText(/^5 \//);
  w.check();
});

test('exports: SVG parses and holds the objects; PNG, text, Markdown, JSON, script', async ({ page }) => {
  await openApp(page);
  await stepTo(page, 3);
  const grab = async (id: string) => {
    await page.getByTestId('export-button').click();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    return { name: dl.suggestedFilename(), body: readFileSync((await dl.path())!) };
  };
  const svg = await grab('export-svg');
  expect(svg.name).toMatch(/\.svg$/);
  const text = svg.body.toString('utf8');
  const parsed = await page.evaluate((t) => {
    const d = new DOMParser().parseFromString(t, 'image/svg+xml');
    return {
      ok: d.getElementsByTagName('parsererror').length === 0,
      root: d.documentElement.nodeName,
      style: d.documentElement.querySelector('style')?.textContent?.length ?? 0,
      texts: Array.from(d.getElementsByTagName('text')).map((e) => e.textContent),
    };
  }, text);
  expect(parsed.ok).toBe(true);
  expect(parsed.root).toBe('svg');
  expect(parsed.style).toBeGreaterThan(100);
  expect(parsed.texts.join(' ')).toContain('gif0');
  expect(parsed.texts.join(' ')).toMatch(/rib/);
  expect(text).not.toContain('var(--');

  const png = await grab('export-png');
  expect(png.name).toMatch(/\.png$/);
  expect(png.body.subarray(1, 4).toString()).toBe('PNG');
  expect(png.body.length).toBeGreaterThan(5000);
  mkdirSync('e2e/screenshots', { recursive: true });
  writeFileSync('e2e/screenshots/export.png', png.body);
  writeFileSync('e2e/screenshots/export.svg', svg.body);

  const txt = await grab('export-text');
  expect(txt.body.toString()).toContain('vnet-trace: kernel main, order legacy');
  for (const l of txt.body.toString().split('\n')) expect(l.length).toBeLessThanOrEqual(72);
  const md = await grab('export-markdown');
  expect(md.body.toString()).toContain('| # | stage |');
  const json = JSON.parse((await grab('export-json')).body.toString());
  expect(json.lanes).toHaveLength(2);
  expect(json.lanes[0].outcome).toBe('page_fault');
  const vnet = await grab('export-script');
  expect(vnet.name).toMatch(/\.vnet$/);
  expect(vnet.body.toString()).toBe(await page.getByTestId('script').inputValue());

  // Reproducers for a real FreeBSD host: the same files `vnet-trace export` writes.
  const sh = await grab('export-sh');
  expect(sh.name).toBe('vnet-seed-gif-route-cache.sh');
  expect(sh.body.toString()).toMatch(/^#!\/bin\/sh\n/);
  expect(sh.body.toString()).toContain('epair0=$(ifconfig epair create)');
  expect(sh.body.toString()).toContain('legacy: page fault (rib_unsubscribe');
  expect(sh.body.toString()).toContain('# options ROUTE_CACHE');
  const atf = await grab('export-atf');
  expect(atf.body.toString()).toContain('atf_test_case "vnet_seed_gif_route_cache" "cleanup"');
  expect(atf.body.toString()).toContain('. $(atf_get_srcdir)/../common/vnet.subr');
  const conf = await grab('export-jail-conf');
  expect(conf.name).toMatch(/\.jail\.conf$/);
  expect(conf.body.toString()).toMatch(/^j1 \{/m);
  expect(conf.body.toString()).toContain('vnet;');
});

test('the address bar follows the work; back and forward reopen earlier links', async ({ page }) => {
  await openApp(page);
  await settled(page);
  const first = page.url();
  expect(first).toMatch(/#v2\.[A-Za-z0-9_-]+$/);
  await stepTo(page, 2);
  await settled(page);
  expect(page.url()).not.toBe(first);
  const atTwo = page.url();
  // Another link pasted into the address bar (a history entry), then back and forward.
  await page.getByTestId('preset-upstream-gif').click();
  const theirs = await shareLink(page);
  await page.getByTestId('share-close').click();
  await page.getByTestId('preset-seed-gif-route-cache').click();
  await stepTo(page, 2);
  await settled(page);
  expect(page.url()).toBe(atTwo);
  const seedScript = await page.getByTestId('script').inputValue();
  await page.goto(theirs);
  await expect(page.getByTestId('preset-upstream-gif')).toHaveAttribute('aria-current', 'true');
  await page.goBack();
  await expect(page.getByTestId('script')).toHaveValue(seedScript);
  await expect(page.getByTestId('step-counter')).toHaveText(/^2 \//);
  await page.goForward();
  await expect(page.getByTestId('preset-upstream-gif')).toHaveAttribute('aria-current', 'true');
});

// A link opened just as the app's debounced address-bar write fires: the browser changes
// the URL, the app's write puts its own fragment back, then the hashchange event arrives.
// The reader's link must still win, so the app reads the event's new URL, not the bar.
test('a link opened while the address bar is being written still wins', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  await stepTo(page, 4);
  await settled(page);
  const own = page.url();
  const link = await shareLink(page);
  await page.getByTestId('share-at-step').uncheck();
  const atZero = await page.getByTestId('share-link').inputValue();
  await page.keyboard.press('Escape');
  expect(atZero.split('#')[1]).not.toBe(own.split('#')[1]);
  expect(link).toBe(own);
  // The state right after the race: the bar still shows the app's own fragment.
  await page.evaluate(({ own, to }) => {
    window.dispatchEvent(new HashChangeEvent('hashchange', { oldURL: own, newURL: to }));
  }, { own, to: atZero });
  await expect(page.getByTestId('step-counter')).toHaveText(/^0 \//);
  w.check();
});
