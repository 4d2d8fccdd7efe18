import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CancelledError } from '../../errors';
import { mulberry32 } from '../../util/random';
import type { TaskControl } from '../../util/task';
import type { LoadedTf } from '../backend';
import { stepGradients } from './gradients';
import { Adam } from './adam';
import { initialWeights, layerViews, rosasTopology } from './network';
import { BatchSampler } from './sampling';
import type { EpochFigures, Matrix, RosasOptions, Topology, TrainedModel, TrainLabels, TrainProgress } from './types';

/** Separate streams for initialisation and sampling, so changing one never shifts the other. */
const SAMPLING_STREAM = 0x9e3779b9;

export interface TrainControl extends TaskControl<TrainProgress> {
  /**
   * Ensemble members may train in up to this many worker threads at once (default 1: one after
   * another here). Same weights either way; not with cross-fit or `onEpoch`.
   */
  threads?: number;
  /** After each epoch, with the weights the model would keep now (a view: copy to keep). */
  onEpoch?: (epoch: number, weights: Float32Array, member: number) => void | Promise<void>;
}

/** Whether training should stop after this epoch (see Stopping in types.ts). */
export function shouldStop(history: EpochFigures[], opts: RosasOptions, inputDim: number): boolean {
  const e = history.length;
  if (e >= opts.epochs) return true;
  if (opts.stopping === 'fixed' || e < minEpochsFor(opts, inputDim)) return false;
  const triplet = history.map((h) => h.lossTriplet);
  const mean = (from: number, to: number) => triplet.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
  if (mean(Math.max(0, e - 3), e) < opts.separationTarget * opts.margin) return true;
  const w = opts.plateauWindow;
  return e >= 2 * w && mean(e - w, e) > (1 - opts.plateauDelta) * mean(e - 2 * w, e - w);
}

/** The fewest epochs training runs before a label-free rule may stop it, for inputs this wide. */
export function minEpochsFor(opts: Pick<RosasOptions, 'minEpochs' | 'minEpochsScale'>, inputDim: number): number {
  return Math.max(opts.minEpochs, Math.round(opts.minEpochsScale / Math.max(1, inputDim)));
}

/**
 * One RoSAS model in training, an epoch at a time, as the authors' code trains it (see
 * docs/rosas-reference.md). Deterministic for a seed on a given backend. The weights live in plain
 * memory between steps; each step uploads them and reads the gradients back.
 */
export class MemberTrainer {
  readonly topology: Topology;
  readonly history: EpochFigures[] = [];
  steps = 0;
  private readonly sampler: BatchSampler;
  private readonly values: Float32Array;
  private readonly params: Float32Array[];
  /** The Polyak average of the weights: what the model keeps when weightAveraging > 0. */
  private readonly averaged: Float32Array;
  private readonly adam: Adam;
  /** L̄′ and L̄: 1 at first, then the previous epoch's means (dynamic weight averaging). */
  private readonly previous = { triplet: 1, score: 1 };
  private readonly started = performance.now();

  constructor(
    private readonly loaded: LoadedTf,
    data: Matrix,
    labels: TrainLabels,
    private readonly opts: RosasOptions,
    readonly member = 0,
    /** Subtracted from every input row (a centered member), or none. */
    private readonly offset: Float32Array | null = null,
  ) {
    const topology = rosasTopology(data.dim, opts.embedding);
    this.topology = offset ? { ...topology, inputOffsets: [Array.from(offset)] } : topology;
    this.sampler = new BatchSampler(data, labels, opts, mulberry32((opts.seed ^ SAMPLING_STREAM) >>> 0));
    this.values = initialWeights(this.topology, opts.seed);
    this.params = layerViews(this.topology, this.values);
    this.averaged = this.values.slice();
    this.adam = new Adam(
      this.params.map((p) => p.length),
      opts.learningRate,
      opts.weightDecay,
    );
  }

  /** The weights the model would keep now (a view: copy to keep). */
  get weights(): Float32Array {
    return this.opts.weightAveraging > 0 ? this.averaged : this.values;
  }

  /** Trains one epoch (`batchesPerEpoch` steps) and returns its figures. */
  async epoch(ctl: TrainControl = {}): Promise<EpochFigures> {
    const { opts, previous, values, averaged, params } = this;
    const { tf } = this.loaded;
    const decay = opts.weightAveraging;
    const epochStart = performance.now();
    const sums = { triplet: 0, score: 0, weightTriplet: 0, weightScore: 0 };
    for (let s = 0; s < opts.batchesPerEpoch; s++) {
      if (ctl.signal?.aborted) throw new CancelledError('training');
      const batch = this.sampler.next();
      if (this.offset) subtractFromRows(batch.z, this.offset);
      const step = stepGradients(tf, this.topology, params, batch, opts, previous);
      this.adam.step(params, step.grads);
      if (decay > 0) for (let i = 0; i < values.length; i++) averaged[i] = decay * averaged[i]! + (1 - decay) * values[i]!;
      sums.triplet += step.triplet;
      sums.score += step.score;
      sums.weightTriplet += step.weightTriplet;
      sums.weightScore += step.weightScore;
      this.steps++;
    }
    const k = opts.batchesPerEpoch;
    previous.triplet = sums.triplet / k;
    previous.score = sums.score / k;
    const figures: EpochFigures = {
      member: this.member,
      epoch: this.history.length + 1,
      lossTriplet: previous.triplet,
      lossScore: previous.score,
      weightTriplet: sums.weightTriplet / k,
      weightScore: sums.weightScore / k,
      seconds: (performance.now() - epochStart) / 1000,
    };
    this.history.push(figures);
    // Lets a cancel message reach a worker thread between epochs.
    await yieldToLoop();
    return figures;
  }

  /** The trained model, with the current weights or the given ones (e.g. a kept snapshot). */
  result(weights: Float32Array = this.weights, epochs = this.history.length): TrainedModel {
    return {
      topology: this.topology,
      weights,
      epochs: [epochs],
      history: this.history,
      backend: this.loaded.backend,
      trainSeconds: (performance.now() - this.started) / 1000,
      steps: this.steps,
    };
  }
}

/** x[i, :] −= offset for each row of a row-major matrix (interpolated rows too: it is linear). */
function subtractFromRows(x: Float32Array, offset: Float32Array): void {
  const d = offset.length;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! - offset[i % d]!;
}

/** Trains one RoSAS model until `opts.stopping` says stop (label-free: see Stopping in types.ts). */
export async function trainRosasMember(
  loaded: LoadedTf,
  data: Matrix,
  labels: TrainLabels,
  opts: RosasOptions,
  ctl: TrainControl = {},
  member = 0,
  offset: Float32Array | null = null,
): Promise<TrainedModel> {
  const trainer = new MemberTrainer(loaded, data, labels, opts, member, offset);
  for (;;) {
    const figures = await trainer.epoch(ctl);
    const done = (member + Math.min(1, figures.epoch / opts.epochs)) / opts.ensemble;
    ctl.onProgress?.({ ...figures, epochs: opts.epochs, members: opts.ensemble, mode: 'sequential', done });
    await ctl.onEpoch?.(figures.epoch, trainer.weights, member);
    if (shouldStop(trainer.history, opts, data.dim)) break;
  }
  return trainer.result();
}
