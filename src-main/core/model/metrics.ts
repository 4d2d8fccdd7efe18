/**
 * Ranking metrics as scikit-learn computes them (`average_precision_score`, `roc_auc_score`), so our
 * figures compare one to one with the reference results. Higher score = more anomalous, label 1 =
 * anomaly. Both only need, per distinct score, how many positives and negatives have it: scores of
 * each class are sorted natively (typed-array sort, no comparator) and merged, which keeps 1M rows
 * well under a second.
 */

/** Scores of each class, ascending. */
function splitByClass(scores: ArrayLike<number>, labels: ArrayLike<number>, metric: string): { pos: Float64Array; neg: Float64Array } {
  const n = scores.length;
  if (labels.length !== n) throw new Error(`${metric}: ${n} scores but ${labels.length} labels`);
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y === 1) nPos++;
    else if (y !== 0) throw new Error(`${metric}: label at index ${i} is ${y}; labels must be 0 (normal) or 1 (anomaly)`);
    if (Number.isNaN(scores[i])) throw new Error(`${metric}: score at index ${i} is NaN`);
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) {
    throw new Error(`${metric} is undefined when only one class is present (${nPos} anomalies, ${nNeg} normals)`);
  }
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (labels[i] === 1) pos[p++] = scores[i]!;
    else neg[q++] = scores[i]!;
  }
  return { pos: pos.sort(), neg: neg.sort() };
}

/**
 * Average precision: Σ (R_k − R_{k−1}) · P_k over the distinct score thresholds, highest first. Rows
 * with equal scores form one threshold, as in sklearn (no interpolation, no tie-breaking by order).
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { pos, neg } = splitByClass(scores, labels, 'average precision');
  const nPos = pos.length;
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  while (i >= 0) {
    const t = j >= 0 && neg[j]! > pos[i]! ? neg[j]! : pos[i]!;
    const tp0 = tp;
    while (i >= 0 && pos[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fp++;
      j--;
    }
    // Thresholds holding only normals add no recall, so they contribute nothing.
    if (tp > tp0) ap += ((tp - tp0) / nPos) * (tp / (tp + fp));
  }
  return ap;
}

/** Area under the ROC curve = P(score of a random anomaly > score of a random normal), ties counting ½. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { pos, neg } = splitByClass(scores, labels, 'ROC AUC');
  let j = 0;
  let pairs = 0;
  for (let i = 0; i < pos.length; ) {
    const t = pos[i]!;
    let p = 0;
    while (i < pos.length && pos[i] === t) {
      p++;
      i++;
    }
    while (j < neg.length && neg[j]! < t) j++;
    let tied = 0;
    while (j + tied < neg.length && neg[j + tied] === t) tied++;
    pairs += p * (j + 0.5 * tied);
  }
  return pairs / pos.length / neg.length;
}
