/**
 * Optimizer kernels over a parameter arena (see DESIGN.md, "Parameter arena").
 *
 * Every update kernel binds the same buffers, in this order:
 *   inputs:  grad arena [n], variable table [nvars × 8 words], per-variable gradient scale [nvars]
 *   outputs: param arena [n] (updated in place), slot arena [slots × n] (slot j of element i at j·n + i)
 * The variable table (src/optim/arena.ts) holds, per variable, its element range [start, end) in the
 * arena and an optional box constraint [lo, hi] applied after the update; elements outside every
 * range are alignment padding and are left untouched. The gradient of element i of variable v is
 * grad[i] · scale[v] (1, or the factor of clipping by norm), then clipped to ±clipValue when that is
 * positive. Hyper-parameters that change per step (learning rate from a schedule, bias corrections)
 * arrive as parameters, computed on the CPU from the step count: nothing is read back.
 */
export const optimUpdateKernelIds = ['sgd', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'adagrad', 'adadelta', 'lion'] as const;

/** One kernel id per optimizer. */
export type OptimUpdateKernelId = (typeof optimUpdateKernelIds)[number];

/** Kernels that clip gradients by norm and project variables (constraints), around the update. */
export const optimAuxKernelIds = ['grad_sq_norms', 'clip_scale', 'unit_norm_rows'] as const;

export const optimKernelIds = [...optimUpdateKernelIds, ...optimAuxKernelIds] as const;

/** What every update kernel takes besides its hyper-parameters. */
export interface ArenaParams {
  /** Arena length in elements (padding included). */
  n: number;
  /** Number of variables in the table. */
  nvars: number;
  /** Gradients are clipped to [-clipValue, clipValue] when it is positive (tf.clip_by_value). */
  clipValue: number;
}

/** SGD, Keras form. Slot 0: momentum (used only when momentum > 0). */
export interface SgdParams extends ArenaParams {
  lr: number;
  momentum: number;
  nesterov: boolean;
}

/**
 * RMSprop. Slots: 0 mean square, 1 momentum, 2 mean gradient (centered). With `epsilonInside` the
 * denominator is sqrt(ms + eps), else sqrt(ms) + eps (TF 2.1's Keras path when momentum is 0).
 */
export interface RmspropParams extends ArenaParams {
  lr: number;
  rho: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  epsilonInside: boolean;
}

/** Adam. Slots: 0 m, 1 v, 2 vhat (amsgrad). `alpha` = lr·sqrt(1 - β2^t) / (1 - β1^t). */
export interface AdamParams extends ArenaParams {
  alpha: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad: boolean;
}

/** AdamW: Adam after the decoupled decay p -= p·weightDecay·lr. */
export interface AdamwParams extends AdamParams {
  lr: number;
  weightDecay: number;
}

/** Adamax. Slots: 0 m, 1 u (exponentially weighted infinity norm). `lrT` = lr / (1 - β1^t). */
export interface AdamaxParams extends ArenaParams {
  lrT: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Nadam (TF 2.1 schedule). Slots: 0 m, 1 v. `mT`, `mT1` are the momentum schedule at steps t and
 * t + 1; `mScheduleNew` = ∏_{i≤t} μ_i, `mScheduleNext` = mScheduleNew · μ_{t+1}; `vDenom` = 1 - β2^t.
 */
export interface NadamParams extends ArenaParams {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  mT: number;
  mT1: number;
  mScheduleNew: number;
  mScheduleNext: number;
  vDenom: number;
}

/** Adagrad. Slot 0: accumulator (starts at initialAccumulatorValue). */
export interface AdagradParams extends ArenaParams {
  lr: number;
  epsilon: number;
}

/** Adadelta. Slots: 0 accumulated gradient², 1 accumulated update². */
export interface AdadeltaParams extends ArenaParams {
  lr: number;
  rho: number;
  epsilon: number;
}

/** Lion. Slot 0: momentum. Optional decoupled weight decay first (Keras base optimizer). */
export interface LionParams extends ArenaParams {
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
}

/**
 * Sum of squares of each variable's gradient: out[v] = Σ_{start_v ≤ i < end_v} grad[i]².
 * Inputs: grad arena, variable table; output: [nvars].
 */
export interface GradSqNormsParams {
  nvars: number;
}

/**
 * Gradient scale factors from the squared norms. mode 0 (per tensor, tf.clip_by_norm):
 * scale[v] = c / max(‖g_v‖, c). mode 1 (global, tf.clip_by_global_norm): every scale[v] =
 * c · min(1/‖g‖, 1/c) with ‖g‖² = Σ_v sq[v]. Input: sq [nvars]; output: scale [nvars].
 */
export interface ClipScaleParams {
  nvars: number;
  clipNorm: number;
  mode: 0 | 1;
}

/**
 * Projects each row of a [rows, cols] variable, in place, onto the sphere of radius `factor`:
 * w = w · factor / (eps + ‖w_row‖) (Keras UnitNorm with the norm taken along rows).
 */
export interface UnitNormRowsParams {
  rows: number;
  cols: number;
  factor: number;
  epsilon: number;
}

export interface OptimKernels {
  sgd: SgdParams;
  rmsprop: RmspropParams;
  adam: AdamParams;
  adamw: AdamwParams;
  adamax: AdamaxParams;
  nadam: NadamParams;
  adagrad: AdagradParams;
  adadelta: AdadeltaParams;
  lion: LionParams;
  grad_sq_norms: GradSqNormsParams;
  clip_scale: ClipScaleParams;
  unit_norm_rows: UnitNormRowsParams;
}

/** Words per variable-table entry: start, end, box flag, pad, lo, hi, pad, pad. */
export const varTableStride = 8;

/**
 * Elements per workgroup of the GPU update kernels (ARENA_CHUNK in shaders/optim/common/arena.wgsl).
 * Every variable starts at a multiple of it, so a workgroup's elements belong to one variable
 * and the kernels look that variable up once per workgroup (at most 255 padding elements each).
 */
export const arenaChunk = 256;
