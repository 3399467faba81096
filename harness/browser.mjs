// Headless Chromium for the harness (run.mjs) and the browser benchmark (bench_browser.mjs): the
// flags that give it WebGPU, and pages that report their errors.

// WebGPU is behind --enable-unsafe-webgpu on Linux; headless Chromium then offers SwiftShader's
// Vulkan (a CPU adapter), or the GPU where Chromium supports one. The rest keeps the browser
// from reaching out to the network and starts it clean each time.
export const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The Chromium the harness runs (CHROMIUM=... to use another). */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** A new page that logs the page's errors and warnings and collects load problems. */
export async function openPage(browser, label) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  const problems = [];
  let pageFailed;
  const pageFailure = new Promise((resolve) => (pageFailed = resolve));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warn') console.error(`  [${label} ${msg.type()}] ${msg.text()}`);
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
export async function waitFor(page, pageFailure, predicate, ms) {
  const finished = page.waitForFunction(predicate, { timeout: ms, polling: 250 }).then(
    () => true,
    () => false,
  );
  return Promise.race([finished, pageFailure.then(() => false)]);
}
