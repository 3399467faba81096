#!/usr/bin/env node
// The browser harness: bundles harness/tests/*.browser.ts, serves them with the library bundle
// on 127.0.0.1, runs them in headless Chromium (WebGPU on SwiftShader here), prints one line per
// test, saves harness/out/screenshot.png; then opens each demo page (harness/public/demos/, with
// ?test for small settings), waits for the result it publishes, checks it (harness/demo_checks.mjs)
// and saves harness/out/demo_<name>.png. Exits 1 when a test or a demo fails, a page throws, or
// the run times out. Builds dist/browser first when it is missing or older than src/ and shaders/.
//
//   node harness/run.mjs            (npm run test:browser)
//   node harness/run.mjs --no-demos / --demos-only
//   CHROMIUM=/path/to/chrome HARNESS_TIMEOUT_MS=300000 node harness/run.mjs
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { buildAll } from '../esbuild.config.mjs';
import { buildBenchPage, buildDemos, buildHarness } from './build.mjs';
import { benchCheckQuery, checkBenchState, runBenchPage } from './bench_page.mjs';
import { chromiumArgs, chromiumPath, openPage, waitFor } from './browser.mjs';
import { demos } from './demo_checks.mjs';
import { harnessMounts, startServer } from './server.mjs';
import { isStale } from './stale.mjs';

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(harnessDir);
const outDir = path.join(harnessDir, 'out');
const libraryBundle = path.join(root, 'dist', 'browser', 'webgpu-descent.js');
const timeoutMs = Number(process.env.HARNESS_TIMEOUT_MS ?? 120_000);
/** Per demo page: SwiftShader runs them in seconds with ?test; a minute means something hangs. */
const demoTimeoutMs = Number(process.env.HARNESS_DEMO_TIMEOUT_MS ?? 60_000);
const runTests = !process.argv.includes('--demos-only');
const runDemos = !process.argv.includes('--no-demos');

async function main() {
  const t0 = performance.now();
  mkdirSync(outDir, { recursive: true });
  if (isStale(libraryBundle, [path.join(root, 'src'), path.join(root, 'shaders')])) {
    console.log('harness: dist/browser is missing or older than the sources; building it');
    await buildAll();
  }
  const testFiles = await buildHarness();
  if (runTests) console.log(`harness: ${testFiles.length} test files: ${testFiles.join(', ')}`);
  if (runDemos) await Promise.all([buildDemos(), buildBenchPage()]);

  const server = await startServer(harnessMounts(root));
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'webgpu-descent-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, userDataDir, args: chromiumArgs });
    let status = 0;
    if (runTests) status |= await runTestPage(browser, server.url, t0);
    if (runDemos) status |= await runDemoPages(browser, server.url);
    if (runDemos) status |= await checkBenchPage(browser, server.url);
    console.log(`harness: ${status === 0 ? 'all passed' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return status;
  } finally {
    await browser?.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** The unit tests page: runs harness/tests/*.browser.ts; returns the exit status. */
async function runTestPage(browser, url, t0) {
  const { page, problems, pageFailure } = await openPage(browser, 'page');
  await page.goto(`${url}/`, { waitUntil: 'load' });
  const completed = await waitFor(page, pageFailure, () => window.__harness?.done === true, timeoutMs);
  if (!completed && problems.length === 0) problems.push(`the tests did not finish within ${timeoutMs / 1000} s`);
  const state = await page.evaluate(() => window.__harness ?? null);
  await page.screenshot({ path: path.join(outDir, 'screenshot.png'), fullPage: true });
  await page.close();
  return report(state, problems, (performance.now() - t0) / 1000);
}

/** Each demo page with its small settings: waits for its result, checks it, saves a screenshot. */
async function runDemoPages(browser, url) {
  console.log(`harness: ${demos.length} demo pages: ${demos.map((d) => d.name).join(', ')}`);
  let failed = 0;
  for (const demo of demos) {
    const t0 = performance.now();
    const { page, problems, pageFailure } = await openPage(browser, demo.name);
    await page.goto(`${url}/demos/${demo.name}.html${demo.query}`, { waitUntil: 'load' });
    const completed = await waitFor(page, pageFailure, () => window.__demoResult?.done === true, demoTimeoutMs);
    if (!completed && problems.length === 0) problems.push(`the demo did not finish within ${demoTimeoutMs / 1000} s`);
    const result = await page.evaluate(() => window.__demoResult ?? null);
    const screenshot = path.join(outDir, `demo_${demo.name}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    let summary = '';
    if (result?.error) problems.push(`the demo failed: ${result.error}`);
    else if (result?.done) {
      const checked = demo.check(result);
      problems.push(...checked.problems);
      summary = checked.summary;
    }
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`  ${problems.length === 0 ? 'PASS' : 'FAIL'}  demo ${demo.name}: ${summary}  (${seconds} s; ${path.relative(root, screenshot)})`);
    for (const p of problems) console.log(`        ${p}`);
    if (problems.length > 0) failed++;
  }
  console.log(`harness: ${demos.length - failed} demos passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** The benchmark page on a few small cases, one run each: it must measure both sides and report. */
async function checkBenchPage(browser, url) {
  const t0 = performance.now();
  const screenshot = path.join(outDir, 'bench.png');
  const { state, problems } = await runBenchPage(browser, url, benchCheckQuery, demoTimeoutMs * 3, screenshot);
  problems.push(...checkBenchState(state));
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const summary = state?.report ? `${state.report.cases.length} cases on ${state.adapter}` : 'no report';
  console.log(`  ${problems.length === 0 ? 'PASS' : 'FAIL'}  bench page: ${summary}  (${seconds} s; ${path.relative(root, screenshot)})`);
  for (const p of problems) console.log(`        ${p}`);
  return problems.length === 0 ? 0 : 1;
}

/** Prints the results; returns the exit status. */
function report(state, problems, seconds) {
  console.log(`adapter: ${state?.adapter ?? '(none reported)'}`);
  const results = state?.results ?? [];
  for (const r of results) {
    console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}  (${Math.round(r.ms)} ms)`);
    if (!r.ok) console.log(indent(r.error ?? '', 8));
  }
  if (state?.error) problems.push(`the runner broke: ${state.error}`);
  for (const p of problems) console.log(`  ERROR ${p}`);
  const failed = results.filter((r) => !r.ok).length;
  const ok = failed === 0 && problems.length === 0 && results.length > 0 && state?.done === true;
  console.log(
    `harness: ${results.length - failed} passed, ${failed} failed${problems.length ? `, ${problems.length} page errors` : ''} ` +
      `in ${seconds.toFixed(1)} s; screenshot harness/out/screenshot.png`,
  );
  return ok ? 0 : 1;
}

function indent(text, n) {
  return text
    .split('\n')
    .slice(0, 6)
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`harness: ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  },
);
