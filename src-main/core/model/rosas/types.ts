/**
 * The RoSAS engine's interface: what a round hands to training, what comes back, and how a
 * trained model is stored. Plain data only: it crosses worker threads and goes into the project.
 */

/** Rows of a float32 matrix, row-major. */
export interface Matrix {
  x: Float32Array;
  rows: number;
  dim: number;
}

/** What the analyst's labels say about rows of the training matrix (row indices into `x`). */
export interface TrainLabels {
  /** Rows labeled anomaly. */
  anomalies: Int32Array;
  /** Rows confirmed normal: reliable normal data, never treated as unlabeled contamination. */
  normals: Int32Array;
  /** Everything else, including rows labeled "unsure". */
  unlabeled: Int32Array;
}

/**
 * When training stops. The reference early-stops on a labeled validation split, which an analyst
 * does not have:
 * - `fixed`: exactly `epochs` epochs (the reference run without early stopping);
 * - `cross-fit` (the analyst's own labels only): each ensemble member hides a different fold of
 *   the labeled anomalies, and all hide a slice of the unlabeled rows; after each epoch the hidden
 *   anomalies are ranked among the held-out rows (AUC pooled over the members). The weights kept
 *   are from the latest epoch within `heldOutTolerance` of the best; training stops after
 *   `patience` epochs in a row outside it. Needs `ensemble` ≥ 2 and at least
 *   `crossFitMinPerFold` labeled anomalies per member; with fewer, `separation` is used;
 * - `separation` (label-free): stop once the labeled anomalies are separated from the unlabeled
 *   rows in embedding space — the epoch-mean triplet loss, over the last 3 epochs, falls below
 *   `separationTarget` × margin — or once that separation stops improving (its mean over the last
 *   `plateauWindow` epochs is less than `plateauDelta` below the window before).
 * Never before `minEpochs`, never after `epochs`; `separation` also never before `minEpochsScale` / D
 * epochs (D input features).
 */
export type Stopping = 'fixed' | 'cross-fit' | 'separation';

export interface RosasOptions {
  seed: number;
  /** Training length: the number of epochs for `fixed`, the most for `separation`. */
  epochs: number;
  stopping: Stopping;
  minEpochs: number;
  /**
   * `separation` never stops before `minEpochsScale` / D epochs either (D input features): the
   * labeled anomalies are separated within a few epochs at any width, but on narrow inputs the
   * ranking keeps improving for tens of epochs after that, while on wide ones the model soon
   * starts memorising the few labeled anomalies (see README, "Measured").
   */
  minEpochsScale: number;
  separationTarget: number;
  plateauWindow: number;
  plateauDelta: number;
  /** Cross-fit: labeled anomalies needed per ensemble member. */
  crossFitMinPerFold: number;
  /** Cross-fit: the share of unlabeled rows held out as negatives, and at most this many. */
  heldOutFraction: number;
  heldOutMax: number;
  /** Cross-fit: how far (relative, in 1 − AUC) below the best held-out figure an epoch may be and still be kept. */
  heldOutTolerance: number;
  /** Cross-fit: epochs in a row outside that tolerance before training stops. */
  patience: number;
  /**
   * Polyak averaging: the model kept is an exponential moving average of the weights over the
   * steps (decay per step), which steadies the epoch-to-epoch swings of the ranking. 0 = the
   * reference's last weights.
   */
  weightAveraging: number;
  /** Independently seeded models whose scores are averaged (1 = a single model, as the reference). */
  ensemble: number;
  /**
   * The last this-many ensemble members see every input column minus its mean over the training
   * rows. The encoder has no bias, so each first-layer unit's hyperplane passes through the
   * origin: at a corner of min-max scaled data for the other members, at its centre for these.
   * The two views rank different datasets best, and their ensemble beats either (README). At least
   * one member always sees the inputs as given (so a single model is the reference's).
   */
  centeredMembers: number;
  batchesPerEpoch: number;
  batchSize: number;
  learningRate: number;
  /** Coupled L2 (added to the gradient before Adam, as PyTorch's Adam weight_decay does). */
  weightDecay: number;
  /** Embedding width H. */
  embedding: number;
  /** Beta(alpha, alpha) for the interpolation weights. */
  alpha: number;
  /** Samples mixed per interpolated sample. */
  k: number;
  /** Triplet margin. */
  margin: number;
  /** Dynamic weight averaging temperature. */
  temperature: number;
  /** Weight of the reference code's extra term 0.01·‖E_A + E_P + E_N‖_F. */
  embeddingNormWeight: number;
  /** How confirmed normals are used: as anchors (default), as ordinary unlabeled rows, or not at all. */
  normalsAs: 'anchors' | 'unlabeled' | 'ignored';
}

export interface EpochFigures {
  /** Which model of an ensemble (0-based). */
  member: number;
  epoch: number;
  /** Mean triplet (feature) loss L' over the epoch's batches. */
  lossTriplet: number;
  /** Mean score loss L (target + consistency) over the epoch's batches. */
  lossScore: number;
  /** Mean dynamic weights of L' and L. */
  weightTriplet: number;
  weightScore: number;
  seconds: number;
}

export interface TrainProgress extends EpochFigures {
  /** The most epochs this member may train (it may stop earlier: see Stopping). */
  epochs: number;
  members: number;
  /**
   * How the members train: one after another, side by side epoch by epoch (cross-fit), or in
   * parallel worker threads.
   */
  mode: 'sequential' | 'lockstep' | 'threads';
  /** Share of the whole training done, 0–1 (a member that stops early counts as done). */
  done: number;
}

/** How a cross-fitted training chose its length (see Stopping). */
export interface CrossFitFigures {
  /** Per epoch: how the hidden anomalies rank among the held-out rows (pooled AUC-ROC). */
  heldOutAuc: number[];
  /** The epoch whose weights were kept. */
  keptEpoch: number;
  /** Labeled anomalies hidden (each from one member), and unlabeled rows no member trained on. */
  hidden: number;
  heldOut: number;
}

/** Layer shapes in the order their values are stored in `TrainedModel.weights`. */
export interface Topology {
  kind: 'rosas';
  version: 1;
  inputDim: number;
  layers: Array<{ name: string; shape: number[] }>;
  /** Models in the ensemble; their weights follow one another in `weights`. Absent = 1. */
  members?: number;
  /** Per member: what is subtracted from each input row before it (null or absent = nothing). */
  inputOffsets?: Array<number[] | null>;
}

/** What sets one ensemble member apart: its seed, and what it subtracts from each input row. */
export interface MemberSetup {
  seed: number;
  offset: Float32Array | null;
}

export interface TrainedModel {
  topology: Topology;
  /** All weights, concatenated in topology order (member after member for an ensemble). */
  weights: Float32Array;
  history: EpochFigures[];
  /** Epochs each member trained. */
  epochs: number[];
  backend: string;
  trainSeconds: number;
  steps: number;
  /** Present when the length was chosen by cross-fitting. */
  validation?: CrossFitFigures;
}
