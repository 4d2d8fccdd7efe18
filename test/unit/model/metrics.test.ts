import { describe, expect, it } from 'vitest';
import { averagePrecision, rocAuc } from '../../../src-main/core/model/metrics';
import { mulberry32 } from '../../../src-main/core/util/random';

/** sklearn's definitions spelled out literally, O(n²), to check the fast versions against. */
function naiveAp(scores: number[], labels: number[]): number {
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  const nPos = labels.filter((y) => y === 1).length;
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    const picked = scores.map((s, i) => (s >= t ? labels[i]! : -1)).filter((y) => y >= 0);
    const tp = picked.filter((y) => y === 1).length;
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / picked.length);
    prevRecall = recall;
  }
  return ap;
}

function naiveAuc(scores: number[], labels: number[]): number {
  let pairs = 0;
  let n = 0;
  scores.forEach((sp, i) => {
    if (labels[i] !== 1) return;
    scores.forEach((sn, j) => {
      if (labels[j] !== 0) return;
      n++;
      pairs += sp > sn ? 1 : sp === sn ? 0.5 : 0;
    });
  });
  return pairs / n;
}

describe('averagePrecision and rocAuc', () => {
  it("match sklearn's documented example", () => {
    // sklearn docs: average_precision_score → 0.83…, roc_auc_score → 0.75.
    const scores = [0.1, 0.4, 0.35, 0.8];
    const labels = [0, 0, 1, 1];
    // Thresholds 0.8 (P=1, R=½), 0.4 (P=½, R=½), 0.35 (P=⅔, R=1): ½·1 + ½·⅔.
    expect(averagePrecision(scores, labels)).toBeCloseTo(5 / 6, 12);
    expect(rocAuc(scores, labels)).toBeCloseTo(0.75, 12);
  });

  it('treat tied scores as one threshold', () => {
    // Threshold 1 takes a positive and a negative together (P=½, R=½), then 0.5 (P=⅔, R=1).
    expect(averagePrecision([1, 1, 0.5, 0], [1, 0, 1, 0])).toBeCloseTo(0.5 * 0.5 + 0.5 * (2 / 3), 12);
    // Pairs: (1 vs 1) ½, (1 vs 0) 1, (0.5 vs 1) 0, (0.5 vs 0) 1 → 2.5 / 4.
    expect(rocAuc([1, 1, 0.5, 0], [1, 0, 1, 0])).toBeCloseTo(0.625, 12);
    // All tied: one threshold with precision = prevalence; ROC is the diagonal.
    expect(averagePrecision([3, 3, 3, 3, 3], [1, 0, 0, 1, 0])).toBeCloseTo(0.4, 12);
    expect(rocAuc([3, 3, 3, 3, 3], [1, 0, 0, 1, 0])).toBe(0.5);
  });

  it('are 1 for a perfect ranking and reflect a reversed one', () => {
    expect(averagePrecision([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0])).toBe(0);
    // Positives last of 4: thresholds 0.2 (P=1/3, R=½) and 0.1 (P=½, R=1).
    expect(averagePrecision([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0])).toBeCloseTo(0.5 / 3 + 0.5 * 0.5, 12);
  });

  it('agree with the literal definitions on random data with many ties', () => {
    const rnd = mulberry32(3);
    for (let trial = 0; trial < 30; trial++) {
      const n = 5 + Math.floor(rnd() * 200);
      const levels = 1 + Math.floor(rnd() * 20);
      const scores = Array.from({ length: n }, () => Math.floor(rnd() * levels) / levels - 0.3);
      const labels = scores.map((s) => (rnd() < 0.2 + 0.5 * (s + 0.3) ? 1 : 0));
      labels[0] = 1;
      labels[1] = 0;
      expect(averagePrecision(scores, labels)).toBeCloseTo(naiveAp(scores, labels), 12);
      expect(rocAuc(scores, labels)).toBeCloseTo(naiveAuc(scores, labels), 12);
    }
  });

  it('accept typed arrays and treat float32 ties exactly', () => {
    const scores = Float32Array.from([0.1, 0.1, 0.7, 0.3]);
    const labels = Uint8Array.from([1, 0, 1, 0]);
    expect(rocAuc(scores, labels)).toBeCloseTo(naiveAuc([...scores], [...labels]), 12);
    expect(averagePrecision(scores, labels)).toBeCloseTo(naiveAp([...scores], [...labels]), 12);
  });

  it('reject a single class, bad labels, NaN scores and length mismatches', () => {
    expect(() => averagePrecision([0.1, 0.2], [0, 0])).toThrow(/only one class.*0 anomalies, 2 normals/);
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(/only one class/);
    expect(() => rocAuc([0.1, 0.2], [1, 2])).toThrow(/label at index 1 is 2/);
    expect(() => rocAuc([0.1, NaN], [1, 0])).toThrow(/index 1 is NaN/);
    expect(() => averagePrecision([0.1], [1, 0])).toThrow(/1 scores but 2 labels/);
  });

  it('handle 1M rows quickly', () => {
    const n = 1_000_000;
    const rnd = mulberry32(9);
    const labels = new Uint8Array(n);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rnd() < 0.02 ? 1 : 0;
      scores[i] = rnd() + labels[i]! * 0.5;
    }
    const t0 = performance.now();
    const ap = averagePrecision(scores, labels);
    const auc = rocAuc(scores, labels);
    // Generous bound for a shared 2-core machine; ~0.3 s when idle.
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(auc).toBeGreaterThan(0.8);
    expect(ap).toBeGreaterThan(0.05);
  });
});
