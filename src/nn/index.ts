// Public API of src/nn: Keras-compatible layers and the Sequential model.
export { Layer, type ApplyOptions, type LayerOptions, type LayerSpec, type WeightSpec } from './layer.js';
export { Sequential, type SequentialOptions, type SummaryOptions } from './sequential.js';
export { Conv2D, type Conv2DOptions } from './conv2d.js';
export { DepthwiseConv2D, type DepthwiseConv2DOptions } from './depthwise_conv2d.js';
export { Dense, type DenseOptions } from './dense.js';
export { BatchNormalization, type BatchNormalizationOptions } from './batch_normalization.js';
export { MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, type Pooling2DOptions, type GlobalAveragePooling2DOptions } from './pooling.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Flatten } from './flatten.js';
export { Activation, type ActivationOptions } from './activation_layer.js';
export { InputLayer, type InputLayerOptions } from './input_layer.js';
export { computeFans, constantInitializer, uniformInitializer, type Initializer, type InitializerFn, type InitializerName } from './initializers.js';
export type { ActivationName } from './activations.js';
export { resetLayerNames } from './names.js';
export { formatShape, type SymbolicShape } from './symbolic_shape.js';
export type { ParamCounts } from './summary.js';
