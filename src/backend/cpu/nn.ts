import type { CpuArray, CpuKernels } from './kernel_table.js';
import type {
  BatchNormBackpropParams,
  BatchNormParams,
  BatchNormReduceParams,
  DropoutParams,
  NnKernels,
  Pool2dParams,
  RowParams,
} from '../../kernel_ids/nn.js';
import { uniform01 } from './creation.js';
import { argMaxBetter } from './reduce.js';

// ---- pooling: shaders/pool/pool_window.wgsl and pool_argmax.wgsl, restated ---------------------

const POOL_NONE = -1;

/** The valid part of window (oh, ow): input rows [hLo, hHi) and columns [wLo, wHi). */
function poolWindow(p: Pool2dParams, oh: number, ow: number): [number, number, number, number] {
  const h0 = oh * p.strideH - p.padTop;
  const w0 = ow * p.strideW - p.padLeft;
  return [Math.max(h0, 0), Math.min(h0 + p.poolH, p.inH), Math.max(w0, 0), Math.min(w0 + p.poolW, p.inW)];
}

/** Output positions whose windows contain input (ih, iw): rows [ohLo, ohHi], columns [owLo, owHi]. */
function poolCovering(p: Pool2dParams, ih: number, iw: number): [number, number, number, number] {
  const h = ih + p.padTop;
  const w = iw + p.padLeft;
  const hFirst = Math.max(h - p.poolH + 1, 0);
  const wFirst = Math.max(w - p.poolW + 1, 0);
  return [
    Math.ceil(hFirst / p.strideH),
    Math.min(Math.floor(h / p.strideH), p.outH - 1),
    Math.ceil(wFirst / p.strideW),
    Math.min(Math.floor(w / p.strideW), p.outW - 1),
  ];
}

function poolInputIndex(p: Pool2dParams, b: number, h: number, w: number, c: number): number {
  return ((b * p.inH + h) * p.inW + w) * p.channels + c;
}

function poolOutputIndex(p: Pool2dParams, b: number, oh: number, ow: number, c: number): number {
  return ((b * p.outH + oh) * p.outW + ow) * p.channels + c;
}

/**
 * Flat index of the first largest element of window (oh, ow) (row-major order; NaN is the
 * largest); POOL_NONE if empty.
 */
function windowArgmax(x: CpuArray, p: Pool2dParams, b: number, oh: number, ow: number, c: number): number {
  const [hLo, hHi, wLo, wHi] = poolWindow(p, oh, ow);
  let best = POOL_NONE;
  let bestValue = 0;
  for (let h = hLo; h < hHi; h++) {
    for (let w = wLo; w < wHi; w++) {
      const i = poolInputIndex(p, b, h, w, c);
      if (best === POOL_NONE || argMaxBetter(x[i]!, bestValue)) {
        best = i;
        bestValue = x[i]!;
      }
    }
  }
  return best;
}

/** Calls `f(o, b, oh, ow, c)` for every output element, in flat order. */
function forEachOutput(p: Pool2dParams, f: (o: number, b: number, oh: number, ow: number, c: number) => void): void {
  let o = 0;
  for (let b = 0; b < p.batch; b++)
    for (let oh = 0; oh < p.outH; oh++)
      for (let ow = 0; ow < p.outW; ow++)
        for (let c = 0; c < p.channels; c++) f(o++, b, oh, ow, c);
}

/** Calls `f(i, b, ih, iw, c)` for every input element, in flat order. */
function forEachInput(p: Pool2dParams, f: (i: number, b: number, ih: number, iw: number, c: number) => void): void {
  let i = 0;
  for (let b = 0; b < p.batch; b++)
    for (let ih = 0; ih < p.inH; ih++)
      for (let iw = 0; iw < p.inW; iw++)
        for (let c = 0; c < p.channels; c++) f(i++, b, ih, iw, c);
}

const poolKernels = {
  max_pool2d: ([x]: CpuArray[], [y]: CpuArray[], p: Pool2dParams) => {
    forEachOutput(p, (o, b, oh, ow, c) => {
      const best = windowArgmax(x!, p, b, oh, ow, c);
      y![o] = best === POOL_NONE ? -Infinity : x![best]!;
    });
  },
  max_pool2d_backprop: ([x, dy]: CpuArray[], [dx]: CpuArray[], p: Pool2dParams) => {
    forEachInput(p, (i, b, ih, iw, c) => {
      const [ohLo, ohHi, owLo, owHi] = poolCovering(p, ih, iw);
      let acc = 0;
      for (let oh = ohLo; oh <= ohHi; oh++) {
        for (let ow = owLo; ow <= owHi; ow++) {
          if (windowArgmax(x!, p, b, oh, ow, c) === i) acc += dy![poolOutputIndex(p, b, oh, ow, c)]!;
        }
      }
      dx![i] = acc;
    });
  },
  max_pool2d_select: ([x, v]: CpuArray[], [out]: CpuArray[], p: Pool2dParams) => {
    forEachOutput(p, (o, b, oh, ow, c) => {
      const best = windowArgmax(x!, p, b, oh, ow, c);
      out![o] = best === POOL_NONE ? 0 : v![best]!;
    });
  },
  avg_pool2d: ([x]: CpuArray[], [y]: CpuArray[], p: Pool2dParams) => {
    forEachOutput(p, (o, b, oh, ow, c) => {
      const [hLo, hHi, wLo, wHi] = poolWindow(p, oh, ow);
      let acc = 0;
      for (let h = hLo; h < hHi; h++) for (let w = wLo; w < wHi; w++) acc += x![poolInputIndex(p, b, h, w, c)]!;
      y![o] = acc / (Math.max(hHi - hLo, 0) * Math.max(wHi - wLo, 0));
    });
  },
  avg_pool2d_backprop: ([dy]: CpuArray[], [dx]: CpuArray[], p: Pool2dParams) => {
    forEachInput(p, (i, b, ih, iw, c) => {
      const [ohLo, ohHi, owLo, owHi] = poolCovering(p, ih, iw);
      let acc = 0;
      for (let oh = ohLo; oh <= ohHi; oh++) {
        for (let ow = owLo; ow <= owHi; ow++) {
          const [hLo, hHi, wLo, wHi] = poolWindow(p, oh, ow);
          acc += dy![poolOutputIndex(p, b, oh, ow, c)]! / ((hHi - hLo) * (wHi - wLo));
        }
      }
      dx![i] = acc;
    });
  },
};

// ---- batch norm: shaders/norm ---------------------------------------------------------------

/** Rows of chunk k of a [rows, channels] view split into chunks of rowsPerChunk. */
function chunkRows(p: BatchNormReduceParams, k: number): [number, number] {
  const start = k * p.rowsPerChunk;
  return [start, Math.min(start + p.rowsPerChunk, p.rows)];
}

const normKernels = {
  batch_norm: ([x, mean, variance, scale, offset]: CpuArray[], [y]: CpuArray[], p: BatchNormParams) => {
    for (let i = 0; i < p.n; i++) {
      const c = i % p.channels;
      const invstd = 1 / Math.sqrt(variance![c * p.varianceStride]! + p.epsilon);
      y![i] = (x![i]! - mean![c * p.meanStride]!) * invstd * scale![c * p.scaleStride]! + offset![c * p.offsetStride]!;
    }
  },
  // The WGSL updates a running (Welford) mean; the reference states the same quantities directly.
  batch_norm_stats_partial: ([x]: CpuArray[], [partial]: CpuArray[], p: BatchNormReduceParams) => {
    for (let chunk = 0; chunk < p.chunks; chunk++) {
      const [start, end] = chunkRows(p, chunk);
      for (let c = 0; c < p.channels; c++) {
        let sum = 0;
        for (let r = start; r < end; r++) sum += x![r * p.channels + c]!;
        const mean = sum / (end - start);
        let m2 = 0;
        for (let r = start; r < end; r++) m2 += (x![r * p.channels + c]! - mean) ** 2;
        partial![chunk * 2 * p.channels + c] = mean;
        partial![(chunk * 2 + 1) * p.channels + c] = m2;
      }
    }
  },
  batch_norm_stats_finalize: ([partial]: CpuArray[], [mean, variance]: CpuArray[], p: BatchNormReduceParams) => {
    for (let c = 0; c < p.channels; c++) {
      // Chan's combination, chunk by chunk.
      let count = 0;
      let m = 0;
      let m2 = 0;
      for (let k = 0; k < p.chunks; k++) {
        const [start, end] = chunkRows(p, k);
        const nb = end - start;
        const mb = partial![k * 2 * p.channels + c]!;
        const n = count + nb;
        const d = mb - m;
        m += (d * nb) / n;
        m2 += partial![(k * 2 + 1) * p.channels + c]! + (d * d * count * nb) / n;
        count = n;
      }
      mean![c] = m;
      variance![c] = m2 / p.rows;
    }
  },
  batch_norm_grad_partial: ([x, dy, mean, variance]: CpuArray[], [partial]: CpuArray[], p: BatchNormReduceParams) => {
    for (let chunk = 0; chunk < p.chunks; chunk++) {
      const [start, end] = chunkRows(p, chunk);
      for (let c = 0; c < p.channels; c++) {
        const invstd = 1 / Math.sqrt(variance![c]! + p.epsilon);
        let sumDy = 0;
        let sumDyXc = 0;
        for (let r = start; r < end; r++) {
          const i = r * p.channels + c;
          sumDy += dy![i]!;
          sumDyXc += dy![i]! * (x![i]! - mean![c]!);
        }
        partial![chunk * 2 * p.channels + c] = sumDy;
        partial![(chunk * 2 + 1) * p.channels + c] = sumDyXc * invstd;
      }
    }
  },
  batch_norm_grad_finalize: ([partial]: CpuArray[], [sumDy, sumDyXhat]: CpuArray[], p: BatchNormReduceParams) => {
    for (let c = 0; c < p.channels; c++) {
      let a = 0;
      let b = 0;
      for (let k = 0; k < p.chunks; k++) {
        a += partial![k * 2 * p.channels + c]!;
        b += partial![(k * 2 + 1) * p.channels + c]!;
      }
      sumDy![c] = a;
      sumDyXhat![c] = b;
    }
  },
  batch_norm_backprop: (
    [x, dy, mean, variance, gamma, sumDy, sumDyXhat]: CpuArray[],
    [dx]: CpuArray[],
    p: BatchNormBackpropParams,
  ) => {
    for (let i = 0; i < p.n; i++) {
      const c = i % p.channels;
      const invstd = 1 / Math.sqrt(variance![c]! + p.epsilon);
      const xhat = (x![i]! - mean![c]!) * invstd;
      dx![i] = gamma![c * p.gammaStride]! * invstd * (dy![i]! - sumDy![c]! / p.rows - (xhat * sumDyXhat![c]!) / p.rows);
    }
  },
};

// ---- dropout: shaders/dropout/dropout.wgsl --------------------------------------------------

function dropoutKernel([x]: CpuArray[], [y]: CpuArray[], p: DropoutParams): void {
  // The mask must match the GPU's bit for bit: compare in float32 as the shader does.
  const rate = Math.fround(p.rate);
  const scale = Math.fround(p.scale);
  for (let i = 0; i < p.n; i++) {
    let rem = i;
    let maskIndex = 0;
    for (let d = p.shape.length - 1; d >= 0; d--) {
      const size = p.shape[d]!;
      maskIndex += (rem % size) * p.noiseStrides[d]!;
      rem = Math.floor(rem / size);
    }
    y![i] = uniform01(p.seed, maskIndex, 0) >= rate ? x![i]! * scale : 0;
  }
}

// ---- softmax: shaders/softmax ---------------------------------------------------------------

/** Row maximum and sum(exp(x - max)) of row r. */
function rowMaxAndSum(x: CpuArray, p: RowParams, r: number): { m: number; s: number } {
  const base = r * p.cols;
  let m = -Infinity;
  for (let c = 0; c < p.cols; c++) m = Math.max(m, x[base + c]!);
  let s = 0;
  for (let c = 0; c < p.cols; c++) s += Math.exp(x[base + c]! - m);
  return { m, s };
}

/** Whether a float-stored class label is an integer in [0, cols). */
function validLabel(label: number, cols: number): boolean {
  return label >= 0 && label < cols && Number.isInteger(label);
}

const softmaxKernels = {
  softmax: ([x]: CpuArray[], [y]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const { m, s } = rowMaxAndSum(x!, p, r);
      for (let c = 0; c < p.cols; c++) y![r * p.cols + c] = Math.exp(x![r * p.cols + c]! - m) / s;
    }
  },
  log_softmax: ([x]: CpuArray[], [y]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const { m, s } = rowMaxAndSum(x!, p, r);
      const shift = m + Math.log(s);
      for (let c = 0; c < p.cols; c++) y![r * p.cols + c] = x![r * p.cols + c]! - shift;
    }
  },
  softmax_backward: ([y, dy]: CpuArray[], [dx]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const base = r * p.cols;
      let t = 0;
      for (let c = 0; c < p.cols; c++) t += dy![base + c]! * y![base + c]!;
      for (let c = 0; c < p.cols; c++) dx![base + c] = y![base + c]! * (dy![base + c]! - t);
    }
  },
  log_softmax_backward: ([y, dy]: CpuArray[], [dx]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const base = r * p.cols;
      let t = 0;
      for (let c = 0; c < p.cols; c++) t += dy![base + c]!;
      for (let c = 0; c < p.cols; c++) dx![base + c] = dy![base + c]! - Math.exp(y![base + c]!) * t;
    }
  },
  softmax_cross_entropy: ([logits, labels]: CpuArray[], [loss]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const { m, s } = rowMaxAndSum(logits!, p, r);
      const lse = m + Math.log(s);
      let t = 0;
      for (let c = 0; c < p.cols; c++) t += labels![r * p.cols + c]! * (lse - logits![r * p.cols + c]!);
      loss![r] = t;
    }
  },
  softmax_cross_entropy_backward: ([logits, labels, dy]: CpuArray[], [dlogits, dlabels]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const base = r * p.cols;
      const { m, s } = rowMaxAndSum(logits!, p, r);
      const lse = m + Math.log(s);
      let labelSum = 0;
      for (let c = 0; c < p.cols; c++) labelSum += labels![base + c]!;
      for (let c = 0; c < p.cols; c++) {
        const z = logits![base + c]!;
        dlogits![base + c] = dy![r]! * ((Math.exp(z - m) / s) * labelSum - labels![base + c]!);
        dlabels![base + c] = dy![r]! * (lse - z);
      }
    }
  },
  // The second output is the WebGPU kernel's bad-label flag; the reference throws instead, at once.
  sparse_softmax_cross_entropy: ([logits, labels]: CpuArray[], [loss]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const label = labels![r]!;
      if (!validLabel(label, p.cols)) {
        throw new Error(`sparseSoftmaxCrossEntropy: label ${label} of example ${r} is not an integer in [0, ${p.cols})`);
      }
      const { m, s } = rowMaxAndSum(logits!, p, r);
      loss![r] = m + Math.log(s) - logits![r * p.cols + label]!;
    }
  },
  sparse_softmax_cross_entropy_backward: ([logits, labels, dy]: CpuArray[], [dlogits]: CpuArray[], p: RowParams) => {
    for (let r = 0; r < p.rows; r++) {
      const base = r * p.cols;
      const { m, s } = rowMaxAndSum(logits!, p, r);
      const label = labels![r]!;
      const g = validLabel(label, p.cols) ? dy![r]! : NaN;
      for (let c = 0; c < p.cols; c++) {
        dlogits![base + c] = g * (Math.exp(logits![base + c]! - m) / s - (c === label ? 1 : 0));
      }
    }
  },
};

/** CPU twins of the nn kernels (float64 accumulation; the same index names as the WGSL). */
export const nnCpuKernels: CpuKernels<NnKernels> = {
  ...poolKernels,
  ...normKernels,
  dropout: dropoutKernel,
  ...softmaxKernels,
};
