// Main-thread cost of user actions, read from the browser's own trace (CDP Tracing).
//
// `measureSteps` runs an action n times. Each run is bracketed by `performance.mark`s and
// followed by two animation frames, so the frame that paints the action's DOM changes is
// inside the bracket. The cost of a run is the summed duration of the renderer main
// thread's top-level tasks that start inside its bracket: script, style, layout,
// pre-paint, paint and commit, everything the main thread did for it, idle time excluded.
import { Page, CDPSession } from '@playwright/test';

/**
 * One run's cost. `total` is wall-clock busy time: the summed duration of the main
 * thread's tasks. `cpu` is the same tasks' thread time (the trace's `tdur`): the time the
 * main thread actually ran, leaving out the time it sat descheduled or blocked waiting for
 * the compositor thread to take a commit. `parts` split `total` by phase; `cpuParts` split
 * `cpu` the same way.
 */
export type StepCost = { total: number; cpu: number; parts: Record<string, number>; cpuParts: Record<string, number> };

// Only the cheap categories: the disabled-by-default timeline ones make the traced page
// itself noticeably slower.
const CATEGORIES = process.env.TRACE_CATEGORIES ?? ['devtools.timeline', 'blink.user_timing', 'toplevel'].join(',');

/** The slices we report by name (children of top-level tasks), in ms. */
const PARTS: Record<string, string> = {
  FunctionCall: 'script',
  EventDispatch: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  RunMicrotasks: 'script',
  V8Execute: 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'prepaint',
  Paint: 'paint',
  Layerize: 'layerize',
  Commit: 'commit',
};

async function collect(cdp: CDPSession, run: () => Promise<void>): Promise<any[]> {
  const events: any[] = [];
  cdp.on('Tracing.dataCollected', (d: any) => events.push(...d.value));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await run();
  await cdp.send('Tracing.end');
  await done;
  return events;
}

/** Runs `action` (in the page) n times and returns the main-thread cost of each run. */
export async function measureSteps(page: Page, n: number, action: string): Promise<StepCost[]> {
  const cdp = await page.context().newCDPSession(page);
  const events = await collect(cdp, async () => {
    await page.evaluate(
      async ({ n, action }) => {
        const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
        const act = new Function(action) as () => void;
        for (let i = 0; i < n; i++) {
          await frame();
          await new Promise((r) => setTimeout(r, 20));
          performance.mark(`vnet-step-${i}-start`);
          act();
          await frame();
          await frame();
          performance.mark(`vnet-step-${i}-end`);
        }
      },
      { n, action },
    );
  });
  await cdp.detach();

  // The renderer main thread is the one that recorded our marks.
  const marks = events.filter((e) => typeof e.name === 'string' && e.name.startsWith('vnet-step-'));
  if (marks.length === 0) throw new Error('no marks in the trace');
  const pid = marks[0].pid;
  const tid = events.find((e) => e.pid === pid && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X');
  const at = (name: string) => marks.find((e) => e.name === name)?.ts as number;
  const tasks = main.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const out: StepCost[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = at(`vnet-step-${i}-start`);
    const t1 = at(`vnet-step-${i}-end`);
    if (t0 === undefined || t1 === undefined) continue;
    // The action runs inside the task that set the start mark, which begins before it: take
    // the task that contains t0 from t0 on, and every task that starts after t0.
    let total = 0;
    let cpu = 0;
    for (const t of tasks) {
      const s = t.ts, e = t.ts + (t.dur ?? 0);
      if (e <= t0 || s >= t1) continue;
      const wall = Math.min(e, t1) - Math.max(s, t0);
      total += wall;
      // A task cut by the bracket counts its thread time in proportion.
      cpu += (t.tdur ?? t.dur ?? 0) * (t.dur ? wall / t.dur : 1);
    }
    const parts: Record<string, number> = {};
    const cpuParts: Record<string, number> = {};
    const until: Record<string, number> = {};
    for (const ev of main) {
      const part = PARTS[ev.name];
      if (!part || ev.ts < t0 || ev.ts >= t1) continue;
      // A slice nested in one of the same part (Paint inside Paint) is counted once.
      if (ev.ts < (until[part] ?? 0)) continue;
      until[part] = ev.ts + (ev.dur ?? 0);
      parts[part] = (parts[part] ?? 0) + (ev.dur ?? 0) / 1000;
      cpuParts[part] = (cpuParts[part] ?? 0) + (ev.tdur ?? ev.dur ?? 0) / 1000;
    }
    // Nested script slices (a FunctionCall inside an EventDispatch) would count twice; keep
    // script as the top-level time not taken by rendering phases instead. It also holds
    // what no phase names: task overhead, garbage collection and, in wall time, waiting.
    const phases = ['style', 'layout', 'prepaint', 'paint', 'layerize', 'commit'];
    const sum = (o: Record<string, number>) => phases.reduce((a, k) => a + (o[k] ?? 0), 0);
    parts.script = Math.max(0, total / 1000 - sum(parts));
    cpuParts.script = Math.max(0, cpu / 1000 - sum(cpuParts));
    for (const o of [parts, cpuParts]) for (const k of Object.keys(o)) o[k] = +o[k].toFixed(2);
    if (process.env.TRACE_DEBUG && total / 1000 > Number(process.env.TRACE_DEBUG)) {
      const big = main.filter((ev) => ev.ts >= t0 && ev.ts < t1 && (ev.dur ?? 0) > Number(process.env.TRACE_MIN_US ?? 2000))
        .map((ev) => `${ev.name}${ev.args?.data?.functionName ? ':' + ev.args.data.functionName : ''}${ev.args?.data?.type ? ':' + ev.args.data.type : ''} ${((ev.ts - t0) / 1000).toFixed(1)}+${(ev.dur / 1000).toFixed(1)}`);
      console.log(`TRACE step ${i} ${(total / 1000).toFixed(1)} ms: ${big.join(' | ')}`);
    }
    out.push({ total: +(total / 1000).toFixed(2), cpu: +(cpu / 1000).toFixed(2), parts, cpuParts });
  }
  return out;
}
