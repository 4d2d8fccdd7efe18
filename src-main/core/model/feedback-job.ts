import type { TaskControl } from '../util/task';
import { leafEvidence, type FeedbackLabels, type FeedbackOptions } from './feedback';
import { fitIsolationForest, leafSums } from './iforest';
import type { Matrix } from './rosas/types';

/**
 * The feedback of a round whose scores come from another model (RoSAS): the forest an Isolation
 * Forest round with this seed would fit, and each row's leaf evidence summed over its trees. It
 * runs in a thread of its own while the model scores (TensorFlow's wasm backend scores on one
 * core), so it costs a 1M-record round no time (it took 1.5 s there). feedbackScores is the same
 * work in the calling thread.
 */
export interface FeedbackJobInput {
  /** The rows, in a SharedArrayBuffer: the thread reads them in place. */
  data: Matrix;
  labels: FeedbackLabels;
  seed: number;
  trees: number;
  sampleSize: number;
  weights: Omit<FeedbackOptions, 'signal'>;
}

export interface FeedbackJobOutput {
  /** Per row, the evidence summed over the trees; null when nothing is labeled. */
  sums: Float64Array | null;
  trees: number;
}

export async function runFeedbackJob(input: FeedbackJobInput, ctl: TaskControl<never>): Promise<FeedbackJobOutput> {
  const forest = fitIsolationForest(input.data, { seed: input.seed, trees: input.trees, sampleSize: input.sampleSize });
  const evidence = leafEvidence(forest, input.data, input.labels, input.weights);
  return { sums: evidence && leafSums(forest, evidence, input.data, { signal: ctl.signal }), trees: forest.roots.length };
}
