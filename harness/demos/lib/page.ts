import type { Engine } from '../../../src/index.js';

/**
 * What every demo page shares: query parameters (`?test` for the small settings the browser test
 * suite uses), the status line, frame pacing, and the result the page publishes on
 * `window.__demoResult` for harness/run.mjs.
 */

/** What a demo publishes when it ends. */
export interface DemoResult {
  done: boolean;
  /** Set when the demo threw. */
  error?: string;
  /** The adapter it ran on. */
  adapter?: string;
  seconds?: number;
  /** The demo's own numbers (final loss, min angle, predicted class...). */
  [key: string]: unknown;
}

declare global {
  interface Window {
    __demoResult?: DemoResult;
  }
}

/** The page's query parameters. */
export const params = new URLSearchParams(location.search);

/** `?test`: the small settings of the browser test suite (SwiftShader is slow). */
export const testMode = params.has('test');

/** A number from the query string, or `fallback` (`?steps=200`). */
export function numberParam(name: string, fallback: number): number {
  const raw = params.get(name);
  const value = raw === null ? NaN : Number(raw);
  return Number.isFinite(value) ? value : fallback;
}

/** A string from the query string restricted to `choices`, or `fallback`. */
export function choiceParam<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = params.get(name);
  return raw !== null && (choices as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

/** The adapter in words: 'webgpu: google swiftshader …'. */
export function describeAdapter(e: Engine): string {
  const info = e.adapterInfo;
  const name = [info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ');
  return `${info.backend}: ${name || 'unknown adapter'}${info.isSoftware ? ' (software)' : ''}`;
}

/** Writes the status line under the page title. */
export function status(text: string): void {
  document.querySelector('#status')!.textContent = text;
}

/** Resolves on the next animation frame, so the canvas is shown between batches of GPU work. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/**
 * Runs the demo's `main`, then publishes what it returns (or the error) on `window.__demoResult`
 * and marks the page `data-status="done"` or `"error"`.
 */
export async function runDemo(main: () => Promise<Record<string, unknown>>): Promise<void> {
  const t0 = performance.now();
  try {
    const result = await main();
    window.__demoResult = { ...result, done: true, seconds: (performance.now() - t0) / 1000 };
    document.body.dataset.status = 'done';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    status(`error: ${message}`);
    window.__demoResult = { done: true, error: message, seconds: (performance.now() - t0) / 1000 };
    document.body.dataset.status = 'error';
  }
}
