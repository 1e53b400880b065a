// The graph-first teardown view (issue #15): readable labels at every step, a camera that
// keeps what must be seen (at a fault, the faulting reference, its holder and the freed
// object) in the frame and counts the step's other objects it cannot fit at the frame's
// edges, the host folded into one box, the minimap, the one-line cycle sentences, and no
// camera glide under reduced motion.
import { test, expect, Page } from '@playwright/test';
import { openApp, watch } from './helpers';

/** Plays and pauses at once (which folds the builder, as a reader's Play does), then goes
 *  back to step 0. Under reduced motion (see the glide's own test). */
async function playedAtStart(page: Page) {
  // No glide: what is measured is where the camera ends, not a frame on the way there.
  await page.emulateMedia({ reducedMotion: 'reduce' });
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

/** Where this step's focus is in lane `lane`'s frame: what must be seen (the faulted
 *  object, the faulting references) and is not fully inside; the touched nodes that are
 *  not; how many the buttons at the frame's edges count; and the focus in view that the
 *  minimap hides. */
async function focusOf(page: Page, lane: string) {
  return page.getByTestId(`graph-${lane}`).evaluate((svg, lane) => {
    const f = svg.closest('.graph-wrap')!.getBoundingClientRect();
    const inside = (r: DOMRect) =>
      r.left >= f.left - 1 && r.right <= f.right + 1 && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
    const mini = document.querySelector(`[data-testid="minimap-${lane}"]`)?.getBoundingClientRect();
    const hides = (r: DOMRect) =>
      !!mini && r.left < mini.right && r.right > mini.left && r.top < mini.bottom && r.bottom > mini.top;
    const must: string[] = [], out: string[] = [], underMini: string[] = [];
    for (const n of svg.querySelectorAll('.node.faulted')) {
      if (!inside(n.getBoundingClientRect())) must.push(n.getAttribute('aria-label')!);
    }
    for (const e of svg.querySelectorAll('.edge.faulting')) {
      if (!inside(e.getBoundingClientRect())) must.push(e.querySelector('title')!.textContent!);
    }
    // A node is out when its own box is (its refcount badge may stand out of the frame).
    for (const n of svg.querySelectorAll('.node.touched, .node.faulted')) {
      const r = n.querySelector('rect')!.getBoundingClientRect();
      if (!inside(r)) out.push(n.getAttribute('aria-label')!);
      else if (hides(r)) underMini.push(n.getAttribute('aria-label')!);
    }
    const counted = [...document.querySelectorAll(`[data-testid^="beyond-${lane}-"]`)]
      .reduce((sum, b) => sum + Number((b as HTMLElement).dataset.count), 0);
    return { must, out, counted, underMini };
  }, lane);
}

/** The rule the camera keeps: what must be seen is in the frame, nothing in view is under
 *  the minimap, and every touched object outside is counted by a button at the edge.
 *  An empty string when it holds. After the reader `moved` the view, what must be seen
 *  may be outside, and the minimap may hide what is in view. */
async function focusProblem(page: Page, lane: string, moved = false) {
  const f = await focusOf(page, lane);
  if (f.must.length && !moved) return `must be seen but outside: ${f.must.join('; ')}`;
  if (f.underMini.length && !moved) return `under the minimap: ${f.underMini.join('; ')}`;
  if (f.out.length > f.counted) return `${f.out.length} outside (${f.out.join('; ')}) but ${f.counted} counted`;
  if (f.counted > 0 && f.out.length === 0) return `${f.counted} counted, none outside`;
  return '';
}

for (const vp of [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
  test(`at ${vp.width}×${vp.height} every step's labels are readable, the fault is in the frame, and the step's other objects are in it or counted at its edge`, async ({ page }, info) => {
    const w = watch(page);
    await page.setViewportSize(vp);
    await playedAtStart(page);
    for (const lane of ['a', 'b']) {
      const s = await labelSize(page, lane);
      expect(s.count).toBeGreaterThan(3);
      expect(s.height).toBeGreaterThanOrEqual(11);
    }
    const total = Number((await page.getByTestId('step-counter').textContent())!.split('/')[1]);
    let touchedSeen = 0, counted = 0;
    const smallest = { a: Infinity, b: Infinity } as Record<string, number>;
    for (let step = 0; step <= total; step++) {
      if (step > 0) await page.getByTestId('step-next').click();
      await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${step} /`));
      for (const lane of ['a', 'b']) {
        await expect.poll(() => focusProblem(page, lane), { message: `step ${step}, lane ${lane}` }).toBe('');
        const px = (await labelSize(page, lane)).px;
        expect(px, `step ${step}, lane ${lane}: labels at ${px.toFixed(2)} px`).toBeGreaterThanOrEqual(11);
        smallest[lane] = Math.min(smallest[lane], px);
        counted += (await focusOf(page, lane)).counted;
      }
      touchedSeen += await page.getByTestId('graph-a').locator('.node.touched').count();
      if (step === 18) {
        // The fault: the freed subscription, its holder gif0 and the dangling gif_rs.
        const g = page.getByTestId('graph-a');
        await expect(g.locator('.node.faulted')).toHaveCount(1);
        await expect(g.locator('.edge.faulting')).toHaveCount(1);
        await expect(g.locator('.edge.faulting title')).toContainText('gif0 → gif0\'s rib subscription');
        await expect(g.locator('.node[aria-label^="gif0 (ifnet"]')).toBeVisible();
        await expect(page.getByTestId('fault-banner-a')).toBeVisible();
      }
    }
    expect(touchedSeen).toBeGreaterThan(20);
    info.annotations.push({ type: 'label', description: `${vp.width}×${vp.height}: smallest label over every step ${smallest.a.toFixed(2)} px (lane A), ${smallest.b.toFixed(2)} px (lane B); ${counted} step objects counted at the edges` });
    w.check();
  });
}

test('at 1366×768, in every preset, every step of both lanes is readable, keeps what must be seen in the frame, and counts the rest at the edges', async ({ page }) => {
  test.setTimeout(240_000);
  const w = watch(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await playedAtStart(page);
  const presets = await page.locator('button[data-testid^="preset-"]').evaluateAll(
    (bs) => bs.map((b) => (b as HTMLElement).dataset.testid!));
  expect(presets.length).toBeGreaterThan(20);
  let steps = 0;
  for (const preset of presets) {
    const unfold = page.getByTestId('builder-unfold');
    if (await unfold.isVisible()) await unfold.click();
    await page.getByTestId(preset).click();
    await page.getByTestId('play').click();
    await page.getByTestId('play').click();
    await page.getByTestId('scrubber').fill('0');
    await expect(page.getByTestId('step-counter')).toHaveText(/^0 \//);
    const total = Number((await page.getByTestId('step-counter').textContent())!.split('/')[1]);
    for (let step = 0; step <= total; step++) {
      if (step > 0) await page.getByTestId('step-next').click();
      await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${step} /`));
      for (const lane of ['a', 'b']) {
        const at = `${preset}, step ${step}, lane ${lane}`;
        await expect.poll(() => focusProblem(page, lane), { message: at }).toBe('');
        // Only a dangling or faulting reference longer than the frame zooms out further.
        if (await page.getByTestId(`graph-${lane}`).locator('.edge.faulting').count() === 0) {
          expect((await labelSize(page, lane)).px, at).toBeGreaterThanOrEqual(11);
        }
      }
      steps++;
    }
  }
  expect(steps).toBeGreaterThan(500);
  w.check();
});

test('at 1366×768 the objects of rtables_destroy that do not fit are counted at the edges, and their buttons bring them into view by mouse and keyboard', async ({ page }) => {
  const w = watch(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await playedAtStart(page);
  await page.getByTestId('scrubber').fill('14');
  await expect(page.getByTestId('step-counter')).toHaveText(/^14 \//);
  await expect(page.getByTestId('stepcard-a')).toContainText('rtables_destroy');
  // The dangling references are in the frame at a readable size.
  const g = page.getByTestId('graph-a');
  await expect.poll(() => focusProblem(page, 'a')).toBe('');
  expect((await labelSize(page, 'a')).px).toBeGreaterThanOrEqual(11);
  const below = page.getByTestId('beyond-a-below');
  await expect(below).toBeVisible();
  const n = Number(await below.getAttribute('data-count'));
  expect(n).toBeGreaterThan(0);
  await expect(below).toHaveAccessibleName(new RegExp(`^${n} more objects? of this step (is|are) below the view: show (it|them)$`));
  await expect(below).toHaveText(new RegExp(`^↓ ${n} more `));
  const before = (await focusOf(page, 'a')).out;
  await below.click();
  // Those below come into view; what went out above is counted there now.
  await expect.poll(async () => (await focusOf(page, 'a')).out.filter((o) => before.includes(o)).length).toBeLessThan(before.length);
  await expect.poll(() => focusProblem(page, 'a', true)).toBe('');
  await expect(page.getByTestId('beyond-a-above')).toBeVisible();
  expect((await labelSize(page, 'a')).px).toBeGreaterThanOrEqual(11);
  // By keyboard: the button above, with Enter, goes back up.
  const afterClick = (await focusOf(page, 'a')).out;
  await page.getByTestId('beyond-a-above').focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await focusOf(page, 'a')).out.join('|')).not.toBe(afterClick.join('|'));
  await expect.poll(() => focusProblem(page, 'a', true)).toBe('');
  // The minimap marks every object of the step.
  await expect(page.getByTestId('minimap-a').locator('.mini-touched')).toHaveAttribute('d', /^M.*z$/);
  const marks = await page.getByTestId('minimap-a').locator('.mini-touched').getAttribute('d');
  expect(marks!.split('M').length - 1).toBe(await g.locator('.node.touched').count());
  w.check();
});

for (const vp of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
  test(`step 0 opens on the jail's prison and vnet at ${vp.width}×${vp.height}, and says what the jails hold`, async ({ page }) => {
    const w = watch(page);
    await page.setViewportSize(vp);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openApp(page);
    await expect(page.getByTestId('step-counter')).toHaveText(/^0 \//);
    for (const name of ['prison j1 (', 'vnet j1 (']) {
      await expect.poll(() => page.getByTestId('graph-a').evaluate((svg, name) => {
        const f = svg.closest('.graph-wrap')!.getBoundingClientRect();
        const n = [...svg.querySelectorAll('.node')].find((x) => x.getAttribute('aria-label')!.startsWith(name));
        const r = n?.getBoundingClientRect();
        return !!r && r.left >= f.left - 1 && r.right <= f.right + 1 && r.top >= f.top - 1 && r.bottom <= f.bottom + 1;
      }, name), { message: name }).toBe(true);
    }
    expect((await labelSize(page, 'a')).px).toBeGreaterThanOrEqual(11);
    await expect(page.getByTestId('census-a')).toHaveText(
      /^In the jails before the teardown: prison j1, vnet j1, .*3 interfaces \(lo0, epair0b, gif0\).*; the host \(prison0, vnet0 and what lives in vnet0\) holds \d+ more\.$/);
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
  // The view opens on the jail's prison and vnet, so in a narrow frame the box may stand
  // partly outside it: a reader clicks the part that shows.
  const f = (await page.getByTestId('graph-frame-a').locator('.graph-wrap').boundingBox())!;
  const b = (await toggle.boundingBox())!;
  const x0 = Math.max(b.x, f.x), x1 = Math.min(b.x + b.width, f.x + f.width);
  const y0 = Math.max(b.y, f.y), y1 = Math.min(b.y + b.height, f.y + f.height);
  expect(x1 - x0, 'some of the host box shows').toBeGreaterThan(20);
  await page.mouse.click((x0 + x1) / 2, (y0 + y1) / 2);
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
  // It is the step's headline, so it is in the frame (whatever else does not fit).
  await expect.poll(() => focusProblem(page, 'a')).toBe('');
  await expect.poll(async () => (await focusOf(page, 'a')).out.some((o) => o.startsWith('epair0b (ifnet'))).toBe(false);
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
  await expect.poll(() => focusProblem(page, 'a')).toBe('');
  expect((await labelSize(page, 'a')).px).toBeGreaterThanOrEqual(11);
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

test('on a phone, every step is readable, keeps the fault\'s reference and ends in the frame, and counts the rest at the edges', async ({ page }) => {
  const w = watch(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openApp(page);
  await expect(page.getByTestId('step-counter')).toHaveText(/^0 \//);
  for (let step = 1; step <= 18; step++) {
    await page.getByTestId('step-next').click();
    await expect(page.getByTestId('step-counter')).toHaveText(new RegExp(`^${step} /`));
    await expect.poll(() => focusProblem(page, 'a'), { message: `step ${step}` }).toBe('');
    // A dangling reference longer than a phone's frame at 11 px is zoomed out for.
    if (await page.getByTestId('graph-a').locator('.edge.faulting').count() === 0) {
      expect((await labelSize(page, 'a')).px, `step ${step}`).toBeGreaterThanOrEqual(11);
    }
  }
  await expect(page.getByTestId('graph-a').locator('.edge.faulting')).toHaveCount(1);
  w.check();
});
