// Measures, with the browser's own clock, (1) the time to interactive on loopback and
// (2) the main-thread work of one step transition, from the browser's trace, on a scenario of 500 canvas objects
// (84 vnet jails, each with gif0, gre0 and lo0, and an epair whose b end is loaned to it).
// It prints the figures; it asserts only that the app works, never a time.
import { test, expect } from '@playwright/test';
import { measureSteps } from './trace';

function bigScript(jails: number): string {
  const l: string[] = [];
  for (let i = 1; i <= jails; i++) {
    l.push(`jail -c name=j${i} vnet persist`);
    l.push(`ifconfig epair${i} create`);
    l.push(`ifconfig epair${i}b vnet j${i}`);
    l.push(`jexec j${i} ifconfig gif0 create`);
    l.push(`jexec j${i} ifconfig gif0 tunnel 192.0.2.1 192.0.2.2`);
    l.push(`jexec j${i} ifconfig gre0 create`);
  }
  for (let i = 1; i <= jails; i++) l.push(`jail -r j${i}`);
  return l.join('\n') + '\n';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

test('time to interactive and one step transition on 500 objects', async ({ page }) => {
  // Time to interactive: when the step-next button exists and is enabled.
  await page.addInitScript(() => {
    const w = window as any;
    new MutationObserver((_, obs) => {
      const b = document.querySelector('[data-testid="step-next"]') as HTMLButtonElement | null;
      if (b && !b.disabled && w.__tti === undefined) {
        w.__tti = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const ttis: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto('./');
    await page.waitForFunction(() => (window as any).__tti !== undefined);
    ttis.push(await page.evaluate(() => (window as any).__tti as number));
  }

  // The same measure on the seed (27 graph objects): this machine's floor for a step.
  const seedSamples = await measureSteps(page, 12,
    `document.querySelector('[data-testid="step-next"]').click()`);
  await page.getByTestId('step-first').click();

  // Load 500 objects by putting the generated script into the editor.
  const jails = 84;
  const t0 = Date.now();
  await page.getByTestId('script').fill(bigScript(jails));
  await expect(page.getByTestId(`obj-j${jails}/gre0`)).toBeVisible({ timeout: 120_000 });
  const loadMs = Date.now() - t0;
  const objects = await page.locator('[data-canvas-object]').count();
  const counter = (await page.getByTestId('step-counter').textContent())!;
  const total = Number(counter.split('/')[1]);
  const nodes = await page.locator('[data-testid="graph-a"] .node').count();
  const drawn = await page.getByTestId('graph-a').getAttribute('data-drawn');

  // One step transition: the main thread's work from the click until the frame that shows
  // it is painted, read from the browser's trace (see trace.ts).
  const samples = await measureSteps(page, Math.min(40, total - 1),
    `document.querySelector('[data-testid="step-next"]').click()`);
  const ms = samples.map((s) => s.total);
  const part = (k: string) => +median(samples.map((s) => s.parts[k] ?? 0)).toFixed(2);
  const renderMs = await page.evaluate(() => (window as any).__vnetRenderMs ?? null);

  const figures = {
    time_to_interactive_ms: { median: +median(ttis).toFixed(1), all: ttis.map((x) => +x.toFixed(1)) },
    scenario: { canvas_objects: objects, graph_nodes_in_dom_lane_a: nodes, graph_drawn: drawn, steps: total, load_ms: loadMs },
    seed_step_ms: { median: +median(seedSamples.map((s) => s.total)).toFixed(1) },
    step_transition_ms: { median: +median(ms).toFixed(1), p95: +p95(ms).toFixed(1), max: +Math.max(...ms).toFixed(1), samples: ms.length },
    step_parts_median_ms: Object.fromEntries(['script', 'style', 'layout', 'prepaint', 'paint', 'layerize', 'commit'].map((k) => [k, part(k)])),
    last_player_render_ms: renderMs,
  };
  console.log('BENCH ' + JSON.stringify(figures, null, 2));
  expect(objects).toBeGreaterThanOrEqual(500);
});
