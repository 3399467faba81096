/**
 * How large a tensor may be, checked before anything is allocated, so that an impossible size is
 * an Error naming the op, the shape, the bytes and the limit rather than a driver's message at the
 * next flush.
 *
 * Two limits on WebGPU: one buffer holds at most `maxBufferSize` bytes (every tensor is one
 * buffer), and one kernel binding sees at most `maxStorageBufferBindingSize` bytes of it. A tensor
 * between the two exists, uploads, reads back, and goes through the ops that can work in chunks of
 * views (src/ops/chunks.ts: elementwise ops, fills, casts, copies, sum/max/min/mean); any other
 * kernel given it, or asked to make it, is refused by `Engine.runKernel`. The CPU backend has one
 * limit, a typed array's length, and whatever the machine can allocate.
 */
import type { Backend } from '../backend/backend.js';
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmt, sizeOf, type Shape } from '../shape.js';

/** An engine's size limits, in elements of 4 bytes. */
export interface TensorLimits {
  /** The largest tensor one buffer holds. */
  readonly maxElements: number;
  /** The largest buffer (or view) one kernel binding may see: maxElements where there is no such limit. */
  readonly maxBinding: number;
  /** What view offsets must be multiples of (elements). */
  readonly alignment: number;
  /** The device's own numbers, for messages (bytes); undefined on the CPU. */
  readonly maxBufferSize?: number;
  readonly maxStorageBufferBindingSize?: number;
}

/** The longest typed array this JavaScript engine makes (V8: 2^32 elements). */
export const cpuMaxElements = 2 ** 32;

/** Reads a backend's limits once (WebGPU: the device's; the CPU: a typed array's). */
export function tensorLimits(backend: Backend): TensorLimits {
  const device = (backend as { device?: GPUDevice }).device;
  if (!device) return { maxElements: cpuMaxElements, maxBinding: cpuMaxElements, alignment: backend.viewAlignment };
  const { maxBufferSize, maxStorageBufferBindingSize } = device.limits;
  return {
    maxElements: Math.floor(maxBufferSize / 4),
    maxBinding: Math.floor(maxStorageBufferBindingSize / 4),
    alignment: backend.viewAlignment,
    maxBufferSize,
    maxStorageBufferBindingSize,
  };
}

/** `op`, and the kernel in parentheses when its id says something else. */
function who(op: string, kernel?: string): string {
  return kernel === undefined || kernel === op ? op : `${op} (kernel ${kernel})`;
}

/** The error for a tensor that no buffer can hold. */
export function tooLargeError(limits: TensorLimits, op: string, shape: Shape, kernel?: string): Error {
  const bytes = sizeOf(shape) * 4;
  const limit =
    limits.maxBufferSize === undefined
      ? `the CPU backend's limit of ${limits.maxElements} elements (the longest typed array)`
      : `the device's maxBufferSize (${limits.maxBufferSize} bytes)`;
  return new Error(`${who(op, kernel)}: a tensor of shape ${fmt(shape)} needs ${bytes} bytes, more than ${limit}`);
}

/** The error for an allocation the machine refused (the CPU backend's typed arrays). */
export function allocationFailedError(op: string, shape: Shape, cause: unknown): Error {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new Error(`${op}: a tensor of shape ${fmt(shape)} needs ${sizeOf(shape) * 4} bytes, which this machine could not allocate (${why})`);
}

/**
 * The error for a kernel that would bind more than `maxStorageBufferBindingSize`: `shape` is the
 * tensor too large (an input or the output).
 */
export function bindingTooLargeError(limits: TensorLimits, op: string, kernel: string, shape: Shape, what: 'input' | 'output'): Error {
  return new Error(
    `${who(op, kernel)}: the ${what} of shape ${fmt(shape)} holds ${sizeOf(shape) * 4} bytes, more than one kernel binding may see ` +
      `on this device (maxStorageBufferBindingSize, ${limits.maxStorageBufferBindingSize} bytes). Such tensors work with the ops that run ` +
      'in chunks (elementwise ops on operands of one shape or a single value, fill/zeros/ones, cast, clone, assign, sum/max/min/mean), ' +
      `not with ${op}`,
  );
}

/**
 * The error for a kernel refused by `Engine.runKernel`: an output no buffer can hold, or an input
 * or output larger than one binding may see.
 */
export function kernelSizeError(limits: TensorLimits, op: string, kernel: string, inputs: readonly Tensor[], outputs: readonly Shape[]): Error {
  for (const shape of outputs) if (sizeOf(shape) > limits.maxElements) return tooLargeError(limits, op, shape, kernel);
  for (const shape of outputs) if (sizeOf(shape) > limits.maxBinding) return bindingTooLargeError(limits, op, kernel, shape, 'output');
  const input = inputs.find((t) => t.storage.buffer.numel > limits.maxBinding);
  return bindingTooLargeError(limits, op, kernel, input?.shape ?? [], 'input');
}

/**
 * For ops that run a kernel outside `Engine.runKernel` (into storage they made): the checks it
 * makes, before anything is allocated.
 */
export function checkKernelSizes(e: Engine, kernel: string, inputs: readonly Tensor[], outputs: readonly Shape[]): void {
  const max = e.limits.maxBinding;
  if (outputs.some((s) => sizeOf(s) > max) || inputs.some((t) => t.storage.buffer.numel > max)) {
    throw kernelSizeError(e.limits, e.opName, kernel, inputs, outputs);
  }
}

/** Refuses `shape` (of a tensor about to be made by `op`) when no buffer can hold it. */
export function checkElements(limits: TensorLimits, op: string, shape: Shape, kernel?: string): void {
  if (sizeOf(shape) > limits.maxElements) throw tooLargeError(limits, op, shape, kernel);
}

/**
 * Checks `e.tensor`'s values before they are flattened and converted (which, for a typed array of
 * a billion values, takes seconds and gigabytes): the given shape's size, or the length of a
 * flat array of values. What slips through (nested arrays) is checked when the storage is made.
 */
export function checkValuesSize(limits: TensorLimits, op: string, values: unknown, shape: unknown): void {
  if (Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    checkElements(limits, op, shape as number[]);
  }
  const length = (values as { length?: unknown } | null)?.length;
  if (typeof length === 'number' && (ArrayBuffer.isView(values) || Array.isArray(values))) checkElements(limits, op, [length]);
}
