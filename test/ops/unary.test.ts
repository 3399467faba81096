import { describe, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { checkOp, type InputSpec } from '../helpers/gradcheck.js';

// Odd sizes, a size-1 dimension and one just past a workgroup of 256.
const shapes = [[7], [3, 1, 5], [257]];

/** [method, input range, options]: ranges keep each op inside its domain and away from kinks. */
const cases: [string, (x: Tensor) => Tensor, [number, number], { noGrad?: boolean; gradAtol?: number }?][] = [
  ['neg', (x) => x.neg(), [-3, 3]],
  ['abs', (x) => x.abs(), [0.1, 3]],
  ['sign', (x) => x.sign(), [-3, 3], { noGrad: true }],
  ['square', (x) => x.square(), [-3, 3]],
  ['sqrt', (x) => x.sqrt(), [0.2, 4]],
  ['rsqrt', (x) => x.rsqrt(), [0.2, 4]],
  ['exp', (x) => x.exp(), [-3, 3]],
  ['expm1', (x) => x.expm1(), [-2, 2]],
  ['log', (x) => x.log(), [0.2, 4]],
  ['log1p', (x) => x.log1p(), [-0.5, 3]],
  ['sin', (x) => x.sin(), [-3, 3]],
  ['cos', (x) => x.cos(), [-3, 3]],
  ['tan', (x) => x.tan(), [-1.2, 1.2]],
  ['asin', (x) => x.asin(), [-0.9, 0.9]],
  ['acos', (x) => x.acos(), [-0.9, 0.9]],
  ['atan', (x) => x.atan(), [-3, 3]],
  ['sinh', (x) => x.sinh(), [-2, 2]],
  ['cosh', (x) => x.cosh(), [-2, 2]],
  ['tanh', (x) => x.tanh(), [-3, 3]],
  ['asinh', (x) => x.asinh(), [-3, 3]],
  ['acosh', (x) => x.acosh(), [1.2, 4]],
  ['atanh', (x) => x.atanh(), [-0.8, 0.8]],
  ['sigmoid', (x) => x.sigmoid(), [-5, 5]],
  ['softplus', (x) => x.softplus(), [-5, 5]],
  ['relu', (x) => x.relu(), [-3, 3]],
  ['relu6', (x) => x.relu6(), [-3, 8]],
  ['leakyRelu', (x) => x.leakyRelu(0.1), [-3, 3]],
  ['elu', (x) => x.elu(0.7), [-3, 3]],
  ['selu', (x) => x.selu(), [-3, 3]],
  ['gelu', (x) => x.gelu(), [-3, 3]],
  ['gelu tanh', (x) => x.gelu(true), [-3, 3]],
  ['erf', (x) => x.erf(), [-2, 2]],
  ['step', (x) => x.step(), [-3, 3], { noGrad: true }],
  ['floor', (x) => x.floor(), [-3, 3], { noGrad: true }],
  ['ceil', (x) => x.ceil(), [-3, 3], { noGrad: true }],
  ['round', (x) => x.round(), [-3, 3], { noGrad: true }],
  ['clip', (x) => x.clip(-1, 1.5), [-3, 3]],
  ['reciprocal', (x) => x.reciprocal(), [0.3, 3]],
  ['pow 3', (x) => x.pow(3), [-2, 2]],
  ['pow 2.5', (x) => x.pow(2.5), [0.1, 2]],
  ['pow -1', (x) => x.pow(-1), [0.3, 2]],
];

describe('unary ops', () => {
  for (const [name, f, range, options] of cases) {
    it(name, async () => {
      for (const shape of shapes) {
        const spec: InputSpec[] = [{ shape, range }];
        await checkOp((_e, x) => f(x!), spec, options);
      }
    });
  }

  it('zero-gradient ops give zero gradients', async () => {
    for (const name of ['sign', 'step', 'floor', 'ceil', 'round'] as const) {
      await checkOp((_e, x) => x![name]().add(x!.mul(0.5)), [{ shape: [5], range: [-3, 3] }]);
    }
  });
});
