#!/usr/bin/env node
/**
 * The command line (`webgpu-descent` when installed, `npm run cli --` in a checkout; bundled to
 * dist/node/cli.js). `npm start` runs its `all` command, the main job.
 *
 *   webgpu-descent <command> [flags]      webgpu-descent <command> --help
 *
 * Exit status: 0 done, 1 the work failed (or a check of `all` did not hold), 2 a usage error.
 */
import '../backend/webgpu/node/install.js';
import { PROGRAM, UsageError } from './args.js';
import { runProgram } from './program.js';

/** Exits once stdout has taken everything written to it (Dawn's threads would keep Node alive). */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

runProgram(process.argv.slice(2)).then(exit, (err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  if (process.env.WEBGPU_DESCENT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  exit(err instanceof UsageError ? 2 : 1);
});
