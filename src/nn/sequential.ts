import type { Engine } from '../engine.js';
import type { Tensor, Variable } from '../tensor.js';
import { fmt } from '../shape.js';
import { loadModelWeights, saveModelWeights, type LoadWeightsOptions, type WeightsSource } from '../io/model_weights.js';
import { InputLayer } from './input_layer.js';
import { Layer, type ApplyOptions } from './layer.js';
import { uniqueLayerName } from './names.js';
import { mixSeed, randomSeed } from './seed.js';
import { formatSummary, type ParamCounts } from './summary.js';
import { formatShape, shapeFits, withUnknownBatch, type SymbolicShape } from './symbolic_shape.js';
import { checkArray, checkNumber, checkOptions, checkTensor } from '../ops/validate.js';
import { describeValue } from '../values.js';

/** Options of `Sequential`. */
export interface SequentialOptions {
  /** Default: Keras-style `sequential`, `sequential_1`... */
  name?: string;
  /** Seeds every layer's initialisers and dropout masks (random otherwise). */
  seed?: number;
}

/** Options of `summary`. */
export interface SummaryOptions {
  /** true prints with console.log; a function receives each line (Keras' print_fn). */
  print?: boolean | ((line: string) => void);
}

/**
 * A linear stack of layers (Keras' Sequential). Shapes are resolved as soon as the input shape is
 * known (an InputLayer, the first layer's `inputShape`, `build`, or the first `apply`), so
 * `summary()` needs no engine; variables are made on the engine given to `build` or on the first
 * `apply`'s engine.
 */
export class Sequential {
  readonly name: string;
  private readonly stack: Layer[] = [];
  private batchInputShape: SymbolicShape | undefined;
  private readonly seed: number;
  private engine: Engine | undefined;

  constructor(layers: readonly Layer[] = [], options: SequentialOptions = {}) {
    checkArray('Sequential', 'layers', layers);
    const o = checkOptions('Sequential', options, ['name', 'seed']);
    this.name = o.name ?? uniqueLayerName('Sequential');
    this.seed = (o.seed === undefined ? randomSeed() : checkNumber(this.name, 'seed', o.seed, { integer: true })) >>> 0;
    for (const layer of layers) this.add(layer);
  }

  /** The layers in order (an InputLayer is not listed, as in Keras). */
  get layers(): readonly Layer[] {
    return [...this.stack];
  }

  /** Appends a layer; it is built (and initialised) at once when the model already is. */
  add(layer: Layer): this {
    if (!(layer instanceof Layer)) throw new Error(`${this.name}.add: expected a layer, got ${describeValue(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.batchInputShape) throw new Error(`${this.name}.add: an InputLayer may only come first`);
      this.batchInputShape = layer.batchShape;
      return this;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(`${this.name}.add: a layer named '${layer.name}' is already in the model; names must be unique`);
    }
    if (this.stack.length === 0 && !this.batchInputShape) this.batchInputShape = layer.declaredInputShape;
    this.stack.push(layer);
    if (this.batchInputShape) this.resolveShapes();
    if (this.engine) this.initializeOn(this.engine);
    return this;
  }

  /** The layer called `name`, or at position `index`. */
  getLayer(nameOrIndex: string | number): Layer {
    const layer = typeof nameOrIndex === 'number' ? this.stack[nameOrIndex] : this.stack.find((l) => l.name === nameOrIndex);
    if (!layer) {
      throw new Error(`${this.name}.getLayer: no layer ${JSON.stringify(nameOrIndex)} (layers: ${this.stack.map((l) => l.name).join(', ')})`);
    }
    return layer;
  }

  /** Whether the layers' shapes are resolved. */
  get built(): boolean {
    return this.batchInputShape !== undefined && this.stack.every((l) => l.built);
  }

  /** The input shape, batch first (null: any size); undefined until known. */
  get inputShape(): SymbolicShape | undefined {
    return this.batchInputShape;
  }

  /** The output shape, batch first; undefined until built. */
  get outputShape(): SymbolicShape | undefined {
    return this.built ? (this.stack[this.stack.length - 1]?.outputShape ?? this.batchInputShape) : undefined;
  }

  /**
   * Resolves every layer's shapes for `inputShape` (batch first: `[null, 128, 128, 3]`), or for
   * the shape the model already knows, and with `engine` also makes the variables there.
   */
  build(inputShape?: SymbolicShape, engine?: Engine): this {
    if (inputShape) {
      if (this.batchInputShape && !shapeFits(inputShape, this.batchInputShape)) {
        throw new Error(`${this.name}.build: the model takes inputs of shape ${formatShape(this.batchInputShape)}, got ${formatShape(inputShape)}`);
      }
      this.batchInputShape ??= withUnknownBatch(inputShape);
    }
    if (!this.batchInputShape) {
      throw new Error(`${this.name}.build: the input shape is unknown; pass one with the batch first, e.g. [null, 128, 128, 3]`);
    }
    this.resolveShapes();
    if (engine) this.initializeOn(engine);
    return this;
  }

  private resolveShapes(): void {
    let shape = this.batchInputShape!;
    for (const layer of this.stack) shape = layer.build(shape);
  }

  private initializeOn(e: Engine): void {
    if (this.engine && this.engine !== e) throw new Error(`${this.name}: the model's weights live on another engine`);
    this.stack.forEach((layer, i) => layer.initialize(e, mixSeed(this.seed, i)));
    this.engine = e;
  }

  /**
   * Runs the layers on `x` (batch first). `training` switches BatchNormalization to batch
   * statistics (updating its moving averages) and turns Dropout on. Builds and initialises the
   * model on x's engine the first time. Outside a gradient tape, intermediates are freed as soon
   * as the next layer has used them.
   */
  apply(x: Tensor, options: ApplyOptions = {}): Tensor {
    checkTensor(`${this.name}.apply`, 'x', x);
    checkOptions(`${this.name}.apply`, options, ['training']);
    if (this.stack.length === 0) throw new Error(`${this.name}.apply: the model has no layers`);
    if (!this.batchInputShape) this.build(withUnknownBatch(x.shape));
    else if (!shapeFits(x.shape, this.batchInputShape)) {
      throw new Error(`${this.name}.apply: the model takes inputs of shape ${formatShape(this.batchInputShape)}, got ${fmt(x.shape)}`);
    }
    if (this.engine && this.engine !== x.engine) {
      throw new Error(`${this.name}.apply: the input lives on another engine than the model's weights`);
    }
    if (!this.engine) this.build(undefined, x.engine);
    const e = x.engine;
    let h = x;
    for (const layer of this.stack) {
      const next = layer.apply(h, options);
      if (h !== x && next !== h && !e.isRecording) h.dispose();
      h = next;
    }
    return h;
  }

  /** Keras' `model(x, training)`: the same as `apply`. */
  call(x: Tensor, options: ApplyOptions = {}): Tensor {
    return this.apply(x, options);
  }

  /** Inference (`training: false`) inside a tidy scope: only the output survives. */
  predict(x: Tensor): Tensor {
    return x.engine.tidy(() => this.apply(x, { training: false }));
  }

  /** Every variable, layer by layer in Keras order (kernel, bias; gamma, beta, moving_mean, moving_variance). */
  get weights(): Variable[] {
    return this.stack.flatMap((l) => l.weights);
  }

  /** The variables gradients should update. */
  get trainableWeights(): Variable[] {
    return this.weights.filter((v) => v.trainable);
  }

  /** Variables updated without gradients (batch-norm moving statistics) or frozen. */
  get nonTrainableWeights(): Variable[] {
    return this.weights.filter((v) => !v.trainable);
  }

  /** Parameter totals (the model must be built). */
  countParams(): ParamCounts {
    if (!this.built) throw new Error(`${this.name}.countParams: the model is not built; give it an input shape first`);
    const total = this.stack.reduce((n, l) => n + l.countParams(), 0);
    const nonTrainable = this.stack.reduce((n, l) => n + l.countNonTrainableParams(), 0);
    return { total, trainable: total - nonTrainable, nonTrainable };
  }

  /** Keras' summary table (layer, output shape, parameters; totals); returned, printed on request. */
  summary(options: SummaryOptions = {}): string {
    if (!this.built) {
      throw new Error(`${this.name}.summary: the model is not built; call build([null, ...inputShape]) or give the first layer an inputShape`);
    }
    const rows = this.stack.map((l) => ({ layer: `${l.name} (${l.className})`, outputShape: formatShape(l.outputShape!), params: l.countParams() }));
    const text = formatSummary(this.name, rows, this.countParams());
    const print = options.print === true ? (line: string) => console.log(line) : options.print || undefined;
    if (print) for (const line of text.split('\n')) print(line);
    return text;
  }

  /** The weights' values in `weights` order (one readback each). */
  async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.weights.map((v) => v.data()));
  }

  /** Replaces the weights' values, in `weights` order; checks the count and every shape. */
  setWeights(values: readonly (Tensor | Float32Array)[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new Error(`${this.name}.setWeights: the model has ${weights.length} weights, got ${values.length} values`);
    }
    weights.forEach((v, i) => {
      const value = values[i]!;
      const size = value instanceof Float32Array ? value.length : value.size;
      if (size !== v.size || (!(value instanceof Float32Array) && fmt(value.shape) !== fmt(v.shape))) {
        const got = value instanceof Float32Array ? `${value.length} values` : `shape ${fmt(value.shape)}`;
        throw new Error(`${this.name}.setWeights: weight ${i} '${v.name}' has shape ${fmt(v.shape)}, got ${got}`);
      }
      v.assign(value);
    });
  }

  /**
   * Loads weights from a Keras HDF5 file (`model.save_weights('model.h5')`, by layer order) or a
   * safetensors file (by name), given as bytes, a Blob/Response, a URL, or a file path in Node.
   * The model must be built on an engine.
   */
  async loadWeights(source: WeightsSource, options: LoadWeightsOptions = {}): Promise<void> {
    await loadModelWeights(this, source, options);
  }

  /** The weights as a safetensors file, keyed `<layer>/<weight>` (one readback per weight). */
  async saveWeights(): Promise<Uint8Array> {
    return saveModelWeights(this);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const layer of this.stack) layer.dispose();
    this.engine = undefined;
  }
}
