/**
 * Kernel variants: several WGSL programs for one kernel id (same inputs, outputs and CPU twin),
 * for different hardware. The dispatch spec of a tunable kernel (tunedSpec) runs the variant
 * named by its parameters' `variant` member, or the first variant (the lavapipe-tuned kernels
 * the kernel had before variants) when the parameters name none; the backend's tuner
 * (tuner.ts) adds that member when it chooses another. Because the name is part of the
 * parameters, it is part of every pipeline key and plan signature that depends on it.
 */
import type { GpuKernel, ShaderSource, UniformValues } from '../dispatch/kernel_spec.js';

/** What a device offers that decides which variants can run on it. */
export interface DeviceCaps {
  /** The `subgroups` feature was granted to the device. */
  subgroups: boolean;
  /** Subgroup sizes the adapter reports (0 when unknown or without subgroups). */
  subgroupMinSize: number;
  subgroupMaxSize: number;
  maxWorkgroupStorageSize: number;
  maxInvocationsPerWorkgroup: number;
  /** A software adapter (lavapipe, SwiftShader): the first variants are tuned for those. */
  software: boolean;
}

/** Caps of a device that has only WebGPU's defaults and no subgroups (a conservative baseline). */
export const baselineCaps: DeviceCaps = {
  subgroups: false,
  subgroupMinSize: 0,
  subgroupMaxSize: 0,
  maxWorkgroupStorageSize: 16384,
  maxInvocationsPerWorkgroup: 256,
  software: false,
};

/** One variant of a kernel id. */
export interface Variant<P> {
  /** Unique within its kernel id; what tables, tests and the benchmark name it by. */
  name: string;
  /** The dispatch: shader, prelude, override constants, uniforms and grid. */
  spec: GpuKernel<P>;
  /**
   * Whether the variant computes these parameters correctly on this device: shape constraints
   * (vec4 alignment, tile limits) and device features (subgroups, workgroup memory).
   */
  eligible(p: P, caps: DeviceCaps): boolean;
  /**
   * A rival of the default on software adapters too, where the tuner times only the default and
   * these: variants without workgroup barriers that read storage less per multiply-add than the
   * default (the subgroup ones, which pass values between lanes instead of each lane reading
   * them). Which wins there depends on the host CPU under the driver (docs/lavapipe.md, "The
   * default variants and the host").
   */
  software?: boolean;
}

/** The variants of one kernel id, and how the tuner keys and guesses its choices. */
export interface TunableKernel<P> {
  /** The first is the default: what runs when the parameters name no variant. */
  variants: readonly Variant<P>[];
  /**
   * The part of a tuning key that comes from the parameters: sizes bucketed (so one timing serves
   * similar shapes) plus whatever decides eligibility (alignments, transposes), so that a choice
   * made for one member of a class is eligible for the others.
   */
  shapeClass(p: P): string;
  /** The choice on a hardware adapter until the class is tuned (software adapters run the default). */
  gpuHeuristic(p: P, caps: DeviceCaps): string;
}

/** Parameters that may name their variant. */
export type WithVariant<P> = P & { variant?: string };

/** The variant the parameters name, or undefined (the default). */
export function variantOf(p: unknown): string | undefined {
  return (p as { variant?: string }).variant;
}

/** A spec whose every member asks the spec `pick` gives for the parameters. */
export function delegate<P>(pick: (p: P) => GpuKernel<P>): GpuKernel<P> {
  return {
    shader: (p): ShaderSource => {
      const s = pick(p).shader;
      return typeof s === 'function' ? s(p) : s;
    },
    prelude: (p): string => {
      const pre = pick(p).prelude;
      return typeof pre === 'function' ? pre(p) : (pre ?? '');
    },
    constants: (p): Record<string, number> => pick(p).constants?.(p) ?? {},
    uniforms: (p): UniformValues => pick(p).uniforms(p),
    workgroups: (p) => pick(p).workgroups(p),
  };
}

/** The dispatch spec of a tunable kernel: each member asks the variant the parameters name. */
export function tunedSpec<P>(kernel: TunableKernel<P>): GpuKernel<P> {
  const byName = new Map(kernel.variants.map((v) => [v.name, v.spec]));
  if (byName.size !== kernel.variants.length) throw new Error('kernel variants: two variants share a name');
  const first = kernel.variants[0]!.spec;
  return delegate((p) => {
    const name = variantOf(p);
    if (name === undefined) return first;
    const spec = byName.get(name);
    if (!spec) throw new Error(`unknown kernel variant '${name}' (known: ${[...byName.keys()].join(', ')})`);
    return spec;
  });
}

/**
 * A size as a class: itself up to 4, else the power of two at or above it (so 17..32 share a
 * class). Tuning keys use it so that one timing serves nearby shapes.
 */
export function sizeClass(x: number): number {
  if (x <= 4) return x;
  return 2 ** Math.ceil(Math.log2(x));
}

/** '1' where `x` is a multiple of 4, else '0': alignments that decide vec4 eligibility. */
export function aligned4(...xs: number[]): string {
  return xs.map((x) => (x % 4 === 0 ? '1' : '0')).join('');
}
