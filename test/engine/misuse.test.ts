// Misuse at the API boundary, as a new user makes it: every case must throw a plain Error (not a
// TypeError or RangeError from deep inside) whose message starts with the op's name and shows
// what came. Each case runs on both backends, before anything reaches a kernel.
import { describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  InputLayer,
  MaxPooling2D,
  Sequential,
  createEngine,
  type Engine,
  type Tensor,
  type Variable,
} from '../../src/index.js';
import { backends, gpuEngine } from '../helpers/engines.js';

/** What the cases use: a [2,3] matrix, an NHWC image, a filter, a variable, labels. */
interface Fixture {
  e: Engine;
  x: Tensor;
  img: Tensor;
  filter: Tensor;
  v: Variable;
  labels: Tensor;
}

/** [op name (the message starts with it), the misuse, text the message must contain: what came]. */
type Case = [string | RegExp, (f: Fixture) => unknown, string];

/* eslint-disable @typescript-eslint/no-explicit-any */
const any = (v: unknown): any => v;

const cases: Case[] = [
  // Reductions: axes and flags of the wrong type.
  ['sum', ({ x }) => x.sum(any(true)), 'got true'],
  ['sum', ({ x }) => x.sum(any(null)), 'got null'],
  ['sum', ({ x }) => x.sum(any('1')), '"1" (a string)'],
  ['max', ({ x }) => x.max(any('1')), '"1" (a string)'],
  ['norm', ({ x }) => x.norm(1, any(true)), 'got true'],
  ['sum', ({ x }) => x.sum(0, any('yes')), '"yes"'],
  ['mean', ({ x }) => x.mean([0, 1.5]), '1.5'],
  ['min', ({ x }) => x.min(5), 'axis 5'],
  ['argmax', ({ x }) => x.argmax(0, any(1)), 'got 1'],
  ['max', ({ x }) => x.max(0, false, any({ tie: 'first' })), "'tie'"],
  ['max', ({ x }) => x.max(0, false, any({ ties: 'last' })), '"last"'],
  ['prod', ({ x }) => x.prod(undefined, any('x')), '"x"'],
  ['logSumExp', ({ x }) => x.logSumExp(any([true])), 'true'],
  ['variance', ({ x }) => x.variance(0, any(1)), 'got 1'],
  ['std', ({ x }) => x.std(any('a')), '"a"'],
  ['norm', ({ x }) => x.norm(any('l2')), '"l2"'],
  ['any', ({ x }) => x.any(any({})), 'an empty object'],
  // Creation: sizes checked before allocating, dtypes, values.
  ['range', ({ e }) => e.range(0, 1e12), '[1000000000000]'],
  ['range', ({ e }) => e.range(any('a')), '"a"'],
  ['range', ({ e }) => e.range(0, 5, 0), 'step must not be 0'],
  ['range', ({ e }) => e.range(0, 3, 1, any('float64')), '"float64"'],
  ['zeros', ({ e }) => e.zeros([2, -1]), '[2,-1]'],
  ['zeros', ({ e }) => e.zeros(any('a')), '"a"'],
  ['zeros', ({ e }) => e.zeros([2], any('float64')), '"float64"'],
  ['ones', ({ e }) => e.ones([1e6, 1e6]), '[1000000,1000000]'],
  ['fill', ({ e }) => e.fill([2], any('a')), '"a"'],
  ['eye', ({ e }) => e.eye(2.5), '2.5'],
  ['eye', ({ e }) => e.eye(2, 2, any('a')), '"a"'],
  ['linspace', ({ e }) => e.linspace(0, 1, -1), '-1'],
  ['linspace', ({ e }) => e.linspace(any('a'), 1, 3), '"a"'],
  ['randomUniform', ({ e }) => e.randomUniform([2], { minval: 1, maxval: 0 }), '[1, 0)'],
  ['randomUniform', ({ e }) => e.randomUniform([2], { seed: 1.5 }), '1.5'],
  ['randomUniform', ({ e }) => e.randomUniform([2], any({ min: 0 })), "'min'"],
  ['randomUniform', ({ e }) => e.randomUniform([2], { dtype: any('float64') }), '"float64"'],
  ['randomNormal', ({ e }) => e.randomNormal([2], { stddev: -1 }), '-1'],
  ['randomNormal', ({ e }) => e.randomNormal([NaN]), '[NaN]'],
  ['truncatedNormal', ({ e }) => e.truncatedNormal([2], any('a')), '"a"'],
  ['scalar', ({ e }) => e.scalar(any('a')), '"a"'],
  // e.tensor and variables.
  ['tensor', ({ e }) => e.tensor([1], undefined, any('float64')), '"float64"'],
  ['tensor', ({ e }) => e.tensor(any('abc')), '"abc"'],
  ['tensor', ({ e }) => e.tensor(any([1, 'a'])), '"a"'],
  ['tensor', ({ e }) => e.tensor([1, 2], [NaN]), '[NaN]'],
  ['tensor', ({ e }) => e.tensor([1, 2], [Infinity]), '[Infinity]'],
  ['tensor', ({ e }) => e.tensor([1, 2, 3], [2, 2]), '3 values'],
  ['tensor', ({ e }) => e.tensor(any(new BigInt64Array(2))), 'BigInt64Array'],
  ['tensor', ({ e }) => e.tensor(any({ a: 1 })), 'keys a'],
  ['tensor', ({ e }) => e.tensor([[1, 2], [3]]), 'not rectangular'],
  ['variable', ({ e }) => e.variable([1], undefined, { dtype: any('float16') }), '"float16"'],
  ['variable', ({ e }) => e.variable([1], undefined, { trainable: any('no') }), '"no"'],
  ['variable', ({ e }) => e.variable([1], undefined, any({ nmae: 'w' })), "'nmae'"],
  ['assign', ({ e }) => e.variable(e.zeros([2, 3])).assign(e.zeros([3, 2])), '[3,2]'],
  ['assign', ({ v, e }) => v.assign(e.tensor([1, 2])), '[2]'],
  // Elementwise ops.
  ['leakyRelu', ({ x }) => x.leakyRelu(any('0.2')), '"0.2"'],
  ['elu', ({ x }) => x.elu(NaN), 'NaN'],
  ['gelu', ({ x }) => x.gelu(any('yes')), '"yes"'],
  ['clip', ({ x }) => x.clip(any('a'), 1), '"a"'],
  ['clip', ({ x }) => x.clip(2, 1), '(2)'],
  ['clip', ({ x }) => x.clip(NaN, 1), 'NaN'],
  ['cast', ({ x }) => x.cast(any('complex64')), '"complex64"'],
  ['cast', ({ x }) => x.cast(any(undefined)), 'undefined'],
  ['relu', ({ e }) => e.relu(any('x')), '"x"'],
  ['exp', ({ e }) => e.exp(any(null)), 'null'],
  ['add', ({ x }) => x.add(any('1')), '"1"'],
  ['mul', ({ x }) => x.mul(any(true)), 'true'],
  ['add', ({ x }) => x.add(any([1, 2])), '[1,2]'],
  ['where', ({ x }) => x.where(1, any('a')), '"a"'],
  ['pow', ({ x }) => x.pow(any('2')), '"2"'],
  ['mul', ({ x, e }) => x.mul(e.tensor([1, 2])), '[2,3] and [2]'],
  // Products.
  ['matmul', ({ x }) => x.matmul(x.transpose(), any('yes')), '"yes"'],
  ['matmul', ({ x }) => x.matmul(x.transpose(), false, any(1)), 'got 1'],
  ['matmul', ({ x }) => x.matmul(any(3)), 'got 3'],
  ['matmul', ({ x }) => x.matmul(x), '[2,3] x [2,3]'],
  ['dot', ({ x }) => x.dot(any('a')), '"a"'],
  ['tensordot', ({ x }) => x.tensordot(x, any('a')), '"a"'],
  ['outer', ({ x }) => x.outer(any(1)), 'got 1'],
  // Layout and slicing.
  ['reshape', ({ x }) => x.reshape(any('a')), '"a"'],
  ['reshape', ({ x }) => x.reshape([4, 2]), '[4,2]'],
  ['reshape', ({ x }) => x.reshape([2.5, 2]), '2.5'],
  ['expandDims', ({ x }) => x.expandDims(any('0')), '"0"'],
  ['expandDims', ({ x }) => x.expandDims(5), 'axis 5'],
  ['squeeze', ({ x }) => x.squeeze(0), 'size 2'],
  ['squeeze', ({ x }) => x.squeeze(any('a')), '"a"'],
  ['transpose', ({ x }) => x.transpose(any('ab')), '"ab"'],
  ['transpose', ({ x }) => x.transpose([0, 0]), '[0,0]'],
  ['broadcastTo', ({ x }) => x.broadcastTo([NaN]), '[NaN]'],
  ['broadcastTo', ({ x }) => x.broadcastTo([3, 3]), '[3,3]'],
  ['tile', ({ x }) => x.tile(any('a')), '"a"'],
  ['tile', ({ x }) => x.tile([1, -1]), '-1'],
  ['pad', ({ x }) => x.pad(any(5)), 'got 5'],
  ['pad', ({ x }) => x.pad(any([[0, 1], [0]])), '[0]'],
  ['pad', ({ x }) => x.pad([[0, 1], [0, 1]], any('z')), '"z"'],
  ['reverse', ({ x }) => x.reverse(any('a')), '"a"'],
  ['slice', ({ x }) => x.slice(any('a')), '"a"'],
  ['slice', ({ x }) => x.slice([0, 0], [3, 1]), '[3,1]'],
  ['slice', ({ x }) => x.slice([0.5]), '0.5'],
  ['stridedSlice', ({ x }) => x.stridedSlice(any('a'), [1]), '"a"'],
  ['stridedSlice', ({ x }) => x.stridedSlice([0], [1], [0]), 'stride 0'],
  ['stridedSlice', ({ x }) => x.stridedSlice([0], [1], [1], any({ beginmask: 1 })), "'beginmask'"],
  ['stridedSlice', ({ x }) => x.stridedSlice([0], [1], [1], { beginMask: -1 }), '-1'],
  ['index', ({ x }) => x.index(1.5), '1.5'],
  ['index', ({ x }) => x.index(9), 'index 9'],
  ['unstack', ({ x }) => x.unstack(any('0')), '"0"'],
  ['split', ({ x }) => x.split(4), '4 equal parts'],
  ['split', ({ x }) => x.split(any([1, 'a'])), '"a"'],
  ['gather', ({ x }) => x.gather(any('a')), '"a"'],
  ['gather', ({ x }) => x.gather([0, 5]), 'index 5'],
  ['gather', ({ x, e }) => x.gather(e.tensor([0])), 'float32'],
  ['gather', ({ x }) => x.gather([0], 2), 'axis 2'],
  ['concat', ({ e, x }) => e.concat(any(x)), 'tensor of shape [2,3]'],
  ['concat', ({ e, x }) => e.concat(any([x, 'a'])), '"a"'],
  ['concat', ({ e, x }) => e.concat([x, x], 2), 'axis 2'],
  ['concat', ({ e }) => e.concat([]), '[]'],
  ['stack', ({ e, x }) => e.stack([x, x.reshape([3, 2])]), '[3,2]'],
  // Neural-network ops.
  ['maxPool2d', ({ img }) => img.maxPool2d({ poolSize: 0 }), 'got 0'],
  ['maxPool2d', ({ img }) => img.maxPool2d({ padding: any('full') }), '"full"'],
  ['maxPool2d', ({ img }) => img.maxPool2d(any({ pool: 2 })), "'pool'"],
  ['avgPool2d', ({ img }) => img.avgPool2d(any('a')), '"a"'],
  ['maxPool2d', ({ x }) => x.maxPool2d(), '[2,3]'],
  ['globalAvgPool2d', ({ img }) => img.globalAvgPool2d(any('yes')), '"yes"'],
  ['conv2d', ({ img }) => img.conv2d(any('f')), '"f"'],
  ['conv2d', ({ img, filter }) => img.conv2d(filter, any({ stride: 1 })), "'stride'"],
  ['conv2d', ({ img, filter }) => img.conv2d(filter, { strides: 0 }), 'got 0'],
  ['conv2d', ({ img, filter }) => img.conv2d(filter, { padding: any('full') }), '"full"'],
  ['conv2d', ({ img, filter }) => img.conv2d(filter, { activation: any('relu7') }), '"relu7"'],
  ['conv2d', ({ img, filter }) => img.conv2d(filter, { bias: any('b') }), '"b"'],
  ['conv2d', ({ img, e }) => img.conv2d(e.zeros([3, 3, 5, 4])), 'filter [3,3,5,4]'],
  ['depthwiseConv2d', ({ img, filter }) => img.depthwiseConv2d(filter, { dilations: [1, 0] }), '[1,0]'],
  ['conv2dTranspose', ({ img, e }) => img.conv2dTranspose(e.zeros([3, 3, 4, 2]), any([1, 'a'])), '"a"'],
  ['batchNorm', ({ x, e }) => x.batchNorm(any('m'), e.ones([3])), '"m"'],
  ['batchNorm', ({ x, e }) => x.batchNorm(e.zeros([3]), e.ones([3]), any({ eps: 1 })), "'eps'"],
  ['batchNorm', ({ x, e }) => x.batchNorm(e.zeros([3]), e.ones([3]), { epsilon: -1 }), '-1'],
  ['batchNormTraining', ({ x }) => x.batchNormTraining({ gamma: any('g') }), '"g"'],
  ['assignMovingAverage', ({ e, x }) => e.assignMovingAverage(any(x), x), 'tensor of shape [2,3]'],
  ['assignMovingAverage', ({ e, v }) => e.assignMovingAverage(v, v, 2), 'got 2'],
  ['dropout', ({ x }) => x.dropout(1.5), '1.5'],
  ['dropout', ({ x }) => x.dropout(any('0.5')), '"0.5"'],
  ['dropout', ({ x }) => x.dropout(0.5, { training: any('yes') }), '"yes"'],
  ['dropout', ({ x }) => x.dropout(0.5, { seed: -1 }), '-1'],
  ['dropout', ({ x }) => x.dropout(0.5, any({ noise: [1] })), "'noise'"],
  ['softmax', ({ x }) => x.softmax(any('a')), '"a"'],
  ['softmax', ({ x }) => x.softmax(2), 'axis 2'],
  ['logSoftmax', ({ x }) => x.logSoftmax(1.5), '1.5'],
  ['softmaxCrossEntropy', ({ x }) => x.softmaxCrossEntropy(any('l')), '"l"'],
  ['softmaxCrossEntropy', ({ x }) => x.softmaxCrossEntropy(x, { reduction: any('avg') }), '"avg"'],
  ['sparseSoftmaxCrossEntropy', ({ x, e }) => x.sparseSoftmaxCrossEntropy(e.tensor([0, 3], [2], 'int32')), '[0, 3]'],
  ['sparseSoftmaxCrossEntropy', ({ x, e }) => x.sparseSoftmaxCrossEntropy(e.tensor([0, -1], [2], 'int32')), '[-1, 0]'],
  ['sparseSoftmaxCrossEntropy', ({ x, e }) => x.sparseSoftmaxCrossEntropy(e.tensor([0, 1.5])), 'non-integer'],
  ['sparseSoftmaxCrossEntropy', ({ x, e }) => x.sparseSoftmaxCrossEntropy(e.tensor([[4], [0]], [2, 1], 'int32').reshape([2])), '[0, 4]'],
  ['sparseSoftmaxCrossEntropy', ({ x, labels }) => x.sparseSoftmaxCrossEntropy(labels, any({ axs: 0 })), "'axs'"],
  ['categoricalCrossEntropy', ({ x }) => x.categoricalCrossEntropy(x, { fromLogits: any('yes') }), '"yes"'],
  ['categoricalCrossEntropy', ({ x }) => x.categoricalCrossEntropy(x, { epsilon: 2 }), 'got 2'],
  // Engine functions.
  ['tidy', ({ e }) => e.tidy(any('f')), '"f"'],
  ['valueAndGrad', ({ e, x }) => e.valueAndGrad(() => x.sum(), any(x)), 'tensor of shape [2,3]'],
  ['valueAndGrad', ({ e, x }) => e.valueAndGrad(() => x.sum(), any([x, 1])), 'got 1'],
  ['grad', ({ e }) => e.grad(any(5)), 'got 5'],
  ['tape', ({ e }) => e.tape(any({ persistant: true })), "'persistant'"],
  ['sum', ({ e }) => e.sum(any(5)), 'got 5'],
  ['matmul', ({ e, x }) => e.matmul(any('a'), x), '"a"'],
  // Optimizers, schedules, constraints.
  ['adam', ({ e }) => e.optim.adam(any({ learningrate: 0.1 })), "'learningrate'"],
  ['adam', ({ e }) => e.optim.adam({ amsgrad: any('yes') }), '"yes"'],
  ['sgd', ({ e }) => e.optim.sgd({ momentum: 2 }), 'got 2'],
  ['sgd', ({ e }) => e.optim.sgd({ learningRate: any('fast') }), '"fast"'],
  ['rmsprop', ({ e }) => e.optim.rmsprop({ centered: any(1) }), 'got 1'],
  ['adam', ({ e }) => e.optim.adam({ clipNorm: -1 }), '-1'],
  ['lossRecorder', ({ e }) => e.optim.lossRecorder(0), 'got 0'],
  ['exponentialDecay', ({ e }) => e.optim.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }), 'got 0'],
  ['exponentialDecay', ({ e }) => e.optim.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9, staircase: any('yes') }), '"yes"'],
  ['cosineDecay', ({ e }) => e.optim.schedules.cosineDecay(any({ initialLearningRate: 1, decaySteps: 10, alfa: 0 })), "'alfa'"],
  ['piecewiseConstant', ({ e }) => e.optim.schedules.piecewiseConstant(any([1, 'a']), [1, 2, 3]), '"a"'],
  ['clipTo', ({ e }) => e.optim.constraints.clipTo(any('a'), 1), '"a"'],
  ['sgd.minimize', ({ e, v }) => e.optim.sgd().minimize(any('loss'), [v]), '"loss"'],
  ['minimize', ({ e, x }) => e.optim.sgd().minimize(() => x.sum(), any([x])), 'is not a variable'],
  // Layers and models.
  [/^dense(_\d+)?:/, () => new Dense({ units: 0 }), 'got 0'],
  ['Dense', () => new Dense(any({ units: 3, activaton: 'relu' })), "'activaton'"],
  [/^dense(_\d+)?:/, () => new Dense({ units: 3, useBias: any('no') }), '"no"'],
  [/^conv2d(_\d+)?:/, () => new Conv2D({ filters: 2, kernelSize: 0 }), 'got 0'],
  [/^dropout(_\d+)?:/, () => new Dropout({ rate: 1 }), 'got 1'],
  ['MaxPooling2D', () => new MaxPooling2D(any({ poolsize: 2 })), "'poolsize'"],
  [/^batch_normalization(_\d+)?:/, () => new BatchNormalization({ momentum: 2 }), 'got 2'],
  ['Sequential', () => new Sequential(any('a')), '"a"'],
  ['Sequential', () => new Sequential([], any({ nam: 'x' })), "'nam'"],
  [/^sequential(_\d+)?\.apply:/, () => new Sequential([new Dense({ units: 2 })]).apply(any('x')), '"x"'],
  ['InputLayer', () => new InputLayer({ shape: [NaN] }), '[NaN]'],
];

describe.each(backends)('misuse is an Error naming the op and what came (%s)', (_name, make) => {
  it(`has at least 100 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  cases.forEach(([op, misuse, came], i) => {
    it(`${i}: ${String(op)} ... ${came}`, async (ctx) => {
      const e = await make();
      if (!e) return ctx.skip();
      const f = e.tidy(() => ({ e, x: e.tensor([[1, 2, 3], [4, 5, 6]]), img: e.ones([1, 4, 4, 2]), filter: e.ones([3, 3, 2, 4]), labels: e.tensor([0, 2], [2], 'int32') }));
      const v = e.variable([[1, 2, 3], [4, 5, 6]], undefined, { name: 'w' });
      let error: unknown;
      try {
        e.tidy(() => {
          misuse({ ...f, v });
        });
      } catch (err) {
        error = err;
      }
      expect(error, 'no error').toBeInstanceOf(Error);
      const err = error as Error;
      expect(err.constructor, `${err.constructor.name}: ${err.message}`).toBe(Error);
      if (typeof op === 'string') expect(err.message.startsWith(`${op}:`) || err.message.startsWith(`${op}.`), err.message).toBe(true);
      else expect(err.message).toMatch(op);
      expect(err.message).toContain(came);
      e.dispose([f.x, f.img, f.filter, f.labels, v]);
    });
  });
});

describe('labels out of range on the device', () => {
  it('the CPU backend refuses device-made labels at once', async () => {
    const e = await createEngine({ backend: 'cpu' });
    const logits = e.tensor([[1, 2, 3], [4, 5, 6]]);
    // Labels made by a kernel: their values are not known on the host.
    const labels = e.tensor([0.5, 3.2]).floor().cast('int32');
    expect(labels.storage.valueRange).toBeUndefined();
    expect(() => logits.sparseSoftmaxCrossEntropy(labels)).toThrow(/^sparseSoftmaxCrossEntropy: label 3 of example 1 is not an integer in \[0, 3\)/);
    e.destroy();
  });

  it('WebGPU reports them at the next read or flush, naming the op, then goes on', async () => {
    const e = await gpuEngine();
    const logits = e.tensor([[1, 2, 3], [4, 5, 6]]);
    const bad = e.tensor([0.5, 3.2]).floor().cast('int32');
    const good = e.tensor([0.5, 2.2]).floor().cast('int32');
    const loss = logits.sparseSoftmaxCrossEntropy(bad, { reduction: 'none' });
    await expect(loss.data()).rejects.toThrow(/^sparseSoftmaxCrossEntropy: a label outside \[0, classes\)/);
    // Reported once; the bad example's loss is NaN.
    const values = await loss.data();
    expect(Number.isNaN(values[1]!)).toBe(true);
    logits.sparseSoftmaxCrossEntropy(bad).dispose();
    await expect(e.flush()).rejects.toThrow(/^sparseSoftmaxCrossEntropy: a label outside/);
    const fine = logits.sparseSoftmaxCrossEntropy(good, { reduction: 'none' });
    expect(Array.from(await fine.data()).every(Number.isFinite)).toBe(true);
    await e.flush();
    e.dispose([logits, bad, good, loss, fine]);
  });

  it('host-made labels are checked at once on WebGPU too; slices of them by their bounds, without false alarms', async () => {
    const e = await gpuEngine();
    const logits = e.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(() => logits.sparseSoftmaxCrossEntropy(e.tensor([2, 7], [2], 'int32'))).toThrow(/got values in \[2, 7\]/);
    // A batch of valid labels sliced from a set that holds a bad one elsewhere: its bounds do not
    // prove it valid, so the kernel checks it, and finds nothing.
    const all = e.tensor([2, 1, 9, 9], [4], 'int32');
    const loss = logits.sparseSoftmaxCrossEntropy(all.slice(0, 2), { reduction: 'none' });
    expect(Array.from(await loss.data()).every(Number.isFinite)).toBe(true);
    const gathered = logits.sparseSoftmaxCrossEntropy(all.gather([1, 0]), { reduction: 'none' });
    expect(Array.from(await gathered.data()).every(Number.isFinite)).toBe(true);
    e.dispose([logits, all, loss, gathered]);
  });
});

describe('a destroyed engine', () => {
  it('rejects a read pending when destroy() runs, saying the engine was destroyed', async (ctx) => {
    if (!(await gpuEngine())) return ctx.skip();
    const e = await createEngine({ backend: 'webgpu' });
    const x = e.tensor([1, 2, 3]).exp();
    const pending = x.data();
    e.destroy();
    await expect(pending).rejects.toThrow(/^data: the engine was destroyed while reading Tensor#\d+/);
    await expect(x.data()).rejects.toThrow(/engine was destroyed/);
  });

  it('refuses reads after destroy() on the CPU backend too', async () => {
    const e = await createEngine({ backend: 'cpu' });
    const x = e.tensor([1, 2, 3]);
    e.destroy();
    await expect(x.data()).rejects.toThrow(/engine was destroyed/);
  });
});
