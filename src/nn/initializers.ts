import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { sizeOf } from '../shape.js';

/**
 * Makes a weight's initial value of `shape`; `seed` is the weight's own seed (an unsigned 32-bit
 * integer) so that a seeded model gets the same values on every backend.
 */
export type InitializerFn = (e: Engine, shape: readonly number[], seed: number) => Tensor;

/** Keras' initialiser names, in camelCase or Keras' snake_case. */
export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'lecunUniform'
  | 'lecunNormal'
  | 'zeros'
  | 'ones'
  | 'glorot_uniform'
  | 'glorot_normal'
  | 'he_uniform'
  | 'he_normal'
  | 'lecun_uniform'
  | 'lecun_normal';

/** A name, or a function for anything else (see `constantInitializer`, `uniformInitializer`). */
export type Initializer = InitializerName | InitializerFn;

/**
 * Keras' fans (`compute_fans`): a conv kernel [kH, kW, in, out] has receptive field kH·kW, so
 * fan_in = kH·kW·in and fan_out = kH·kW·out; a dense kernel [in, out] has fans in and out.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

function uniform(e: Engine, shape: readonly number[], seed: number, minval: number, maxval: number): Tensor {
  return e.randomUniform(shape, { minval, maxval, seed });
}

function truncatedNormal(e: Engine, shape: readonly number[], seed: number, stddev: number): Tensor {
  return e.truncatedNormal(shape, { mean: 0, stddev, seed });
}

/** Keras' VarianceScaling with its uniform or truncated-normal distribution. */
function varianceScaling(scale: number, mode: 'fanIn' | 'fanAvg', distribution: 'uniform' | 'normal'): InitializerFn {
  return (e, shape, seed) => {
    const { fanIn, fanOut } = computeFans(shape);
    const n = Math.max(1, mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2);
    if (distribution === 'uniform') {
      const limit = Math.sqrt((3 * scale) / n);
      return uniform(e, shape, seed, -limit, limit);
    }
    // Keras divides by the stddev of a standard normal truncated to [-2, 2].
    return truncatedNormal(e, shape, seed, Math.sqrt(scale / n) / 0.87962566103423978);
  };
}

/** Every weight equal to `value`. */
export function constantInitializer(value: number): InitializerFn {
  return (e, shape) => e.fill(shape, value);
}

/** Uniform values in [minval, maxval) (Keras' RandomUniform). */
export function uniformInitializer(minval = -0.05, maxval = 0.05): InitializerFn {
  return (e, shape, seed) => uniform(e, shape, seed, minval, maxval);
}

const named: Record<string, InitializerFn> = {
  glorotUniform: varianceScaling(1, 'fanAvg', 'uniform'),
  glorotNormal: varianceScaling(1, 'fanAvg', 'normal'),
  heUniform: varianceScaling(2, 'fanIn', 'uniform'),
  heNormal: varianceScaling(2, 'fanIn', 'normal'),
  lecunUniform: varianceScaling(1, 'fanIn', 'uniform'),
  lecunNormal: varianceScaling(1, 'fanIn', 'normal'),
  zeros: constantInitializer(0),
  ones: constantInitializer(1),
};

/** Resolves an initialiser option; `owner` names the layer in the error for an unknown name. */
export function getInitializer(owner: string, init: Initializer): InitializerFn {
  if (typeof init === 'function') return init;
  const camel = init.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const fn = named[camel];
  if (!fn) throw new Error(`${owner}: unknown initializer '${init}' (expected one of ${Object.keys(named).join(', ')}, or a function)`);
  return fn;
}
