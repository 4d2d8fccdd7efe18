import type * as TfCore from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { mulberry32 } from '../../util/random';
import type { Topology } from './types';

/** The reference code's LeakyReLU slope (PyTorch's default; TensorFlow.js defaults differ). */
export const LEAKY_SLOPE = 0.01;
/** Width of the scoring head's hidden layer (H / 2 in the reference). */
const headWidth = (embedding: number) => Math.trunc(0.5 * embedding);

/**
 * The network of the reference code: a bias-free encoder D → h1 → H with LeakyReLU between and a
 * linear embedding, and a scoring head H → H/2 → 1 with LeakyReLU, a bias on the last layer only,
 * and tanh on the score. h1 = D + trunc((H − D) / 2), as the code computes it (the paper's floor
 * differs when D > H).
 */
export function rosasTopology(inputDim: number, embedding: number): Topology {
  const h1 = inputDim + Math.trunc((embedding - inputDim) * 0.5);
  const h2 = headWidth(embedding);
  return {
    kind: 'rosas',
    version: 1,
    inputDim,
    layers: [
      { name: 'hidden', shape: [inputDim, h1] },
      { name: 'embedding', shape: [h1, embedding] },
      { name: 'head_hidden', shape: [embedding, h2] },
      { name: 'score', shape: [h2, 1] },
      { name: 'score_bias', shape: [1] },
    ],
  };
}

export function weightCount(t: Topology): number {
  return t.layers.reduce((n, l) => n + l.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * PyTorch's nn.Linear initialisation, which the reference relies on: every weight and the one bias
 * uniform in ±1/√fan_in (fan_in = the layer's input width).
 */
export function initialWeights(t: Topology, seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(weightCount(t));
  let o = 0;
  for (const layer of t.layers) {
    const fanIn = layer.name === 'score_bias' ? t.layers[3]!.shape[0]! : layer.shape[0]!;
    const bound = 1 / Math.sqrt(fanIn);
    const n = layer.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) out[o++] = (2 * random() - 1) * bound;
  }
  return out;
}

/** The network's weights as tensors (variables while training), in topology order. */
export interface Weights {
  w1: TfCore.Tensor2D;
  w2: TfCore.Tensor2D;
  w3: TfCore.Tensor2D;
  w4: TfCore.Tensor2D;
  b4: TfCore.Tensor1D;
  /** Subtracted from each input row first (a centered member: see RosasOptions.centeredMembers). */
  offset?: TfCore.Tensor1D;
}

export function weightsFromArray(tf: Tf, t: Topology, values: Float32Array): Weights {
  if (values.length !== weightCount(t)) throw new Error(`model has ${values.length} weights, its topology needs ${weightCount(t)}`);
  return weightsFromTensors(layerViews(t, values).map((v, k) => tf.tensor(v, t.layers[k]!.shape, 'float32')));
}

/** Views of a flat weight array, one per layer, in topology order. */
export function layerViews(t: Topology, values: Float32Array): Float32Array[] {
  const views: Float32Array[] = [];
  let o = 0;
  for (const layer of t.layers) {
    const n = layer.shape.reduce((a, b) => a * b, 1);
    views.push(values.subarray(o, o + n));
    o += n;
  }
  return views;
}

export function weightsFromTensors(list: TfCore.Tensor[]): Weights {
  const [w1, w2, w3, w4, b4] = list;
  return { w1: w1 as TfCore.Tensor2D, w2: w2 as TfCore.Tensor2D, w3: w3 as TfCore.Tensor2D, w4: w4 as TfCore.Tensor2D, b4: b4 as TfCore.Tensor1D };
}

/** The tensors of a member, its input offset included (to dispose). */
export function weightList(w: Weights): TfCore.Tensor[] {
  return w.offset ? [w.w1, w.w2, w.w3, w.w4, w.b4, w.offset] : [w.w1, w.w2, w.w3, w.w4, w.b4];
}

/**
 * a · b whose gradient transposes explicitly and then multiplies: the WebAssembly backend runs a
 * product with a transposed operand about ten times slower than transpose + plain product, and
 * the default gradient of matMul uses transposed operands.
 */
function matMul(tf: Tf, a: TfCore.Tensor2D, b: TfCore.Tensor2D): TfCore.Tensor2D {
  const product = tf.customGrad((...args: Array<TfCore.Tensor | TfCore.GradSaveFunc>) => {
    const [x, y, save] = args as [TfCore.Tensor, TfCore.Tensor, TfCore.GradSaveFunc];
    save([x, y]);
    return {
      value: tf.matMul(x as TfCore.Tensor2D, y as TfCore.Tensor2D),
      gradFunc: (dy: TfCore.Tensor, saved: TfCore.Tensor[]) => {
        const [xs, ys] = saved as [TfCore.Tensor2D, TfCore.Tensor2D];
        return [tf.matMul(dy as TfCore.Tensor2D, tf.transpose(ys)), tf.matMul(tf.transpose(xs), dy as TfCore.Tensor2D)];
      },
    };
  });
  return product(a, b) as TfCore.Tensor2D;
}

/** Embedding φ(x) and score ψ(φ(x)) of a batch [n, D] → [n, H], [n, 1]. */
export function forward(tf: Tf, w: Weights, x: TfCore.Tensor2D): { embedding: TfCore.Tensor2D; score: TfCore.Tensor2D } {
  const input = w.offset ? (tf.sub(x, w.offset) as TfCore.Tensor2D) : x;
  const h = tf.leakyRelu(matMul(tf, input, w.w1), LEAKY_SLOPE) as TfCore.Tensor2D;
  const embedding = matMul(tf, h, w.w2);
  const g = tf.leakyRelu(matMul(tf, embedding, w.w3), LEAKY_SLOPE) as TfCore.Tensor2D;
  const score = tf.tanh(tf.add(matMul(tf, g, w.w4), w.b4)) as TfCore.Tensor2D;
  return { embedding, score };
}
