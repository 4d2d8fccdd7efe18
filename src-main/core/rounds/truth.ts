import { averagePrecision, rocAuc } from '../model/metrics';

/** How well a round's scores rank the anomalies of the ground truth. */
export interface RoundEvaluation {
  averagePrecision: number;
  rocAuc: number;
}

export interface TruthScore extends RoundEvaluation {
  records: number;
  anomalies: number;
}

/**
 * Scores of `ids` against their ground truth (`truth` by record id: 0 normal, 1 anomaly; see
 * records/truth.ts): the one place rounds are measured against it. Null when the ids hold one
 * class only, where neither figure is defined.
 */
export function scoreAgainstTruth(scores: Float32Array, ids: ArrayLike<number>, truth: Int8Array): TruthScore | null {
  const s = new Float64Array(ids.length);
  const y = new Uint8Array(ids.length);
  let anomalies = 0;
  for (let i = 0; i < ids.length; i++) {
    s[i] = scores[ids[i]! - 1]!;
    y[i] = truth[ids[i]!]!;
    anomalies += y[i]!;
  }
  if (anomalies === 0 || anomalies === ids.length) return null;
  return { records: ids.length, anomalies, averagePrecision: averagePrecision(s, y), rocAuc: rocAuc(s, y) };
}
