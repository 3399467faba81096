/**
 * The op registry's table of derivatives: every op the tape records, by name (its kernel id where
 * it has one), with its backward rule or its mark (not differentiable: argmax, creation, random;
 * zero gradient: floor, sign, comparisons, ...). The rules live beside their ops' forward passes;
 * this table gathers them, and TypeScript refuses it when an op the families declare is missing.
 */
import { installGradients, notDifferentiable, zeroGradient, type GradientTable } from '../autodiff/rules.js';
import type { NoContext } from './record.js';
import { unaryGradients, type UnaryContexts } from './unary.js';
import { binaryGradients, type BinaryContexts } from './binary.js';
import { reduceGradients, type ReduceContexts } from './reduce.js';
import { prodGradients, type ProdContexts } from './reduce_prod.js';
import { matmulGradients, type MatmulContexts } from './matmul.js';
import { layoutGradients, type LayoutContexts } from './layout.js';
import { stridedGradients, type StridedContexts } from './strided.js';
import { joinGradients, type JoinContexts } from './join.js';
import { gatherGradients, type GatherContexts } from './gather.js';
import { creationGradients, type CreationContexts } from './creation.js';
import { softmaxGradients, type SoftmaxContexts } from './softmax.js';
import { poolGradients, type PoolContexts } from './pool.js';
import { convGradients, type ConvContexts } from './conv_primitives.js';
import { depthwiseGradients, type DepthwiseContexts } from './conv_depthwise_primitives.js';
import { normalizationGradients, type NormalizationContexts } from './normalization.js';
import { dropoutGradients, type DropoutContexts } from './dropout.js';

/**
 * Ops of no family: `stop_gradient` makes its tensor a constant to the tape (record.ts); the NaN
 * tracer's kernel (src/debug/nan_tracer.ts) only watches values and makes no tensor.
 */
interface CoreContexts {
  stop_gradient: NoContext;
  debug_nonfinite: NoContext;
}

/** Every op the tape records, and what its backward rule is given. */
export interface OpContexts
  extends CoreContexts,
    UnaryContexts,
    BinaryContexts,
    ReduceContexts,
    ProdContexts,
    MatmulContexts,
    LayoutContexts,
    StridedContexts,
    JoinContexts,
    GatherContexts,
    CreationContexts,
    SoftmaxContexts,
    PoolContexts,
    ConvContexts,
    DepthwiseContexts,
    NormalizationContexts,
    DropoutContexts {}

/** The name of an op the tape records. */
export type OpName = keyof OpContexts;

/** Every op's rule or mark. */
export const gradients: GradientTable<OpContexts> = {
  stop_gradient: zeroGradient,
  debug_nonfinite: notDifferentiable,
  ...unaryGradients,
  ...binaryGradients,
  ...reduceGradients,
  ...prodGradients,
  ...matmulGradients,
  ...layoutGradients,
  ...stridedGradients,
  ...joinGradients,
  ...gatherGradients,
  ...creationGradients,
  ...softmaxGradients,
  ...poolGradients,
  ...convGradients,
  ...depthwiseGradients,
  ...normalizationGradients,
  ...dropoutGradients,
};

installGradients(gradients);
