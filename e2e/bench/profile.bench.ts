// A CPU profile of step transitions (opt-in: PROFILE_URL=http://… points at a build with
// debug names kept). Prints the top self-time functions. Not part of `make bench`'s figures.
import { test, expect } from '@playwright/test';
import { bigScript } from './big';

test('profile step transitions', async ({ page }) => {
  test.skip(!process.env.PROFILE_URL, 'set PROFILE_URL to profile');
  const jails = 84;
  await page.goto(process.env.PROFILE_URL!);
  await page.getByTestId('script').fill(bigScript(jails));
  await expect(page.getByTestId(`obj-j${jails}/gre0`)).toBeVisible({ timeout: 120_000 });
  // PROFILE_CSS injects a stylesheet first, e.g. to hide parts and see what the browser's
  // own (non-JS) work per step belongs to.
  if (process.env.PROFILE_CSS) await page.addStyleTag({ content: process.env.PROFILE_CSS });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const ms: number[] = await page.evaluate(async (n) => {
    const btn = document.querySelector('[data-testid="step-next"]') as HTMLButtonElement;
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      await frame();
      const t = performance.now();
      btn.click();
      await frame();
      out.push(Math.round(performance.now() - t));
      await frame();
    }
    return out;
  }, Number(process.env.PROFILE_STEPS ?? 10));
  console.log(`PROFILE step ms ${JSON.stringify(ms)}`);
  const { profile } = await cdp.send('Profiler.stop');
  const dt = new Map<number, number>();
  const ts = profile.timeDeltas!;
  profile.samples!.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (ts[i] ?? 0)));
  const self = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const us = dt.get(n.id) ?? 0;
    const name = (n.callFrame.functionName || '(anon)') + ' ' + n.callFrame.url.split('/').pop();
    if (n.callFrame.functionName !== '(idle)') total += us;
    self.set(name, (self.get(name) ?? 0) + us);
  }
  // Inclusive time per function (a function counted once per sample even when recursive).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const incl = new Map<string, number>();
  profile.samples!.forEach((id, i) => {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame.functionName;
      if (!f || seen.has(f)) continue;
      seen.add(f);
      incl.set(f, (incl.get(f) ?? 0) + (ts[i] ?? 0));
    }
  });
  const topIncl = [...incl.entries()].filter(([n]) => new RegExp(process.env.PROFILE_INCL ?? 'vnet_playground|yew::|link|replaceState|setItem').test(n))
    .sort((a, b) => b[1] - a[1]).slice(0, 60);
  for (const [n, us] of topIncl) console.log(`INCL ${(us / 1000).toFixed(1).padStart(8)} ms  ${n.slice(0, 150)}`);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  console.log(`PROFILE total busy ${(total / 1000).toFixed(0)} ms over 10 steps`);
  for (const [n, us] of top) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${n.slice(0, 160)}`);
});
