/**
 * Gradient clipping on the GPU. By value: inside the update kernel. By norm (per tensor, as
 * tf.clip_by_norm, or global, as tf.clip_by_global_norm): two small dispatches before the update
 * write per-variable factors into the arena's `scale` buffer, which the update kernel reads; no
 * norm is ever read back.
 */
import type { Engine } from '../engine.js';
import type { ParamGroup } from './arena.js';
import type { OptimizerOptions } from './rule.js';
import { describeValue } from '../values.js';

/** The clipping an optimizer does, validated. */
export interface ClipConfig {
  /** 0: no clipping by value. */
  clipValue: number;
  /** Clipping by norm, if any. */
  norm: { clipNorm: number; mode: 0 | 1 } | null;
}

function positiveOrUnset(op: string, name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new Error(`${op}: ${name} must be a positive number, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Reads the clipping options. As Keras, clipNorm and globalClipNorm exclude each other; clipValue
 * applies after either (TF 2.1's order: norm first, then value).
 */
export function clipConfig(op: string, options: OptimizerOptions): ClipConfig {
  const clipValue = positiveOrUnset(op, 'clipValue', options.clipValue);
  const clipNorm = positiveOrUnset(op, 'clipNorm', options.clipNorm);
  const globalClipNorm = positiveOrUnset(op, 'globalClipNorm', options.globalClipNorm);
  if (clipNorm > 0 && globalClipNorm > 0) throw new Error(`${op}: clipNorm and globalClipNorm cannot both be set`);
  const norm = clipNorm > 0 ? { clipNorm, mode: 0 as const } : globalClipNorm > 0 ? { clipNorm: globalClipNorm, mode: 1 as const } : null;
  return { clipValue, norm };
}

/** Records the two norm dispatches that fill `group.scale` for this step's gradients. */
export function runNormClipping(e: Engine, group: ParamGroup, config: ClipConfig): void {
  if (!config.norm || !group.sqNorms) return;
  const nvars = group.vars.length;
  e.backend.run('grad_sq_norms', [group.grads.buffer, group.table.buffer], [group.sqNorms.buffer], { nvars });
  e.backend.run('clip_scale', [group.sqNorms.buffer], [group.scale.buffer], { nvars, clipNorm: config.norm.clipNorm, mode: config.norm.mode });
}
