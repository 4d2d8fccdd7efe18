import { describe, expect, it } from 'vitest';
import { averagePathLength, checkForest, fitIsolationForest, leafCounts, leafSums, scoreIsolationForest, scoreWithLeafSums } from '../../../src-main/core/model/iforest';
import type { Matrix } from '../../../src-main/core/model/rosas/types';
import { mulberry32 } from '../../../src-main/core/util/random';

function gaussianBlob(rows: number, dim: number, seed: number): Matrix {
  const rnd = mulberry32(seed);
  const x = new Float32Array(rows * dim);
  for (let i = 0; i < x.length; i++) x[i] = (rnd() + rnd() + rnd() - 1.5) * 0.2;
  return { x, rows, dim };
}

/** Reference traversal straight from the stored arrays (x ≤ t goes left), as sklearn walks a tree. */
function slowScore(forest: ReturnType<typeof fitIsolationForest>, m: Matrix): number[] {
  const c = averagePathLength(forest.sampleSize);
  return Array.from({ length: m.rows }, (_, r) => {
    let sum = 0;
    for (const root of forest.roots) {
      let node = root;
      while (forest.feature[node]! >= 0) node = m.x[r * m.dim + forest.feature[node]!]! <= forest.value[node]! ? forest.left[node]! : forest.left[node]! + 1;
      sum += forest.value[node]!;
    }
    return Math.pow(2, -sum / forest.roots.length / c);
  });
}

describe('Isolation Forest', () => {
  it('c(n) follows sklearn', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // 2(ln 255 + γ) − 2·255/256
    expect(averagePathLength(256)).toBeCloseTo(10.244770920119917, 12);
  });

  it('builds 100 trees of depth ≤ 8 on 256-row samples by default', () => {
    const m = gaussianBlob(2000, 5, 1);
    const f = fitIsolationForest(m, { seed: 1 });
    expect(f.roots.length).toBe(100);
    expect(f.sampleSize).toBe(256);
    expect(f.feature.length).toBeLessThanOrEqual(100 * 511);
    // Leaf path lengths: depth ≤ 8 plus c(samples left), and a leaf above depth 8 holds one row.
    for (let i = 0; i < f.feature.length; i++) if (f.feature[i]! < 0) expect(f.value[i]!).toBeLessThanOrEqual(8 + averagePathLength(256));
    expect(fitIsolationForest(gaussianBlob(50, 3, 2), { seed: 1 }).sampleSize).toBe(50);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const m = gaussianBlob(1000, 4, 2);
    const a = scoreIsolationForest(fitIsolationForest(m, { seed: 7 }), m);
    const b = scoreIsolationForest(fitIsolationForest(m, { seed: 7 }), m);
    const c = scoreIsolationForest(fitIsolationForest(m, { seed: 8 }), m);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('scores an obvious outlier highest', () => {
    const m = gaussianBlob(1000, 6, 3);
    for (let j = 0; j < 6; j++) m.x[500 * 6 + j] = 3;
    const s = scoreIsolationForest(fitIsolationForest(m, { seed: 1 }), m);
    expect(s.indexOf(Math.max(...s))).toBe(500);
    expect(s[500]).toBeGreaterThan(0.7);
    const median = [...s].sort()[500]!;
    expect(median).toBeGreaterThan(0.35);
    expect(median).toBeLessThan(0.5);
  });

  it('never splits on constant columns and gives no NaN', () => {
    const m = gaussianBlob(400, 4, 4);
    for (let r = 0; r < m.rows; r++) {
      m.x[r * 4 + 1] = 5; // constant everywhere
      m.x[r * 4 + 3] = r < 399 ? 0 : 1; // constant but for one row
    }
    const f = fitIsolationForest(m, { seed: 3 });
    expect(f.feature).not.toContain(1);
    const s = scoreIsolationForest(f, m);
    expect(s.every((v) => Number.isFinite(v) && v > 0 && v <= 1)).toBe(true);
    expect(f.feature).toContain(3);

    // All columns constant: every tree is a single leaf, every row gets the same score.
    const flat = { x: new Float32Array(300 * 3).fill(2), rows: 300, dim: 3 };
    const sf = scoreIsolationForest(fitIsolationForest(flat, { seed: 1 }), flat);
    expect(new Set(sf).size).toBe(1);
    expect(Number.isFinite(sf[0]!)).toBe(true);
    // One row: c(1) = 0, sklearn's convention is 0.5.
    const one = { x: new Float32Array([1, 2]), rows: 1, dim: 2 };
    expect(scoreIsolationForest(fitIsolationForest(one, { seed: 1 }), one)[0]).toBe(0.5);
  });

  it('fast scoring equals a plain tree walk, including the row tail and odd values', () => {
    const m = gaussianBlob(1003, 7, 5);
    const f = fitIsolationForest(m, { seed: 11, trees: 37, sampleSize: 100 });
    m.x[3] = Infinity;
    m.x[10] = -Infinity;
    const fast = scoreIsolationForest(f, m);
    const slow = slowScore(f, m);
    slow.forEach((v, i) => expect(fast[i]).toBeCloseTo(v, 6));
  });

  it('leaf sums equal a plain walk, and scoring with them gives the same scores and sums in one walk', () => {
    const m = gaussianBlob(1003, 5, 9);
    const f = fitIsolationForest(m, { seed: 4, trees: 23, sampleSize: 64 });
    // Each node's value is its index: a row's sum names the leaves it reached.
    const values = Float64Array.from({ length: f.feature.length }, (_, i) => i);
    const plain = Array.from({ length: m.rows }, (_, r) => {
      let sum = 0;
      for (const root of f.roots) {
        let node = root;
        while (f.feature[node]! >= 0) node = m.x[r * m.dim + f.feature[node]!]! <= f.value[node]! ? f.left[node]! : f.left[node]! + 1;
        sum += node;
      }
      return sum;
    });
    expect(Array.from(leafSums(f, values, m))).toEqual(plain);
    const both = scoreWithLeafSums(f, values, m);
    expect(Array.from(both.sums)).toEqual(plain);
    expect(both.scores).toEqual(scoreIsolationForest(f, m));
    expect(() => leafSums(f, values.subarray(1), m)).toThrow(/a value per node/);
    // Counts: every given row lands in one leaf per tree.
    const counts = leafCounts(f, m, [0, 1, 2, 2]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4 * 23);
    f.feature.forEach((feat, i) => feat >= 0 && expect(counts[i]).toBe(0));
  });

  it('fits on the given rows only', () => {
    const m = gaussianBlob(600, 3, 6);
    const rows = Int32Array.from({ length: 300 }, (_, i) => i * 2);
    for (let j = 0; j < 3; j++) m.x[1 * 3 + j] = 100; // an odd row the fit never sees
    const f = fitIsolationForest(m, { seed: 1, rows, sampleSize: 300 });
    const even = { x: Float32Array.from(Array.from(rows).flatMap((r) => Array.from(m.x.subarray(r * 3, r * 3 + 3)))), rows: 300, dim: 3 };
    const g = fitIsolationForest(even, { seed: 1, sampleSize: 300 });
    expect(scoreIsolationForest(f, m).filter((_, i) => i % 2 === 0)).toEqual(scoreIsolationForest(g, even));
  });

  it('survives structured clone, and checkForest tells a sound forest from a damaged one', () => {
    const m = gaussianBlob(500, 4, 7);
    const f = fitIsolationForest(m, { seed: 2 });
    const back = structuredClone(f);
    expect(back).toEqual(f);
    expect(scoreIsolationForest(back, m)).toEqual(scoreIsolationForest(f, m));
    expect(() => checkForest(f)).not.toThrow();
    const damaged = (change: (g: Record<string, unknown>) => void) => {
      const g = structuredClone(f) as unknown as Record<string, unknown>;
      change(g);
      return () => checkForest(g);
    };
    expect(() => checkForest({ kind: 'other' })).toThrow(/not an Isolation Forest/);
    expect(() => checkForest(null)).toThrow(/not an Isolation Forest/);
    expect(damaged((g) => (g.left = Array.from(f.left)))).toThrow(/wrong type/);
    expect(damaged((g) => (g.value = f.value.slice(1)))).toThrow(/differ in length/);
    expect(damaged((g) => (g.dim = 0))).toThrow(/bad dim/);
    expect(damaged((g) => (g.roots = new Int32Array(0)))).toThrow(/no trees/);
    expect(damaged((g) => ((g.roots as Int32Array)[0] = f.feature.length))).toThrow(/root .* out of range/);
    const split = f.feature.findIndex((x) => x >= 0);
    expect(damaged((g) => ((g.left as Int32Array)[split] = 0))).toThrow(/children out of range/);
    expect(damaged((g) => ((g.feature as Int32Array)[split] = 4))).toThrow(/splits on feature 4/);
  });

  it('reports progress, honours abort and checks the width', () => {
    const m = gaussianBlob(20000, 2, 8);
    const f = fitIsolationForest(m, { seed: 1, trees: 5 });
    const seen: number[] = [];
    scoreIsolationForest(f, m, { onProgress: (done, total) => seen.push(done / total) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(1);
    const ac = new AbortController();
    ac.abort();
    expect(() => scoreIsolationForest(f, m, { signal: ac.signal })).toThrow(/cancelled/);
    expect(() => scoreIsolationForest(f, { x: new Float32Array(3), rows: 1, dim: 3 })).toThrow(/fitted on 2 features/);
    expect(() => fitIsolationForest({ x: new Float32Array(0), rows: 0, dim: 2 }, { seed: 1 })).toThrow(/at least one row/);
  });
});
