/**
 * The elementwise nodes of fused trees (DESIGN.md, "Fusion"): which recorded kernels are
 * elementwise, how each computes its element, and the index arithmetic the generated kernels use
 * (codegen.ts writes them; fusion_plan.ts decides what merges). Nodes call the same `op_<id>`
 * functions as the handwritten kernels (shaders/common/unary_ops.wgsl, binary_ops.wgsl), so the
 * formulas have one source of truth.
 *
 * Index arithmetic is generic: every node evaluates its element j by unravelling j over its own
 * (collapsed) output shape and reading each operand at offset + Σ coord·stride, so broadcasting,
 * transposes, slices (copy_strided) and their gradients (pad_strided) fuse as well. Shapes, strides
 * and scalars are baked into the source (a capture's shapes never change; floats bit-exactly);
 * slice offsets and pad begins are per-job integers.
 */
import { unaryKernelIds } from '../../../kernel_ids/unary.js';
import { binaryOpKernelIds } from '../../../kernel_ids/binary.js';
import type { GpuBuffer } from '../device/buffer_pool.js';

/** One operand read: `offset + Σ coord[d]·strides[d]` over the node's output shape. */
interface Operand {
  strides: number[];
  offset: number;
  /**
   * True for a slice's offset (copy_strided): it is a per-job integer instead of part of the
   * source, so that the same slice of other rows (V[i] for every i) shares one kernel.
   */
  uniformOffset?: boolean;
  /**
   * A padded read (pad_strided, the gradient of slicing): element o takes x[i] where
   * o_d = begin_d + i_d·step_d in every dimension d, and padValue elsewhere. The begins are per-job
   * integers (the gradient of V[i] for every i shares one kernel).
   */
  pad?: { inShape: number[]; begin: number[]; step: number[]; padValue: number };
}

/** A node of a fused tree: its op, output shape (collapsed) and operand index maps. */
export interface FusionNode {
  /**
   * WGSL expression builder, given the operand expressions; it may also read `j`, the flat index
   * of the element it computes (nodes without operands do).
   */
  apply: (args: string[]) => string;
  shape: number[];
  operands: Operand[];
}

const unaryIds = new Set<string>(unaryKernelIds);
const binaryIds = new Set<string>(binaryOpKernelIds);

/** The elementwise node a recorded dispatch computes, or null if the kernel is not elementwise. */
export function elementwiseNode(kernel: string, p: Record<string, unknown>): FusionNode | null {
  if (unaryIds.has(kernel)) {
    const n = p.n as number;
    const alpha = f32Literal(p.alpha as number);
    const beta = f32Literal(p.beta as number);
    return { apply: ([x]) => `op_${kernel}(${x}, ${alpha}, ${beta})`, shape: [n], operands: [{ strides: [1], offset: 0 }] };
  }
  if (binaryIds.has(kernel)) {
    const shape = p.outShape as number[];
    return {
      apply: ([a, b]) => `op_${kernel}(${a}, ${b})`,
      shape,
      operands: [
        { strides: p.aStrides as number[], offset: 0 },
        { strides: p.bStrides as number[], offset: 0 },
      ],
    };
  }
  if (kernel === 'where') {
    const shape = p.outShape as number[];
    return {
      apply: ([c, a, b]) => `op_where(${c}, ${a}, ${b})`,
      shape,
      operands: [
        { strides: p.condStrides as number[], offset: 0 },
        { strides: p.aStrides as number[], offset: 0 },
        { strides: p.bStrides as number[], offset: 0 },
      ],
    };
  }
  if (kernel === 'pad_strided') {
    const shape = p.outShape as number[];
    const pad = { inShape: p.inShape as number[], begin: p.begin as number[], step: p.step as number[], padValue: p.padValue as number };
    return { apply: ([x]) => x!, shape, operands: [{ strides: [], offset: 0, pad }] };
  }
  if (kernel === 'copy_strided') {
    const shape = p.outShape as number[];
    return { apply: ([x]) => x!, shape, operands: [{ strides: p.inStrides as number[], offset: p.inOffset as number, uniformOffset: true }] };
  }
  // Constants made every step (a mask from eye, a fill) are computed where they are read, from
  // the element index `j` (emitTree's node functions): the eager min-angle step's eye was a
  // dispatch of its own. Alone (nothing inlines them) they keep their handwritten kernels.
  if (kernel === 'fill') {
    const value = f32Literal(p.value as number);
    return { apply: () => value, shape: [p.n as number], operands: [] };
  }
  if (kernel === 'eye') {
    // shaders/creation/eye.wgsl's element.
    const rows = p.rows as number;
    const cols = p.cols as number;
    return { apply: () => `select(0.0, 1.0, ((j / ${cols}u) % ${rows}u) == (j % ${cols}u))`, shape: [p.n as number], operands: [] };
  }
  return null;
}

/** A fused tree ready for code generation: the root, and per node its children (or leaf bindings). */
export interface FusedTree {
  root: number;
  /** Candidate index → its node, for the root and every inlined producer. */
  nodes: Map<number, FusionNode>;
  /** Candidate index → per operand: an inlined candidate index, or a leaf buffer. */
  operands: Map<number, ({ child: number } | { leaf: GpuBuffer })[]>;
}

/**
 * True when every read of `buffer` in the tree under `root` reads, for output element o, element o
 * itself (identity index maps all the way down): the kernel may then read it from its own output
 * binding before writing there (an in-place update such as v.assign(v.sub(g))).
 */
export function readsInPlaceOnly(tree: FusedTree, root: number, buffer: GpuBuffer): boolean {
  const walk = (id: number, atOutputIndex: boolean): boolean => {
    const node = tree.nodes.get(id)!;
    return tree.operands.get(id)!.every((source, k) => {
      const identity = atOutputIndex && isIdentity(node.operands[k]!, node.shape);
      if ('child' in source) return walk(source.child, identity);
      return source.leaf !== buffer || identity;
    });
  };
  const rootSize = tree.nodes.get(root)!.shape.reduce((a, b) => a * b, 1);
  return rootSize === buffer.numel && walk(root, true);
}

/** True when the operand reads element j for output element j (contiguous, no offset). */
export function isIdentity(op: Operand, shape: readonly number[]): boolean {
  if (op.offset !== 0 || op.pad) return false;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && op.strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/**
 * Straight-line WGSL for a padded read (the logic of shaders/layout/pad_strided.wgsl): appends to
 * `lines` the checks of each dimension, returns the source index and the in-bounds condition.
 */
export function padIndex(
  pad: NonNullable<Operand['pad']>,
  rank: number,
  lines: string[],
  k: number,
  begin: (value: number) => string,
): { index: string; inside: string } {
  const inside = `inside${k}`;
  const src = `src${k}`;
  lines.push(`  var ${inside} = true;`, `  var ${src} = 0;`);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    const step = pad.step[d]!;
    lines.push(
      `  {`,
      `    let delta = i32(c${d}) - ${begin(pad.begin[d]!)};`,
      `    let id = delta / ${step};`,
      `    if (delta % ${step} != 0 || id < 0 || id >= ${pad.inShape[d]}) { ${inside} = false; }`,
      `    ${src} += max(id, 0) * ${stride};`,
      `  }`,
    );
    stride *= pad.inShape[d]!;
  }
  return { index: `u32(${src})`, inside };
}

export function indexExpression(op: Operand, rank: number, offset?: string): string {
  const terms: string[] = [];
  for (let d = 0; d < rank; d++) {
    const s = op.strides[d] ?? 0;
    if (s !== 0) terms.push(`i32(c${d}) * ${s}`);
  }
  if (offset) terms.unshift(offset);
  else if (op.offset !== 0 || terms.length === 0) terms.unshift(String(op.offset));
  return `u32(${terms.join(' + ')})`;
}

const scratch = new DataView(new ArrayBuffer(4));

/**
 * A float32 literal that denotes exactly the value the eager kernel would receive as a uniform.
 * WGSL's constant expressions reject NaN and the infinities ("cannot be represented as 'f32'"), so
 * those take their bits from a runtime zero (`runtimeZero`, which every generated module declares):
 * `x.clip(-Infinity, 1)` in a captured step failed to compile.
 */
export function f32Literal(v: number): string {
  scratch.setFloat32(0, v, true);
  const bits = `${scratch.getUint32(0, true)}u`;
  return Number.isFinite(v) ? `bitcast<f32>(${bits})` : `bitcast<f32>(${bits} | ${runtimeZero})`;
}

/** A module-scope private variable, so 0 but not a constant expression (see f32Literal). */
export const runtimeZero = 'runtime_zero';
