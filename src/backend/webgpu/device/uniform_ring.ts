/**
 * One uniform buffer holds the parameters of every dispatch of a submission, each in its own
 * 256-byte slot bound with a dynamic offset. The CPU copy is written with a single writeBuffer
 * right before the submit; queue ordering makes reusing the same GPU buffer next submission safe.
 */
export class UniformRing {
  static readonly slotBytes = 256;
  readonly buffer: GPUBuffer;
  readonly capacity: number;
  private readonly staging: ArrayBuffer;
  private readonly bytes: Uint8Array;
  private used = 0;

  constructor(device: GPUDevice, slots = 4096) {
    this.capacity = slots;
    this.staging = new ArrayBuffer(slots * UniformRing.slotBytes);
    this.bytes = new Uint8Array(this.staging);
    this.buffer = device.createBuffer({
      label: 'uniform ring',
      size: this.staging.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  get full(): boolean {
    return this.used === this.capacity;
  }

  get isEmpty(): boolean {
    return this.used === 0;
  }

  /** Copies one dispatch's packed uniforms into the next slot; returns its byte offset. */
  push(data: Uint8Array): number {
    if (this.used === this.capacity) throw new Error('uniform ring: full (submit first)');
    const offset = this.used * UniformRing.slotBytes;
    this.bytes.set(data, offset);
    this.used++;
    return offset;
  }

  /** Writes the used slots to the GPU buffer and starts a new submission. */
  upload(queue: GPUQueue): void {
    if (this.used > 0) queue.writeBuffer(this.buffer, 0, this.staging, 0, this.used * UniformRing.slotBytes);
    this.used = 0;
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
