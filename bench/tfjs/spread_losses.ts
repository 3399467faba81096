/**
 * TensorFlow.js twins of the vector-spread metrics of src/workloads/vector_spread (force_loss.ts,
 * angle_losses.ts), op for op as the article writes them: the force metric in per-row slices and
 * double loops, the min-angle-with-variance metric on acos(V·Vᵀ).
 */
import { minAngleWeight, varianceWeight } from '../../src/workloads/vector_spread/index.js';
import type { Tf, TfTensor } from './load.js';

/** tangentForce of force_loss.ts: the part of the Coulomb force of a on b tangent to the sphere at b. */
function tangentForce(tf: Tf, vecA: TfTensor, vecB: TfTensor): TfTensor {
  const diff = tf.sub(vecB, vecA);
  const norm = tf.sqrt(tf.sum(tf.square(diff)));
  const forceVec = tf.div(diff, tf.pow(norm, 3));
  // tensordot(b, f, 1) of two vectors is their dot product.
  const bDotF = tf.dot(vecB, forceVec);
  const bDotB = tf.dot(vecB, vecB);
  const radialComponent = tf.mul(tf.div(bDotF, bDotB), vecB);
  return tf.sub(forceVec, radialComponent);
}

/** forceSpread: minus the article-style total tangent force magnitude over all rows of V [N, D]. */
export function tfForceSpread(tf: Tf, V: TfTensor): TfTensor {
  const [n, d] = V.shape as [number, number];
  // V[i] in the article (a strided slice); reshape to a vector is free.
  const row = (i: number): TfTensor => tf.reshape(tf.slice(V, [i, 0], [1, d]), [d]);
  const allForces: TfTensor[] = [];
  for (let thisIdx = 0; thisIdx < n; thisIdx++) {
    const thisForces: TfTensor[] = [];
    for (let otherIdx = 0; otherIdx < n; otherIdx++) {
      if (thisIdx === otherIdx) continue;
      thisForces.push(tangentForce(tf, row(otherIdx), row(thisIdx)));
    }
    const sumTangentForces = tf.sum(tf.stack(thisForces));
    allForces.push(tf.sqrt(tf.square(sumTangentForces)));
  }
  return tf.neg(tf.sum(tf.stack(allForces)));
}

/** minAngleVarianceSpread: 0.7 · min angle − 0.3 · Σ (row minimum − mean row minimum)². */
export function tfMinAngleVarianceSpread(tf: Tf, V: TfTensor): TfTensor {
  const n = V.shape[0]!;
  const angles = tf.add(tf.acos(tf.matMul(V as never, V as never, false, true)), tf.mul(tf.eye(n), 2 * Math.PI));
  const allMins = tf.min(angles, 1);
  const minMin = tf.min(allMins);
  const avgMin = tf.mean(allMins);
  const varMin = tf.sum(tf.square(tf.sub(allMins, avgMin)));
  return tf.sub(tf.mul(minMin, minAngleWeight), tf.mul(varMin, varianceWeight));
}
