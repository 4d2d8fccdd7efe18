/**
 * Feedback from every label, as tree proximity (the leaf regions of Das et al.'s active anomaly
 * discovery on Isolation Forest): a record that falls in the same leaves as records the analyst
 * confirmed normal goes down, one in the same leaves as labeled anomalies goes up, and one unlike
 * everything reviewed keeps its place. Works from the first label, with normals alone.
 */
import { throwIfAborted } from '../errors';
import { leafSums, leavesOf, type IsolationForest } from './iforest';
import type { Matrix } from './rosas/types';

export interface FeedbackLabels {
  /** Rows labeled anomaly. */
  anomalies: ArrayLike<number>;
  /** Rows confirmed normal. */
  normals: ArrayLike<number>;
}

export interface FeedbackOptions {
  /** How far sharing every leaf with confirmed normals moves a record down, in rank share (0..1). */
  normalWeight: number;
  /** How far sharing every leaf with labeled anomalies moves a record up. */
  anomalyWeight: number;
  signal?: AbortSignal;
}

export const DEFAULT_FEEDBACK: Omit<FeedbackOptions, 'signal'> = { normalWeight: 1, anomalyWeight: 1 };

/** Leaf sums carry both counts in one walk: normals in the low part, anomalies times this. */
const ANOMALY_UNIT = 4096;

/**
 * The base scores as ranks in [0, 1], moved by each row's share of trees in which it shares a
 * leaf with a labeled normal (down) or a labeled anomaly (up). Higher = review sooner.
 */
export function feedbackScores(forest: IsolationForest, data: Matrix, base: ArrayLike<number>, labels: FeedbackLabels, opts: FeedbackOptions): Float32Array {
  const trees = forest.roots.length;
  if (trees >= ANOMALY_UNIT) throw new Error(`feedback supports fewer than ${ANOMALY_UNIT} trees`);
  const rank = rankShare(base);
  throwIfAborted(opts.signal, 'scoring');
  if (!labels.normals.length && !labels.anomalies.length) return rank;
  const values = new Float64Array(forest.feature.length);
  for (const leaf of leavesOf(forest, data, labels.normals)) values[leaf] = 1;
  for (const leaf of leavesOf(forest, data, labels.anomalies)) values[leaf]! += ANOMALY_UNIT;
  const sums = leafSums(forest, values, data, { signal: opts.signal });
  for (let r = 0; r < rank.length; r++) {
    const s = sums[r]!;
    const anomalous = Math.floor(s / ANOMALY_UNIT);
    const normal = s - anomalous * ANOMALY_UNIT;
    rank[r] = rank[r]! - (opts.normalWeight * normal) / trees + (opts.anomalyWeight * anomalous) / trees;
  }
  return rank;
}

/** Each value's rank share: 0 for the lowest, 1 for the highest; ties share the lower rank. */
export function rankShare(values: ArrayLike<number>): Float32Array {
  const n = values.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const out = new Float32Array(n);
  const denom = Math.max(1, n - 1);
  for (let i = 0; i < n; i++) {
    const v = values[order[i]!]!;
    // Equal scores get one rank, so identical records stay tied whatever their row order.
    const first = i > 0 && values[order[i - 1]!] === v ? out[order[i - 1]!]! * denom : i;
    out[order[i]!] = first / denom;
  }
  return out;
}
