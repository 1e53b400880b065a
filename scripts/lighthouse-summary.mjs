// Prints the figures of Lighthouse JSON reports (scripts/lighthouse.sh): per run and the
// median over the runs, plus the longest main-thread tasks of the median run.
// Usage: node scripts/lighthouse-summary.mjs REPORT.json...
import { readFileSync } from 'node:fs';

const reports = process.argv.slice(2).map((f) => ({ f, r: JSON.parse(readFileSync(f, 'utf8')) }));
if (reports.length === 0) {
  console.error('lighthouse-summary: no report given');
  process.exit(2);
}
const fig = ({ r }) => ({
  score: Math.round((r.categories.performance.score ?? 0) * 100),
  fcp: r.audits['first-contentful-paint'].numericValue,
  lcp: r.audits['largest-contentful-paint'].numericValue,
  tbt: r.audits['total-blocking-time'].numericValue,
  tti: r.audits['interactive'].numericValue,
  si: r.audits['speed-index'].numericValue,
  cls: r.audits['cumulative-layout-shift'].numericValue,
});
const line = (x) =>
  `score ${String(x.score).padStart(3)}  LCP ${(x.lcp / 1000).toFixed(2)} s  TBT ${Math.round(x.tbt)} ms  ` +
  `TTI ${(x.tti / 1000).toFixed(2)} s  FCP ${(x.fcp / 1000).toFixed(2)} s  SI ${(x.si / 1000).toFixed(2)} s  CLS ${x.cls.toFixed(3)}`;
const figs = reports.map(fig);
const { r: first } = reports[0];
console.log(`Lighthouse ${first.lighthouseVersion}, ${first.configSettings.formFactor} preset, ` +
  `CPU slowdown ${first.configSettings.throttling.cpuSlowdownMultiplier}×, ${first.finalDisplayedUrl}`);
figs.forEach((x, i) => console.log(`  run ${i + 1}: ${line(x)}   (${reports[i].f})`));
const med = (k) => [...figs.map((x) => x[k])].sort((a, b) => a - b)[Math.floor(figs.length / 2)];
const m = Object.fromEntries(Object.keys(figs[0]).map((k) => [k, med(k)]));
console.log(`  median: ${line(m)}`);
// The run whose score is the median: its long tasks (simulated, as Lighthouse counts them).
const mid = reports[figs.map((x, i) => [x.score, i]).sort((a, b) => a[0] - b[0])[Math.floor(figs.length / 2)][1]];
const tasks = mid.r.audits['long-tasks']?.details?.items ?? [];
if (tasks.length) {
  console.log(`  long tasks of run ${reports.indexOf(mid) + 1} (Lighthouse's simulated ms): ` +
    tasks.slice(0, 8).map((t) => `${Math.round(t.duration)} ms at ${Math.round(t.startTime)}`).join(', '));
} else {
  console.log(`  long tasks of run ${reports.indexOf(mid) + 1}: none`);
}
const comp = mid.r.audits['uses-text-compression'];
if (comp) console.log(`  text compression audit: ${comp.score === 1 ? 'passed' : comp.displayValue || 'not passed'}`);
