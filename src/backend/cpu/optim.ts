import type { CpuArray, CpuKernels } from './kernel_table.js';
import {
  varTableStride,
  type AdadeltaParams,
  type AdagradParams,
  type AdamaxParams,
  type AdamParams,
  type AdamwParams,
  type ArenaParams,
  type ClipScaleParams,
  type GradSqNormsParams,
  type LionParams,
  type NadamParams,
  type OptimKernels,
  type RmspropParams,
  type SgdParams,
  type UnitNormRowsParams,
} from '../../kernel_ids/optim.js';

// The variable table stores u32 words as float32 bit patterns (the WGSL reads them as u32).
// Small integers are denormal floats, which float64 buffers hold exactly, so this works in both
// CPU precisions.
const wordF32 = new Float32Array(1);
const wordU32 = new Uint32Array(wordF32.buffer);
function word(a: CpuArray, at: number): number {
  wordF32[0] = a[at]!;
  return wordU32[0]!;
}

/** Entry v of the variable table (shaders/optim/common/var_info.wgsl, struct VarInfo). */
function varInfo(table: CpuArray, v: number): { start: number; end: number; box: boolean; lo: number; hi: number } {
  const at = v * varTableStride;
  return { start: word(table, at), end: word(table, at + 1), box: word(table, at + 2) !== 0, lo: table[at + 4]!, hi: table[at + 5]! };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/** New parameter value of element i from its gradient g; slots are read and written in `s`. */
type ElementUpdate<P> = (i: number, g: number, w: number, s: CpuArray, p: P) => number;

/**
 * The loop every update kernel shares (arena_var/arena_grad/arena_constrain in the WGSL): over each
 * variable's range, scale and clip the gradient, update, apply the box constraint. Padding between
 * variables is never touched.
 */
function arenaKernel<P extends ArenaParams>(update: ElementUpdate<P>) {
  return ([grad, table, scale]: CpuArray[], [param, slots]: CpuArray[], p: P): void => {
    for (let v = 0; v < p.nvars; v++) {
      const info = varInfo(table!, v);
      for (let i = info.start; i < info.end; i++) {
        let g = grad![i]! * scale![v]!;
        if (p.clipValue > 0) g = clamp(g, -p.clipValue, p.clipValue);
        let w = update(i, g, param![i]!, slots!, p);
        if (info.box) w = clamp(w, info.lo, info.hi);
        param![i] = w;
      }
    }
  };
}

const sgd: ElementUpdate<SgdParams> = (i, g, w, s, p) => {
  if (p.momentum > 0) {
    s[i] = s[i]! * p.momentum - g * p.lr;
    return p.nesterov ? w + (s[i]! * p.momentum - g * p.lr) : w + s[i]!;
  }
  return w - g * p.lr;
};

const rmsprop: ElementUpdate<RmspropParams> = (i, g, w, s, p) => {
  const n = p.n;
  const ms = i;
  const mom = n + i;
  const mg = (p.momentum > 0 ? 2 * n : n) + i;
  let denom: number;
  if (p.momentum > 0) {
    // TF's ApplyRMSProp / ApplyCenteredRMSProp kernels.
    s[ms] = s[ms]! + (g * g - s[ms]!) * (1 - p.rho);
    if (p.centered) s[mg] = s[mg]! + (g - s[mg]!) * (1 - p.rho);
    denom = p.centered ? s[ms]! - s[mg]! * s[mg]! : s[ms]!;
  } else {
    // TF 2.1 Keras RMSprop's Python path.
    s[ms] = p.rho * s[ms]! + (1 - p.rho) * g * g;
    if (p.centered) s[mg] = p.rho * s[mg]! + (1 - p.rho) * g;
    denom = p.centered ? s[ms]! - s[mg]! * s[mg]! : s[ms]!;
  }
  const d = p.epsilonInside ? Math.sqrt(denom + p.epsilon) : Math.sqrt(denom) + p.epsilon;
  if (p.momentum > 0) {
    s[mom] = s[mom]! * p.momentum + (g * p.lr) / d;
    return w - s[mom]!;
  }
  return w - (p.lr * g) / d;
};

function adamCore(i: number, g: number, w: number, s: CpuArray, p: AdamParams): number {
  const n = p.n;
  s[i] = s[i]! + (g - s[i]!) * (1 - p.beta1);
  s[n + i] = s[n + i]! + (g * g - s[n + i]!) * (1 - p.beta2);
  let v = s[n + i]!;
  if (p.amsgrad) {
    s[2 * n + i] = Math.max(s[2 * n + i]!, v);
    v = s[2 * n + i]!;
  }
  return w - (s[i]! * p.alpha) / (Math.sqrt(v) + p.epsilon);
}

const adamw: ElementUpdate<AdamwParams> = (i, g, w, s, p) => adamCore(i, g, w - w * p.weightDecay * p.lr, s, p);

const adamax: ElementUpdate<AdamaxParams> = (i, g, w, s, p) => {
  const n = p.n;
  s[i] = s[i]! + (g - s[i]!) * (1 - p.beta1);
  s[n + i] = Math.max(p.beta2 * s[n + i]!, Math.abs(g));
  return w - p.lrT * (s[i]! / (s[n + i]! + p.epsilon));
};

const nadam: ElementUpdate<NadamParams> = (i, g, w, s, p) => {
  const n = p.n;
  const gPrime = g / (1 - p.mScheduleNew);
  s[i] = p.beta1 * s[i]! + (1 - p.beta1) * g;
  const mPrime = s[i]! / (1 - p.mScheduleNext);
  s[n + i] = p.beta2 * s[n + i]! + (1 - p.beta2) * g * g;
  const vPrime = s[n + i]! / p.vDenom;
  const mBar = (1 - p.mT) * gPrime + p.mT1 * mPrime;
  return w - (p.lr * mBar) / (Math.sqrt(vPrime) + p.epsilon);
};

const adagrad: ElementUpdate<AdagradParams> = (i, g, w, s, p) => {
  s[i] = s[i]! + g * g;
  return w - (g * p.lr) / (Math.sqrt(s[i]!) + p.epsilon);
};

const adadelta: ElementUpdate<AdadeltaParams> = (i, g, w, s, p) => {
  const n = p.n;
  s[i] = s[i]! * p.rho + g * g * (1 - p.rho);
  const update = (Math.sqrt(s[n + i]! + p.epsilon) / Math.sqrt(s[i]! + p.epsilon)) * g;
  s[n + i] = s[n + i]! * p.rho + update * update * (1 - p.rho);
  return w - update * p.lr;
};

const lion: ElementUpdate<LionParams> = (i, g, w, s, p) => {
  const decayed = w - w * p.weightDecay * p.lr;
  const next = decayed - p.lr * Math.sign(s[i]! * p.beta1 + g * (1 - p.beta1));
  s[i] = s[i]! * p.beta2 + g * (1 - p.beta2);
  return next;
};

/** CPU twins of the optim kernels (shaders/optim/*.wgsl): the same formulas, plain loops. */
export const optimCpuKernels: CpuKernels<OptimKernels> = {
  sgd: arenaKernel(sgd),
  rmsprop: arenaKernel(rmsprop),
  adam: arenaKernel(adamCore),
  adamw: arenaKernel(adamw),
  adamax: arenaKernel(adamax),
  nadam: arenaKernel(nadam),
  adagrad: arenaKernel(adagrad),
  adadelta: arenaKernel(adadelta),
  lion: arenaKernel(lion),
  grad_sq_norms: ([grad, table], [out], p: GradSqNormsParams) => {
    for (let v = 0; v < p.nvars; v++) {
      const { start, end } = varInfo(table!, v);
      let acc = 0;
      for (let i = start; i < end; i++) acc += grad![i]! * grad![i]!;
      out![v] = acc;
    }
  },
  clip_scale: ([sq], [scale], p: ClipScaleParams) => {
    const c = p.clipNorm;
    if (p.mode === 0) {
      for (let v = 0; v < p.nvars; v++) scale![v] = c / Math.max(Math.sqrt(sq![v]!), c);
      return;
    }
    let total = 0;
    for (let v = 0; v < p.nvars; v++) total += sq![v]!;
    const norm = Math.sqrt(total);
    const s = norm <= c ? 1 : c / norm;
    for (let v = 0; v < p.nvars; v++) scale![v] = s;
  },
  unit_norm_rows: (_inputs, [w], p: UnitNormRowsParams) => {
    for (let row = 0; row < p.rows; row++) {
      const base = row * p.cols;
      let acc = 0;
      for (let c = 0; c < p.cols; c++) acc += w![base + c]! * w![base + c]!;
      const k = p.factor / (p.epsilon + Math.sqrt(acc));
      for (let c = 0; c < p.cols; c++) w![base + c] = w![base + c]! * k;
    }
  },
};
