// `npm test`'s package step (after `npm run build`): the package as a user gets it. Packs it
// (`npm pack`), installs the tarball into an empty project in a temporary folder, typechecks a
// small TypeScript consumer there against the published declarations with strict settings, and
// runs it in Node: createEngine on WebGPU, an op, a read. Also holds the browser bundle to its
// size budget. Exits 1 with the reason if any of that fails. The registry is reachable, but the install prefers npm's cache (the dependencies were
// installed here before).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** The most the minified browser bundle may weigh, in bytes. */
const browserBudget = 600_000;

/** Runs a command; its output goes to ours; throws with `what` when it fails. */
function run(what, command, args, cwd, echo = true) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  if (r.stdout && echo) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}): ${command} ${args.join(' ')}`);
  return r.stdout;
}

/** What a consumer writes: the package's types, an engine on WebGPU, an op and a read. */
const consumer = `import { createEngine, type Engine, type EngineOptions } from 'webgpu-descent';

const options: EngineOptions = { backend: 'webgpu', powerPreference: 'high-performance' };
const e: Engine = await createEngine(options);
const y = e.tensor([1, 2, 3, 4], [2, 2]).mul(2).sum(1);
const values: Float32Array | Float64Array = await y.data();
if (values.length !== 2 || values[0] !== 6 || values[1] !== 14) throw new Error(\`expected [6, 14], got [\${Array.from(values).join(', ')}]\`);
console.log(\`consumer: [\${Array.from(values).join(', ')}] on \${e.adapterInfo.description}\`);
e.destroy();
`;

/** A strict TypeScript 5.9 project: nodenext modules, no ambient @types, libraries checked too. */
const tsconfig = {
  compilerOptions: {
    module: 'nodenext',
    target: 'esnext',
    types: [],
    strict: true,
    skipLibCheck: false,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    outDir: 'out',
  },
  include: ['consumer.ts'],
};

function main() {
  for (const f of ['dist/node/index.js', 'dist/browser/webgpu-descent.js', 'dist/types/index.d.ts']) {
    if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  const browserBytes = statSync(path.join(root, 'dist/browser/webgpu-descent.js')).size;
  if (browserBytes > browserBudget) throw new Error(`dist/browser/webgpu-descent.js is ${browserBytes} bytes, over its budget of ${browserBudget}`);
  console.log(`package: browser bundle ${(browserBytes / 1000).toFixed(0)} kB (budget ${browserBudget / 1000} kB)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'webgpu-descent-package-'));
  try {
    const packed = JSON.parse(run('npm pack', 'npm', ['pack', '--json', '--pack-destination', dir], root, false));
    const tarball = path.join(dir, packed[0].filename);
    console.log(`package: ${packed[0].filename}, ${(packed[0].size / 1024).toFixed(0)} KiB packed, ${packed[0].entryCount} files`);
    const project = path.join(dir, 'project');
    run('mkdir', 'mkdir', [project], dir);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    run('npm install', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], project);
    writeFileSync(path.join(project, 'consumer.ts'), consumer);
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    run('typecheck of the consumer', process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    run('the consumer', process.execPath, [path.join('out', 'consumer.js')], project);
    console.log('package: installs, typechecks and runs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
