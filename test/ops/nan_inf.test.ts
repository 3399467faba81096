import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import { closeness } from '../helpers/allclose.js';

// NaN and ±Infinity through every elementwise op, reduction, softmax and pooling kernel: the
// WebGPU backend must give what the CPU reference gives (NaN propagates through max, min, clip,
// relu and sign as in IEEE arithmetic, TensorFlow, PyTorch and JAX). Finite results are compared
// loosely (the transcendental functions differ in the last bits); NaN and infinities exactly.

const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 3];
const pairValues = [NaN, Infinity, -Infinity, 0, 1, -2, 2.5];

/** Every (a, b) of pairValues, as two flat operands. */
const pairs = pairValues.flatMap((a) => pairValues.map((b) => [a, b] as const));
const lhs = pairs.map((p) => p[0]);
const rhs = pairs.map((p) => p[1]);

type Case = [string, (e: Engine) => Tensor];

const unaryCases: Case[] = [
  'neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'exp', 'expm1', 'log', 'log1p', 'sin', 'cos', 'tan', 'asin', 'acos',
  'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'sigmoid', 'softplus', 'relu', 'relu6', 'leakyRelu', 'elu',
  'selu', 'gelu', 'erf', 'step', 'floor', 'ceil', 'round', 'trunc', 'reciprocal', 'logicalNot', 'isNaN', 'isFinite', 'clone',
].map((name): Case => [name, (e) => (e.tensor(specials) as unknown as Record<string, () => Tensor>)[name]!()]);

unaryCases.push(
  ['gelu tanh', (e) => e.tensor(specials).gelu(true)],
  ['clip', (e) => e.tensor(specials).clip(-1, 2)],
  ['pow 2', (e) => e.tensor(specials).pow(2)],
  ['pow 3', (e) => e.tensor(specials).pow(3)],
  ['pow 0.5', (e) => e.tensor(specials).pow(0.5)],
  ['pow -1', (e) => e.tensor(specials).pow(-1)],
  ['pow 0', (e) => e.tensor(specials).pow(0)],
  ['cast int32', (e) => e.tensor(specials.filter(Number.isFinite)).cast('int32')],
  ['cast bool', (e) => e.tensor(specials).cast('bool')],
);

const binaryNames = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'squaredDifference', 'mod', 'floorDiv',
  'equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual', 'logicalAnd', 'logicalOr',
];
const binaryCases: Case[] = binaryNames.map((name): Case => [
  name,
  (e) => (e.tensor(lhs) as unknown as Record<string, (b: Tensor) => Tensor>)[name]!(e.tensor(rhs)),
]);
// A scalar operand takes the flat (four per invocation) form of the binary shader.
binaryCases.push(
  ['maximum with a scalar', (e) => e.tensor(specials).maximum(0)],
  ['minimum with a scalar', (e) => e.tensor(specials).minimum(0)],
  ['maximum broadcast', (e) => e.tensor(pairValues, [pairValues.length, 1]).maximum(e.tensor(pairValues))],
  ['where', (e) => e.tensor(lhs).where(e.tensor(rhs), e.tensor(lhs.map((v) => -v)))],
);
// Dropout multiplies by the mask (x · 0 where dropped, as TensorFlow): a dropped NaN stays NaN.
unaryCases.push(['dropout (seeded)', (e) => e.tensor(specials).dropout(0.5, { seed: 3 })]);

/** Rows that put NaN and infinities at the start, the middle and the end of short and long rows. */
function rows(cols: number): number[][] {
  const ramp = (k: number): number[] => Array.from({ length: cols }, (_, i) => Math.sin(i * 0.37 + k));
  const put = (k: number, at: number[], v: number[]): number[] => {
    const r = ramp(k);
    at.forEach((p, j) => (r[p] = v[j]!));
    return r;
  };
  const last = cols - 1;
  const mid = Math.floor(cols / 2);
  return [
    ramp(0),
    put(1, [0], [NaN]),
    put(2, [last], [NaN]),
    put(3, [mid, 1], [NaN, NaN]),
    put(4, [mid], [Infinity]),
    put(5, [mid], [-Infinity]),
    put(6, [1, last], [Infinity, -Infinity]),
    put(7, [mid, last], [Infinity, NaN]),
    new Array<number>(cols).fill(-Infinity),
    new Array<number>(cols).fill(Infinity),
  ];
}

const reduceCases: Case[] = [];
// 7 columns: one invocation per row; 100: one workgroup per row; 20000: several passes.
for (const cols of [7, 100, 20000]) {
  const m = (e: Engine): Tensor => e.tensor(rows(cols));
  reduceCases.push(
    [`sum ${cols}`, (e) => m(e).sum(1)],
    [`max ${cols}`, (e) => m(e).max(1)],
    [`min ${cols}`, (e) => m(e).min(1)],
    [`prod ${cols}`, (e) => m(e).prod(1)],
    [`argmax ${cols}`, (e) => m(e).argmax(1)],
    [`argmin ${cols}`, (e) => m(e).argmin(1)],
    [`max of columns ${cols}`, (e) => m(e).max(0)],
    [`argmax of columns ${cols}`, (e) => m(e).argmax(0)],
    [`logSumExp ${cols}`, (e) => m(e).logSumExp(1)],
    [`softmax ${cols}`, (e) => m(e).softmax(-1)],
    [`logSoftmax ${cols}`, (e) => m(e).logSoftmax(-1)],
    [`any ${cols}`, (e) => m(e).any(1)],
    [`all ${cols}`, (e) => m(e).all(1)],
  );
}
reduceCases.push(
  ['argmax of all', (e) => e.tensor(rows(100)).argmax()],
  ['max of all', (e) => e.tensor(rows(100)).max()],
  ['softmaxCrossEntropy', (e) => e.softmaxCrossEntropy(e.tensor(rows(9)), e.tensor(rows(9).map((r) => r.map((_, i) => (i === 2 ? 1 : 0)))), { reduction: 'none' })],
  ['sparseSoftmaxCrossEntropy', (e) => e.sparseSoftmaxCrossEntropy(e.tensor(rows(9)), e.tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 0], [10], 'int32'), { reduction: 'none' })],
  ['matmul', (e) => e.tensor(rows(5)).matmul(e.tensor(rows(5)).transpose())],
);

/** [1, 4, 4, 2] images holding NaN and infinities at several places of their windows. */
function image(): number[] {
  const v = Array.from({ length: 32 }, (_, i) => Math.cos(i));
  v[0] = NaN; // first element of the first window, channel 0
  v[11] = NaN; // later element of a window, channel 1
  v[5] = Infinity;
  v[20] = -Infinity;
  v[27] = NaN;
  v[29] = Infinity;
  return v;
}
const poolCases: Case[] = [
  ['maxPool2d', (e) => e.tensor(image(), [1, 4, 4, 2]).maxPool2d({ poolSize: 2 })],
  ['maxPool2d same', (e) => e.tensor(image(), [1, 4, 4, 2]).maxPool2d({ poolSize: 3, strides: 2, padding: 'same' })],
  ['avgPool2d', (e) => e.tensor(image(), [1, 4, 4, 2]).avgPool2d({ poolSize: 2 })],
  [
    'maxPool2d gradient',
    (e) => {
      const x = e.tensor(image(), [1, 4, 4, 2]);
      return e.grad((t) => t.maxPool2d({ poolSize: 2 }).mul(e.tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2])).sum())(x)[0]!;
    },
  ],
];

describe('NaN and infinities: WebGPU gives what the CPU reference gives', () => {
  for (const [family, cases] of [['unary', unaryCases], ['binary', binaryCases], ['reductions and rows', reduceCases], ['pooling', poolCases]] as const) {
    describe(family, () => {
      for (const [name, f] of cases) {
        it(name, async () => {
          const gpu = await gpuEngine();
          const cpu = await cpuEngine();
          const want = cpu.tidy(() => f(cpu));
          const got = gpu.tidy(() => f(gpu));
          const [w, g] = [await want.data(), await got.data()];
          expect(got.shape).toEqual(want.shape);
          // asin, acos and atan: the WGSL built-ins are looser than 1e-4 (a precise version is on its
          // way); here only their NaN and infinities are the point.
          const atol = ['asin', 'acos', 'atan'].includes(name) ? 1e-3 : 1e-5;
          const { ok, worst } = closeness(g, w, atol, 1e-4);
          expect(ok, `${name}: webgpu ${fmtValues(g)} vs cpu ${fmtValues(w)} (first difference ${worst})`).toBe(true);
          want.dispose();
          got.dispose();
        });
      }
    });
  }
});

describe('NaN and infinities in fused kernels', () => {
  it('a compiled chain of relu, maximum, sign, clip and minimum keeps NaN as the CPU does', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const chain = (x: Tensor): Tensor => x.relu().add(x.sign()).maximum(x.mul(0.5)).clip(-1, 2).minimum(x.relu6()).mul(2);
    const want = await cpu.tidy(() => chain(cpu.tensor(specials))).data();
    const f = gpu.compile(chain);
    const x = gpu.tensor(specials);
    const got = await f(x).data();
    expect(f.commandsPerCall).toContain('fused');
    const { ok, worst } = closeness(got, want, 1e-6, 1e-6);
    expect(ok, `fused ${fmtValues(got)} vs cpu ${fmtValues(want)} (${worst})`).toBe(true);
    f.dispose();
    x.dispose();
  });
});

describe('NaN propagation (CPU reference, the semantics both backends follow)', () => {
  it('relu, relu6, clip, maximum, minimum, sign and max keep NaN; argmax takes the first NaN', async () => {
    const e = await cpuEngine();
    const x = e.tensor([2, NaN, -1]);
    for (const y of [x.relu(), x.relu6(), x.clip(0, 1), x.maximum(0), x.minimum(0), x.sign(), x.abs()]) {
      expect(Number.isNaN((await y.data())[1]!)).toBe(true);
    }
    expect(Number.isNaN((await x.max().data())[0]!)).toBe(true);
    expect(Array.from(await e.tensor([1, NaN, 3, NaN]).argmax().data())).toEqual([1]);
    expect(Array.from(await e.tensor([1, NaN, -3, NaN]).argmin().data())).toEqual([1]);
    expect(Array.from(await e.tensor([NaN, NaN]).equal(e.tensor([NaN, 1])).data())).toEqual([0, 0]);
    expect(Array.from(await e.tensor([NaN, NaN]).notEqual(e.tensor([NaN, 1])).data())).toEqual([1, 1]);
  });
});

function fmtValues(v: ArrayLike<number>): string {
  const list = Array.from(v);
  const shown = list.slice(0, 24).map((x) => (Object.is(x, -0) ? '-0' : String(Number.isInteger(x) ? x : x.toPrecision(5))));
  return `[${shown.join(', ')}${list.length > 24 ? ', ...' : ''}]`;
}
