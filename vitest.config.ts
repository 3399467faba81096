import { defineConfig } from 'vitest/config';
import { viteWgslPlugin } from './scripts/wgsl/shader_modules.mjs';

export default defineConfig({
  // `.wgsl` imports load as the bundles load them: assembled, with their layouts (see the plugin).
  plugins: [viteWgslPlugin()],
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
