/**
 * 2-D convolution kernels: conv2d (NHWC input, HWIO filter: the Keras layout) with its two
 * backward passes, and the depthwise variant with its two. conv2dTranspose has no kernel of its
 * own: its forward pass is conv2d_backprop_input.
 */
export const convKernelIds = [
  'conv2d',
  'conv2d_backprop_input',
  'conv2d_backprop_input_direct',
  'conv2d_fold',
  'conv2d_backprop_filter',
  'depthwise_conv2d',
  'depthwise_conv2d_backprop_input',
  'depthwise_conv2d_backprop_filter',
] as const;

export type ConvKernelId = (typeof convKernelIds)[number];

/**
 * Activations a conv2d kernel applies in its epilogue: op_<name> of shaders/common/unary_ops.wgsl
 * (the unary kernel id), or 'linear' for none.
 */
export const fusedActivations = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'leaky_relu'] as const;

export type FusedActivation = (typeof fusedActivations)[number];

/**
 * The resolved geometry of one convolution, shared by the forward kernel and both backward
 * kernels. Input x is [batch, inH, inW, inC], the output (dy for the backward passes) is
 * [batch, outH, outW, outC]. Input row ih = oh·strideH - padTop + kh·dilationH (likewise for
 * columns); taps outside the input read zero. Bottom and right padding are implied by the sizes.
 */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  /** Output channels (conv2d: the filter's O; depthwise: inC · multiplier). */
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/**
 * conv2d: y[n,oh,ow,o] = act(Σ_{kh,kw,c} x[n,ih,iw,c]·w[kh,kw,c,o] + bias[o]).
 * Inputs: x, filter [kH,kW,inC,outC], bias [outC] (when hasBias is false any buffer is bound
 * there and never read).
 */
export interface Conv2dParams extends ConvGeometry {
  hasBias: boolean;
  activation: FusedActivation;
  /** The activation's scalar (leaky_relu's slope); 0 otherwise. */
  alpha: number;
}

/**
 * conv2d_backprop_input: dx [batch,inH,inW,inC] from dy and the filter,
 * dx[n,ih,iw,c] = Σ over taps (kh,kw) that land on an output (oh,ow) and o of dy[n,oh,ow,o]·w[kh,kw,c,o].
 * Inputs: dy, filter.
 */
export type Conv2dBackpropInputParams = ConvGeometry;

/**
 * Kernels reducing over all output pixels (filter gradients) split that reduction into `splits`
 * chunks of `chunk` consecutive pixels (p = (n·outH + oh)·outW + ow) so that small filters still
 * fill the GPU; their output is [filter size, splits] partial sums, summed by the op
 * (reduce_sum over the last axis) unless splits is 1.
 */
export interface SplitReduction {
  splits: number;
  chunk: number;
}

/**
 * conv2d_backprop_filter: partial[(k·outC + o)·splits + z] = Σ over pixels p of chunk z of
 * x[n,ih,iw,c]·dy[p,o], with k = (kh·kW + kw)·inC + c. Inputs: x, dy.
 */
export interface Conv2dBackpropFilterParams extends ConvGeometry, SplitReduction {}

/**
 * depthwise_conv2d: y[n,oh,ow,c·multiplier+q] = Σ_{kh,kw} x[n,ih,iw,c]·w[kh,kw,c,q].
 * Inputs: x, filter [kH,kW,inC,multiplier]. outC = inC · multiplier.
 */
export interface DepthwiseConv2dParams extends ConvGeometry {
  multiplier: number;
}

/** depthwise_conv2d_backprop_input: dx from dy and the filter. Inputs: dy, filter. */
export type DepthwiseConv2dBackpropInputParams = DepthwiseConv2dParams;

/**
 * depthwise_conv2d_backprop_filter: partial[(tap·outC + j)·splits + z], tap = kh·kW + kw,
 * j = c·multiplier + q. Inputs: x, dy.
 */
export interface DepthwiseConv2dBackpropFilterParams extends DepthwiseConv2dParams, SplitReduction {}

export interface ConvKernels {
  conv2d: Conv2dParams;
  conv2d_backprop_input: Conv2dBackpropInputParams;
  /** The same gradient, one invocation per dx element: for inputs with few channels. */
  conv2d_backprop_input_direct: Conv2dBackpropInputParams;
  /**
   * col2im: dx [batch,inH,inW,inC] from cols [batch·outH·outW, kH·kW·inC], summing for each input
   * pixel the values its taps received: dx[n,ih,iw,c] = Σ over taps (kh,kw) landing on an output
   * (oh,ow) of cols[(n·outH + oh)·outW + ow, (kh·kW + kw)·inC + c]. With cols = dy·wᵀ (the filter
   * as a [kH·kW·inC, outC] matrix) that is conv2d_backprop_input. inC must be a multiple of 4
   * (the shader reads vec4s). Input: cols.
   */
  conv2d_fold: ConvGeometry;
  conv2d_backprop_filter: Conv2dBackpropFilterParams;
  depthwise_conv2d: DepthwiseConv2dParams;
  depthwise_conv2d_backprop_input: DepthwiseConv2dBackpropInputParams;
  depthwise_conv2d_backprop_filter: DepthwiseConv2dBackpropFilterParams;
}
