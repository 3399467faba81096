/**
 * The article's third spread metric, "minimize the force", reconstructed from its notebook
 * (vector_spread_example.ipynb, class VectorSpread_Force) and kept in its style on purpose: Python
 * double loops over per-row slices, one small op per line, which TensorFlow differentiates
 * through hundreds of tensor operations. The graph has O(N²) ops; it is the workload that tests
 * the tape and the per-dispatch cost, not a fast way to compute forces.
 *
 * For each row b = V[i] and every other row a = V[j] (j ≠ i):
 *   diff = b − a;  dist = sqrt(Σ diff²)
 *   force = diff / dist³                          (Coulomb repulsion: magnitude 1 / dist²)
 *   radial = (tensordot(b, force, 1) / tensordot(b, b, 1)) · b
 *   tangent = force − radial                      (only the part along the sphere moves b)
 * per row: s_i = reduce_sum(stack(tangents))     (NO axis, as written in the article: all
 *                                                 components of all forces summed into one number)
 *          |s_i| = sqrt(s_i²)
 * metric to MAXIMIZE = −reduce_sum(stack(|s_i|)) (more force = less spread).
 *
 * The axis-less reduce_sum makes each row's "force magnitude" the absolute value of the sum of
 * its force components rather than the norm of the net force; we keep it because it is what the
 * article computes (and it still spreads the vectors).
 */
import type { Tensor } from '../../tensor.js';
import { checkVectors } from './angle_losses.js';

/** The part of the Coulomb force of `vecA` on `vecB` tangent to the sphere at `vecB`. */
export function tangentForce(vecA: Tensor, vecB: Tensor): Tensor {
  const diff = vecB.sub(vecA);
  const norm = diff.square().sum().sqrt();
  const forceVec = diff.div(norm.pow(3));
  // Project the force onto vecB: how much of it is radial.
  const bDotF = vecB.tensordot(forceVec, 1);
  const bDotB = vecB.tensordot(vecB, 1);
  const radialComponent = bDotF.div(bDotB).mul(vecB);
  return forceVec.sub(radialComponent);
}

/** 'force': minus the total (article-style) tangent force magnitude over all rows. */
export function forceSpread(V: Tensor): Tensor {
  checkVectors('forceSpread', V);
  const e = V.engine;
  const n = V.shape[0]!;
  const allForces: Tensor[] = [];
  for (let thisIdx = 0; thisIdx < n; thisIdx++) {
    // The forces of every other vector onto this one.
    const thisForces: Tensor[] = [];
    for (let otherIdx = 0; otherIdx < n; otherIdx++) {
      if (thisIdx === otherIdx) continue;
      const thisVec = V.index(thisIdx);
      const otherVec = V.index(otherIdx);
      thisForces.push(tangentForce(otherVec, thisVec));
    }
    const sumTangentForces = e.stack(thisForces).sum();
    allForces.push(sumTangentForces.square().sqrt());
  }
  return e.stack(allForces).sum().neg();
}
