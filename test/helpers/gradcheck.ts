import { expect } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { sizeOf } from '../../src/shape.js';
import { cpu64Engine, cpuEngine, gpuEngine } from './engines.js';
import { expectClose } from './allclose.js';
import { uniformValues } from './random.js';

/** An op under test: builds its output from input tensors on any engine. */
export type OpFn = (e: Engine, ...xs: Tensor[]) => Tensor;

/** One input: its shape and either its values or the range to draw them from. */
export interface InputSpec {
  shape: number[];
  values?: number[];
  range?: [number, number];
}

export interface CheckOptions {
  /** Inputs the gradient is taken for (default: all). */
  wrt?: number[];
  /** Skip the gradient checks (ops with no gradient). */
  noGrad?: boolean;
  /** Tolerances of GPU against CPU. */
  atol?: number;
  rtol?: number;
  /** Tolerances of analytic against finite-difference gradients (float64). */
  gradAtol?: number;
  gradRtol?: number;
  seed?: number;
}

/** @internal Reads a tensor at full precision (float64 on the float64 CPU engine). */
export async function readF64(t: Tensor): Promise<Float64Array> {
  const raw = await t.engine.readStorage(t.storage, t.size);
  return Float64Array.from(raw);
}

function materialize(specs: InputSpec[], seed: number): number[][] {
  return specs.map((s, i) => s.values ?? uniformValues(sizeOf(s.shape), s.range?.[0] ?? -2, s.range?.[1] ?? 2, seed + 17 * i));
}

/**
 * Weighted scalar loss sum(w ⊙ f(xs)) with fixed pseudo-random weights, so the gradient check
 * exercises a non-uniform dy rather than all ones.
 */
function weightedLoss(e: Engine, f: OpFn, xs: Tensor[], seed: number): Tensor {
  const y = f(e, ...xs);
  const w = e.tensor(uniformValues(y.size, 0.5, 1.5, seed + 999), y.shape as number[]);
  return y.mul(w).sum();
}

/** Central finite differences in float64 against the analytic gradient, on the CPU reference. */
export async function gradcheck(f: OpFn, specs: InputSpec[], options: CheckOptions = {}): Promise<void> {
  const e = await cpu64Engine();
  const seed = options.seed ?? 1;
  const values = materialize(specs, seed);
  const wrt = options.wrt ?? specs.map((_, i) => i);
  const xs = values.map((v, i) => e.tensor(v, specs[i]!.shape));
  const { value, grads } = e.valueAndGrad(() => weightedLoss(e, f, xs, seed), wrt.map((i) => xs[i]!));
  value.dispose();
  const h = 1e-6;
  for (const [k, i] of wrt.entries()) {
    const analytic = await readF64(grads[k]!);
    const numeric = new Float64Array(values[i]!.length);
    for (let j = 0; j < numeric.length; j++) {
      const evalAt = async (delta: number): Promise<number> => {
        const moved = values[i]!.slice();
        moved[j]! += delta;
        const loss = e.tidy(() => {
          const inputs = xs.map((x, m) => (m === i ? e.tensor(moved, specs[i]!.shape) : x));
          return weightedLoss(e, f, inputs, seed);
        });
        const v = (await readF64(loss))[0]!;
        loss.dispose();
        return v;
      };
      numeric[j] = ((await evalAt(h)) - (await evalAt(-h))) / (2 * h);
    }
    expectClose(analytic, numeric, options.gradAtol ?? 1e-5, options.gradRtol ?? 1e-4, `gradient of input ${i} (analytic vs finite differences)`);
  }
  e.dispose([xs, grads]);
}

async function forwardAndGrads(e: Engine, f: OpFn, specs: InputSpec[], values: number[][], options: CheckOptions): Promise<Float32Array[]> {
  const seed = options.seed ?? 1;
  const xs = values.map((v, i) => e.tensor(v, specs[i]!.shape));
  const out: Float32Array[] = [];
  const y = f(e, ...xs);
  out.push(await y.data());
  y.dispose();
  if (!options.noGrad) {
    const wrt = options.wrt ?? specs.map((_, i) => i);
    const { value, grads } = e.valueAndGrad(() => weightedLoss(e, f, xs, seed), wrt.map((i) => xs[i]!));
    for (const g of grads) out.push(await g.data());
    e.dispose([value, grads]);
  }
  e.dispose(xs);
  return out;
}

/** Forward and gradients on WebGPU against the float32 CPU reference. */
export async function gpuMatchesCpu(f: OpFn, specs: InputSpec[], options: CheckOptions = {}): Promise<void> {
  const gpu = await gpuEngine();
  const cpu = await cpuEngine();
  const values = materialize(specs, options.seed ?? 1);
  const expected = await forwardAndGrads(cpu, f, specs, values, options);
  const actual = await forwardAndGrads(gpu, f, specs, values, options);
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) =>
    expectClose(a, expected[i]!, options.atol ?? 1e-4, options.rtol ?? 1e-3, i === 0 ? 'forward (GPU vs CPU)' : `gradient ${i - 1} (GPU vs CPU)`),
  );
}

/** The one-line op test: CPU gradient against finite differences, GPU against CPU. */
export async function checkOp(f: OpFn, specs: InputSpec[], options: CheckOptions = {}): Promise<void> {
  if (!options.noGrad) await gradcheck(f, specs, options);
  await gpuMatchesCpu(f, specs, options);
}
