import type { Engine } from '../engine.js';
import type { Tensor, Variable } from '../tensor.js';
import { fmt, sizeOf } from '../shape.js';
import type { InitializerFn } from './initializers.js';
import { uniqueLayerName } from './names.js';
import { mixSeed, randomSeed } from './seed.js';
import { formatShape, shapeFits, withUnknownBatch, type SymbolicShape } from './symbolic_shape.js';
import { checkBoolean, checkIntegers, checkNumber, checkOptions, checkTensor } from '../ops/validate.js';
import { describeValue } from '../values.js';

/** The keys of `LayerOptions`, which every layer takes. */
const layerOptionKeys = ['name', 'trainable', 'inputShape', 'seed'] as const;

/** Options every layer takes (Keras' base-layer arguments). */
export interface LayerOptions {
  /** Unique within a model; automatic Keras-style names otherwise (`conv2d`, `conv2d_1`...). */
  name?: string;
  /** false freezes the layer: its weights become non-trainable. */
  trainable?: boolean;
  /** The input shape without the batch dimension (Keras' `input_shape`), for a model's first layer. */
  inputShape?: readonly number[];
  /** Seed of this layer's initialisers and dropout masks; derived from the model's seed otherwise. */
  seed?: number;
}

/** Options of `apply`. */
export interface ApplyOptions {
  /** Training mode: batch statistics in BatchNormalization, active Dropout. Default false. */
  training?: boolean;
}

/** A weight a layer declares when it is built; it becomes a variable named `<layer>/<name>`. */
export interface WeightSpec {
  /** Keras' weight name: kernel, bias, gamma, beta, moving_mean, moving_variance... */
  name: string;
  shape: number[];
  /** false for state that training updates without gradients (batch-norm moving statistics). */
  trainable: boolean;
  initializer: InitializerFn;
}

/** What a layer declares for an input shape: its weights and its output shape. */
export interface LayerSpec {
  weights: WeightSpec[];
  outputShape: SymbolicShape;
}

/**
 * A Keras layer: built from an input shape (declaring its weights and output shape without any
 * tensor), given variables on an engine, then applied to tensors. Weights are listed in Keras'
 * order: trainable ones first (kernel, bias; gamma, beta), then the others (moving statistics).
 */
export abstract class Layer {
  /** The Keras class name, shown by `summary()` (Conv2D, BatchNormalization...). */
  readonly className: string;
  readonly name: string;
  /** The `inputShape` option, with an unknown batch dimension. */
  readonly declaredInputShape: SymbolicShape | undefined;
  private readonly ownSeed: number | undefined;
  private trainableFlag: boolean;
  private builtInput: SymbolicShape | undefined;
  private builtOutput: SymbolicShape | undefined;
  private specs: WeightSpec[] = [];
  private variables: Variable[] | undefined;
  private resolvedSeed: number | undefined;

  /**
   * `ownKeys`: the options the layer takes besides LayerOptions; any other key is refused (a
   * misspelt option would otherwise be ignored), naming the layer class.
   */
  protected constructor(className: string, options: LayerOptions = {}, ownKeys: readonly string[] = []) {
    this.className = className;
    const o = checkOptions(className, options, [...layerOptionKeys, ...ownKeys] as (keyof LayerOptions)[]);
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) {
      throw new Error(`${className}: name must be a non-empty string, got ${describeValue(o.name)}`);
    }
    this.name = o.name ?? uniqueLayerName(className);
    this.trainableFlag = checkBoolean(this.name, 'trainable', o.trainable, true);
    this.ownSeed = o.seed === undefined ? undefined : checkNumber(this.name, 'seed', o.seed, { integer: true });
    if (o.inputShape !== undefined) this.declaredInputShape = [null, ...checkIntegers(this.name, 'inputShape', o.inputShape, { min: 0 })];
  }

  /**
   * The layer's weights and output shape for `inputShape` (batch first, may be null). Throws,
   * naming the layer and the shape, when the input does not suit the layer.
   */
  protected abstract buildSpec(inputShape: SymbolicShape): LayerSpec;

  /** The forward computation, with the layer's variables in place. */
  protected abstract call(x: Tensor, training: boolean): Tensor;

  /** Whether `build` ran. */
  get built(): boolean {
    return this.builtInput !== undefined;
  }

  /** The shape the layer was built for (batch unknown); undefined before `build`. */
  get inputShape(): SymbolicShape | undefined {
    return this.builtInput;
  }

  /** The output shape (batch unknown); undefined before `build`. */
  get outputShape(): SymbolicShape | undefined {
    return this.builtOutput;
  }

  /**
   * Declares the weights for inputs of `inputShape` (batch first; null for unknown) and returns
   * the output shape. No engine is needed; variables are made by `initialize` or the first
   * `apply`. Building again with a compatible shape is a no-op.
   */
  build(inputShape: SymbolicShape): SymbolicShape {
    if (this.builtInput) {
      if (!shapeFits(inputShape, this.builtInput)) {
        throw new Error(`${this.name}: built for inputs of shape ${formatShape(this.builtInput)}, got ${formatShape(inputShape)}`);
      }
      return this.builtOutput!;
    }
    const { weights, outputShape } = this.buildSpec(withUnknownBatch(inputShape));
    this.specs = weights;
    this.builtInput = withUnknownBatch(inputShape);
    this.builtOutput = withUnknownBatch(outputShape);
    return this.builtOutput;
  }

  /**
   * Makes the variables on `e` (once; the layer must be built), initialised from the layer's
   * `seed` option or else `seed`. Later calls only check that the engine is the same.
   */
  initialize(e: Engine, seed: number = randomSeed()): void {
    if (!this.builtInput) throw new Error(`${this.name}: build the layer (or the model) before initialising its weights`);
    if (this.variables) {
      const owner = this.variables[0]?.engine;
      if (owner && owner !== e) throw new Error(`${this.name}: the layer's weights live on another engine than its input`);
      return;
    }
    this.resolvedSeed = (this.ownSeed ?? seed) >>> 0;
    this.variables = this.specs.map((spec, i) => {
      const init = spec.initializer(e, spec.shape, mixSeed(this.resolvedSeed!, i));
      const v = e.variable(init, undefined, { name: `${this.name}/${spec.name}`, trainable: spec.trainable && this.trainableFlag });
      init.dispose();
      return v;
    });
  }

  /** Applies the layer, building and initialising it from `x` first if needed. */
  apply(x: Tensor, options: ApplyOptions = {}): Tensor {
    checkTensor(`${this.name}.apply`, 'x', x);
    const training = checkBoolean(`${this.name}.apply`, 'training', checkOptions(`${this.name}.apply`, options, ['training']).training);
    if (!this.builtInput) this.build(x.shape);
    else if (!shapeFits(x.shape, this.builtInput)) {
      throw new Error(`${this.name}: expected inputs of shape ${formatShape(this.builtInput)}, got ${fmt(x.shape)}`);
    }
    this.initialize(x.engine);
    // The scope frees the layer's own intermediates (a matmul before its bias add...), or hands
    // them to the recording tape that needs them.
    return x.engine.tidy(() => this.call(x, training));
  }

  /** The seed the layer was initialised with (dropout masks derive theirs from it). */
  protected get seed(): number {
    if (this.resolvedSeed === undefined) throw new Error(`${this.name}: the layer has not been initialised`);
    return this.resolvedSeed;
  }

  /** The variable of weight `name` (after `initialize`). */
  protected weight(name: string): Variable {
    const i = this.specs.findIndex((s) => s.name === name);
    if (i < 0 || !this.variables) throw new Error(`${this.name}: no variable '${name}' (is the layer initialised?)`);
    return this.variables[i]!;
  }

  /** Weight names in Keras order (kernel, bias...), known once built. */
  get weightNames(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** Weight shapes in the same order, known once built. */
  get weightShapes(): number[][] {
    return this.specs.map((s) => [...s.shape]);
  }

  /** Whether each weight is trainable (moving statistics are not), in the same order. */
  get weightTrainable(): boolean[] {
    return this.specs.map((s) => s.trainable && this.trainableFlag);
  }

  /**
   * The variables in Keras order ([] when the layer declares none). Throws when the layer has
   * weights that were not made yet.
   */
  get weights(): Variable[] {
    if (this.specs.length === 0) return [];
    if (!this.variables) {
      throw new Error(`${this.name}: the weights do not exist yet; build the model with an engine or apply it to a tensor first`);
    }
    return [...this.variables];
  }

  get trainableWeights(): Variable[] {
    return this.weights.filter((v) => v.trainable);
  }

  get nonTrainableWeights(): Variable[] {
    return this.weights.filter((v) => !v.trainable);
  }

  /** Whether the layer's weights train; setting false freezes them (Keras' `layer.trainable`). */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
    this.variables?.forEach((v, i) => (v.trainable = value && this.specs[i]!.trainable));
  }

  /** Number of scalars in the weights (the layer must be built). */
  countParams(): number {
    if (!this.builtInput) throw new Error(`${this.name}: the layer is not built, so its parameter count is unknown`);
    return this.specs.reduce((n, s) => n + sizeOf(s.shape), 0);
  }

  /** Scalars in the non-trainable weights (moving statistics, frozen layers). */
  countNonTrainableParams(): number {
    return this.specs.reduce((n, s) => n + (s.trainable && this.trainableFlag ? 0 : sizeOf(s.shape)), 0);
  }

  /** Frees the variables; the layer may be initialised again afterwards. */
  dispose(): void {
    this.variables?.forEach((v) => v.dispose());
    this.variables = undefined;
  }
}
