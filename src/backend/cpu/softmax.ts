import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { RowParams, SoftmaxKernels } from '../../kernel_ids/softmax.js';

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

/** CPU twins of the softmax and cross-entropy kernels (shaders/softmax). */
export const softmaxCpuKernels: CpuKernels<SoftmaxKernels> = {
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
