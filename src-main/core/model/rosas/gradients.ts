import type * as TfCore from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { TRIPLET_EPS } from './loss';
import { LEAKY_SLOPE } from './network';
import type { StepBatch } from './sampling';
import type { RosasOptions, Topology } from './types';

export interface StepGradients {
  /** d total / d weight, one array per layer in topology order. */
  grads: Float32Array[];
  triplet: number;
  score: number;
  weightTriplet: number;
  weightScore: number;
}

/**
 * The loss of loss.ts and its gradient, written out by hand: the same values as `tf.grads` over
 * `stepLoss` (a test holds them to float precision), in about 40 backend ops instead of ~300.
 * TensorFlow.js's per-op cost, not arithmetic, bounds a step of this small network, so only the
 * matrix products run on the backend; the loss and its gradient with respect to the scores and
 * embeddings (a few thousand numbers) are computed here in plain memory.
 *
 * Forward: a1 = zW1, h = leaky(a1), e = hW2, a3 = eW3, g = leaky(a3), s = tanh(gW4 + b4).
 * The loss weights (w′, w) = softmax(L′/(T·L̄′), L/(T·L̄)) are not detached, as in the reference:
 * ∂total/∂L′ = w′ + w′w(L′ − L)/(T·L̄′) and ∂total/∂L = w + w′w(L − L′)/(T·L̄).
 */
export function stepGradients(
  tf: Tf,
  topology: Topology,
  params: Float32Array[],
  batch: StepBatch,
  opts: RosasOptions,
  previous: { triplet: number; score: number },
): StepGradients {
  const D = topology.inputDim;
  const [h1, H] = topology.layers[1]!.shape as [number, number];
  const h2 = topology.layers[2]!.shape[1]!;
  const n = 3 * opts.batchSize;
  const rows = 2 * n;
  const [p1, p2, p3, p4, p5] = params as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];

  // Results leave the tidy through this variable, not as its return value: tidy walks whatever
  // it returns element by element, and a few typed arrays of weights cost it milliseconds a step.
  let out: StepGradients | undefined;
  tf.tidy(() => {
    const z = tf.tensor2d(batch.z, [rows, D]);
    const a1 = tf.matMul(z, tf.tensor2d(p1, [D, h1]));
    const h = tf.leakyRelu(a1, LEAKY_SLOPE) as TfCore.Tensor2D;
    const e = tf.matMul(h, tf.tensor2d(p2, [h1, H]));
    const a3 = tf.matMul(e, tf.tensor2d(p3, [H, h2]));
    const g = tf.leakyRelu(a3, LEAKY_SLOPE) as TfCore.Tensor2D;
    const emb = e.dataSync() as Float32Array;
    const a4 = tf.matMul(g, tf.tensor2d(p4, [h2, 1])).dataSync();

    const loss = lossAndGradient(emb, Float32Array.from(a4, (v) => Math.tanh(v + p5[0]!)), batch, opts, previous, H);

    // Back through the network: d/da4 = d/ds · (1 − s²), then layer by layer.
    const gA4 = tf.tensor2d(loss.gradA4, [rows, 1]);
    const gW4 = tf.matMul(tf.transpose(g), gA4);
    const gA3 = tf.mul(tf.matMul(gA4, tf.tensor2d(p4, [1, h2])), tf.step(a3, LEAKY_SLOPE)) as TfCore.Tensor2D;
    const gW3 = tf.matMul(tf.transpose(e), gA3);
    const gE = tf.add(tf.tensor2d(loss.gradE, [rows, H]), tf.matMul(gA3, tf.tensor2d(transpose(p3, H, h2), [h2, H]))) as TfCore.Tensor2D;
    const gW2 = tf.matMul(tf.transpose(h), gE);
    const gA1 = tf.mul(tf.matMul(gE, tf.tensor2d(transpose(p2, h1, H), [H, h1])), tf.step(a1, LEAKY_SLOPE)) as TfCore.Tensor2D;
    const gW1 = tf.matMul(tf.tensor2d(transpose(batch.z, rows, D), [D, rows]), gA1);
    let gb4 = 0;
    for (const v of loss.gradA4) gb4 += v;
    const grads = [gW1, gW2, gW3, gW4].map((t) => t.dataSync() as Float32Array);
    grads.push(Float32Array.of(gb4));
    out = { grads, triplet: loss.triplet, score: loss.score, weightTriplet: loss.weightTriplet, weightScore: loss.weightScore };
  });
  return out!;
}

/** Row-major [r, c] → [c, r]. */
function transpose(m: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = m[i * c + j]!;
  return out;
}

interface LossGradient {
  triplet: number;
  score: number;
  weightTriplet: number;
  weightScore: number;
  /** d total / d e for all 2n rows (the interpolated rows get none from L′). */
  gradE: Float32Array;
  /** d total / d a4, the score's pre-activation. */
  gradA4: Float32Array;
}

/** The loss of loss.ts from the embeddings and scores of the 2n rows, and its gradient. */
function lossAndGradient(
  e: Float32Array,
  s: Float32Array,
  batch: StepBatch,
  opts: Pick<RosasOptions, 'batchSize' | 'margin' | 'temperature' | 'embeddingNormWeight'>,
  previous: { triplet: number; score: number },
  H: number,
): LossGradient {
  const b = opts.batchSize;
  const n = 3 * b;
  const { mix, target } = batch;

  // L = mean SL1(s(x̃) − ỹ) + mean SL1(s(x̃) − Σλ s(x)), over n rows each.
  const clip = (d: number) => (d > 1 ? 1 : d < -1 ? -1 : d);
  const sl1 = (d: number) => {
    const a = Math.abs(d);
    return a < 1 ? 0.5 * a * a : a - 0.5;
  };
  const gS = new Float64Array(2 * n);
  let score = 0;
  for (let i = 0; i < n; i++) {
    let cons = 0;
    for (let j = 0; j < n; j++) cons += mix[i * n + j]! * s[j]!;
    const mixed = s[n + i]!;
    const d1 = mixed - target[i]!;
    const d2 = mixed - cons;
    score += sl1(d1) + sl1(d2);
    gS[n + i] = (clip(d1) + clip(d2)) / n;
    const back = -clip(d2) / n;
    for (let j = 0; j < n; j++) gS[j] += mix[i * n + j]! * back;
  }
  score /= n;

  // L′ = mean max(0, ‖eA − eP + ε‖ − ‖eA − eN + ε‖ + margin); N = ‖eA + eP + eN‖_F.
  const dAP = new Float64Array(b);
  const dAN = new Float64Array(b);
  let triplet = 0;
  let norm2 = 0;
  for (let i = 0; i < b; i++) {
    const A = i * H;
    const P = (b + i) * H;
    const N = (2 * b + i) * H;
    let ap = 0;
    let an = 0;
    for (let k = 0; k < H; k++) {
      const x = e[A + k]!;
      const dp = x - e[P + k]! + TRIPLET_EPS;
      const dn = x - e[N + k]! + TRIPLET_EPS;
      const sum = x + e[P + k]! + e[N + k]!;
      ap += dp * dp;
      an += dn * dn;
      norm2 += sum * sum;
    }
    dAP[i] = Math.sqrt(ap);
    dAN[i] = Math.sqrt(an);
    triplet += Math.max(0, dAP[i]! - dAN[i]! + opts.margin);
  }
  triplet /= b;
  const norm = Math.sqrt(norm2 + 1e-12);

  // The dynamic weights, with the same special cases as loss.ts (a zero previous mean gives that
  // loss a constant weight 0; both zero, 1/2 each), in the stable form of the same softmax.
  const bothZero = previous.triplet === 0 && previous.score === 0;
  const tauT = opts.temperature * previous.triplet;
  const tauS = opts.temperature * previous.score;
  let wT: number;
  if (bothZero) wT = 0.5;
  else if (previous.triplet === 0) wT = 0;
  else if (previous.score === 0) wT = 1;
  else wT = 1 / (1 + Math.exp(score / tauS - triplet / tauT));
  const wS = 1 - wT;
  const free = !bothZero && previous.triplet !== 0 && previous.score !== 0;
  const gT = wT + (free ? (wT * wS * (triplet - score)) / tauT : 0);
  const gL = wS + (free ? (wT * wS * (score - triplet)) / tauS : 0);

  const gradE = new Float32Array(2 * n * H);
  const c = opts.embeddingNormWeight / norm;
  for (let i = 0; i < b; i++) {
    const A = i * H;
    const P = (b + i) * H;
    const N = (2 * b + i) * H;
    const active = dAP[i]! - dAN[i]! + opts.margin > 0;
    // A zero distance has no direction: give it no gradient (PyTorch's norm does the same).
    const kp = active && dAP[i]! > 0 ? gT / (b * dAP[i]!) : 0;
    const kn = active && dAN[i]! > 0 ? -gT / (b * dAN[i]!) : 0;
    for (let k = 0; k < H; k++) {
      const x = e[A + k]!;
      const up = kp * (x - e[P + k]! + TRIPLET_EPS);
      const un = kn * (x - e[N + k]! + TRIPLET_EPS);
      const sum = c * (x + e[P + k]! + e[N + k]!);
      gradE[A + k] = up + un + sum;
      gradE[P + k] = -up + sum;
      gradE[N + k] = -un + sum;
    }
  }
  const gradA4 = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) gradA4[i] = gL * gS[i]! * (1 - s[i]! * s[i]!);
  return { triplet, score, weightTriplet: wT, weightScore: wS, gradE, gradA4 };
}
