import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CancelledError } from '../../errors';
import type { LoadedTf } from '../backend';
import { forward, weightList, weightsFromArray } from './network';
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
  const weights = weightsFromArray(tf, model.topology, model.weights);
  const out = new Float32Array(data.rows);
  const chunk = opts.chunkRows ?? CHUNK_ROWS;
  try {
    for (let start = 0; start < data.rows; start += chunk) {
      if (opts.signal?.aborted) throw new CancelledError('scoring');
      const rows = Math.min(chunk, data.rows - start);
      const scores = tf.tidy(() => forward(tf, weights, tf.tensor2d(data.x.subarray(start * data.dim, (start + rows) * data.dim), [rows, data.dim])).score);
      out.set((await scores.data()) as Float32Array, start);
      scores.dispose();
      opts.onProgress?.(start + rows, data.rows);
      if ((start / chunk) % 16 === 15) await yieldToLoop();
    }
    return out;
  } finally {
    for (const t of weightList(weights)) t.dispose();
  }
}
