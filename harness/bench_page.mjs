// Runs the benchmark page (harness/public/bench.html) in a browser and reads what it publishes
// (window.__bench: the report, its text, the adapter); used by `npm run bench:browser`
// (bench_browser.mjs) and by the browser suite's check of the page (run.mjs).
import { openPage, waitFor } from './browser.mjs';

/**
 * The browser suite's run of the page: small cases (a square product, a row reduction, the linear
 * regression's loops), one warm-up and one timed run each, tuning on (its table in IndexedDB).
 */
const benchCheckFilters = ['matmul-256', 'reduce-sum-rows-1024x1024', 'linreg-rmsprop'];
export const benchCheckQuery = `?smoke&autorun&filter=${benchCheckFilters.join(',')}`;

/** Opens bench.html with `query`, waits up to `timeoutMs` for its result; returns it and the page's problems. */
export async function runBenchPage(browser, url, query, timeoutMs, screenshot) {
  const { page, problems, pageFailure } = await openPage(browser, 'bench');
  try {
    await page.goto(`${url}/bench.html${query}`, { waitUntil: 'load' });
    const completed = await waitFor(page, pageFailure, () => window.__bench?.done === true, timeoutMs);
    if (!completed && problems.length === 0) problems.push(`the benchmark did not finish within ${timeoutMs / 1000} s`);
    const state = await page.evaluate(() => window.__bench ?? null);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { state, problems };
  } finally {
    await page.close();
  }
}

/** What the suite expects of the page's result: every case measured on both sides, variants named. */
export function checkBenchState(state) {
  const problems = [];
  if (!state) return ['the page published nothing'];
  if (state.error) return [`the page failed: ${state.error}`];
  const report = state.report;
  if (!report) return ['no report'];
  const ids = report.cases.map((c) => c.id);
  for (const f of benchCheckFilters) if (!ids.some((id) => id.includes(f))) problems.push(`no case for '${f}' (ran ${ids.join(', ')})`);
  for (const c of report.cases) {
    const ours = c.sides.find((s) => s.name === 'ours');
    if (!ours || ours.error) problems.push(`${c.id}: ours ${ours?.error ? `failed: ${ours.error}` : 'missing'}`);
    else if (!(ours.ms.median > 0)) problems.push(`${c.id}: ours took ${ours.ms.median} ms`);
    if (report.tfjs?.webgpu) {
      const ref = c.sides.find((s) => s.name === 'tfjs-webgpu');
      if (!ref || ref.error) problems.push(`${c.id}: tfjs-webgpu ${ref?.error ? `failed: ${ref.error}` : 'missing'}`);
      if (c.comparisons.some((x) => x.agree === false)) problems.push(`${c.id}: the sides disagree`);
    }
    if (c.group === 'kernel' && !(ours?.variants?.length > 0)) problems.push(`${c.id}: no kernel variants reported`);
  }
  if (!state.text?.includes('speedup')) problems.push('the report text has no table');
  return problems;
}
