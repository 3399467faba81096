/**
 * A benchmark worker: runs the cases the orchestrator names (`--worker --ids a,b`) in this process —
 * our engine and TensorFlow.js on the same adapter — and reports each result as a message
 * (protocol.ts). With `--profile-only` it profiles our side of the cases instead (profile.ts).
 */
import { writeSync } from 'node:fs';
import os from 'node:os';
import { createEngine } from '../src/node.js';
import { getGpu, requestAdapter } from '../src/backend/webgpu/device/gpu.js';
import type { BenchCase } from './case.js';
import { allCases } from './cases/index.js';
import { profileCase } from './profile.js';
import { messageFd, type RunEnvironment, type WorkerMessage } from './protocol.js';
import { measureCase } from './runner.js';
import { loadTfjs } from './tfjs/load.js';

/** What the orchestrator asks of a worker. */
export interface WorkerRequest {
  ids: string[];
  quick: boolean;
  tfjs: boolean;
  profileOnly: boolean;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function send(message: WorkerMessage): void {
  writeSync(messageFd, `${JSON.stringify(message)}\n`);
}

/** Runs the request's cases; throws on an unknown id. */
export async function runWorker(request: WorkerRequest): Promise<void> {
  const cases = request.ids.map((id) => {
    const c = allCases.find((k) => k.id === id);
    if (!c) throw new Error(`bench worker: no case '${id}'`);
    return c;
  });
  const e = await createEngine({ backend: 'webgpu' });
  const adapter = await requestAdapter(await getGpu());
  const timestampQuery = adapter.features.has('timestamp-query');
  const wantTfjs = request.tfjs && !request.profileOnly;
  const tfjs = wantTfjs ? await loadTfjs({ webgpu: true, wasm: cases.some((c: BenchCase) => c.references?.includes('wasm')) }) : null;
  const environment: RunEnvironment = {
    adapter: { ...e.adapterInfo, timestampQuery },
    node: process.version,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', loadAverage1m: os.loadavg()[0]!, vkIcd: process.env.VK_ICD_FILENAMES ?? null },
    tfjs: tfjs ? { version: tfjs.version, webgpu: tfjs.webgpu, wasm: tfjs.wasm, wasmFlavour: tfjs.wasmFlavour, notes: tfjs.notes } : null,
  };
  send({ type: 'environment', environment });
  for (const c of cases) {
    send({ type: 'start', id: c.id });
    if (request.profileOnly) {
      send({ type: 'profile', profile: await profileCase(c, log) });
      continue;
    }
    log(`${c.id} ...`);
    const onSide = (side: string): void => send({ type: 'side', id: c.id, side });
    const result = await measureCase(c, { e, tfjs, quick: request.quick, log, onSide });
    const times = result.sides.map((s) => `${s.name} ${s.error ? `FAILED: ${s.error.slice(0, 200)}` : `${s.ms.median.toPrecision(4)} ms`}`);
    log(`    ${times.join(', ')} (${result.seconds.toFixed(1)} s)`);
    send({ type: 'case', result });
  }
  e.destroy();
}
