/**
 * How the tuner times a compute pass: GPU timestamps at the pass's start and end where the
 * device has `timestamp-query`, else the wall clock from submit to the queue's completion (the
 * queue is drained first, so nothing else is in the measurement but the submit's overhead).
 */

/** Awaits a promise of GPU completion (the backend's wait: sleeping on software adapters). */
export type GpuWait = <T>(gpuWait: () => Promise<T>) => Promise<T>;

/** Times passes on one device. */
export interface PassTimer {
  /** Milliseconds the GPU spent on the pass that `encode` fills. */
  time(encode: (pass: GPUComputePassEncoder) => void): Promise<number>;
  /** 'timestamps' or 'wall clock', for reports. */
  readonly method: string;
  destroy(): void;
}

/** Timestamps at the pass's start and end, resolved and read back. */
class TimestampTimer implements PassTimer {
  readonly method = 'timestamps';
  private readonly querySet: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private readonly readback: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly wait: GpuWait,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolved = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readback = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  async time(encode: (pass: GPUComputePassEncoder) => void): Promise<number> {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass({ timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
    encode(pass);
    pass.end();
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolved, 0);
    encoder.copyBufferToBuffer(this.resolved, 0, this.readback, 0, 16);
    this.device.queue.submit([encoder.finish()]);
    await this.wait(() => this.readback.mapAsync(GPUMapMode.READ));
    const [begin, end] = new BigInt64Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    // Some implementations quantise timestamps (browsers, to 100 µs): callers time long passes.
    return Math.max(0, Number(end! - begin!)) / 1e6;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolved.destroy();
    this.readback.destroy();
  }
}

/** Submit and wait, on the host's clock. */
class WallClockTimer implements PassTimer {
  readonly method = 'wall clock';

  constructor(
    private readonly device: GPUDevice,
    private readonly wait: GpuWait,
  ) {}

  async time(encode: (pass: GPUComputePassEncoder) => void): Promise<number> {
    await this.wait(() => this.device.queue.onSubmittedWorkDone());
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    encode(pass);
    pass.end();
    const t0 = performance.now();
    this.device.queue.submit([encoder.finish()]);
    await this.wait(() => this.device.queue.onSubmittedWorkDone());
    return performance.now() - t0;
  }

  destroy(): void {}
}

/** The best timer the device allows. */
export function passTimer(device: GPUDevice, wait: GpuWait): PassTimer {
  return device.features.has('timestamp-query') ? new TimestampTimer(device, wait) : new WallClockTimer(device, wait);
}
