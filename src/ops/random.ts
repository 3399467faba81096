import type { Engine } from '../engine.js';
import type { DType, Tensor } from '../tensor.js';
import { sizeOf, type Shape } from '../shape.js';
import { installEngineFunctions } from './define.js';
import type { DropEngine } from './creation.js';
import { dynamicParams } from '../compile/dynamic_params.js';
import { drawSeed } from './seeds.js';
import { record } from './record.js';
import { checkDtype, checkNumber, checkOptions, checkShape, checkSize } from './validate.js';
import { describeValue } from '../values.js';

/** Options of `randomUniform`. */
export interface RandomUniformOptions {
  /** Lower bound, included (default 0). */
  minval?: number;
  /** Upper bound, excluded (default 1). */
  maxval?: number;
  /** A 32-bit integer: the same seed gives the same values, on the CPU and on the GPU. */
  seed?: number;
  /** 'int32' draws integers in [minval, maxval) (both must be integers). */
  dtype?: DType;
}

/** Options of `randomNormal` and `truncatedNormal`. */
export interface RandomNormalOptions {
  mean?: number;
  stddev?: number;
  /** A 32-bit integer: the same seed gives the same values (to a few ulps across devices). */
  seed?: number;
}

/**
 * Calls without a seed draw one from the engine's counter (seeds.ts). Such params are dynamic: a
 * captured step (e.compile) draws a fresh seed on every replay, exactly as the eager calls would.
 */
function seedFor(e: Engine, op: string, seed: number | undefined): number {
  if (seed !== undefined) {
    if (!Number.isInteger(seed)) throw new Error(`${op}: seed must be an integer, got ${describeValue(seed)}`);
    return seed >>> 0;
  }
  return drawSeed(e);
}

function normal(e: Engine, op: string, shape: Shape, opts: RandomNormalOptions | undefined, truncated: boolean): Tensor {
  checkShape(op, shape);
  checkSize(op, e, shape);
  const options = checkOptions(op, opts, ['mean', 'stddev', 'seed']);
  const mean = checkNumber(op, 'mean', options.mean ?? 0);
  const stddev = checkNumber(op, 'stddev', options.stddev ?? 1, { min: 0 });
  const params = () => ({ n: sizeOf(shape), seed: seedFor(e, op, options.seed), mean, stddev, truncated: truncated ? 1 : 0 });
  const out = e.runKernel('random_normal', [], shape, 'float32', options.seed === undefined ? dynamicParams(params) : params());
  record('random_normal', out, [], {});
  return out;
}

/**
 * Seeded random tensors. Element i is a hash of (seed, i) (shaders/common/random.wgsl), so values
 * do not depend on the device or the dispatch layout. No gradients: these are constants.
 */
export const randomFunctions = {
  /** Uniform values in [minval, maxval). */
  randomUniform: (e: Engine, shape: Shape, opts?: RandomUniformOptions): Tensor => {
    checkShape('randomUniform', shape);
    checkSize('randomUniform', e, shape);
    const options = checkOptions('randomUniform', opts, ['minval', 'maxval', 'seed', 'dtype']);
    const minval = checkNumber('randomUniform', 'minval', options.minval ?? 0);
    const maxval = checkNumber('randomUniform', 'maxval', options.maxval ?? 1);
    const dtype = checkDtype('randomUniform', options.dtype);
    if (!(minval < maxval)) throw new Error(`randomUniform: needs finite minval < maxval, got [${minval}, ${maxval})`);
    const integer = dtype !== 'float32';
    if (integer && !(Number.isInteger(minval) && Number.isInteger(maxval))) {
      throw new Error(`randomUniform: ${dtype} values need integer bounds, got [${minval}, ${maxval})`);
    }
    if (integer && (Math.abs(minval) > 2 ** 24 || Math.abs(maxval) > 2 ** 24)) {
      throw new Error(`randomUniform: ${dtype} bounds [${minval}, ${maxval}) exceed 2^24, the integers a tensor holds exactly`);
    }
    const params = () => ({ n: sizeOf(shape), seed: seedFor(e, 'randomUniform', options.seed), low: minval, high: maxval, integer: integer ? 1 : 0 });
    const out = e.runKernel('random_uniform', [], shape, dtype, options.seed === undefined ? dynamicParams(params) : params());
    record('random_uniform', out, [], {});
    return out;
  },
  /** Normal values (Box-Muller). */
  randomNormal: (e: Engine, shape: Shape, options?: RandomNormalOptions): Tensor =>
    normal(e, 'randomNormal', shape, options, false),
  /** Normal values redrawn until within two standard deviations of the mean (tf.truncatedNormal). */
  truncatedNormal: (e: Engine, shape: Shape, options?: RandomNormalOptions): Tensor =>
    normal(e, 'truncatedNormal', shape, options, true),
};

type RandomFunctions = DropEngine<typeof randomFunctions>;

declare module '../engine.js' {
  interface Engine extends RandomFunctions {}
}

installEngineFunctions(randomFunctions);
