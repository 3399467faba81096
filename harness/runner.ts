/**
 * A tiny test runner for the browser harness: `describe`/`it` register async tests at import
 * time, `runTests` runs them one after another (WebGPU work is serial anyway) with a time limit
 * each. Results are published on `window.__harness` for harness/run.mjs and drawn on the page
 * for the screenshot.
 */

/** One registered test. */
interface TestCase {
  name: string;
  fn: () => void | Promise<void>;
}

/** The outcome of one test. */
export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** What the page publishes for harness/run.mjs (read with page.evaluate). */
export interface HarnessState {
  done: boolean;
  results: TestResult[];
  /** A description of the WebGPU adapter the tests ran on. */
  adapter?: string;
  /** Set when the run itself broke (not a single test). */
  error?: string;
}

declare global {
  interface Window {
    __harness?: HarnessState;
  }
}

const cases: TestCase[] = [];
const suites: string[] = [];

/** Groups tests; names are joined with ' › '. */
export function describe(name: string, body: () => void): void {
  suites.push(name);
  try {
    body();
  } finally {
    suites.pop();
  }
}

/** Registers a test; it fails when `fn` throws or its promise rejects. */
export function it(name: string, fn: () => void | Promise<void>): void {
  cases.push({ name: [...suites, name].join(' › '), fn });
}

/** Runs every registered test in registration order. */
export async function runTests(options: { timeoutMs: number; describeAdapter?: () => Promise<string> }): Promise<HarnessState> {
  const state: HarnessState = { done: false, results: [] };
  window.__harness = state;
  const list = document.querySelector('#results')!;
  try {
    if (options.describeAdapter) {
      state.adapter = await options.describeAdapter();
      document.querySelector('#adapter')!.textContent = state.adapter;
    }
    for (const test of cases) {
      const result = await runOne(test, options.timeoutMs);
      state.results.push(result);
      list.append(renderResult(result));
    }
  } catch (err) {
    state.error = describeError(err);
  }
  const failed = state.results.filter((r) => !r.ok).length;
  document.querySelector('#summary')!.textContent = state.error
    ? `harness error: ${state.error}`
    : `${state.results.length - failed} passed, ${failed} failed`;
  document.body.dataset.status = failed === 0 && !state.error ? 'pass' : 'fail';
  state.done = true;
  return state;
}

async function runOne(test: TestCase, timeoutMs: number): Promise<TestResult> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([Promise.resolve().then(test.fn), timeout]);
    return { name: test.name, ok: true, ms: performance.now() - t0 };
  } catch (err) {
    return { name: test.name, ok: false, ms: performance.now() - t0, error: describeError(err) };
  } finally {
    clearTimeout(timer);
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // V8's stack starts with "Error: message"; other engines' stacks hold only the frames.
  return err.stack?.includes(err.message) ? err.stack : `${err.message}\n${err.stack ?? ''}`;
}

function renderResult(r: TestResult): HTMLElement {
  const li = document.createElement('li');
  li.className = r.ok ? 'pass' : 'fail';
  li.textContent = `${r.ok ? '✓' : '✗'} ${r.name} (${r.ms.toFixed(0)} ms)`;
  if (r.error) {
    const pre = document.createElement('pre');
    pre.textContent = r.error.split('\n')[0]!;
    li.append(pre);
  }
  return li;
}
