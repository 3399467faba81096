/**
 * The page's entry point, imported after every tests/*.browser.ts (see harness/build.mjs): runs
 * the registered tests on the WebGPU engine and publishes the results.
 */
import { gpuEngine } from './engines.js';
import { runTests } from './runner.js';

void runTests({
  timeoutMs: 30_000,
  describeAdapter: async () => {
    const info = (await gpuEngine()).adapterInfo;
    const name = [info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ');
    return `${info.backend}: ${name}${info.isSoftware ? ' (software)' : ''}`;
  },
});
