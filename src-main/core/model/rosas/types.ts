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

export interface RosasOptions {
  seed: number;
  /** Training length; see DEFAULT_ROSAS_OPTIONS for the label-free default. */
  epochs: number;
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
  epochs: number;
}

/** Layer shapes in the order their values are stored in `TrainedModel.weights`. */
export interface Topology {
  kind: 'rosas';
  version: 1;
  inputDim: number;
  layers: Array<{ name: string; shape: number[] }>;
}

export interface TrainedModel {
  topology: Topology;
  /** All weights, concatenated in topology order. */
  weights: Float32Array;
  history: EpochFigures[];
  backend: string;
  trainSeconds: number;
  steps: number;
}
