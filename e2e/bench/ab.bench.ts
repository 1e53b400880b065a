// A/B of two or more builds on the same steps (opt-in: AB_URLS='["http://…/","http://…/"]',
// each URL serving one build's dist/). Each build gets its own browser context (its own
// renderer process); their rounds are interleaved, so a drift of the machine's speed hits
// all of them alike, and the order is rotated from round to round, since the page
// measured first after a jump in the teardown pays more. Prints each build's median step
// work and the median of its per-step difference from the first build. Not part of the
// figures in the README; never asserts a time.
import { test, expect, Page } from '@playwright/test';
import { measureSteps, StepCost } from './trace';
import { bigScript, goTo, NEXT } from './big';

test('A/B of builds on the same steps', async ({ browser }) => {
  test.skip(!process.env.AB_URLS, 'set AB_URLS to compare builds');
  test.setTimeout(1_200_000);
  const urls: string[] = JSON.parse(process.env.AB_URLS!);
  const pages: Page[] = [];
  for (const u of urls) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(u);
    await page.getByTestId('script').fill(bigScript(84));
    await expect(page.getByTestId('obj-j84/gre0')).toBeVisible({ timeout: 120_000 });
    pages.push(page);
  }
  for (const page of pages) {
    await page.bringToFront();
    await measureSteps(page, 12, NEXT);
  }
  const res: StepCost[][] = urls.map(() => []);
  const starts = [40, 137, 234, 331, 428, 525, 622, 719, 900, 1100, 1300, 1500];
  for (const [round, k] of starts.entries()) {
    for (let i = 0; i < urls.length; i++) {
      const v = (i + round) % urls.length;
      await pages[v].bringToFront();
      await goTo(pages[v], k, 300);
      res[v].push(...await measureSteps(pages[v], 6, NEXT));
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  urls.forEach((u, v) => {
    const diff = res[v].map((x, i) => x.cpu - res[0][i].cpu);
    console.log(`AB ${u} work median ${median(res[v].map((x) => x.cpu)).toFixed(2)} ms, ` +
      `per-step difference from the first ${median(diff).toFixed(2)} ms (${res[v].length} steps)`);
  });
});
