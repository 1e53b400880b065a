// Simulations per second of the order explorer in the browser, for the seed under
// legacy: the whole run (performance.now from the click to the grid, measured by the app
// and exposed as data-wall-us, plus data-busy-us, the time inside the engine), divided
// by the simulations it ran (data-simulations). It prints the figures; it asserts only
// that the run completes.
import { test, expect } from '@playwright/test';

test('explorer: simulations per second on the seed', async ({ page }) => {
  await page.goto('./');
  await page.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
  await page.getByTestId('explorer-tab').click();
  const runs: { sims: number; wall: number; busy: number }[] = [];
  for (let i = 0; i < 7; i++) {
    await page.getByTestId('explorer-run').click();
    const grid = page.getByTestId('explorer-grid');
    await expect(grid).toBeVisible({ timeout: 60_000 });
    runs.push({
      sims: Number(await grid.getAttribute('data-simulations')),
      wall: Number(await grid.getAttribute('data-wall-us')) / 1000,
      busy: Number(await grid.getAttribute('data-busy-us')) / 1000,
    });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const sims = runs[0].sims;
  const wall = med(runs.map((r) => r.wall));
  const busy = med(runs.map((r) => r.busy));
  console.log(`explorer (seed, legacy): ${sims} simulations per run, 7 runs`);
  console.log(`  wall clock (frames included): median ${wall.toFixed(1)} ms = ${Math.round((sims / wall) * 1000)} simulations/s`);
  console.log(`  inside the engine:            median ${busy.toFixed(1)} ms = ${Math.round((sims / busy) * 1000)} simulations/s`);
  expect(sims).toBeGreaterThan(1000);
});
