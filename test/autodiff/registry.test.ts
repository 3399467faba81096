import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { gradients } from '../../src/ops/gradients.js';
import { unaryGradients, type UnaryContexts } from '../../src/ops/unary.js';
import { notDifferentiable, recordRule, zeroGradient, type GradientTable } from '../../src/autodiff/rules.js';
import { kernelIds } from '../../src/kernel_ids/registry.js';
import { backends } from '../helpers/engines.js';

describe('the op registry', () => {
  it('refuses at compile time a table that misses an op', () => {
    const { relu: _dropped, ...rest } = unaryGradients;
    // @ts-expect-error: 'relu' has neither a rule nor a mark.
    const incomplete: GradientTable<UnaryContexts> = rest;
    expect(Object.keys(incomplete)).not.toContain('relu');
    expect(gradients.relu).toBe(unaryGradients.relu);
  });

  it('names every op with the kernel id spelling (snake_case), and kernel-named ops by their kernel', () => {
    const names = Object.keys(gradients);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    const kernels = new Set<string>(kernelIds);
    for (const name of ['conv2d_backprop_input', 'conv2d_backprop_filter', 'depthwise_conv2d_backprop_input', 'max_pool2d_backprop', 'gather_grad', 'squared_difference']) {
      expect(names).toContain(name);
      expect(kernels.has(name)).toBe(true);
    }
  });

  it('declares argmax, argmin and the random and creation ops not differentiable, comparisons and floor zero', () => {
    for (const name of ['argmax', 'argmin', 'random_uniform', 'random_normal', 'fill', 'eye', 'iota'] as const) {
      expect(gradients[name]).toBe(notDifferentiable);
    }
    for (const name of ['greater', 'equal', 'not_equal', 'logical_and', 'floor', 'round', 'sign', 'step', 'is_nan', 'floor_div'] as const) {
      expect(gradients[name]).toBe(zeroGradient);
    }
  });
});

describe.each(backends)('missing and impossible gradients fail loudly (%s)', (_name, make) => {
  it('refuses an op recorded under a name the registry does not know, on first use', async (ctx) => {
    const e = await make();
    if (!e) return ctx.skip();
    const x = e.tensor([1, 2]);
    const tape = e.tape();
    try {
      const y = x.neg();
      expect(() => recordRule(e, 'made_up_op', y, [x], {})).toThrow(/^made_up_op: this op has no backward rule and no not-differentiable mark/);
    } finally {
      tape.dispose();
    }
    // Nothing records: nothing to look up.
    expect(() => recordRule(e, 'made_up_op', x, [x], {})).not.toThrow();
    x.dispose();
  });

  it('a kernel run by an op that records no rule is an error when a gradient reaches it, not a zero', async (ctx) => {
    const e = await make();
    if (!e) return ctx.skip();
    const x = e.tensor([1, -2, 3]);
    const w = e.tensor([2, 2, 2]);
    // An op that forgets to record itself: its kernel runs, no rule is recorded.
    const forgetful = (t: Tensor): Tensor => e.runKernel('neg', [t], t.shape, 'float32', { n: t.size, alpha: 0, beta: 0 });
    expect(() => e.valueAndGrad(() => forgetful(x).mul(w).sum(), [x])).toThrow(
      /gradient: kernel 'neg' made Tensor#\d+\(float32 \[3\]\) from tensors that depend on a source, but no op recorded its backward rule/,
    );
    // As the target itself.
    expect(() => e.valueAndGrad(() => forgetful(x.sum()), [x])).toThrow(/kernel 'neg'/);
    // Where no gradient reaches it (its input does not depend on a source, or it feeds nothing
    // differentiable), there is nothing to lose.
    const { value, grads } = e.valueAndGrad(() => forgetful(w).mul(x).sum(), [x]);
    expect(Array.from(await grads[0]!.data())).toEqual([-2, -2, -2]);
    e.dispose([x, w, value, grads]);
  });

  it('a gradient through argmax or argmin is an error naming the op', async (ctx) => {
    const e = await make();
    if (!e) return ctx.skip();
    const x = e.tensor([[1, 5, 2], [7, 0, 3]]);
    expect(() => e.valueAndGrad(() => x.argmax(1).cast('float32').sum(), [x])).toThrow(/gradient: 'argmax' is not differentiable/);
    expect(() => e.valueAndGrad(() => x.argmin().cast('float32').mul(x).sum(), [x])).toThrow(/'argmin' is not differentiable/);
    expect(() => e.grad((t) => t.argmax().cast('float32'))(x)).toThrow(/'argmax' is not differentiable/);
    x.dispose();
  });

  it('argmax results used as indices, and comparisons used as masks, differentiate normally', async (ctx) => {
    const e = await make();
    if (!e) return ctx.skip();
    const x = e.tensor([[1, 5, 2], [7, 0, 3]]);
    // The largest of each row, picked by gather with argmax indices: d/dx is one at the argmax.
    const picked = e.valueAndGrad(() => x.reshape([6]).gather(x.argmax(1).add(e.tensor([0, 3], [2], 'int32'))).sum(), [x]);
    expect(Array.from(await picked.grads[0]!.data())).toEqual([0, 1, 0, 1, 0, 0]);
    // relu by hand: the mask x > 2 is a constant to the tape.
    const masked = e.valueAndGrad(() => x.greater(2).mul(x).sum(), [x]);
    expect(Array.from(await masked.grads[0]!.data())).toEqual([0, 1, 0, 1, 0, 1]);
    // floor and sign have zero derivatives; random values are constants.
    const zero = e.valueAndGrad(() => x.floor().add(x.sign()).mul(x).sum(), [x]);
    expect(Array.from(await zero.grads[0]!.data())).toEqual([2, 6, 3, 8, 0, 4]);
    const noise = e.randomUniform([2, 3], { seed: 4 });
    const random = e.valueAndGrad(() => e.randomUniform([2, 3], { seed: 4 }).mul(x).sum(), [x]);
    expect(Array.from(await random.grads[0]!.data())).toEqual(Array.from(await noise.data()));
    // max with the 'first' tie policy uses argmax inside its backward rule, also under a second tape.
    const first = e.valueAndGrad(() => x.max(1, false, { ties: 'first' }).sum(), [x]);
    expect(Array.from(await first.grads[0]!.data())).toEqual([0, 1, 0, 1, 0, 0]);
    const second = e.grad((t) => e.grad((u) => u.max(1, false, { ties: 'first' }).square().sum())(t)[0]!.sum())(x);
    expect(Array.from(await second[0]!.data())).toEqual([0, 2, 0, 2, 0, 0]);
    e.dispose([x, picked, masked, zero, noise, random, first, second]);
  });
});
