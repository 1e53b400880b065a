// The player's keys, the `?` overlay, the script editor both ways, and the presets gallery.
import { test, expect } from '@playwright/test';
import { watch, openApp } from './helpers';
import { readFileSync } from 'node:fs';

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

test('a lane graph opens at a readable scale, shows the whole graph, and follows again', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const graph = page.getByTestId('graph-a');
  const scale = () => graph.evaluate((g) => g.getBoundingClientRect().width / (g as SVGSVGElement).viewBox.baseVal.width);
  await expect.poll(scale).toBeGreaterThanOrEqual(0.99);
  const readable = await scale();
  await page.getByTestId('graph-zoom-a').click();
  await expect(page.getByTestId('graph-zoom-a')).toHaveAttribute('aria-pressed', 'true');
  // The whole drawing fits the frame.
  await expect.poll(async () => {
    const f = (await page.getByTestId('graph-frame-a').locator('.graph-wrap').boundingBox())!;
    const g = (await graph.boundingBox())!;
    return g.width <= f.width + 1 && g.height <= f.height + 1;
  }).toBe(true);
  expect(await scale()).toBeLessThan(readable);
  await page.getByTestId('graph-zoom-a').click();
  await expect(page.getByTestId('graph-zoom-a')).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(scale).toBeCloseTo(readable, 2);
  w.check();
});

test('a big graph is drawn windowed, follows the teardown, draws more on scroll, and can be fitted', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  // 36 vnet jails with an epair end, a gif and a gre each: well over 300 graph objects.
  const l: string[] = [];
  for (let i = 1; i <= 36; i++) {
    l.push(`jail -c name=j${i} vnet persist`, `ifconfig epair${i} create`, `ifconfig epair${i}b vnet j${i}`,
      `jexec j${i} ifconfig gif0 create`, `jexec j${i} ifconfig gif0 tunnel 192.0.2.1 192.0.2.2`, `jexec j${i} ifconfig gre0 create`);
  }
  for (let i = 1; i <= 36; i++) l.push(`jail -r j${i}`);
  await page.getByTestId('script').fill(l.join('\n') + '\n');
  await expect(page.getByTestId('obj-j36/gre0')).toBeVisible({ timeout: 30_000 });
  const graph = page.getByTestId('graph-a');
  await expect(graph).toHaveAttribute('data-drawn', 'window');
  await expect(page.getByTestId('graph-zoom-a')).toHaveAttribute('aria-pressed', 'false');
  const drawn = () => graph.locator('.node').count();
  const first = await drawn();
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThan(150);
  // The view starts at the folded host's box, where every jail's reference to the host
  // ends: only those whose other end is in the window are drawn, not a fan of them all.
  expect(await graph.locator('.edge').count()).toBeLessThan(first * 3);

  // A cycle per jail: six sentences are listed, and the rest wait behind "Show all".
  const cycles = page.getByTestId('cycles-a').locator('li:not(.cycles-more)');
  const more = page.getByTestId('cycles-more-a');
  await expect(cycles).toHaveCount(6);
  await expect(more).toHaveText(/^Show all \d+ cycles/);
  const all = Number((await more.textContent())!.match(/Show all (\d+)/)![1]);
  expect(all).toBeGreaterThanOrEqual(36);
  await more.click();
  await expect(cycles).toHaveCount(all);
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  await more.click();
  await expect(cycles).toHaveCount(6);

  // The player's controls stay at the top of the player however far it is scrolled.
  const stuck = await page.getByTestId('player').evaluate(async (s) => {
    s.scrollTop = s.scrollHeight;
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const t = s.querySelector('.transport')!.getBoundingClientRect().top;
    return { scrolled: s.scrollTop, offset: Math.abs(t - s.getBoundingClientRect().top) };
  });
  expect(stuck.scrolled).toBeGreaterThan(100);
  expect(stuck.offset).toBeLessThan(2);
  await expect(page.getByTestId('step-next')).toBeInViewport();

  // Step well into the teardown: the frame keeps one of the step's objects in view (a big
  // graph is not zoomed out to take in a step spread over it).
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 160; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toHaveText(/^160 \//);
  const inView = async () => page.evaluate(() => {
    const g = document.querySelector('[data-testid="graph-a"]')!;
    const f = g.closest('.graph-wrap')!.getBoundingClientRect();
    const touched = [...g.querySelectorAll('.node.touched')];
    return touched.some((n) => {
      const r = n.getBoundingClientRect();
      return r.left >= f.left - 1 && r.right <= f.right + 1 && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
    });
  });
  await expect.poll(inView).toBe(true);

  // A jump to a step that touches nothing (a SYSUNINIT with nothing of ours to free)
  // shows the objects the teardown touched last, wherever the view was before.
  const labels = (sel: string) => graph.locator(sel).evaluateAll((ns) => ns.map((n) => n.getAttribute('aria-label')!));
  const total = Number((await page.getByTestId('step-counter').textContent())!.split('/')[1]);
  let quiet = Math.floor(total * 0.75);
  await page.getByTestId('scrubber').fill(String(quiet));
  await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${quiet} /`));
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  let last: string[] = [];
  for (;;) {
    const now = await labels('.node.touched');
    if (now.length === 0 && last.length > 0) break;
    if (now.length > 0) last = now;
    await page.keyboard.press('ArrowRight');
    quiet += 1;
    await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${quiet} /`));
  }
  // Jump there from the first jail's step 1, far from it.
  await page.getByTestId('scrubber').fill('1');
  await expect(page.getByTestId('step-counter')).toHaveText(/^1 \//);
  expect((await labels('.node.touched')).length).toBeGreaterThan(0);
  await page.getByTestId('scrubber').fill(String(quiet));
  await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${quiet} /`));
  await expect.poll(() => page.evaluate((want) => {
    const g = document.querySelector('[data-testid="graph-a"]')!;
    const f = g.closest('.graph-wrap')!.getBoundingClientRect();
    return [...g.querySelectorAll('.node')].some((n) => {
      const r = n.getBoundingClientRect();
      return want.includes(n.getAttribute('aria-label')!) && r.left >= f.left - 1 && r.right <= f.right + 1 && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
    });
  }, last), { message: `step ${quiet} shows one of ${last.join(', ')}` }).toBe(true);

  // Moving the view to the far corner from the minimap's keys draws the nodes there.
  const before = await graph.locator('.node').evaluateAll((ns) => ns.map((n) => n.getAttribute('aria-label')).join('|'));
  await page.getByTestId('minimap-a').focus();
  for (let i = 0; i < 16; i++) {
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
  }
  await expect.poll(async () => graph.locator('.node').evaluateAll((ns) => ns.map((n) => n.getAttribute('aria-label')).join('|')))
    .not.toBe(before);
  expect(await drawn()).toBeLessThan(150);

  // The SVG export holds the whole graph, and the frame is windowed again after.
  await page.getByTestId('export-button').click();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const svg = readFileSync((await dl.path())!).toString('utf8');
  expect((svg.match(/role="img"/g) ?? []).length).toBeGreaterThan(600);
  await expect(graph).toHaveAttribute('data-drawn', 'window');

  // Fit draws everything.
  await page.getByTestId('graph-zoom-a').click();
  await expect(graph).toHaveAttribute('data-drawn', 'all');
  expect(await drawn()).toBeGreaterThan(300);
  w.check();
});

test('the graph stays put from step to step, and the step card starts each step at its top', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  // The frame: the camera moves the drawing inside it, the frame itself stays.
  const graph = page.getByTestId('graph-frame-a');
  const card = page.getByTestId('stepcard-a');
  const top = async () => (await graph.boundingBox())!.y;
  await page.getByTestId('step-next').click();
  const first = await top();
  // Steps whose narration and refcount tables differ in length.
  for (let i = 0; i < 8; i++) {
    await page.getByTestId('step-next').click();
    expect(await top()).toBe(first);
  }
  // A card the reader scrolled goes back to its top on the next step.
  await card.evaluate((el) => { el.style.height = '80px'; el.scrollTop = 40; el.dispatchEvent(new Event('scroll')); });
  await expect.poll(() => card.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await page.getByTestId('step-next').click();
  await expect.poll(() => card.evaluate((el) => el.scrollTop)).toBe(0);
  // It is reachable from the keyboard, to scroll a long step.
  await expect(card).toHaveAttribute('tabindex', '0');
  w.check();
});

test('playing folds the builder and the gallery to a strip; the strip and the b key bring them back', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const laneA = page.getByTestId('lane-a');
  const gallery = page.getByRole('navigation', { name: 'Preset scenarios' });
  const frame = page.getByTestId('graph-frame-a').locator('.graph-wrap');
  const before = (await laneA.boundingBox())!.width;
  const frameBefore = (await frame.boundingBox())!.height;
  await expect(gallery).toBeVisible();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('builder-unfold')).toBeVisible();
  await expect(page.getByTestId('canvas')).toBeHidden();
  await expect(gallery).toBeHidden();
  await page.getByTestId('play').click();
  expect((await laneA.boundingBox())!.width).toBeGreaterThan(before * 1.4);
  // The graph takes the gallery's height.
  expect((await frame.boundingBox())!.height).toBeGreaterThan(frameBefore + 60);
  await page.getByTestId('builder-unfold').click();
  await expect(page.getByTestId('canvas')).toBeVisible();
  await expect(gallery).toBeVisible();
  await page.getByTestId('builder-fold').click();
  await expect(page.getByTestId('canvas')).toBeHidden();
  await page.locator('body').press('b');
  await expect(page.getByTestId('canvas')).toBeVisible();
  w.check();
});
