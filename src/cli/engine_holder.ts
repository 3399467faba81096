/** The engine the main job runs on, replaced after a failure; and the rows of its summary. */
import { createEngine } from '../create_engine.js';
import type { Engine } from '../engine.js';
import type { Timed } from '../report/types.js';
import { openEngine, type Output } from './context.js';

/** One line of the summary table. */
export interface Row {
  workload: string;
  run: string;
  result: string;
  ok: boolean;
  seconds: number;
}

/**
 * The engine of the main job. A run that fails may leave the device unusable (a WebGPU error
 * fails the engine), so after a failure the next run gets a fresh engine.
 */
export class EngineHolder {
  private engine: Engine | undefined;
  private opened = false;

  constructor(
    private readonly backend: string,
    private readonly out: Output,
  ) {}

  async get(): Promise<Engine> {
    if (!this.engine) {
      // The adapter line is printed once, not for every replacement engine.
      this.engine = this.opened ? await createEngine({ backend: this.backend as 'webgpu' | 'cpu' }) : await openEngine(this.backend, this.out);
      this.opened = true;
    }
    return this.engine;
  }

  /** Runs `work` on the engine and times it; a failure becomes a FAILED row and undefined. */
  async run<T>(rows: Row[], workload: string, name: string, work: (e: Engine) => Promise<T>): Promise<Timed<T> | undefined> {
    const t0 = performance.now();
    try {
      const result = await work(await this.get());
      return { result, seconds: (performance.now() - t0) / 1000 };
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      rows.push({ workload, run: name, result: `FAILED: ${message.length > 80 ? `${message.slice(0, 79)}…` : message}`, ok: false, seconds: (performance.now() - t0) / 1000 });
      this.destroy();
      return undefined;
    }
  }

  destroy(): void {
    this.engine?.destroy();
    this.engine = undefined;
  }
}
