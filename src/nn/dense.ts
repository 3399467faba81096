import type { Tensor } from '../tensor.js';
import { describeValue } from '../values.js';
import { activationKey, applyActivation, type ActivationName } from './activations.js';
import { getInitializer, type Initializer } from './initializers.js';
import { Layer, type LayerOptions, type LayerSpec, type WeightSpec } from './layer.js';
import { formatShape, type SymbolicShape } from './symbolic_shape.js';
import { checkBoolean } from '../ops/validate.js';

/** Options of `Dense` (Keras' arguments in camelCase). */
export interface DenseOptions extends LayerOptions {
  units: number;
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}

/**
 * Fully connected layer: y = activation(x @ kernel + bias), kernel [in, units], over the last
 * axis of x (leading axes are kept, as Keras does for inputs of rank above 2).
 */
export class Dense extends Layer {
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;

  constructor(options: DenseOptions) {
    super('Dense', options, ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer']);
    if (!Number.isInteger(options.units) || options.units < 1) {
      throw new Error(`${this.name}: units must be a positive integer, got ${describeValue(options.units)}`);
    }
    this.units = options.units;
    this.activation = activationKey(this.name, options.activation);
    this.useBias = checkBoolean(this.name, 'useBias', options.useBias, true);
    this.kernelInit = options.kernelInitializer ?? 'glorotUniform';
    this.biasInit = options.biasInitializer ?? 'zeros';
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || last === null || last === undefined) {
      throw new Error(`${this.name}: expects inputs of rank 2 or more with a known last dimension, got ${formatShape(inputShape)}`);
    }
    const weights: WeightSpec[] = [
      { name: 'kernel', shape: [last, this.units], trainable: true, initializer: getInitializer(this.name, this.kernelInit) },
    ];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.units], trainable: true, initializer: getInitializer(this.name, this.biasInit) });
    return { weights, outputShape: [...inputShape.slice(0, -1), this.units] };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const kernel = this.weight('kernel');
    const rows = x.rank === 2 ? x : x.reshape([-1, kernel.shape[0]!]);
    let y = rows.matmul(kernel);
    if (this.useBias) y = y.add(this.weight('bias'));
    if (rows !== x) y = y.reshape([...x.shape.slice(0, -1), this.units]);
    return applyActivation(this.activation, y);
  }
}
