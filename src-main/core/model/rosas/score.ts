import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CancelledError } from '../../errors';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { LoadedTf, Tf } from '../backend';
import { forward, weightCount, weightList, weightsFromArray, type Weights } from './network';
import type { Matrix, TrainedModel } from './types';

/** Rows per forward pass: large enough to amortise per-op overhead, small enough for cache. */
const CHUNK_ROWS = 8192;

/** Anomaly score of every row (the tanh output; higher = more anomalous). */
export async function scoreMatrix(
  loaded: LoadedTf,
  model: Pick<TrainedModel, 'topology' | 'weights'>,
  data: Matrix,
  opts: { chunkRows?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const { tf } = loaded;
  if (data.dim !== model.topology.inputDim) throw new Error(`model expects ${model.topology.inputDim} features, data has ${data.dim}`);
  const ensemble = memberWeights(tf, model);
  const out = new Float32Array(data.rows);
  const chunk = opts.chunkRows ?? CHUNK_ROWS;
  try {
    for (let start = 0; start < data.rows; start += chunk) {
      if (opts.signal?.aborted) throw new CancelledError('scoring');
      const rows = Math.min(chunk, data.rows - start);
      const scores = tf.tidy(() => ensembleScore(tf, ensemble, tf.tensor2d(data.x.subarray(start * data.dim, (start + rows) * data.dim), [rows, data.dim])));
      out.set((await scores.data()) as Float32Array, start);
      scores.dispose();
      opts.onProgress?.(start + rows, data.rows);
      if ((start / chunk) % 16 === 15) await yieldToLoop();
    }
    return out;
  } finally {
    for (const w of ensemble) tf.dispose(weightList(w));
  }
}

/** The mean score of an ensemble's members (one member: its score). */
export function ensembleScore(tf: Tf, members: Weights[], x: TfCore.Tensor2D): TfCore.Tensor2D {
  if (members.length === 1) return forward(tf, members[0]!, x).score;
  return tf.div(tf.addN(members.map((w) => forward(tf, w, x).score)), members.length) as TfCore.Tensor2D;
}

/** The weights of each member of a stored model, as tensors (dispose with weightList). */
export function memberWeights(tf: Tf, model: Pick<TrainedModel, 'topology' | 'weights'>): Weights[] {
  const per = weightCount(model.topology);
  const members = model.topology.members ?? 1;
  if (model.weights.length !== members * per) throw new Error(`model has ${model.weights.length} weights, ${members} × ${per} expected`);
  const offsets = model.topology.inputOffsets;
  if (offsets && offsets.length !== members) throw new Error(`model has ${offsets.length} input offsets for ${members} members`);
  offsets?.forEach((o, m) => {
    if (o && o.length !== model.topology.inputDim) throw new Error(`member ${m}'s input offset has ${o.length} values, ${model.topology.inputDim} expected`);
  });
  return Array.from({ length: members }, (_, m) => {
    const w = weightsFromArray(tf, model.topology, model.weights.subarray(m * per, (m + 1) * per));
    const offset = offsets?.[m];
    return offset ? { ...w, offset: tf.tensor1d(offset, 'float32') } : w;
  });
}
