// The start of the app, from the browser's own trace (CDP Tracing): (1) the seed, as a
// first-time visitor opens it, and (2) a 505-object scenario (84 vnet jails) opened by
// its link in a fresh tab, timed from the navigation to its first interactive render
// (the big scenario's last object on the canvas and the Next button enabled). For each:
// the longest main-thread task from the navigation until the page has settled, the tasks
// over 50 ms, and their blocking time (each task's time past 50 ms) after the first
// contentful paint, as Lighthouse counts it (here without its CPU throttling). Prints the
// figures; asserts only that the app opens the scenario.
import { test, expect, Page, CDPSession, BrowserContext } from '@playwright/test';
import { bigScript } from './big';

const CATEGORIES = ['devtools.timeline', 'blink.user_timing', 'toplevel', 'loading'].join(',');
const JAILS = 84;
const RUNS = Number(process.env.START_RUNS ?? 5);

/** Marks when the page is interactive: when `selector` exists and Next is enabled. */
function probe(selector: string) {
  const w = window as any;
  performance.mark('vnet-nav');
  new MutationObserver((_, obs) => {
    const b = document.querySelector('[data-testid="step-next"]') as HTMLButtonElement | null;
    if (b && !b.disabled && document.querySelector(selector) && w.__ready === undefined) {
      w.__ready = performance.now();
      performance.mark('vnet-ready');
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
}

// `longest` is wall-clock; `longestCpu` is the same slices' thread time (the trace's `tdur`),
// which leaves out the time the thread sat descheduled on this 2-core machine.
type Start = { ready: number; fcp: number | null; longest: number; longestCpu: number; over50: number[]; blocking: number; tasks: number };

async function traced(cdp: CDPSession, run: () => Promise<void>): Promise<any[]> {
  const events: any[] = [];
  const onData = (d: any) => events.push(...d.value);
  cdp.on('Tracing.dataCollected', onData);
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await run();
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', onData);
  return events;
}

/** Opens `url` in a fresh page of `ctx` and reads its start from the trace. */
async function start(ctx: BrowserContext, url: string, selector: string, settleMs: number): Promise<Start> {
  const page: Page = await ctx.newPage();
  await page.addInitScript(probe, selector);
  const cdp = await ctx.newCDPSession(page);
  let ready = 0;
  const events = await traced(cdp, async () => {
    await page.goto(url);
    await page.waitForFunction(() => (window as any).__ready !== undefined, null, { timeout: 120_000, polling: 100 });
    ready = await page.evaluate(() => (window as any).__ready as number);
    // Whatever the app defers past its first render runs in this time.
    await page.waitForTimeout(settleMs);
  });
  await cdp.detach();
  await page.close();
  const nav = events.find((e) => e.name === 'vnet-nav');
  if (!nav) throw new Error('no navigation mark in the trace');
  const pid = nav.pid;
  const tid = events.find((e) => e.pid === pid && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  // The main thread's top-level slices: its tasks, and the microtask checkpoints that run
  // outside one (the wasm's start runs in one, after its module promise resolves).
  const slices = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= nav.ts - 50_000)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const tasks: any[] = [];
  for (const e of slices) {
    const last = tasks[tasks.length - 1];
    if (!last || e.ts >= last.ts + (last.dur ?? 0)) tasks.push(e);
  }
  const fcpEv = events.find((e) => e.pid === pid && e.name === 'firstContentfulPaint');
  const ms = (us: number) => us / 1000;
  const durs = tasks.map((t) => ms(t.dur ?? 0));
  const blocking = tasks.filter((t) => !fcpEv || t.ts >= fcpEv.ts)
    .reduce((a, t) => a + Math.max(0, ms(t.dur ?? 0) - 50), 0);
  return {
    ready,
    fcp: fcpEv ? ms(fcpEv.ts - nav.ts) : null,
    longest: Math.max(0, ...durs),
    longestCpu: Math.max(0, ...tasks.map((t) => ms(t.tdur ?? t.dur ?? 0))),
    over50: durs.filter((d) => d > 50).map((d) => +d.toFixed(1)),
    blocking,
    tasks: tasks.length,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (runs: Start[]) => ({
  ready_ms: { median: +median(runs.map((r) => r.ready)).toFixed(1), all: runs.map((r) => +r.ready.toFixed(1)) },
  first_contentful_paint_ms: +median(runs.map((r) => r.fcp ?? NaN)).toFixed(1),
  longest_task_ms: { median: +median(runs.map((r) => r.longest)).toFixed(1), max: +Math.max(...runs.map((r) => r.longest)).toFixed(1) },
  longest_task_cpu_ms: { median: +median(runs.map((r) => r.longestCpu)).toFixed(1), max: +Math.max(...runs.map((r) => r.longestCpu)).toFixed(1) },
  tasks_over_50ms: runs.map((r) => r.over50),
  blocking_after_fcp_ms: { median: +median(runs.map((r) => r.blocking)).toFixed(1), max: +Math.max(...runs.map((r) => r.blocking)).toFixed(1) },
});

test('start: the seed, and a 505-object scenario opened by its link', async ({ browser, baseURL }) => {
  // The big scenario's link, as the app writes it into the address bar.
  const maker = await browser.newContext();
  const page = await maker.newPage();
  await page.goto('./');
  await page.getByTestId('script').fill(bigScript(JAILS));
  await expect(page.getByTestId(`obj-j${JAILS}/gre0`)).toBeVisible({ timeout: 120_000 });
  // The seed's own link (82 characters) may be there first: wait for the big one's.
  await expect.poll(() => page.evaluate(() => location.hash.length), { timeout: 10_000 }).toBeGreaterThan(1000);
  const link = await page.evaluate(() => location.hash);
  await maker.close();

  // Each run in a fresh context: no autosave, no HTTP cache (a first visit).
  const seed: Start[] = [];
  const big: Start[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [out, url, sel] of [[seed, baseURL!, '[data-testid="obj-j1"]'], [big, baseURL! + link, `[data-testid="obj-j${JAILS}/gre0"]`]] as const) {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      out.push(await start(ctx, url, sel, 1500));
      await ctx.close();
    }
  }
  // The link opened the big scenario (objects on the canvas, every step).
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const check = await ctx.newPage();
  await check.goto(baseURL! + link);
  await expect(check.getByTestId(`obj-j${JAILS}/gre0`)).toBeVisible({ timeout: 60_000 });
  const objects = await check.locator('[data-canvas-object]').count();
  const counter = (await check.getByTestId('step-counter').textContent())!;
  await ctx.close();

  const figures = {
    seed: summary(seed),
    big_link: { canvas_objects: objects, steps: Number(counter.split('/')[1]), link_chars: link.length - 1, ...summary(big) },
  };
  console.log('START ' + JSON.stringify(figures, null, 2));
  expect(objects).toBeGreaterThanOrEqual(500);
});
