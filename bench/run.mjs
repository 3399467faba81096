// `npm run bench -- [options]`: bundles the benchmark (bench/build.mjs) and runs it with the
// Vulkan driver `npm test` chooses (scripts/vulkan_env.sh: lavapipe alone on a machine without GPU
// device nodes). Workers started by the benchmark inherit the environment.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

execFileSync(process.execPath, ['bench/build.mjs'], { cwd: root, stdio: ['ignore', 2, 2] });

/** VK_ICD_FILENAMES as scripts/vulkan_env.sh would leave it. */
function vulkanEnv() {
  const out = execFileSync('bash', ['-c', 'source scripts/vulkan_env.sh; printf %s "${VK_ICD_FILENAMES:-}"'], { cwd: root, encoding: 'utf8' });
  return out ? { VK_ICD_FILENAMES: out } : {};
}

const child = spawn(process.execPath, ['dist/bench/main.mjs', ...process.argv.slice(2)], {
  cwd: root,
  env: { ...process.env, ...vulkanEnv() },
  stdio: 'inherit',
});
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
