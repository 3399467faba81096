// Tensors larger than the device allows are refused when they are made, naming the op, the shape,
// the bytes and the limit (src/ops/limits.ts); tensors above one kernel binding
// (maxStorageBufferBindingSize: 128 MiB on lavapipe) but within one buffer work with the ops that
// run in chunks of views (src/ops/chunks.ts, reduce_chunks.ts) and match the CPU backend. The
// large tensor here is [4200, 8000]: 33.6M values, 134.4 MB, just above lavapipe's binding limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/backend/cpu/cpu_backend.js';
import { Engine, type Tensor } from '../../src/index.js';
import { backends, cpuEngine, gpuEngine, gpuEngineOrNull } from '../helpers/engines.js';
import { settledMemory } from '../helpers/memory.js';

const rows = 4200;
const cols = 8000;
const n = rows * cols;

/** The values of the large tensor: smooth, signed, with some exact integers; no NaN. */
function largeValues(): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.001) * 3 + (i % 7) - 3;
  return v;
}

/** Largest |a - b| relative to max(1, |b|); NaN must match NaN (and only NaN). */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) return Infinity;
      continue;
    }
    const d = Math.abs(x - y) / Math.max(1, Math.abs(y));
    if (d > worst) worst = d;
  }
  return worst;
}

describe.each(backends)('sizes checked before allocating (%s)', (name, make) => {
  it('a tensor no buffer can hold is refused when made, naming the op, the shape, the bytes and the limit', async () => {
    const e = await make();
    const before = await settledMemory(e);
    const limit = name === 'cpu' ? /more than the CPU backend's limit of 4294967296 elements/ : /more than the device's maxBufferSize \(\d+ bytes\)/;
    // Just past what one buffer holds on this backend.
    const huge = 2 * Math.ceil((e.limits.maxElements + 1) / 2);
    const side = Math.ceil(Math.sqrt(e.limits.maxElements + 1));
    const cases: [string, () => unknown][] = [
      ['zeros', () => e.zeros([huge])],
      ['ones', () => e.ones([2, huge / 2])],
      ['fill', () => e.fill([huge], 3)],
      ['eye', () => e.eye(side)],
      ['randomNormal', () => e.randomNormal([huge])],
      ['tensor', () => e.tensor([1], [huge])],
      ['variable', () => e.variable([1], [huge])],
    ];
    for (const [op, make] of cases) {
      let message = '';
      try {
        make();
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(new RegExp(`^${op}: a tensor of shape \\[[\\d,]+\\] needs \\d+ bytes, `));
      expect(message).toMatch(limit);
    }
    expect(() => e.eye(side)).toThrow(`eye: a tensor of shape [${side},${side}] needs ${side * side * 4} bytes`);
    expect(e.memory()).toEqual(before);
  });
});

describe('memory the machine cannot give (CPU backend)', () => {
  it('an allocation that fails is an error naming the op and the shape', () => {
    class RefusingBackend extends CpuBackend {
      override alloc(): never {
        throw new RangeError('Array buffer allocation failed');
      }
    }
    const e = new Engine(new RefusingBackend());
    expect(() => e.zeros([1000, 1000])).toThrow(
      'zeros: a tensor of shape [1000,1000] needs 4000000 bytes, which this machine could not allocate (Array buffer allocation failed)',
    );
    expect(() => e.tensor([1, 2, 3])).toThrow(/^tensor: a tensor of shape \[3\] needs 12 bytes, which this machine could not allocate/);
  });
});

const gpuOrNull = await gpuEngineOrNull();

// The tensor is sized for lavapipe's 128 MiB bindings; a device that binds more has nothing to
// chunk at this size (one that binds gigabytes would need tensors too large for a unit test).
describe.skipIf(gpuOrNull === null || gpuOrNull.limits.maxBinding >= n)('tensors above one kernel binding (WebGPU against the CPU backend)', () => {
  let gpu: Engine;
  let cpu: Engine;
  let values: Float32Array;
  let xg: Tensor;
  let xc: Tensor;

  beforeAll(async () => {
    gpu = await gpuEngine();
    cpu = await cpuEngine();
    values = largeValues();
    xg = gpu.tensor(values, [rows, cols]);
    xc = cpu.tensor(values, [rows, cols]);
  });

  afterAll(() => {
    xg?.dispose();
    xc?.dispose();
  });

  /** Runs `f` on both backends and returns both results read back (and disposed). */
  async function both(f: (e: Engine, x: Tensor) => Tensor): Promise<[Float32Array, Float32Array]> {
    const yg = gpu.tidy(() => f(gpu, xg));
    const yc = cpu.tidy(() => f(cpu, xc));
    const out = [await yg.data(), await yc.data()] as [Float32Array, Float32Array];
    yg.dispose();
    yc.dispose();
    return out;
  }

  it('is past the binding limit and within the buffer limit', () => {
    expect(n * 4).toBeGreaterThan(gpu.limits.maxBinding * 4);
    expect(n).toBeLessThan(gpu.limits.maxElements);
  });

  it('uploads and reads back unchanged', async () => {
    const back = await xg.data();
    expect(relativeError(back, values)).toBe(0);
  });

  it('runs elementwise ops: unary, and binary of one shape', async () => {
    const [g, c] = await both((_e, x) => x.abs().mul(x));
    expect(relativeError(g, c)).toBe(0);
  });

  it('casts to bool: a binary op with a single value (to int32 is the unary trunc)', async () => {
    const [g, c] = await both((_e, x) => x.cast('bool'));
    expect(relativeError(g, c)).toBe(0);
  });

  it('reduces: sum over rows, max over the long axis, min and mean of everything', async () => {
    // Whole rows per chunk.
    const [gs, cs] = await both((_e, x) => x.sum(1));
    expect(gs.length).toBe(rows);
    // The two sum in different orders: compare against the size of what is summed.
    for (let r = 0; r < rows; r++) {
      let scale = 0;
      for (let c = 0; c < cols; c++) scale += Math.abs(values[r * cols + c]!);
      expect(Math.abs(gs[r]! - cs[r]!)).toBeLessThan(1e-5 * scale);
    }
    // One row of 4200 x 8000 values, in chunks of columns combined with maximum.
    const [gm, cm] = await both((_e, x) => x.max(0));
    expect(gm.length).toBe(cols);
    expect(relativeError(gm, cm)).toBe(0);
    const [gn, cn] = await both((_e, x) => x.min());
    expect(Array.from(gn)).toEqual(Array.from(cn));
    const [ga, ca] = await both((_e, x) => x.mean([0, 1], true));
    expect(Math.abs(ga[0]! - ca[0]!)).toBeLessThan(1e-5 * 3);
  });

  it('keeps NaN in chunked reductions, as the CPU backend does', async () => {
    // log of the negative values is NaN: rows and columns with any of them reduce to NaN.
    const [gr, cr] = await both((_e, x) => x.log().max(1));
    expect(cr.some(Number.isNaN)).toBe(true);
    expect(relativeError(gr, cr)).toBe(0);
  });

  it('fills: zeros, ones and fill', async () => {
    const read = async (f: () => Tensor): Promise<number> => {
      const t = gpu.tidy(f);
      const [v] = await t.data();
      t.dispose();
      return v!;
    };
    expect(await read(() => gpu.ones([n]).sum())).toBe(n);
    expect(await read(() => gpu.fill([rows, cols], 2.5).min())).toBe(2.5);
    expect(await read(() => gpu.zeros([n]).max())).toBe(0);
  });

  it('copies: a variable made from the tensor, and assign', async () => {
    const v = gpu.variable(xg);
    const negated = gpu.tidy(() => xg.neg());
    v.assign(negated);
    negated.dispose();
    const back = await v.data();
    v.dispose();
    expect(relativeError(back, values.map((x) => -x))).toBe(0);
  });

  it('runs in a compiled step, replayed with a new argument', async () => {
    const step = gpu.compile((x: Tensor) => x.mul(2).sum());
    const first = step(xg);
    const negated = xg.neg();
    const second = step(negated);
    negated.dispose();
    const [a, b] = [(await first.data())[0]!, (await second.data())[0]!];
    first.dispose();
    second.dispose();
    step.dispose();
    const expected = (await cpu.tidy(() => xc.sum().mul(2)).data())[0]!;
    expect(Math.abs(a - expected)).toBeLessThan(1e-4 * Math.abs(expected) + 1e-2);
    expect(b).toBeCloseTo(-a, 2);
  });

  it('refuses ops that cannot work in chunks, naming the op and maxStorageBufferBindingSize, allocating nothing', () => {
    const before = gpu.memory();
    const binding = gpu.limits.maxStorageBufferBindingSize;
    const refusal = (op: string, kernel: string, what: 'input' | 'output'): RegExp =>
      new RegExp(`^${op} \\(kernel ${kernel}\\): the ${what} of shape \\[[\\d,]+\\] holds \\d+ bytes, more than one kernel binding may see on this device \\(maxStorageBufferBindingSize, ${binding} bytes\\)`);
    const flat = xg.reshape([n]);
    const cases: [() => unknown, string | RegExp][] = [
      [() => xg.matmul(gpu.ones([cols, 1])), /^matmul: the input of shape \[4200,8000\] holds 134400000 bytes, more than one kernel binding may see/],
      [() => xg.transpose(), refusal('transpose', 'copy_strided', 'output')],
      [() => xg.argmax(1), /^argmax: the input of shape \[4200,8000\]/],
      [() => xg.softmax(), /^softmax: .*maxStorageBufferBindingSize/],
      [() => gpu.concat([flat, flat]), /^concat \(kernel scatter_strided\): the output of shape \[67200000\]/],
      // Broadcasting against a row (not one value) cannot be cut into matching chunks.
      [() => xg.add(gpu.ones([cols])), /^add: the output of shape \[4200,8000\] holds 134400000 bytes/],
      [() => gpu.ones([2, 1]).mul(gpu.ones([1, n])), /^mul: the output of shape \[2,33600000\]/],
    ];
    for (const [run, expected] of cases) expect(() => gpu.tidy(run)).toThrow(expected);
    flat.dispose();
    expect(gpu.memory()).toEqual(before);
  });
});
