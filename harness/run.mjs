#!/usr/bin/env node
// The browser harness: bundles harness/tests/*.browser.ts, serves them with the library bundle
// on 127.0.0.1, runs them in headless Chromium (WebGPU on SwiftShader here), prints one line per
// test, saves harness/out/screenshot.png, and exits 1 when a test fails, the page throws, or the
// run times out. Builds dist/browser first when it is missing or older than src/ and shaders/.
//
//   node harness/run.mjs            (npm run test:browser)
//   CHROMIUM=/path/to/chrome HARNESS_TIMEOUT_MS=300000 node harness/run.mjs
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { buildAll } from '../esbuild.config.mjs';
import { buildHarness } from './build.mjs';
import { startServer } from './server.mjs';

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(harnessDir);
const outDir = path.join(harnessDir, 'out');
const libraryBundle = path.join(root, 'dist', 'browser', 'webgpu-descent.js');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const timeoutMs = Number(process.env.HARNESS_TIMEOUT_MS ?? 120_000);

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
  console.log(`harness: ${testFiles.length} test files: ${testFiles.join(', ')}`);

  const server = await startServer({ '/out/': outDir, '/dist/': path.join(root, 'dist'), '/': path.join(harnessDir, 'public') });
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'webgpu-descent-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, userDataDir, args: chromiumArgs });
    const page = await browser.newPage();
    const problems = [];
    let pageFailed;
    const pageFailure = new Promise((resolve) => (pageFailed = resolve));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warn') console.log(`  [page ${msg.type()}] ${msg.text()}`);
    });
    page.on('pageerror', (err) => {
      problems.push(`uncaught error in the page: ${err.message}`);
      pageFailed();
    });
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} for ${res.url()}`);
    });
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));

    await page.goto(`${server.url}/`, { waitUntil: 'load' });
    const finished = page
      .waitForFunction(() => window.__harness?.done === true, { timeout: timeoutMs, polling: 250 })
      .then(() => true, () => false);
    const completed = await Promise.race([finished, pageFailure.then(() => false)]);
    if (!completed && problems.length === 0) problems.push(`the tests did not finish within ${timeoutMs / 1000} s`);
    const state = await page.evaluate(() => window.__harness ?? null);
    await page.screenshot({ path: path.join(outDir, 'screenshot.png'), fullPage: true });
    return report(state, problems, (performance.now() - t0) / 1000);
  } finally {
    await browser?.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
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

/** Whether `file` is missing or older than any file under `dirs`. */
function isStale(file, dirs) {
  let built;
  try {
    built = statSync(file).mtimeMs;
  } catch {
    return true;
  }
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((d) => {
      const p = path.join(dir, d.name);
      return d.isDirectory() ? newer(p) : statSync(p).mtimeMs > built;
    });
  return dirs.some(newer);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`harness: ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  },
);
