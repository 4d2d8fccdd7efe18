import type * as TfCore from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { forward, type Weights } from './network';
import type { RosasOptions } from './types';

/** PyTorch's TripletMarginLoss adds eps to the difference before the norm. */
export const TRIPLET_EPS = 1e-6;

export interface StepTensors {
  /** [6b, D] pool rows then their interpolations. */
  z: TfCore.Tensor2D;
  /** [3b, 3b] mixing matrix. */
  mix: TfCore.Tensor2D;
  /** [3b, 1] interpolated targets. */
  target: TfCore.Tensor2D;
}

export interface StepLosses {
  total: TfCore.Scalar;
  /** L′: triplet loss on the embeddings. */
  triplet: TfCore.Scalar;
  /** L: target loss + consistency loss on the scores. */
  score: TfCore.Scalar;
  weightTriplet: TfCore.Scalar;
  weightScore: TfCore.Scalar;
}

/** Smooth-L1 with β = 1 (Huber with δ = 1), mean over elements: min() keeps it differentiable. */
function smoothL1(tf: Tf, diff: TfCore.Tensor): TfCore.Scalar {
  const a = tf.abs(diff);
  const q = tf.minimum(a, 1);
  return tf.mean(tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q)));
}

/**
 * The reference code's loss for one step, from ONE forward pass over the pool and its
 * interpolations (the reference runs six; the pool's own scores give the partners' scores through
 * the mixing matrix):
 *   L′ = mean(max(0, ‖eA − eP + ε‖ − ‖eA − eN + ε‖ + margin))
 *   L  = mean(SL1(s(x̃) − ỹ)) + mean(SL1(s(x̃) − Σλ s(x)))
 *   total = w′L′ + wL + 0.01·‖eA + eP + eN‖_F, with (w′, w) = softmax(L′/(T·L̄′), L/(T·L̄))
 * Nothing is detached, the dynamic weights included, as in the reference.
 * Training takes the gradient of this loss from gradients.ts, written out by hand for speed; this
 * differentiable statement of it is what a test holds those gradients to.
 */
export function stepLoss(tf: Tf, w: Weights, t: StepTensors, opts: RosasOptions, previous: { triplet: number; score: number }): StepLosses {
  const n = t.mix.shape[0];
  const b = n / 3;
  const { embedding, score } = forward(tf, w, t.z);
  const poolScore = tf.slice(score, [0, 0], [n, 1]);
  const mixedScore = tf.slice(score, [n, 0], [n, 1]);
  const consistency = tf.matMul(t.mix, poolScore);
  const scoreLoss = tf.mul(2, smoothL1(tf, tf.concat([tf.sub(mixedScore, t.target), tf.sub(mixedScore, consistency)], 0)));

  const eA = tf.slice(embedding, [0, 0], [b, -1]);
  const others = tf.slice(embedding, [b, 0], [2 * b, -1]);
  const dist = tf.sqrt(tf.sum(tf.square(tf.add(tf.sub(tf.concat([eA, eA], 0), others), TRIPLET_EPS)), 1));
  const dAP = tf.slice(dist, [0], [b]);
  const dAN = tf.slice(dist, [b], [b]);
  const triplet = tf.mean(tf.relu(tf.add(tf.sub(dAP, dAN), opts.margin)));
  const summed = tf.sum(tf.reshape(tf.slice(embedding, [0, 0], [n, -1]), [3, b, -1]), 0);
  // sqrt(0) has no gradient (PyTorch's norm takes 0 there); the 1e-12 keeps it finite when the
  // embeddings collapse, and moves the value by at most 1e-6.
  const embeddingNorm = tf.sqrt(tf.add(tf.sum(tf.square(summed)), 1e-12));

  // A previous mean of 0 (every triplet met the margin all epoch) gives that loss weight 0 for the
  // next epoch, as the reference does; if both are 0 (the reference divides by zero there) the
  // two losses share the weight equally.
  const bothZero = previous.triplet === 0 && previous.score === 0;
  const aT = bothZero ? tf.scalar(1) : previous.triplet === 0 ? tf.scalar(0) : tf.exp(tf.div(triplet, opts.temperature * previous.triplet));
  const aS = bothZero ? tf.scalar(1) : previous.score === 0 ? tf.scalar(0) : tf.exp(tf.div(scoreLoss, opts.temperature * previous.score));
  const sum = tf.add(aT, aS);
  const weightTriplet = tf.div(aT, sum);
  const weightScore = tf.div(aS, sum);
  const total = tf.add(tf.add(tf.mul(weightTriplet, triplet), tf.mul(weightScore, scoreLoss)), tf.mul(opts.embeddingNormWeight, embeddingNorm));
  return {
    total: total as TfCore.Scalar,
    triplet: triplet as TfCore.Scalar,
    score: scoreLoss as TfCore.Scalar,
    weightTriplet: weightTriplet as TfCore.Scalar,
    weightScore: weightScore as TfCore.Scalar,
  };
}
