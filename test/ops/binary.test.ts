import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { checkOp, gpuMatchesCpu } from '../helpers/gradcheck.js';
import { cpuEngine } from '../helpers/engines.js';

/** Shape pairs: equal, scalar, broadcasting both ways, size-1 dims, past a workgroup boundary. */
const pairs: [number[], number[]][] = [
  [[7], [7]],
  [[3, 5], []],
  [[4, 1, 3], [5, 1]],
  [[1, 6], [3, 1]],
  [[257], [1]],
];

const cases: [string, (a: Tensor, b: Tensor) => Tensor, [number, number], [number, number], { noGrad?: boolean }?][] = [
  ['add', (a, b) => a.add(b), [-3, 3], [-3, 3]],
  ['sub', (a, b) => a.sub(b), [-3, 3], [-3, 3]],
  ['mul', (a, b) => a.mul(b), [-3, 3], [-3, 3]],
  ['div', (a, b) => a.div(b), [-3, 3], [0.5, 3]],
  ['pow', (a, b) => a.pow(b), [0.3, 2], [-2, 2]],
  ['maximum', (a, b) => a.maximum(b), [-3, 3], [-3, 3]],
  ['minimum', (a, b) => a.minimum(b), [-3, 3], [-3, 3]],
  ['atan2', (a, b) => a.atan2(b), [-3, 3], [0.3, 3]],
  ['squaredDifference', (a, b) => a.squaredDifference(b), [-3, 3], [-3, 3]],
  ['mod', (a, b) => a.mod(b), [0.1, 5], [1.3, 1.7]],
  ['equal', (a, b) => a.round().equal(b.round()), [-2, 2], [-2, 2], { noGrad: true }],
  ['greater', (a, b) => a.greater(b), [-3, 3], [-3, 3], { noGrad: true }],
  ['lessEqual', (a, b) => a.lessEqual(b), [-3, 3], [-3, 3], { noGrad: true }],
  ['logicalAnd', (a, b) => a.greater(0).logicalAnd(b.greater(0)), [-3, 3], [-3, 3], { noGrad: true }],
];

describe('binary ops', () => {
  for (const [name, f, ra, rb, options] of cases) {
    it(name, async () => {
      for (const [sa, sb] of pairs) {
        await checkOp((_e, a, b) => f(a!, b!), [{ shape: sa, range: ra }, { shape: sb, range: rb }], options);
      }
    });
  }

  it('where broadcasts condition and both branches', async () => {
    await checkOp(
      (e, a, b) => a!.greater(0).where(a!.mul(2), b!),
      [{ shape: [4, 1, 3], range: [-3, 3] }, { shape: [5, 1], range: [-3, 3] }],
    );
  });

  it('numbers act as scalars on either side', async () => {
    await checkOp((e, x) => e.sub(1, x!.mul(2)).div(3).add(e.div(2, x!)), [{ shape: [5], range: [0.5, 2] }]);
  });

  it('flat forms (same shapes, a single value on either side) past several workgroups, on the GPU', async () => {
    // binary.wgsl's FLAT path: four elements per invocation, 1024 per workgroup; 2051 leaves a tail.
    for (const [sa, sb] of [[[2051], [2051]], [[2051], []], [[], [2051]], [[1], [3, 683]]] as [number[], number[]][]) {
      await gpuMatchesCpu((_e, a, b) => a!.sub(b!).mul(a!).div(b!.abs().add(1)), [{ shape: sa }, { shape: sb }]);
    }
  });

  it('ties in maximum split the gradient equally', async () => {
    const e = await cpuEngine();
    const a = e.tensor([1, 2, 3]);
    const b = e.tensor([1, 5, 0]);
    const { grads } = e.valueAndGrad(() => a.maximum(b).sum(), [a, b]);
    expect(Array.from(await grads[0]!.data())).toEqual([0.5, 0, 1]);
    expect(Array.from(await grads[1]!.data())).toEqual([0.5, 1, 0]);
  });

  it('rejects shapes that do not broadcast, naming the op and the shapes', async () => {
    const e = await cpuEngine();
    expect(() => e.tensor([1, 2, 3]).add(e.tensor([1, 2]))).toThrow('add: shapes [3] and [2] cannot be broadcast together');
  });
});
