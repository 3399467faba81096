/**
 * GPU time per kernel for our side (`--profile`), where the adapter has 'timestamp-query' (lavapipe
 * has it). Our backend records many dispatches into one compute pass, and core WebGPU writes
 * timestamps only at pass boundaries, so a profiling engine gets a wrapped device: every dispatch
 * becomes its own pass with timestamps at both ends, the pipeline and bind groups set again. The
 * times are resolved into a buffer before each command buffer is finished and read after the
 * submit. Kernels are named by their pipeline's label (`kernel_id (shaders/...)`).
 *
 * One pass per dispatch adds overhead of its own, so these numbers explain where the time goes;
 * the timings of the table come from the unprofiled engine.
 */
import { createEngine } from '../src/node.js';
import { getGpu, requestAdapter, requestDevice } from '../src/backend/webgpu/device/gpu.js';
import { oursRepsOf, type BenchCase } from './case.js';
import { layout } from './table.js';

/** Per kernel: dispatches and GPU milliseconds, per unit of work. */
export interface KernelTime {
  kernel: string;
  dispatches: number;
  ms: number;
}

/** The profile of one case. */
export interface CaseProfile {
  id: string;
  /** Sum of the kernels' GPU times per unit of work, in ms. */
  gpuMs: number;
  kernels: KernelTime[];
  error?: string;
}

/** Dispatches per query set: a query set holds at most 4096 timestamps, two per dispatch. */
const perQuerySet = 2048;

/** Collects kernel times from the command buffers of the wrapped device. */
class Timings {
  readonly byKernel = new Map<string, { dispatches: number; ns: bigint }>();
  private pending: Promise<void>[] = [];

  add(kernel: string, ns: bigint): void {
    const k = this.byKernel.get(kernel) ?? { dispatches: 0, ns: 0n };
    k.dispatches++;
    k.ns += ns;
    this.byKernel.set(kernel, k);
  }

  wait(p: Promise<void>): void {
    this.pending.push(p);
  }

  async settled(): Promise<void> {
    while (this.pending.length > 0) {
      const list = this.pending;
      this.pending = [];
      await Promise.all(list);
    }
  }

  reset(): void {
    this.byKernel.clear();
  }
}

/** A command encoder's timestamp queries: query sets filled in order, resolved at finish(). */
class EncoderQueries {
  private sets: GPUQuerySet[] = [];
  private labels: string[] = [];

  constructor(private readonly device: GPUDevice) {}

  /** The query set and first index for the next dispatch, named `label`. */
  next(label: string): { querySet: GPUQuerySet; index: number } {
    const n = this.labels.length;
    if (n % perQuerySet === 0) this.sets.push(this.device.createQuerySet({ type: 'timestamp', count: 2 * perQuerySet }));
    this.labels.push(label);
    return { querySet: this.sets[this.sets.length - 1]!, index: 2 * (n % perQuerySet) };
  }

  /** Encodes the resolve and a copy to a readable buffer; returns what to read after the submit. */
  resolve(encoder: GPUCommandEncoder): (() => Promise<{ label: string; ns: bigint }[]>) | null {
    if (this.labels.length === 0) return null;
    const bytes = this.labels.length * 16;
    const resolved = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const readable = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.sets.forEach((set, i) => {
      const count = Math.min(perQuerySet, this.labels.length - i * perQuerySet);
      encoder.resolveQuerySet(set, 0, 2 * count, resolved, i * perQuerySet * 16);
    });
    encoder.copyBufferToBuffer(resolved, 0, readable, 0, bytes);
    const labels = this.labels;
    const sets = this.sets;
    return async () => {
      await readable.mapAsync(GPUMapMode.READ);
      const stamps = new BigUint64Array(readable.getMappedRange().slice(0));
      readable.unmap();
      for (const b of [resolved, readable]) b.destroy();
      for (const s of sets) s.destroy();
      return labels.map((label, i) => ({ label, ns: stamps[2 * i + 1]! > stamps[2 * i]! ? stamps[2 * i + 1]! - stamps[2 * i]! : 0n }));
    };
  }
}

/** A compute pass that runs each dispatch in a pass of its own, with timestamps. */
function timedPass(device: GPUDevice, encoder: GPUCommandEncoder, queries: EncoderQueries): GPUComputePassEncoder {
  let pipeline: GPUComputePipeline | null = null;
  const groups = new Map<number, [GPUBindGroup | null, number[]]>();
  const replay = (run: (pass: GPUComputePassEncoder) => void): void => {
    const label = pipeline?.label || 'unlabelled pipeline';
    const { querySet, index } = queries.next(label);
    const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 } });
    if (pipeline) pass.setPipeline(pipeline);
    for (const [i, [group, offsets]] of groups) pass.setBindGroup(i, group, offsets);
    run(pass);
    pass.end();
  };
  const pass = {
    label: '',
    setPipeline(p: GPUComputePipeline) {
      pipeline = p;
    },
    setBindGroup(index: number, group: GPUBindGroup | null, offsets?: Iterable<number> | Uint32Array, start?: number, length?: number) {
      const all = offsets ? Array.from(offsets as Iterable<number>) : [];
      groups.set(index, [group, start === undefined ? all : all.slice(start, start + (length ?? 0))]);
    },
    dispatchWorkgroups(x: number, y?: number, z?: number) {
      replay((p) => p.dispatchWorkgroups(x, y, z));
    },
    dispatchWorkgroupsIndirect(buffer: GPUBuffer, offset: number) {
      replay((p) => p.dispatchWorkgroupsIndirect(buffer, offset));
    },
    end() {},
    pushDebugGroup() {},
    popDebugGroup() {},
    insertDebugMarker() {},
  };
  void device;
  return pass as unknown as GPUComputePassEncoder;
}

/** Forwards every member of `target`, methods bound to it, except those in `own`. */
function forward<T extends object>(target: T, own: Partial<Record<string | symbol, unknown>>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop in own) return own[prop];
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
    set(t, prop, value) {
      return Reflect.set(t, prop, value, t);
    },
  });
}

/** A device whose command encoders time every dispatch into `timings`. */
function profilingDevice(device: GPUDevice, timings: Timings): GPUDevice {
  const reads = new WeakMap<GPUCommandBuffer, () => Promise<{ label: string; ns: bigint }[]>>();
  const createCommandEncoder = (descriptor?: GPUCommandEncoderDescriptor): GPUCommandEncoder => {
    const encoder = device.createCommandEncoder(descriptor);
    const queries = new EncoderQueries(device);
    return forward(encoder, {
      beginComputePass: () => timedPass(device, encoder, queries),
      finish: (d?: GPUCommandBufferDescriptor) => {
        const read = queries.resolve(encoder);
        const buffer = encoder.finish(d);
        if (read) reads.set(buffer, read);
        return buffer;
      },
    });
  };
  const queue = forward(device.queue, {
    submit: (buffers: Iterable<GPUCommandBuffer>) => {
      const list = Array.from(buffers);
      device.queue.submit(list);
      for (const b of list) {
        const read = reads.get(b);
        if (read) timings.wait(read().then((stamps) => stamps.forEach((s) => timings.add(s.label, s.ns))));
      }
    },
  });
  return forward(device, { createCommandEncoder, queue });
}

/** The report text: per case, the kernels by GPU time (a single kernel on one line). */
export function formatProfile(cases: readonly CaseProfile[], top = 6): string {
  const lines = ['GPU time per kernel of ours, per unit of work (timestamp-query; one compute pass per dispatch while profiling):'];
  const count = (n: number): string => (n % 1 === 0 ? String(n) : n.toFixed(1));
  for (const c of cases) {
    if (c.error) {
      lines.push(`${c.id}: FAILED ${c.error}`);
      continue;
    }
    const dispatches = c.kernels.reduce((n, k) => n + k.dispatches, 0);
    const head = `${c.id}: ${c.gpuMs.toFixed(3)} ms GPU in ${count(dispatches)} dispatch${dispatches === 1 ? '' : 'es'}`;
    if (c.kernels.length === 1) {
      lines.push(`${head}: ${c.kernels[0]!.kernel}`);
      continue;
    }
    lines.push(head);
    const rows = c.kernels.slice(0, top).map((k) => [k.kernel, count(k.dispatches), k.ms.toFixed(3), `${((100 * k.ms) / (c.gpuMs || 1)).toFixed(0)}%`]);
    if (c.kernels.length > top) rows.push([`(${c.kernels.length - top} more kernels)`, '', '', '']);
    const table = layout(['kernel', 'dispatches', 'ms', 'share'], rows, [false, true, true, true]);
    lines.push(...table.split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}

/**
 * Profiles our side of one case, after its warm-up, on an engine of its own whose device times
 * every dispatch (the adapter must have 'timestamp-query').
 */
export async function profileCase(c: BenchCase, log: (s: string) => void): Promise<CaseProfile> {
  // A Dawn adapter makes one device: each profiling engine needs an adapter of its own.
  const adapter = await requestAdapter(await getGpu());
  if (!adapter.features.has('timestamp-query')) {
    return { id: c.id, gpuMs: NaN, kernels: [], error: "the adapter has no 'timestamp-query' feature" };
  }
  log(`profile: ${c.id} ...`);
  const timings = new Timings();
  const e = await createEngine({ device: profilingDevice(await requestDevice(adapter), timings) });
  try {
    const side = await c.ours(e);
    const reps = oursRepsOf(c);
    let measured = new Map<string, { dispatches: number; ns: bigint }>();
    try {
      for (let w = 0; w < c.warmup; w++) await side.work()();
      await timings.settled();
      timings.reset();
      // The work alone is submitted and timed; the synchronising readback (a slice) comes after.
      const finish = side.work();
      await e.flush();
      await timings.settled();
      measured = new Map(timings.byKernel);
      await finish();
    } finally {
      side.dispose();
    }
    const kernels = [...measured]
      .map(([kernel, k]) => ({ kernel, dispatches: k.dispatches / reps, ms: Number(k.ns) / 1e6 / reps }))
      .sort((a, b) => b.ms - a.ms);
    return { id: c.id, gpuMs: kernels.reduce((s, k) => s + k.ms, 0), kernels };
  } catch (err) {
    return { id: c.id, gpuMs: NaN, kernels: [], error: err instanceof Error ? err.message : String(err) };
  } finally {
    e.destroy();
  }
}
