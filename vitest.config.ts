import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/** Loads `.wgsl` files as text, the way esbuild's text loader does for the bundles. */
function wgslAsText(): Plugin {
  return {
    name: 'wgsl-as-text',
    enforce: 'pre',
    load(id) {
      if (!id.endsWith('.wgsl')) return null;
      return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
    },
  };
}

export default defineConfig({
  plugins: [wgslAsText()],
  test: {
    // Quick kernel timing scripts (bench/**/*.vitest.ts) run only on request: QUICK_BENCH=1 npx vitest run bench/...
    include: process.env.QUICK_BENCH ? ['bench/**/*.vitest.ts', '.scratch/**/*.test.ts'] : ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Dawn's device is process-wide and lavapipe already uses both cores: one worker is fastest.
    pool: 'forks',
    fileParallelism: false,
    // test/engine/finalization.test.ts checks the FinalizationRegistry safety net with gc().
    execArgv: ['--expose-gc'],
  },
});
