#!/usr/bin/env node
// `npm run bench:browser -- [options]`: the benchmark page (harness/public/bench.html) in headless
// Chromium: the cases of `npm run bench` on the browser's WebGPU adapter (SwiftShader on a machine
// without a GPU) beside TensorFlow.js's WebGPU backend in the same page. Prints the same report as
// `npm run bench`, or its JSON with --json (progress goes to stderr).
//   --filter <s>[,<s>...]  the cases whose id contains one of the substrings
//   --quick                fewer runs per case
//   --smoke                one warm-up and one timed run per case
//   --no-tfjs              our engine only
//   --json                 the JSON report alone on stdout
//   --save <file>          also write the JSON report to <file>
//   --autotune on|cached|off  the engine's kernel autotuning (default on; the table lives in the
//                          browser profile, a fresh one each run)
// CHROMIUM=/path/to/chrome picks the browser; BENCH_BROWSER_TIMEOUT_MS the time limit (1 hour).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { runBenchPage } from './bench_page.mjs';
import { chromiumArgs, chromiumPath } from './browser.mjs';
import { buildBenchPage } from './build.mjs';
import { harnessMounts, startServer } from './server.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const timeoutMs = Number(process.env.BENCH_BROWSER_TIMEOUT_MS ?? 3_600_000);

function parse(argv) {
  const o = { filter: '', quick: false, smoke: false, tfjs: true, json: false, save: null, autotune: 'on' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new Error(`bench:browser: ${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--smoke') o.smoke = true;
    else if (a === '--no-tfjs') o.tfjs = false;
    else if (a === '--json') o.json = true;
    else if (a.startsWith('--filter')) o.filter = value();
    else if (a.startsWith('--save')) o.save = value();
    else if (a.startsWith('--autotune')) o.autotune = value();
    else throw new Error(`bench:browser: unknown option '${a}' (see the header of harness/bench_browser.mjs)`);
  }
  return o;
}

/** The commit the page was built from, as bench/main.ts reports it. */
function revision() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'shaders'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} + uncommitted changes in src/ or shaders/` : head;
  } catch {
    return null;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const o = parse(args);
  const query = new URLSearchParams({ autorun: '', autotune: o.autotune, command: `npm run bench:browser${args.length > 0 ? ` -- ${args.join(' ')}` : ''}` });
  if (o.filter) query.set('filter', o.filter);
  if (o.quick) query.set('quick', '');
  if (o.smoke) query.set('smoke', '');
  if (!o.tfjs) query.set('tfjs', '0');
  const rev = revision();
  if (rev) query.set('rev', rev);
  await buildBenchPage();
  const server = await startServer(harnessMounts(root));
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'webgpu-descent-bench-'));
  let browser;
  try {
    // Developer features: timestamps at full resolution, the adapter's full description.
    browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, userDataDir, args: [...chromiumArgs, '--enable-webgpu-developer-features'] });
    process.stderr.write(`bench:browser: ${server.url}/bench.html?${query}\n`);
    const { state, problems } = await runBenchPage(browser, server.url, `?${query}`, timeoutMs, path.join(root, 'harness', 'out', 'bench.png'));
    if (state?.error) problems.push(state.error);
    if (!state?.report) {
      for (const p of problems) process.stderr.write(`bench:browser: ${p}\n`);
      return 1;
    }
    const json = JSON.stringify(state.report, null, 2);
    if (o.save) writeFileSync(o.save, `${json}\n`);
    process.stdout.write(`${o.json ? json : state.text}\n`);
    for (const p of problems) process.stderr.write(`bench:browser: ${p}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await browser?.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.message.startsWith('bench:browser') ? err.message : err.stack) : err}\n`);
    process.exit(1);
  },
);
