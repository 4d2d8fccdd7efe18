import { describe, expect, it } from 'vitest';
import { DEFAULT_FEEDBACK, feedbackScores, rankShare } from '../../../src-main/core/model/feedback';
import { fitIsolationForest, scoreIsolationForest } from '../../../src-main/core/model/iforest';

/** Three kinds of rows: a big cluster A, a smaller cluster B, and a few far outliers O. */
function data() {
  const rows: number[][] = [];
  for (let i = 0; i < 300; i++) rows.push([(i % 17) / 17, (i % 13) / 13]); // A
  for (let i = 0; i < 40; i++) rows.push([5 + (i % 5) / 5, 5 + (i % 7) / 7]); // B
  for (let i = 0; i < 5; i++) rows.push([20 + i * 3, -20 - i * 3]); // O
  const x = Float32Array.from(rows.flat());
  return { m: { x, rows: rows.length, dim: 2 }, A: [0, 300], B: [300, 340], O: [340, 345] };
}

const mean = (s: Float32Array, [a, b]: number[]) => s.slice(a, b).reduce((t, v) => t + v, 0) / (b! - a!);

describe('feedback from labels on tree leaves', () => {
  const { m, A, B, O } = data();
  const forest = fitIsolationForest(m, { seed: 1, trees: 100, sampleSize: 256 });
  const base = scoreIsolationForest(forest, m);

  it('without labels is the base ranking as rank shares', () => {
    const s = feedbackScores(forest, m, base, { anomalies: [], normals: [] }, DEFAULT_FEEDBACK);
    expect(Array.from(s)).toEqual(Array.from(rankShare(base)));
    expect(mean(s, O)).toBeGreaterThan(mean(s, B));
  });

  it('normals alone move their look-alikes down and leave the rest', () => {
    const before = rankShare(base);
    // The analyst confirms three of the outliers normal.
    const s = feedbackScores(forest, m, base, { anomalies: [], normals: [340, 341, 342] }, DEFAULT_FEEDBACK);
    expect(mean(s, O)).toBeLessThan(mean(before, O) - 0.3);
    expect(mean(s, A)).toBeCloseTo(mean(before, A), 1);
    // What no one reviewed (cluster B) now comes before the confirmed kind.
    expect(mean(s, B)).toBeGreaterThan(mean(s, O));
  });

  it('an anomaly label brings its look-alikes up, even inside the dense cluster', () => {
    // Rows 5 and 226 of cluster A are the same point (i mod 17 and i mod 13 both agree).
    const before = rankShare(base);
    const s = feedbackScores(forest, m, base, { anomalies: [5], normals: [] }, DEFAULT_FEEDBACK);
    expect(before[226]).toBeLessThan(0.9);
    // One label is half a vote in every leaf it shares: +0.5, from the cluster's bottom to its middle.
    expect(s[226]).toBeGreaterThan(before[226]! + 0.45);
    expect(s[226]).toBeGreaterThan(mean(before, A));
    // The rest of the cluster moves far less (its neighbours share some of the leaves).
    const others = Array.from({ length: 300 }, (_, i) => i).filter((i) => i !== 5 && i !== 226);
    const shift = others.reduce((t, i) => t + s[i]! - before[i]!, 0) / others.length;
    expect(shift).toBeLessThan(0.2);
  });

  it('a leaf holding both kinds cancels out; more labels of one kind weigh more', () => {
    const before = rankShare(base);
    // 226 is 5's twin: labeled both ways, their leaves hold one of each.
    const mixed = feedbackScores(forest, m, base, { anomalies: [5], normals: [226] }, DEFAULT_FEEDBACK);
    expect(mixed[5]).toBeCloseTo(before[5]!, 5);
    const one = feedbackScores(forest, m, base, { anomalies: [], normals: [340] }, DEFAULT_FEEDBACK);
    const three = feedbackScores(forest, m, base, { anomalies: [], normals: [340, 341, 342] }, DEFAULT_FEEDBACK);
    expect(before[340]! - one[340]!).toBeGreaterThan(0.4);
    // The other outliers share some leaves with 340 high up the trees, but far fewer than 340 itself.
    expect(before[343]! - three[343]!).toBeLessThan(before[340]! - one[340]!);
  });

  it('rank shares agree with a plain sort on many ties', () => {
    const v = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 53) / 7 - 3);
    const sorted = [...v].sort((a, b) => a - b);
    const expected = v.map((x) => sorted.indexOf(x) / 999);
    const got = rankShare(v);
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 6));
  });

  it('rank shares tie equal values', () => {
    const r = Array.from(rankShare([3, 1, 3, 2]));
    [2 / 3, 0, 2 / 3, 1 / 3].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 6));
    expect(r[0]).toBe(r[2]);
  });
});
