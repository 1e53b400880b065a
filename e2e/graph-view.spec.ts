// The graph-first teardown view (issue #15): readable labels at the default view, a camera
// that keeps each step's objects (and at the fault the faulting reference, its holder and
// the freed object) in the frame, the host folded into one box, the minimap, the one-line
// cycle sentences, and no camera glide under reduced motion.
import { test, expect, Page } from '@playwright/test';
import { openApp, watch } from './helpers';

/** Plays and pauses at once (which folds the builder, as a reader's Play does), then goes
 *  back to step 0. */
async function playedAtStart(page: Page) {
  await openApp(page);
  await page.getByTestId('play').click();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('builder-unfold')).toBeVisible();
  await page.getByTestId('scrubber').fill('0');
  await expect(page.getByTestId('step-counter')).toHaveText(/^0 \//);
}

/** The rendered size of lane `lane`'s node labels, in CSS px: the computed font size times
 *  the drawing's scale on screen (camera included), and the text boxes' rendered height. */
async function labelSize(page: Page, lane: string) {
  return page.getByTestId(`graph-${lane}`).evaluate((svg) => {
    const s = svg as SVGSVGElement;
    const k = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
    const names = [...s.querySelectorAll('.node .n-name')];
    const font = Math.min(...names.map((n) => parseFloat(getComputedStyle(n).fontSize)));
    const height = Math.min(...names.map((n) => n.getBoundingClientRect().height));
    return { px: font * k, height, count: names.length };
  });
}

/** What of this step's focus lies outside lane `lane`'s frame: touched nodes, and the
 *  faulting references with the nodes at their ends. Empty when all is in view. */
async function outOfView(page: Page, lane: string) {
  return page.getByTestId(`graph-${lane}`).evaluate((svg) => {
    const f = svg.closest('.graph-wrap')!.getBoundingClientRect();
    const inside = (r: DOMRect) =>
      r.left >= f.left - 1 && r.right <= f.right + 1 && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
    const out: string[] = [];
    for (const n of svg.querySelectorAll('.node.touched, .node.faulted')) {
      if (!inside(n.getBoundingClientRect())) out.push(n.getAttribute('aria-label')!);
    }
    for (const e of svg.querySelectorAll('.edge.faulting')) {
      if (!inside(e.getBoundingClientRect())) out.push(e.querySelector('title')!.textContent!);
    }
    return out;
  });
}

for (const vp of [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
  test(`labels are readable at the default view at ${vp.width}×${vp.height}, at the start and at the fault`, async ({ page }, info) => {
    const w = watch(page);
    await page.setViewportSize(vp);
    await playedAtStart(page);
    for (const lane of ['a', 'b']) {
      await expect.poll(async () => (await labelSize(page, lane)).px).toBeGreaterThanOrEqual(11);
      const s = await labelSize(page, lane);
      expect(s.count).toBeGreaterThan(3);
      expect(s.height).toBeGreaterThanOrEqual(11);
      info.annotations.push({ type: 'label', description: `${vp.width}×${vp.height} step 0 lane ${lane}: ${s.px.toFixed(2)} px (text box ${s.height.toFixed(1)} px)` });
    }
    await page.getByTestId('scrubber').fill('18');
    await expect(page.getByTestId('fault-banner-a')).toBeVisible();
    await expect.poll(async () => (await labelSize(page, 'a')).px).toBeGreaterThanOrEqual(11);
    const s = await labelSize(page, 'a');
    info.annotations.push({ type: 'label', description: `${vp.width}×${vp.height} step 18 (fault) lane a: ${s.px.toFixed(2)} px` });
    w.check();
  });

  test(`every step's objects, and the fault's reference and its ends, stay in the frame at ${vp.width}×${vp.height}`, async ({ page }) => {
    const w = watch(page);
    await page.setViewportSize(vp);
    await playedAtStart(page);
    const total = Number((await page.getByTestId('step-counter').textContent())!.split('/')[1]);
    let touchedSeen = 0;
    for (let step = 1; step <= total; step++) {
      await page.getByTestId('step-next').click();
      await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${step} /`));
      for (const lane of ['a', 'b']) {
        await expect.poll(() => outOfView(page, lane), { message: `step ${step}, lane ${lane}` }).toEqual([]);
      }
      touchedSeen += await page.getByTestId('graph-a').locator('.node.touched').count();
      if (step === 18) {
        // The fault: the freed subscription, its holder gif0 and the dangling gif_rs.
        const g = page.getByTestId('graph-a');
        await expect(g.locator('.node.faulted')).toHaveCount(1);
        await expect(g.locator('.edge.faulting')).toHaveCount(1);
        await expect(g.locator('.edge.faulting title')).toContainText('gif0 → gif0\'s rib subscription');
        await expect(g.locator('.node[aria-label^="gif0 (ifnet"]')).toBeVisible();
        expect(await outOfView(page, 'a')).toEqual([]);
      }
    }
    expect(touchedSeen).toBeGreaterThan(20);
    w.check();
  });
}

test('the host is one folded box that unfolds and folds again, by mouse and by keyboard', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const g = page.getByTestId('graph-a');
  const toggle = page.getByTestId('host-cluster-toggle-a');
  const prison0 = g.locator('.node[aria-label^="prison0 ("]');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(toggle).toContainText('host · vnet0');
  await expect(toggle).toContainText(/\d+ objects, folded/);
  await expect(prison0).toHaveCount(0);
  // References from the jail's objects to the host's end at the box: the loaned epair0b
  // points at its peer epair0a, which is folded.
  await expect(g.locator('.edge title', { hasText: 'epair0b → epair0a' })).toHaveCount(1);
  await expect(g.locator('.node[aria-label^="epair0a ("]')).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(prison0).toHaveCount(1);
  await expect(g.locator('.node[aria-label^="vnet0 ("]')).toHaveCount(1);
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(prison0).toHaveCount(0);
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(prison0).toHaveCount(1);
  w.check();
});

test('a host object the step touches comes out of the folded box', async ({ page }) => {
  const w = watch(page);
  await openApp(page);
  const g = page.getByTestId('graph-a');
  const epair = g.locator('.node[aria-label^="epair0b (ifnet"]');
  // Step 6: vnet_if_return sends the loaned epair0b home to the host.
  await page.getByTestId('scrubber').fill('6');
  await expect(epair).toHaveCount(1);
  await expect(epair).toHaveClass(/touched/);
  await expect.poll(() => outOfView(page, 'a')).toEqual([]);
  // Step 7 does not touch it: it is folded into the host's box again.
  await page.getByTestId('step-next').click();
  await expect(epair).toHaveCount(0);
  await expect(page.getByTestId('host-cluster-toggle-a')).toHaveAttribute('aria-expanded', 'false');
  w.check();
});

test('the camera glides between steps, and not under reduced motion', async ({ page }) => {
  await openApp(page);
  const cam = page.getByTestId('graph-frame-a').locator('.graph-cam');
  const duration = () => cam.evaluate((c) => getComputedStyle(c).transitionDuration);
  const property = () => cam.evaluate((c) => getComputedStyle(c).transitionProperty);
  await expect.poll(duration).toBe('0.45s');
  expect(await property()).toBe('transform');
  // It does move: the transform changes from step 0 to the fault.
  const before = await cam.evaluate((c) => (c as HTMLElement).style.transform);
  await page.getByTestId('scrubber').fill('18');
  await expect.poll(() => cam.evaluate((c) => (c as HTMLElement).style.transform)).not.toBe(before);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await expect.poll(duration).toBe('0s');
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await expect.poll(duration).toBe('0.45s');
});

test('the minimap moves the view by pointer and keyboard, and has a name', async ({ page }) => {
  const w = watch(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await openApp(page);
  const mini = page.getByTestId('minimap-a');
  await expect(mini).toBeVisible();
  await expect(mini).toHaveAccessibleName(/Overview of the graph/);
  const cam = page.getByTestId('graph-frame-a').locator('.graph-cam');
  const transform = () => cam.evaluate((c) => (c as HTMLElement).style.transform);
  const at0 = await transform();
  await mini.scrollIntoViewIfNeeded();
  const box = (await mini.boundingBox())!;
  await page.mouse.click(box.x + box.width - 3, box.y + box.height - 3);
  await expect.poll(transform).not.toBe(at0);
  // A drag moves it on.
  const afterClick = await transform();
  await page.mouse.move(box.x + box.width - 3, box.y + box.height - 3);
  await page.mouse.down();
  await page.mouse.move(box.x + 4, box.y + 4, { steps: 5 });
  await page.mouse.up();
  await expect.poll(transform).not.toBe(afterClick);
  // Keys: arrows pan (and do not step the player), + zooms in.
  const counter = await page.getByTestId('step-counter').textContent();
  await mini.focus();
  const beforeKeys = await transform();
  await page.keyboard.press('ArrowDown');
  await expect.poll(transform).not.toBe(beforeKeys);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toHaveText(counter!);
  const scale = () => page.getByTestId('graph-a').evaluate((s) => s.getBoundingClientRect().width / (s as SVGSVGElement).viewBox.baseVal.width);
  const k0 = await scale();
  await page.keyboard.press('+');
  await expect.poll(scale).toBeGreaterThan(k0 * 1.1);
  // The next step follows the teardown again.
  await page.getByTestId('step-next').click();
  await expect.poll(() => outOfView(page, 'a')).toEqual([]);
  w.check();
});

test('each cycle is one line that opens to its whole sentence', async ({ page }) => {
  const w = watch(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await openApp(page);
  const item = page.getByTestId('cycles-a').locator('details.cycle').first();
  const summary = item.locator('summary');
  await expect(summary).toBeVisible();
  const lineHeight = await summary.evaluate((s) => parseFloat(getComputedStyle(s).lineHeight) || 20);
  const closed = await summary.evaluate((s) => ({ h: s.getBoundingClientRect().height, cut: s.scrollWidth > s.clientWidth, ellipsis: getComputedStyle(s).textOverflow }));
  expect(closed.h).toBeLessThan(lineHeight * 1.6);
  expect(closed.cut).toBe(true);
  expect(closed.ellipsis).toBe('ellipsis');
  await summary.click();
  await expect(item).toHaveAttribute('open', '');
  const open = await summary.evaluate((s) => ({ h: s.getBoundingClientRect().height, cut: s.scrollWidth > s.clientWidth }));
  expect(open.h).toBeGreaterThan(closed.h * 1.5);
  expect(open.cut).toBe(false);
  await summary.press('Enter');
  await expect(item).not.toHaveAttribute('open', '');
  w.check();
});

test('the fault banner shares the step card\'s room: the graph stays put and its fault stays on screen at 1366×768', async ({ page }) => {
  const w = watch(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await playedAtStart(page);
  const frame = page.getByTestId('graph-frame-a');
  await page.getByTestId('scrubber').fill('17');
  await expect(page.getByTestId('fault-banner-a')).toHaveCount(0);
  const before = (await frame.boundingBox())!;
  await page.getByTestId('scrubber').fill('18');
  await expect(page.getByTestId('fault-banner-a')).toBeVisible();
  const after = (await frame.boundingBox())!;
  expect(after.y).toBeCloseTo(before.y, 0);
  expect(after.height).toBeCloseTo(before.height, 0);
  // The faulting reference and its holder are inside the window, not below the fold.
  await expect(page.getByTestId('graph-a').locator('.edge.faulting')).toBeInViewport({ ratio: 0.99 });
  await expect(page.getByTestId('graph-a').locator('.node[aria-label^="gif0 (ifnet"]')).toBeInViewport({ ratio: 0.99 });
  await expect(page.getByTestId('jump-freed-a')).toBeInViewport();
  w.check();
});

test('on a phone, every step keeps its objects, and the fault its reference and ends, in the frame', async ({ page }) => {
  const w = watch(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await expect(page.getByTestId('step-counter')).toHaveText(/^0 \//);
  for (let step = 1; step <= 18; step++) {
    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${step} /`));
    await expect.poll(() => outOfView(page, 'a'), { message: `step ${step}` }).toEqual([]);
  }
  await expect(page.getByTestId('graph-a').locator('.edge.faulting')).toHaveCount(1);
  w.check();
});
