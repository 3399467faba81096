import type { Variable } from '../tensor.js';
import { readBytes, type WeightsSource } from './bytes.js';
import { readKerasH5, type H5Layer, type KerasH5Weights } from './keras_h5.js';
import { loadSafetensors, saveSafetensors, type StoredTensor, type TensorToSave } from './safetensors.js';

export type { WeightsSource } from './bytes.js';

/** What the weight loaders need of a layer (src/nn's Layer has it). */
export interface WeightedLayer {
  readonly name: string;
  /** Whether the layer knows its weight shapes (it was built for an input shape). */
  readonly built: boolean;
  /** Keras class name (Conv2D...): Keras 3 files name layer groups after it. */
  readonly className: string;
  readonly weightNames: readonly string[];
  readonly weights: readonly Variable[];
}

/** What the weight loaders need of a model (src/nn's Sequential has it). */
export interface WeightedModel {
  readonly name: string;
  readonly layers: readonly WeightedLayer[];
}

/** Options of `loadModelWeights`. */
export interface LoadWeightsOptions {
  /** Keras 2 HDF5: match layers by name instead of by position (Keras' `by_name=True`). */
  byName?: boolean;
  /** safetensors: false ignores tensors the model has no weight for (default true: an error). */
  strict?: boolean;
}

/** HDF5 files start with this signature (at 0, or after a user block of 512·2^k bytes). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function isHdf5(bytes: Uint8Array): boolean {
  for (let at = 0; at + 8 <= bytes.length && at <= 1 << 20; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** 'conv2d/kernel:0' -> 'kernel' */
function shortWeightName(stored: string): string {
  return (stored.split('/').pop() ?? stored).replace(/:\d+$/, '');
}

function describeLayer(name: string, weights: readonly { name: string; shape: readonly number[] }[]): string {
  return `'${name}' (${weights.map((w) => `${w.name} ${fmt(w.shape)}`).join(', ')})`;
}

function modelWeightList(layer: WeightedLayer): { name: string; shape: readonly number[] }[] {
  return layer.weightNames.map((name, i) => ({ name, shape: layer.weights[i]!.shape }));
}

/**
 * Compares one file layer with one model layer; pushes what differs (count, names, shapes).
 * Keras 3 files number their weights ('0', '1'...), so only shapes are compared there.
 */
function compareLayer(label: string, file: H5Layer, layer: WeightedLayer, problems: string[]): void {
  const ours = modelWeightList(layer);
  const theirs = file.weights.map((w) => ({ name: shortWeightName(w.name), shape: w.shape }));
  const header = `${label}: file ${describeLayer(file.name, theirs)} vs model ${describeLayer(layer.name, ours)}`;
  if (theirs.length !== ours.length) {
    problems.push(`${header}: ${theirs.length} weights in the file, ${ours.length} in the model`);
    return;
  }
  const diffs: string[] = [];
  theirs.forEach((w, i) => {
    const mine = ours[i]!;
    if (!/^\d+$/.test(w.name) && w.name !== mine.name) diffs.push(`weight ${i} is '${w.name}' in the file, '${mine.name}' in the model`);
    if (fmt(w.shape) !== fmt(mine.shape)) diffs.push(`${mine.name} shape ${fmt(w.shape)} in the file, ${fmt(mine.shape)} in the model`);
  });
  if (diffs.length > 0) problems.push(`${header}: ${diffs.join('; ')}`);
}

/** Keras 3's group names: snake_case class name, numbered per class in model order. */
function keras3Names(layers: readonly WeightedLayer[]): string[] {
  const used = new Map<string, number>();
  return layers.map((l) => {
    const base = l.className
      .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase();
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  });
}

/** Pairs file layers with model layers; returns the pairs and what does not match. */
function pairH5Layers(model: WeightedModel, h5: KerasH5Weights, byName: boolean): { pairs: [H5Layer, WeightedLayer][]; problems: string[] } {
  const problems: string[] = [];
  const pairs: [H5Layer, WeightedLayer][] = [];
  const fileLayers = h5.layers.filter((l) => l.weights.length > 0);
  const modelLayers = model.layers.filter((l) => l.weightNames.length > 0);
  if (h5.layout === 'keras3' || byName) {
    const keys = h5.layout === 'keras3' ? keras3Names(model.layers) : model.layers.map((l) => l.name);
    const found = new Set<string>();
    model.layers.forEach((layer, i) => {
      if (layer.weightNames.length === 0) return;
      const file = fileLayers.find((l) => l.name === keys[i]);
      if (!file) {
        problems.push(`model layer '${layer.name}' has no weights in the file (looked for '${keys[i]}')`);
        return;
      }
      found.add(file.name);
      pairs.push([file, layer]);
    });
    const unused = fileLayers.filter((l) => !found.has(l.name)).map((l) => `'${l.name}'`);
    if (unused.length > 0) problems.push(`the file has weights for layers the model lacks: ${unused.join(', ')}`);
    return { pairs, problems };
  }
  if (fileLayers.length !== modelLayers.length) {
    problems.push(
      `layer count: the file has ${fileLayers.length} layers with weights (${fileLayers.map((l) => l.name).join(', ')}), ` +
        `the model has ${modelLayers.length} (${modelLayers.map((l) => l.name).join(', ')})`,
    );
  }
  for (let k = 0; k < Math.min(fileLayers.length, modelLayers.length); k++) pairs.push([fileLayers[k]!, modelLayers[k]!]);
  return { pairs, problems };
}

function failIfAny(model: WeightedModel, what: string, problems: string[]): void {
  if (problems.length > 0) {
    throw new Error(`loadWeights: ${what} does not match model '${model.name}':\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Loads Keras HDF5 weights into a model built in code: Keras 2 files by layer order (layers
 * without weights skipped on both sides, as Keras does) or by name, Keras 3 files by their
 * positional group names. Everything is checked first (layer count, weight names and shapes)
 * and reported in one error; nothing is written unless all of it matches.
 */
export function loadKerasWeights(model: WeightedModel, h5: KerasH5Weights, options: LoadWeightsOptions = {}): void {
  const { pairs, problems } = pairH5Layers(model, h5, options.byName ?? false);
  pairs.forEach(([file, layer], k) => compareLayer(`layer ${k}`, file, layer, problems));
  failIfAny(model, 'the HDF5 file', problems);
  for (const [file, layer] of pairs) file.weights.forEach((w, i) => layer.weights[i]!.assign(w.data));
}

/** The key of a weight in safetensors files: `<layer>/<weight>` (`conv2d/kernel`). */
export function weightKey(layer: WeightedLayer, i: number): string {
  return `${layer.name}/${layer.weightNames[i]}`;
}

/** Loads safetensors tensors by key (`conv2d/kernel`...), checking names and shapes first. */
export function loadSafetensorsWeights(model: WeightedModel, tensors: ReadonlyMap<string, StoredTensor>, options: LoadWeightsOptions = {}): void {
  const problems: string[] = [];
  const used = new Set<string>();
  const writes: [Variable, Float32Array][] = [];
  for (const layer of model.layers) {
    layer.weightNames.forEach((_, i) => {
      const key = weightKey(layer, i);
      const v = layer.weights[i]!;
      const stored = tensors.get(key);
      if (!stored) return problems.push(`missing '${key}' ${fmt(v.shape)}`);
      used.add(key);
      if (fmt(stored.shape) !== fmt(v.shape)) return problems.push(`'${key}' has shape ${fmt(stored.shape)} in the file, ${fmt(v.shape)} in the model`);
      writes.push([v, stored.data]);
    });
  }
  if (options.strict ?? true) {
    const extra = [...tensors.keys()].filter((k) => !used.has(k));
    if (extra.length > 0) problems.push(`unexpected in the file: ${extra.map((k) => `'${k}'`).join(', ')}`);
  }
  failIfAny(model, 'the safetensors file', problems);
  for (const [v, data] of writes) v.assign(data);
}

/**
 * Loads weights into a built model (its variables must exist): a Keras HDF5 file or a
 * safetensors file, told apart by the HDF5 signature. Works in Node and browsers.
 */
export async function loadModelWeights(model: WeightedModel, source: WeightsSource, options: LoadWeightsOptions = {}): Promise<void> {
  const unbuilt = model.layers.filter((l) => !l.built).map((l) => l.name);
  if (unbuilt.length > 0) {
    throw new Error(`loadWeights: model '${model.name}' is not built (${unbuilt.join(', ')}); build it for an input shape on an engine first`);
  }
  const bytes = await readBytes(source);
  if (isHdf5(bytes)) loadKerasWeights(model, readKerasH5(bytes), options);
  else loadSafetensorsWeights(model, loadSafetensors(bytes), options);
}

/** The model's weights as a safetensors file keyed `<layer>/<weight>` (one readback per weight). */
export async function saveModelWeights(model: WeightedModel): Promise<Uint8Array> {
  const entries: [string, TensorToSave][] = [];
  for (const layer of model.layers) {
    for (let i = 0; i < layer.weightNames.length; i++) {
      const v = layer.weights[i]!;
      entries.push([weightKey(layer, i), { shape: v.shape, data: await v.data() }]);
    }
  }
  return saveSafetensors(new Map(entries), { format: 'webgpu-descent', model: model.name });
}
