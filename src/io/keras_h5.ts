import * as hdf5 from 'jsfive';

/** One weight read from a Keras HDF5 file. */
export interface H5Weight {
  /** The name stored in the file: 'conv2d/kernel:0' (Keras 2), 'conv2d/kernel', or '0' (Keras 3). */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A layer's weights in the file, in the file's (Keras') order. */
export interface H5Layer {
  /** Keras 2: the layer's name. Keras 3: its place in the model, `conv2d`, `conv2d_1`, ... by class. */
  name: string;
  weights: H5Weight[];
}

/** The weights of a Keras HDF5 file, layer by layer. */
export interface KerasH5Weights {
  /**
   * 'layer_names': TF 2.x / Keras 2 `save_weights('model.h5')` or `model.save('model.h5')`
   * (layers in model order, matched by position). 'keras3': Keras 3 `.weights.h5` (groups
   * `layers/<class_name_n>/vars/<i>`, matched by those positional names).
   */
  layout: 'layer_names' | 'keras3';
  layers: H5Layer[];
  kerasVersion?: string;
  backend?: string;
}

/** Fixed-length HDF5 strings keep their NUL padding in jsfive; bytes may arrive as arrays. */
function toStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? [value] : Array.from(value as ArrayLike<unknown>);
  return items.filter((v) => typeof v === 'string').map((s) => (s as string).replace(/\0+$/, ''));
}

/**
 * Keras' load_attributes_from_hdf5_group: an attribute too large for an HDF5 object header is
 * split into `name0`, `name1`, ...
 */
function stringListAttribute(group: hdf5.Group, name: string): string[] | undefined {
  const attrs = group.attrs;
  if (name in attrs) return toStrings(attrs[name]);
  if (!(`${name}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) out.push(...toStrings(attrs[`${name}${i}`]));
  return out;
}

function child(group: hdf5.Group, path: string): hdf5.Group | hdf5.Dataset | undefined {
  try {
    return group.get(path);
  } catch {
    return undefined;
  }
}

function isGroup(x: unknown): x is hdf5.Group {
  return x instanceof hdf5.Group;
}

function readDataset(where: string, node: unknown, name: string): H5Weight {
  if (!(node instanceof hdf5.Dataset)) throw new Error(`readKerasH5: ${where} is missing or not a dataset`);
  if (typeof node.dtype !== 'string' || !/^[<>|=]?[fiu]\d+$/.test(node.dtype)) {
    throw new Error(`readKerasH5: ${where} has unsupported data type ${JSON.stringify(node.dtype)}`);
  }
  const shape = [...node.shape];
  const data = Float32Array.from(node.value);
  if (data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new Error(`readKerasH5: ${where} holds ${data.length} values for shape [${shape.join(',')}] (compact or unsupported storage?)`);
  }
  return { name, shape, data };
}

function readLayerNamesLayout(root: hdf5.Group, layerNames: string[]): H5Layer[] {
  return layerNames.map((layerName) => {
    const group = child(root, layerName);
    if (!isGroup(group)) throw new Error(`readKerasH5: layer_names lists '${layerName}' but the file has no such group`);
    const weightNames = stringListAttribute(group, 'weight_names') ?? [];
    return {
      name: layerName,
      weights: weightNames.map((w) => readDataset(`'${layerName}/${w}'`, child(group, w), w)),
    };
  });
}

function readKeras3Layout(layersGroup: hdf5.Group): H5Layer[] {
  return layersGroup.keys.map((layerName) => {
    const vars = child(layersGroup, `${layerName}/vars`);
    const keys = isGroup(vars) ? vars.keys.filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b)) : [];
    return {
      name: layerName,
      weights: keys.map((k) => readDataset(`'layers/${layerName}/vars/${k}'`, child(vars as hdf5.Group, k), k)),
    };
  });
}

/**
 * Reads the weights of a Keras HDF5 file with jsfive (pure JavaScript: Node and browsers):
 * `model.save_weights('model.h5')` of TF 2.x (root attribute `layer_names`, a group per layer
 * with attribute `weight_names`, datasets `<layer>/<weight name>`), a whole-model
 * `model.save('model.h5')` (the same under `model_weights`), or Keras 3's `.weights.h5`.
 * Values come back as float32 whatever the stored float or integer type.
 */
export function readKerasH5(input: Uint8Array | ArrayBuffer): KerasH5Weights {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  let file: hdf5.File;
  try {
    file = new hdf5.File(buffer as ArrayBuffer, 'weights.h5');
  } catch (err) {
    throw new Error(`readKerasH5: not a readable HDF5 file (${String(err)})`);
  }
  const modelWeights = child(file, 'model_weights');
  const root = isGroup(modelWeights) ? modelWeights : file;
  const version = toStrings(root.attrs.keras_version)[0] ?? toStrings(file.attrs.keras_version)[0];
  const backend = toStrings(root.attrs.backend)[0];
  const info = { ...(version ? { kerasVersion: version } : {}), ...(backend ? { backend } : {}) };
  const layerNames = stringListAttribute(root, 'layer_names');
  if (layerNames) return { layout: 'layer_names', layers: readLayerNamesLayout(root, layerNames), ...info };
  const layersGroup = child(file, 'layers');
  if (isGroup(layersGroup)) return { layout: 'keras3', layers: readKeras3Layout(layersGroup), ...info };
  throw new Error(
    `readKerasH5: no Keras weights found (no 'layer_names' attribute, 'model_weights' group or 'layers' group; top-level keys: ${file.keys.join(', ') || 'none'})`,
  );
}
