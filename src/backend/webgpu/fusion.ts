/**
 * Elementwise fusion for captured steps (DESIGN.md, "Fusion"). A traced step is a list of
 * dispatches; where an elementwise kernel's result feeds exactly one other elementwise kernel and
 * nothing else ever sees it, the producer is inlined into the consumer. Each resulting tree becomes
 * one generated kernel that calls the same `op_<id>` functions as the handwritten kernels
 * (shaders/common/unary_ops.wgsl, binary_ops.wgsl), so the formulas have one source of truth.
 *
 * Index arithmetic is generic: every node evaluates its element j by unravelling j over its own
 * (collapsed) output shape and reading each operand at offset + Σ coord·stride, so broadcasting,
 * transposes and slices (copy_strided) fuse as well. Shapes, strides and scalars are baked into the
 * generated source as constants (a capture's shapes never change); floats are written bit-exactly.
 */
import { unaryKernelIds } from '../../kernels/unary.js';
import { binaryOpKernelIds } from '../../kernels/binary.js';
import type { GpuBuffer } from './buffer_pool.js';

/** One operand read: `offset + Σ coord[d]·strides[d]` over the node's output shape. */
interface Operand {
  strides: number[];
  offset: number;
  /**
   * True for a slice's offset (copy_strided): it travels as a uniform instead of being written into
   * the source, so that the same slice of other rows (V[i] for every i) shares one pipeline.
   */
  uniformOffset?: boolean;
  /**
   * A padded read (pad_strided, the gradient of slicing): element o takes x[i] where
   * o_d = begin_d + i_d·step_d in every dimension d, and padValue elsewhere. The begins travel as
   * uniforms (the gradient of V[i] for every i shares one pipeline).
   */
  pad?: { inShape: number[]; begin: number[]; step: number[]; padValue: number };
}

/** Offsets a generated kernel reads from its uniform struct (16 vec4s: one 256-byte slot). */
export const maxUniformOffsets = 64;

/** A node of a fused tree: its op, output shape (collapsed) and operand index maps. */
export interface FusionNode {
  /** WGSL expression builder, given the operand expressions. */
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
      apply: ([c, a, b]) => `select(${b}, ${a}, ${c} != 0.0)`,
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

/**
 * The node functions of a tree: `fn node_<id>(j: u32) -> f32`, reading leaves `in<k>[...]`. With
 * `offsets`, slice offsets are read as `uoff(k)` and their values appended there; without, baked.
 */
function emitTree(tree: FusedTree, root: number, inPlace?: GpuBuffer, offsets?: number[]): { fns: string[]; rootName: string; leaves: GpuBuffer[] } {
  const leaves: GpuBuffer[] = [];
  const leafIndex = (b: GpuBuffer): number => {
    let i = leaves.indexOf(b);
    if (i < 0) i = leaves.push(b) - 1;
    return i;
  };
  const fns: string[] = [];
  // Names follow the emission order, not command positions, so that equal trees give equal source
  // (one pipeline for all of them).
  let emitted = 0;
  const emit = (id: number): string => {
    const node = tree.nodes.get(id)!;
    const name = `node_${emitted++}`;
    const lines: string[] = [];
    const rank = node.shape.length;
    // Coordinates of j over the node's shape, innermost last (only when an operand needs them).
    const needsCoords = node.operands.some((op) => (offsets && op.uniformOffset) || op.pad || !isIdentity(op, node.shape));
    if (needsCoords) {
      lines.push('  var rem = j;');
      for (let d = rank - 1; d >= 0; d--) {
        lines.push(`  let c${d} = rem % ${u32(node.shape[d]!)};`);
        if (d > 0) lines.push(`  rem = rem / ${u32(node.shape[d]!)};`);
      }
    }
    const args = node.operands.map((op, k) => {
      const source = tree.operands.get(id)![k]!;
      const read = (index: string): string => {
        if ('child' in source) return `${emit(source.child)}(${index})`;
        // The output buffer itself, read where it is written (see readsInPlaceOnly).
        if (source.leaf === inPlace) return `out[${index}]`;
        return `in${leafIndex(source.leaf)}[${index}]`;
      };
      if (op.pad) {
        const { index, inside } = padIndex(op.pad, rank, lines, k, (v) => (offsets ? `uoff(${offsets.push(v) - 1}u)` : String(v)));
        return `select(${f32Literal(op.pad.padValue)}, ${read(index)}, ${inside})`;
      }
      const offset = offsets && op.uniformOffset ? `uoff(${offsets.push(op.offset) - 1}u)` : undefined;
      return read(!offset && isIdentity(op, node.shape) ? 'j' : indexExpression(op, rank, offset));
    });
    lines.push(`  return ${node.apply(args)};`);
    fns.push(`fn ${name}(j: u32) -> f32 {\n${lines.join('\n')}\n}`);
    return name;
  };
  const rootName = emit(root);
  return { fns, rootName, leaves };
}

function leafBindings(leaves: readonly GpuBuffer[]): string[] {
  return leaves.map((_, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<f32>;`);
}

/** Generates an elementwise kernel computing the tree's root; `leaves` are its inputs in binding order. */
export function fusedKernelSource(tree: FusedTree, output: GpuBuffer): { code: string; leaves: GpuBuffer[]; size: number; offsets: number[] } {
  let offsets: number[] = [];
  let emitted = emitTree(tree, tree.root, output, offsets);
  // Too many slices for one uniform slot: bake their offsets instead.
  if (offsets.length > maxUniformOffsets) {
    offsets = [];
    emitted = emitTree(tree, tree.root, output);
  }
  const { fns, rootName, leaves } = emitted;
  const size = tree.nodes.get(tree.root)!.shape.reduce((a, b) => a * b, 1);
  const uniforms =
    offsets.length === 0
      ? []
      : [
          'struct Params { off: array<vec4i, 16> }',
          `@group(0) @binding(${leaves.length + 1}) var<uniform> u: Params;`,
          'fn uoff(k: u32) -> i32 { return u.off[k / 4u][k % 4u]; }',
        ];
  const code = [
    '// Generated by src/backend/webgpu/fusion.ts: elementwise ops of a captured step, fused.',
    ...leafBindings(leaves),
    `@group(0) @binding(${leaves.length}) var<storage, read_write> out: array<f32>;`,
    ...uniforms,
    ...fns,
    'override WG: u32 = 256u;',
    '@compute @workgroup_size(WG)',
    'fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {',
    '  let o = linear_index(gid, nwg, WG);',
    `  if (o >= ${u32(size)}) { return; }`,
    `  out[o] = ${rootName}(o);`,
    '}',
  ].join('\n');
  return { code, leaves, size, offsets };
}

/**
 * A reduction whose input is computed by a fused tree (the "elementwise prologue"): the row
 * reduction's own source with its input binding replaced by the tree's leaves and `load_x(i)`
 * evaluating the tree at element i. `reduceSource` is shaders/reduce/reduce_rows.wgsl and
 * `prelude` the reduction's identity and combine functions; the uniform struct is unchanged, so
 * the traced uniforms serve the fused dispatch.
 */
export function fusedReductionSource(
  tree: FusedTree,
  producer: number,
  reduceSource: string,
  prelude: string,
): { code: string; leaves: GpuBuffer[]; offsets: number[] } {
  let offsets: number[] = [];
  let emitted = emitTree(tree, producer, undefined, offsets);
  // The reduction's uniform struct has room for 60 prologue offsets; past that they are baked.
  if (offsets.length > maxReductionOffsets) {
    offsets = [];
    emitted = emitTree(tree, producer);
  }
  const { fns, rootName, leaves } = emitted;
  const body = reduceSource
    .split('\n')
    .filter((line) => !line.startsWith('@group(0)'))
    .join('\n');
  const code = [
    '// Generated by src/backend/webgpu/fusion.ts: a row reduction with its elementwise prologue fused.',
    ...leafBindings(leaves),
    `@group(0) @binding(${leaves.length}) var<storage, read_write> out: array<f32>;`,
    `@group(0) @binding(${leaves.length + 1}) var<uniform> u: Params;`,
    ...fns,
    `fn load_x(i: u32) -> f32 { return ${rootName}(i); }`,
    'fn uoff(k: u32) -> i32 { return u.off[k / 4u][k % 4u]; }',
    prelude,
    body,
  ].join('\n');
  return { code, leaves, offsets };
}

/** Prologue offsets the row reduction's uniform struct holds (its `off` member, after 4 sizes). */
export const maxReductionOffsets = 60;

/** Byte offset of the `off` member in the row reduction's uniform struct. */
export const reductionOffsetsByte = 16;

/** True when the operand reads element j for output element j (contiguous, no offset). */
function isIdentity(op: Operand, shape: readonly number[]): boolean {
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
function padIndex(
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

function indexExpression(op: Operand, rank: number, offset?: string): string {
  const terms: string[] = [];
  for (let d = 0; d < rank; d++) {
    const s = op.strides[d] ?? 0;
    if (s !== 0) terms.push(`i32(c${d}) * ${s}`);
  }
  if (offset) terms.unshift(offset);
  else if (op.offset !== 0 || terms.length === 0) terms.unshift(String(op.offset));
  return `u32(${terms.join(' + ')})`;
}

function u32(v: number): string {
  return `${v}u`;
}

const scratch = new DataView(new ArrayBuffer(4));

/** A float32 literal that denotes exactly the value the eager kernel would receive as a uniform. */
function f32Literal(v: number): string {
  scratch.setFloat32(0, v, true);
  return `bitcast<f32>(${scratch.getUint32(0, true)}u)`;
}

/**
 * A strided scatter (concat and stack write each input's block this way) whose input is computed
 * by a fused tree: input element i lands at out[outOffset + Σ i_d·outStrides[d]]; the offset is the
 * last uniform offset.
 */
export function fusedScatterSource(tree: FusedTree, producer: number, inShape: readonly number[], outStrides: readonly number[], outOffset: number): { code: string; leaves: GpuBuffer[]; offsets: number[]; size: number } {
  let offsets: number[] = [];
  let emitted = emitTree(tree, producer, undefined, offsets);
  if (offsets.length >= maxUniformOffsets) {
    offsets = [];
    emitted = emitTree(tree, producer);
  }
  const { fns, rootName, leaves } = emitted;
  const size = inShape.reduce((a, b) => a * b, 1);
  const destination = `uoff(${offsets.push(outOffset) - 1}u)`;
  const lines = ['  var rem = i;'];
  const terms = [destination];
  for (let d = inShape.length - 1; d >= 0; d--) {
    lines.push(`  let c${d} = rem % ${u32(inShape[d]!)};`);
    if (d > 0) lines.push(`  rem = rem / ${u32(inShape[d]!)};`);
    if (outStrides[d] !== 0) terms.push(`i32(c${d}) * ${outStrides[d]}`);
  }
  const code = [
    '// Generated by src/backend/webgpu/fusion.ts: a strided scatter (concat, stack) of a fused tree.',
    ...leafBindings(leaves),
    `@group(0) @binding(${leaves.length}) var<storage, read_write> out: array<f32>;`,
    'struct Params { off: array<vec4i, 16> }',
    `@group(0) @binding(${leaves.length + 1}) var<uniform> u: Params;`,
    'fn uoff(k: u32) -> i32 { return u.off[k / 4u][k % 4u]; }',
    ...fns,
    'override WG: u32 = 256u;',
    '@compute @workgroup_size(WG)',
    'fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {',
    '  let i = linear_index(gid, nwg, WG);',
    `  if (i >= ${u32(size)}) { return; }`,
    ...lines,
    `  out[u32(${terms.join(' + ')})] = ${rootName}(i);`,
    '}',
  ].join('\n');
  return { code, leaves, offsets, size };
}
