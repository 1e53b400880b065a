// Shared helpers for the end-to-end tests: console and network watchdogs, screenshots.
import { Page, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';

/** Collects console errors and failed requests; call `check()` at the end of a test. */
export function watch(page: Page) {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return {
    problems,
    check() {
      expect(problems, problems.join('\n')).toEqual([]);
    },
  };
}

/** Saves a screenshot into the git-ignored e2e/screenshots/ folder. */
export async function shot(page: Page, name: string) {
  mkdirSync('e2e/screenshots', { recursive: true });
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: false });
}

/** Loads the app with clean storage and waits for the wasm to mount. */
export async function openApp(page: Page, path = '') {
  await page.goto(path || './');
  await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
}

/** The centre of an element in page coordinates. */
export async function centre(page: Page, testId: string) {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`no box for ${testId}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, box };
}

/** Clears the scenario the way a person would: select all in the script and delete. */
export async function clearScenario(page: Page) {
  const script = page.getByTestId('script');
  await script.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await expect(script).toHaveValue('');
}

/** Checks the expected result of the built scenario: lane A faults in rib_unsubscribe. */
export async function expectFaultInLaneA(page: Page) {
  await expect(page.getByTestId('lane-a-order')).toHaveValue('legacy');
  await expect(page.getByTestId('lane-b-order')).toHaveValue('vnet-shutdown');
  await expect(page.getByTestId('lane-a-outcome')).toHaveText(/page fault/i);
  await expect(page.getByTestId('lane-b-outcome')).toHaveText(/clean/i);
}

/** A touch drag as PointerEvents with pointerType "touch" (decisions §34): down on the
 *  source, moves over the page, up at the target, each dispatched on the element under
 *  the finger, as a browser does for touch input. */
export async function touchDrag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 8) {
  // Each event in its own frame, as a finger's would be.
  await page.evaluate(
    async ({ from, to, steps }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const fire = (type: string, x: number, y: number) => {
        const el = document.elementFromPoint(x, y) ?? document.body;
        el.dispatchEvent(
          new PointerEvent(type, {
            pointerId: 7, pointerType: 'touch', isPrimary: true, bubbles: true, cancelable: true, composed: true,
            clientX: x, clientY: y, button: type === 'pointermove' ? -1 : 0, buttons: type === 'pointerup' ? 0 : 1,
            width: 20, height: 20, pressure: type === 'pointerup' ? 0 : 0.5,
          }),
        );
      };
      fire('pointerdown', from.x, from.y);
      await frame();
      for (let i = 1; i <= steps; i++) {
        fire('pointermove', from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
        await frame();
      }
      fire('pointerup', to.x, to.y);
      await frame();
    },
    { from, to, steps },
  );
}
