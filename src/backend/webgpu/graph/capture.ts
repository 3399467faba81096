import type { GpuBuffer } from '../device/buffer_pool.js';
import type { CompiledKernel } from '../device/pipelines.js';
import type { GpuKernel } from '../dispatch/kernel_spec.js';
import { bindGroupEntries, bindGroupKey } from '../device/bind_groups.js';
import { UniformRing } from '../device/uniform_ring.js';
import { compileCapture } from './capture_compiler.js';
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

/** A dispatch whose params are re-evaluated per replay (see src/compile/dynamic_params.ts). */
export interface DynamicDispatch {
  kind: 'dynamic';
  compiled: CompiledKernel;
  firstOutput: number;
  /** The params drawn while tracing: the first replay uses them. */
  pending?: object;
  spec: GpuKernel<object>;
  refresh: () => object;
  buffers: GpuBuffer[];
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

/**
 * A step capture (DESIGN.md, "Step capture"): every command a traced step encoded, with the
 * buffers it used. Buffers allocated while tracing belong to the capture: they are never handed
 * back to the pool while it lives, so every replay finds the same intermediates where the trace
 * left them (a static plan, no pool traffic). Buffers it only uses (variables, constants made
 * before the trace) are checked before each replay.
 */
export class CaptureRecording {
  readonly commands: CapturedCommand[] = [];
  /** Buffers allocated (or freed) while tracing: released when the capture is disposed. */
  private readonly owned = new Set<GpuBuffer>();
  /**
   * Buffers allocated while tracing. Only those (when also freed while tracing) are internal to
   * the step: a buffer made before holds values the step did not compute.
   */
  private readonly born = new Set<GpuBuffer>();
  /** Owned buffers whose tensors were freed: they go back to the pool on dispose. */
  private readonly deferred = new Set<GpuBuffer>();
  private readonly written = new Set<GpuBuffer>();
  /** Every buffer a recorded command touches. */
  private readonly used = new Set<GpuBuffer>();
  private externals: GpuBuffer[] = [];
  private uniformBytes: Uint8Array[] = [];
  private uniformBuffer: GPUBuffer | null = null;
  /** GPU buffers finish() made (restore sources, the arena, the job table): destroyed with the capture. */
  private created: GPUBuffer[] = [];
  private finished = false;
  disposed = false;

  /** The kernel of each command one replay encodes, in order ('copy', 'host', 'fused', ids). */
  get kernels(): string[] {
    return this.steady().map((c) => (c.kind === 'dispatch' ? c.kernel : c.kind === 'dynamic' ? c.compiled.label.split(' ')[0]! : c.kind));
  }

  /** The commands every replay runs (the constants computed on the first one left out). */
  private steady(): CapturedCommand[] {
    return this.commands.filter((c) => !(c.kind === 'dispatch' && c.once));
  }

  /** Number of compute dispatches one replay encodes (host segments not counted). */
  get dispatches(): number {
    return this.steady().filter((c) => c.kind === 'dispatch' || c.kind === 'dynamic').length;
  }

  /** A buffer allocated while tracing: it belongs to the capture. */
  own(buffer: GpuBuffer): void {
    buffer.owner = this;
    this.owned.add(buffer);
    this.born.add(buffer);
  }

  /** Called instead of releasing an owned buffer; a buffer freed while referenced becomes owned. */
  deferFree(buffer: GpuBuffer): void {
    if (!this.owned.has(buffer)) {
      buffer.owner = this;
      this.owned.add(buffer);
    }
    this.deferred.add(buffer);
  }

  /** True when a recorded command uses the buffer (a free must then wait for the capture). */
  references(buffer: GpuBuffer): boolean {
    return this.used.has(buffer);
  }

  /** Gives an owned buffer back to its tensor (a variable created or re-homed while tracing). */
  disown(buffer: GpuBuffer): void {
    if (this.owned.delete(buffer)) buffer.owner = undefined;
  }

  dispatch(
    compiled: CompiledKernel,
    kernel: string,
    params: object,
    buffers: GpuBuffer[],
    firstOutput: number,
    workgroups: readonly [number, number, number],
    uniforms: Uint8Array | null,
  ): void {
    let uniformOffset = -1;
    if (uniforms) {
      uniformOffset = this.uniformBytes.length * UniformRing.slotBytes;
      this.uniformBytes.push(uniforms.slice());
    }
    this.commands.push({
      kind: 'dispatch',
      compiled,
      kernel,
      params: params as Record<string, unknown>,
      firstOutput,
      buffers: [...buffers],
      workgroups,
      uniformOffset,
    });
    for (const b of buffers) this.used.add(b);
    for (let i = firstOutput; i < buffers.length; i++) this.written.add(buffers[i]!);
  }

  dynamicDispatch(compiled: CompiledKernel, spec: GpuKernel<object>, refresh: () => object, pending: object, buffers: GpuBuffer[], firstOutput: number): void {
    this.commands.push({ kind: 'dynamic', compiled, firstOutput, pending, spec, refresh, buffers: [...buffers] });
    for (const b of buffers) this.used.add(b);
    for (let i = firstOutput; i < buffers.length; i++) this.written.add(buffers[i]!);
  }

  host(run: () => void, reads: readonly GpuBuffer[]): void {
    this.commands.push({ kind: 'host', run, reads: [...reads] });
    for (const b of reads) this.used.add(b);
  }

  copy(src: GpuBuffer, dst: GpuBuffer, numel: number): void {
    this.commands.push({ kind: 'copy', src, dst, numel });
    this.used.add(src);
    this.used.add(dst);
    this.written.add(dst);
  }

  /** An upload while tracing: a replay must put the values back if anything overwrites them. */
  upload(buffer: GpuBuffer, data: Float32Array): void {
    this.commands.push({ kind: 'copy', src: buffer, dst: buffer, numel: data.length, data: data.slice() });
    this.used.add(buffer);
  }

  /**
   * Ends the trace: `remap` swaps buffers (a traced argument's own buffer for the slot a replay
   * copies new arguments into), uniforms move into one buffer written once, bind groups are made
   * once, and uploads that nothing overwrites are dropped (their values stay where they are).
   */
  finish(
    device: GPUDevice,
    remap: ReadonlyMap<GpuBuffer, GpuBuffer>,
    compileGenerated: CompileGenerated | null,
    release: (b: GpuBuffer) => void,
  ): void {
    const swap = (b: GpuBuffer): GpuBuffer => remap.get(b) ?? b;
    const kept: CapturedCommand[] = [];
    const uploads = new Map<GpuBuffer, Float32Array>();
    for (const c of this.commands) {
      if (c.kind === 'copy' && c.data) {
        uploads.set(swap(c.dst), c.data);
        const overwritten = this.written.has(c.dst) || !this.owned.has(c.dst);
        if (!overwritten) continue;
        const pristine = device.createBuffer({ size: Math.max(c.data.byteLength, 4), usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(pristine, 0, c.data.buffer as ArrayBuffer, c.data.byteOffset, c.data.byteLength);
        this.created.push(pristine);
        kept.push({ kind: 'copy', src: { numel: c.numel, gpu: pristine, uid: -1, byteOffset: 0, isView: false }, dst: swap(c.dst), numel: c.numel });
      } else if (c.kind === 'copy') {
        kept.push({ ...c, src: swap(c.src), dst: swap(c.dst) });
      } else if (c.kind === 'host') {
        kept.push({ ...c, reads: c.reads.map(swap) });
      } else {
        kept.push({ ...c, buffers: c.buffers.map(swap) });
      }
    }
    this.commands.splice(0, this.commands.length, ...kept);
    if (compileGenerated) {
      const compiled = compileCapture(this.commands, {
        device,
        compileGenerated,
        internal: (b) => this.born.has(b) && this.deferred.has(b),
        // Besides its inputs a generated kernel binds the arena, the job table and its output.
        maxInputs: device.limits.maxStorageBuffersPerShaderStage - 3,
        uploads,
        uniformSlots: this.uniformBytes,
      });
      this.commands.splice(0, this.commands.length, ...compiled.commands);
      this.created.push(...compiled.created);
      this.fusedKernels = compiled.generatedKernels;
      // Their contents live in the arena now: the pooled buffers go back.
      for (const b of compiled.movedToArena) {
        this.born.delete(b);
        this.owned.delete(b);
        this.deferred.delete(b);
        b.owner = undefined;
        release(b);
      }
    }

    if (this.uniformBytes.length > 0) {
      const all = new Uint8Array(this.uniformBytes.length * UniformRing.slotBytes);
      this.uniformBytes.forEach((bytes, i) => all.set(bytes, i * UniformRing.slotBytes));
      this.uniformBuffer = device.createBuffer({ label: 'capture uniforms', size: all.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(this.uniformBuffer, 0, all);
    }
    this.uniformBytes = [];
    this.used.clear();
    const groups = new Map<string, GPUBindGroup>();
    const externals = new Set<GpuBuffer>();
    for (const c of this.commands) {
      const used = c.kind === 'copy' ? [c.src, c.dst] : c.kind === 'host' ? c.reads : c.buffers;
      for (const b of used) if (b.uid >= 0 && !this.owned.has(b) && !remap.has(b)) externals.add(b);
      if (c.kind !== 'dispatch') continue;
      const key = bindGroupKey(c.compiled, c.buffers);
      let group = groups.get(key);
      if (!group) {
        const uniforms = this.uniformBuffer ?? placeholderUniforms(device);
        group = device.createBindGroup({ label: c.compiled.label, layout: c.compiled.bindGroupLayout, entries: bindGroupEntries(c.compiled, c.buffers, uniforms) });
        groups.set(key, group);
      }
      c.bindGroup = group;
    }
    this.externals = [...externals];
    this.finished = true;
  }

  /** Bind groups made by finish(), for the counters. */
  get bindGroupCount(): number {
    return new Set(this.commands.map((c) => (c.kind === 'dispatch' ? c.bindGroup : undefined)).filter(Boolean)).size;
  }

  /** Kernels generated for the step (fused and batched elementwise, reductions, scatters). */
  fusedKernels = 0;

  /** False once a buffer the capture uses but does not own went back to the pool. */
  isValid(): boolean {
    return this.finished && !this.disposed && this.externals.every((b) => !b.released && !b.parent?.released);
  }

  /** Releases what the capture owns: `release` hands a buffer back to the pool. */
  dispose(release: (b: GpuBuffer) => void, destroyLater: (b: GPUBuffer) => void): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.owned) {
      b.owner = undefined;
      // Buffers whose tensors are gone return to the pool; the others follow their tensor's dispose.
      if (this.deferred.has(b)) release(b);
    }
    this.owned.clear();
    this.deferred.clear();
    if (this.uniformBuffer) destroyLater(this.uniformBuffer);
    for (const p of this.created) destroyLater(p);
    this.commands.length = 0;
  }
}

let placeholder: WeakMap<GPUDevice, GPUBuffer> | undefined;

/** Kernels with uniforms always have a uniform buffer; this only satisfies the type for the others. */
function placeholderUniforms(device: GPUDevice): GPUBuffer {
  placeholder ??= new WeakMap();
  let b = placeholder.get(device);
  if (!b) {
    b = device.createBuffer({ size: 256, usage: GPUBufferUsage.UNIFORM });
    placeholder.set(device, b);
  }
  return b;
}

