/**
 * What a command writes to, and the engine it runs on. stdout holds results only: the human
 * summary, or with `--json` exactly one JSON document. Everything else (the adapter line,
 * progress bars) goes to stderr in JSON mode, so `webgpu-descent linreg --json | jq` just works.
 */
import { createEngine } from '../create_engine.js';
import type { Engine } from '../engine.js';
import { describeAdapter } from './format.js';
import type { ProgressOptions, ProgressStream } from './progress.js';

/** The streams of a run (process.stdout/stderr, or fakes in tests). */
export interface CliStreams {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/** Output of one command run. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly streams: CliStreams = { stdout: process.stdout, stderr: process.stderr },
  ) {}

  /** A line for people: stdout normally, stderr in JSON mode. */
  info(text = ''): void {
    (this.json ? this.streams.stderr : this.streams.stdout).write(`${text}\n`);
  }

  /** The machine-readable result: the only thing on stdout in JSON mode. */
  result(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, jsonNumbers)}\n`);
  }

  /** Options for progress bars: always stderr. */
  get progress(): ProgressOptions {
    return { stream: this.streams.stderr };
  }
}

/** JSON has no NaN or Infinity: they become null rather than breaking the document. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** The backends a command can run on. */
export const BACKENDS = ['webgpu', 'cpu'] as const;

/** Creates the engine for `--backend` and tells which adapter runs the kernels. */
export async function openEngine(backend: string, out: Output): Promise<Engine> {
  if (backend !== 'webgpu' && backend !== 'cpu') throw new Error(`unknown backend '${backend}'`);
  const e = await createEngine({ backend });
  out.info(`adapter: ${describeAdapter(e.adapterInfo)}`);
  return e;
}

/** Flags every workload takes. */
export const commonFlags = {
  backend: { type: 'string', choices: BACKENDS, default: 'webgpu', help: 'where the kernels run: WebGPU (GPU, or lavapipe without one) or the CPU reference' },
  json: { type: 'boolean', help: 'print the result as one JSON document on stdout (progress stays on stderr)' },
} as const;
