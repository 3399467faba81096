import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm, { type Group, type LIBVER_BOUNDS } from 'h5wasm/node';

/** One layer to write: its name and its weights (Keras order). */
export interface LayerToWrite {
  name: string;
  weights: { name: string; shape: number[]; data: Float32Array }[];
}

/** Where the layers go: TF 2.x save_weights, a whole-model save, or Keras 3 `.weights.h5`. */
export type H5Layout = 'save_weights' | 'model_save' | 'keras3';

export interface WriteOptions {
  layout?: H5Layout;
  /** Split layer_names into layer_names0, layer_names1 (Keras does this for large models). */
  chunkLayerNames?: boolean;
  /** HDF5 object format: 'earliest' is h5py's default. */
  libver?: 'earliest' | 'latest';
  /** Keras 2 weight names: `<layer>/<weight>:0` (TF 2.x) or `<layer>/<weight>` (Keras 3's legacy h5). */
  suffix?: string;
}

/** Fixed-length byte strings, as h5py stores a list of Python bytes. */
function fixedStrings(group: Group, name: string, values: string[]): void {
  if (values.length === 0) {
    group.create_attribute(name, new Float64Array(0), [0], '<d');
    return;
  }
  const width = Math.max(1, ...values.map((v) => v.length));
  group.create_attribute(name, values, [values.length], `S${width}`);
}

/**
 * Writes layers in a Keras HDF5 layout with h5wasm (the HDF5 C library compiled to WebAssembly)
 * into a temporary file, and returns its bytes.
 */
export async function writeKerasH5(layers: LayerToWrite[], options: WriteOptions = {}): Promise<Uint8Array> {
  await h5wasm.ready;
  const dir = mkdtempSync(join(tmpdir(), 'keras-h5-'));
  const path = join(dir, 'weights.h5');
  // h5py's default bounds are (earliest, latest): old-style groups with symbol tables.
  const libver: LIBVER_BOUNDS = (options.libver ?? 'earliest') === 'earliest' ? ['earliest', 'latest'] : 'latest';
  const file = new h5wasm.File(path, 'w', { libver });
  try {
    const layout = options.layout ?? 'save_weights';
    if (layout === 'keras3') {
      const root = file.create_group('layers');
      for (const layer of layers) {
        const vars = root.create_group(layer.name).create_group('vars');
        layer.weights.forEach((w, i) => vars.create_dataset({ name: String(i), data: w.data, shape: w.shape, dtype: '<f' }));
      }
      file.create_group('vars');
    } else {
      let root: Group = file;
      if (layout === 'model_save') {
        file.create_attribute('model_config', '{"class_name": "Sequential"}');
        root = file.create_group('model_weights');
      }
      const names = layers.map((l) => l.name);
      if (options.chunkLayerNames) {
        const half = Math.ceil(names.length / 2);
        fixedStrings(root, 'layer_names0', names.slice(0, half));
        fixedStrings(root, 'layer_names1', names.slice(half));
      } else {
        fixedStrings(root, 'layer_names', names);
      }
      root.create_attribute('backend', 'tensorflow');
      root.create_attribute('keras_version', '2.13.1');
      const suffix = options.suffix ?? ':0';
      // Keras writes the groups sorted by name.
      for (const layer of [...layers].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const group = root.create_group(layer.name);
        const weightNames = layer.weights.map((w) => `${layer.name}/${w.name}${suffix}`);
        fixedStrings(group, 'weight_names', weightNames);
        layer.weights.forEach((w, i) => {
          const [inner, leaf] = weightNames[i]!.split('/') as [string, string];
          const sub = group.keys().includes(inner) ? group.get(inner) : group.create_group(inner);
          (sub as Group).create_dataset({ name: leaf, data: w.data, shape: w.shape, dtype: '<f' });
        });
      }
    }
  } finally {
    file.close();
  }
  const bytes = new Uint8Array(readFileSync(path));
  rmSync(dir, { recursive: true, force: true });
  return bytes;
}
