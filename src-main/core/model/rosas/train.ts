import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type * as TfCore from '@tensorflow/tfjs-core';
import { CancelledError } from '../../errors';
import { mulberry32 } from '../../util/random';
import type { LoadedTf } from '../backend';
import { stepLoss } from './loss';
import { Adam } from './adam';
import { initialWeights, layerViews, rosasTopology, weightsFromTensors } from './network';
import { BatchSampler } from './sampling';
import type { EpochFigures, Matrix, RosasOptions, TrainedModel, TrainLabels, TrainProgress } from './types';

/** Separate streams for initialisation and sampling, so changing one never shifts the other. */
const SAMPLING_STREAM = 0x9e3779b9;

export interface TrainControl {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** After each epoch, with the weights the model would keep now (a view: copy to keep). */
  onEpoch?: (epoch: number, weights: Float32Array, member: number) => void | Promise<void>;
}

/** Whether training should stop after this epoch (see Stopping in types.ts). */
export function shouldStop(history: EpochFigures[], opts: RosasOptions): boolean {
  const e = history.length;
  if (e >= opts.epochs) return true;
  if (opts.stopping === 'fixed' || e < opts.minEpochs) return false;
  const triplet = history.map((h) => h.lossTriplet);
  const mean = (from: number, to: number) => triplet.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
  if (mean(Math.max(0, e - 3), e) < opts.separationTarget * opts.margin) return true;
  const w = opts.plateauWindow;
  return e >= 2 * w && mean(e - w, e) > (1 - opts.plateauDelta) * mean(e - 2 * w, e - w);
}

/**
 * Trains one RoSAS model as the authors' code does (see docs/rosas-reference.md), epoch by epoch,
 * without a labeled validation split: `opts.stopping` says when to stop, `opts.weightAveraging`
 * which weights to keep. Deterministic for a seed on a given backend.
 */
export async function trainRosasMember(
  loaded: LoadedTf,
  data: Matrix,
  labels: TrainLabels,
  opts: RosasOptions,
  ctl: TrainControl = {},
  member = 0,
): Promise<TrainedModel> {
  const { tf } = loaded;
  const started = performance.now();
  const topology = rosasTopology(data.dim, opts.embedding);
  const sampler = new BatchSampler(data, labels, opts, mulberry32((opts.seed ^ SAMPLING_STREAM) >>> 0));
  // The weights live in plain memory between steps; each step uploads them and reads gradients back.
  const values = initialWeights(topology, opts.seed);
  const params = layerViews(topology, values);
  // The averaged weights (Polyak): what the model keeps when weightAveraging > 0.
  const averaged = values.slice();
  const decay = opts.weightAveraging;
  const shapes = topology.layers.map((l) => l.shape);
  const adam = new Adam(
    params.map((p) => p.length),
    opts.learningRate,
    opts.weightDecay,
  );
  const n = 3 * opts.batchSize;
  const history: EpochFigures[] = [];
  // L̄′ and L̄ start at 1, then hold the previous epoch's means.
  const previous = { triplet: 1, score: 1 };
  let steps = 0;
  let stepFigures: TfCore.Tensor | undefined;
  try {
    for (let epoch = 1; ; epoch++) {
      const epochStart = performance.now();
      const sums = { triplet: 0, score: 0, weightTriplet: 0, weightScore: 0 };
      for (let s = 0; s < opts.batchesPerEpoch; s++) {
        if (ctl.signal?.aborted) throw new CancelledError('training');
        const batch = sampler.next();
        const grads = tf.tidy(() => {
          const z = tf.tensor2d(batch.z, [2 * n, data.dim]);
          const mix = tf.tensor2d(batch.mix, [n, n]);
          const target = tf.tensor2d(batch.target, [n, 1]);
          const lossOf = tf.grads((...w: TfCore.Tensor[]) => {
            const parts = stepLoss(tf, weightsFromTensors(w), { z, mix, target }, opts, previous);
            // Read back after the step; kept because grads() disposes what its function made.
            stepFigures = tf.keep(tf.stack([parts.triplet, parts.score, parts.weightTriplet, parts.weightScore]));
            return parts.total;
          });
          return lossOf(params.map((p, k) => tf.tensor(p, shapes[k], 'float32'))).map((g) => g.dataSync());
        });
        adam.step(params, grads);
        if (decay > 0) for (let i = 0; i < values.length; i++) averaged[i] = decay * averaged[i]! + (1 - decay) * values[i]!;
        const [lt, ls, wt, ws] = stepFigures!.dataSync();
        stepFigures!.dispose();
        stepFigures = undefined;
        sums.triplet += lt!;
        sums.score += ls!;
        sums.weightTriplet += wt!;
        sums.weightScore += ws!;
        steps++;
      }
      const k = opts.batchesPerEpoch;
      previous.triplet = sums.triplet / k;
      previous.score = sums.score / k;
      const figures: EpochFigures = {
        member,
        epoch,
        lossTriplet: previous.triplet,
        lossScore: previous.score,
        weightTriplet: sums.weightTriplet / k,
        weightScore: sums.weightScore / k,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(figures);
      ctl.onProgress?.({ ...figures, epochs: opts.epochs, members: opts.ensemble });
      await ctl.onEpoch?.(epoch, decay > 0 ? averaged : values, member);
      // Lets a cancel message reach a worker thread between epochs.
      await yieldToLoop();
      if (shouldStop(history, opts)) break;
    }
    return {
      topology,
      weights: decay > 0 ? averaged : values,
      epochs: [history.length],
      history,
      backend: loaded.backend,
      trainSeconds: (performance.now() - started) / 1000,
      steps,
    };
  } finally {
    // A step that failed midway may leave its kept figures behind.
    stepFigures?.dispose();
  }
}
