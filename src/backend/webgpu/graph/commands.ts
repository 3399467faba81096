/**
 * The commands a compiled graph runs (a lazy plan or a step capture): dispatches whose uniforms
 * are fixed, dispatches whose params are drawn again per run, copies, and host code.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import type { CompiledKernel } from '../device/pipelines.js';
import type { GpuKernel } from '../dispatch/kernel_spec.js';
import type { GeneratedKernel } from './codegen.js';

/** A dispatch whose uniforms were fixed while tracing: replayed from the capture's own uniform buffer. */
export interface StaticDispatch {
  kind: 'dispatch';
  compiled: CompiledKernel;
  /** The kernel id and params it ran with ('fused' for generated kernels). */
  kernel: string;
  params: Record<string, unknown>;
  /** Bindings [0, firstOutput) are read, the rest written. */
  firstOutput: number;
  buffers: GpuBuffer[];
  workgroups: readonly [number, number, number];
  /** Byte offset of its uniforms in the capture's uniform buffer (-1: the kernel has none). */
  uniformOffset: number;
  bindGroup?: GPUBindGroup;
  /**
   * A constant (eye, fill, iota) into a buffer of the step's own that nothing else writes: it
   * runs on the first replay only, and its values stay for the later ones.
   */
  once?: boolean;
  /** Set once a `once` dispatch has run. */
  ran?: boolean;
}

/**
 * A dispatch whose params change from one run to the next (src/compile/dynamic_params.ts, and
 * the dispatches of replayable host code): its uniforms are packed on every run.
 */
export interface DynamicDispatch {
  kind: 'dynamic';
  compiled: CompiledKernel;
  firstOutput: number;
  spec: GpuKernel<object>;
  buffers: GpuBuffer[];
  /** Step capture: the params drawn while tracing, which the first replay uses. */
  pending?: object;
  /** Step capture: draws the params of a replay. */
  refresh?: () => object;
  /** Lazy plans: the index of the node (of the graph being run) whose params this run uses. */
  node?: number;
}

/** copyBufferToBuffer, also used to restore values uploaded while tracing (from `pristine`). */
export interface CopyCommand {
  kind: 'copy';
  src: GpuBuffer;
  dst: GpuBuffer;
  numel: number;
  /** For restores: the values to put back, until finish() moves them into `src`. */
  data?: Float32Array;
}

/** Host code that encodes its own commands: run again on every replay (see Backend.runReplayable). */
export interface HostCommand {
  kind: 'host';
  run: () => void;
  /** Buffers the host code reads: fusion must keep them written. */
  reads: GpuBuffer[];
}

/** Compiles a generated kernel (fusion) into a pipeline, with its `override` constants. */
export type CompileGenerated = (kernel: Pick<GeneratedKernel, 'code' | 'layout'>, workgroups: readonly [number, number, number], constants?: Record<string, number>) => CompiledKernel;

export type CapturedCommand = StaticDispatch | DynamicDispatch | CopyCommand | HostCommand;
