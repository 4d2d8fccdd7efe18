/**
 * Feedback from every label, as tree proximity (the leaf regions of Das et al.'s active anomaly
 * discovery on Isolation Forest): a record that falls in the same leaves as records the analyst
 * confirmed normal goes down, one in the same leaves as labeled anomalies goes up, and one unlike
 * everything reviewed keeps its place. Works from the first label, with normals alone.
 */
import { throwIfAborted } from '../errors';
import { rankByScore } from '../util/rank-by-score';
import { leafCounts, leafSums, type IsolationForest } from './iforest';
import type { Matrix } from './rosas/types';

export interface FeedbackLabels {
  /** Rows labeled anomaly. */
  anomalies: ArrayLike<number>;
  /** Rows confirmed normal. */
  normals: ArrayLike<number>;
}

export interface FeedbackOptions {
  /** How far a leaf's labeled normals move the records in it down, in rank share (0..1) per tree share. */
  normalWeight: number;
  /** How far a leaf's labeled anomalies move them up. */
  anomalyWeight: number;
  signal?: AbortSignal;
}

export const DEFAULT_FEEDBACK: Omit<FeedbackOptions, 'signal'> = { normalWeight: 1, anomalyWeight: 1 };

/**
 * Per forest node, the evidence the labels put on it: (a·anomalyWeight − n·normalWeight) / (a + n + 1)
 * for a labeled anomalies and n confirmed normals in that leaf; null when nothing is labeled. The +1
 * makes one label half a vote, and a leaf holding both kinds (a region the forest cannot split)
 * cancels out instead of pushing its anomalies down: with "any normal in the leaf" thyroid found 142
 * of 200 after 5 rounds, 158 so.
 */
export function leafEvidence(forest: IsolationForest, data: Matrix, labels: FeedbackLabels, opts: Omit<FeedbackOptions, 'signal'>): Float64Array | null {
  if (!labels.normals.length && !labels.anomalies.length) return null;
  const normals = leafCounts(forest, data, labels.normals);
  const anomalies = leafCounts(forest, data, labels.anomalies);
  const evidence = new Float64Array(forest.feature.length);
  for (let i = 0; i < evidence.length; i++) {
    const n = normals[i]!;
    const a = anomalies[i]!;
    if (n + a > 0) evidence[i] = (opts.anomalyWeight * a - opts.normalWeight * n) / (n + a + 1);
  }
  return evidence;
}

/**
 * The base scores as ranks in [0, 1], each moved by the mean over `trees` of its leaves' evidence
 * (`sums`: per row, the sum over the trees, from `leafSums` or `scoreWithLeafSums`). Higher =
 * review sooner.
 */
export function withFeedback(base: ArrayLike<number>, sums: Float64Array | null, trees: number): Float32Array {
  const rank = rankShare(base);
  if (sums) for (let r = 0; r < rank.length; r++) rank[r] = rank[r]! + sums[r]! / trees;
  return rank;
}

/** `withFeedback` for base scores that did not come from this forest (a RoSAS round's): one more walk over the rows. */
export function feedbackScores(forest: IsolationForest, data: Matrix, base: ArrayLike<number>, labels: FeedbackLabels, opts: FeedbackOptions): Float32Array {
  const evidence = leafEvidence(forest, data, labels, opts);
  throwIfAborted(opts.signal, 'scoring');
  return withFeedback(base, evidence && leafSums(forest, evidence, data, { signal: opts.signal }), forest.roots.length);
}

/** Each value's rank share: 0 for the lowest, 1 for the highest; ties share the lower rank. */
export function rankShare(values: ArrayLike<number>): Float32Array {
  const n = values.length;
  const denom = Math.max(1, n - 1);
  const out = new Float32Array(n);
  const v = values instanceof Float32Array ? values : Float32Array.from(values);
  // Descending (radix) order read backwards: ascending. NaN has the lowest rank share.
  const desc = rankByScore(v);
  const nan = n - desc.length;
  let first = nan;
  for (let k = 0; k < desc.length; k++) {
    const i = desc[desc.length - 1 - k]! - 1;
    // Equal scores get one rank, so identical records stay tied whatever their row order.
    if (k > 0 && v[desc[desc.length - k]! - 1] !== v[i]) first = nan + k;
    out[i] = first / denom;
  }
  return out;
}
