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
import { buildDemos, buildHarness } from './build.mjs';
import { demos } from './demo_checks.mjs';
import { harnessMounts, startServer } from './server.mjs';
import { isStale } from './stale.mjs';

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(harnessDir);
const outDir = path.join(harnessDir, 'out');
const libraryBundle = path.join(root, 'dist', 'browser', 'webgpu-descent.js');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const timeoutMs = Number(process.env.HARNESS_TIMEOUT_MS ?? 120_000);
/** Per demo page: SwiftShader runs them in seconds with ?test; a minute means something hangs. */
const demoTimeoutMs = Number(process.env.HARNESS_DEMO_TIMEOUT_MS ?? 60_000);
const runTests = !process.argv.includes('--demos-only');
const runDemos = !process.argv.includes('--no-demos');

// WebGPU is behind --enable-unsafe-webgpu on Linux; headless Chromium then offers SwiftShader's
// Vulkan (a CPU adapter), or the GPU where Chromium supports one. The rest keeps the browser
// from reaching out to the network and starts it clean each time.
const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

async function main() {
  const t0 = performance.now();
  mkdirSync(outDir, { recursive: true });
  if (isStale(libraryBundle, [path.join(root, 'src'), path.join(root, 'shaders')])) {
    console.log('harness: dist/browser is missing or older than the sources; building it');
    await buildAll();
  }
  const testFiles = await buildHarness();
  if (runTests) console.log(`harness: ${testFiles.length} test files: ${testFiles.join(', ')}`);
  if (runDemos) await buildDemos();

  const server = await startServer(harnessMounts(root));
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'webgpu-descent-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, userDataDir, args: chromiumArgs });
    let status = 0;
    if (runTests) status |= await runTestPage(browser, server.url, t0);
    if (runDemos) status |= await runDemoPages(browser, server.url);
    console.log(`harness: ${status === 0 ? 'all passed' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return status;
  } finally {
    await browser?.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** A new page that logs the page's errors and warnings and collects load problems. */
async function openPage(browser, label) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  const problems = [];
  let pageFailed;
  const pageFailure = new Promise((resolve) => (pageFailed = resolve));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warn') console.log(`  [${label} ${msg.type()}] ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    problems.push(`uncaught error in the page: ${err.message}`);
    pageFailed();
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} for ${res.url()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  return { page, problems, pageFailure };
}

/** Waits until `predicate` holds in the page, the page throws, or `ms` pass; true when it held. */
async function waitFor(page, pageFailure, predicate, ms) {
  const finished = page.waitForFunction(predicate, { timeout: ms, polling: 250 }).then(
    () => true,
    () => false,
  );
  return Promise.race([finished, pageFailure.then(() => false)]);
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
