// Public API of src/io: weight files (safetensors, Keras HDF5) and loading them into models.
export { loadSafetensors, readSafetensors, saveSafetensors, type StoredTensor, type TensorToSave } from './safetensors.js';
export { readKerasH5, type H5Layer, type H5Weight, type KerasH5Weights } from './keras_h5.js';
export { readBytes, type WeightsSource } from './bytes.js';
export {
  loadKerasWeights,
  loadModelWeights,
  loadSafetensorsWeights,
  saveModelWeights,
  weightKey,
  type LoadWeightsOptions,
  type WeightedLayer,
  type WeightedModel,
} from './model_weights.js';
