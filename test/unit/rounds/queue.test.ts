import { describe, expect, it } from 'vitest';
import { groupRows } from '../../../src-main/core/rounds/groups';
import { COVER_MIN_SHARE, COVER_SLOTS, coverPlan, reviewQueue } from '../../../src-main/core/rounds/queue';
import { trainingLabels } from '../../../src-main/core/rounds/round-labels';

describe('the review queue', () => {
  // 60 rows: group g = row % 12 for rows < 48 (12 groups of 4); rows 48..59 singletons.
  const n = 60;
  const ids = Int32Array.from({ length: n }, (_, i) => i + 1);
  const groups = Int32Array.from({ length: n }, (_, i) => (i < 48 ? i % 12 : 100 + i));
  const scores = Float32Array.from({ length: n }, (_, i) => n - i); // row 0 best

  it('by score while the latest reviews pay: cover picks shrink as their share of anomalies grows', () => {
    const q = reviewQueue({ ids, scores, groups, labeled: new Uint8Array(n), cover: coverPlan(n, { anomalies: 10, normals: 10 }) });
    expect(q.picks).toBe(0);
    expect(Array.from(q.order)).toEqual(Array.from(ids));
    // Nothing labeled (or nothing at all reviewed): the cold start's picks, from groups of 1 in 200 records.
    expect(coverPlan(1000, null)).toEqual({ slots: COVER_SLOTS, minSize: Math.ceil(1000 * COVER_MIN_SHARE) });
    expect(coverPlan(1000, { anomalies: 0, normals: 0 })).toEqual(coverPlan(1000, null));
    expect(coverPlan(100, null).minSize).toBe(2);
    // After reviews: COVER_SLOTS × (1 − share / 0.5), from any group of two or more.
    expect(coverPlan(1000, { anomalies: 0, normals: 20 })).toEqual({ slots: COVER_SLOTS, minSize: 2 });
    expect(coverPlan(1000, { anomalies: 1, normals: 19 }).slots).toBe(Math.round(COVER_SLOTS * 0.9));
    expect(coverPlan(1000, { anomalies: 5, normals: 15 }).slots).toBe(Math.round(COVER_SLOTS * 0.5));
    expect(coverPlan(1000, { anomalies: 19, normals: 1 }).slots).toBe(0);
  });

  it('in the cold start, every other place of the first 2 × COVER_SLOTS is the largest group no one reviewed', () => {
    const labeled = new Uint8Array(n);
    labeled[0] = 1; // group 0 was reviewed
    const q = Array.from(reviewQueue({ ids, scores, groups, labeled, cover: { slots: COVER_SLOTS, minSize: 2 } }).order);
    expect(new Set(q).size).toBe(n);
    // After row 0 (labeled) and the best unlabeled row, picks take every other place (2, 4, …).
    const picks = Array.from({ length: COVER_SLOTS }, (_, i) => q[2 + 2 * i]! - 1);
    const pickGroups = picks.map((r) => groups[r]!);
    for (const r of picks) expect(r).toBeLessThan(48); // groups of four, not singletons
    expect(pickGroups).not.toContain(0); // the reviewed group is not picked again
    expect(new Set(pickGroups).size).toBe(COVER_SLOTS); // one pick per group
  });

  it('in the cold start picks only groups holding COVER_MIN_SHARE of the records, and says how many it placed', () => {
    // 1000 rows: groups of 4 (0.4 %) except one of 5 (0.5 %), the rest singletons.
    const m = 1000;
    const gs = Int32Array.from({ length: m }, (_, i) => (i < 400 ? Math.floor(i / 4) : i === 400 ? 0 : 1000 + i));
    expect(Math.ceil(COVER_MIN_SHARE * m)).toBe(5);
    const q = reviewQueue({ ids: Int32Array.from({ length: m }, (_, i) => i + 1), scores: Float32Array.from({ length: m }, (_, i) => -i), groups: gs, labeled: new Uint8Array(m), cover: coverPlan(m, null) });
    expect(q.picks).toBe(1);
    // The pick (group 0's best row, record 1) takes the second place, after the best record of the rest.
    expect(Array.from(q.order.subarray(0, 3))).toEqual([2, 1, 3]);
    gs[400] = 5000; // no group reaches 5: the order is by score alone
    const none = reviewQueue({ ids: Int32Array.from({ length: m }, (_, i) => i + 1), scores: Float32Array.from({ length: m }, (_, i) => -i), groups: gs, labeled: new Uint8Array(m), cover: coverPlan(m, null) });
    expect(none.picks).toBe(0);
  });

  it('picks the largest groups, largest first, equal sizes by their best score', () => {
    // Group g has 2 + (g % 4) rows, spread over the order; ties in size come in score order.
    const rows: number[] = [];
    for (let g = 0; g < 9; g++) for (let k = 0; k < 2 + (g % 4); k++) rows.push(g);
    const m = rows.length;
    const order = Int32Array.from({ length: m }, (_, i) => (i * 7) % m); // a shuffle: 7 and m are coprime
    const gs = Int32Array.from(order, (r) => rows[r]!);
    const sc = Float32Array.from({ length: m }, (_, i) => m - i);
    const q = Array.from(reviewQueue({ ids: Int32Array.from({ length: m }, (_, i) => i + 1), scores: sc, groups: gs, labeled: new Uint8Array(m), cover: { slots: COVER_SLOTS, minSize: 2 } }).order);
    const picked = Array.from({ length: COVER_SLOTS }, (_, i) => gs[q[1 + 2 * i]! - 1]!);
    // Reference: groups by size (desc), then by their best row (lowest index = best score).
    const first = (g: number) => Array.from(gs).indexOf(g);
    const want = [...new Set(gs)].sort((a, b) => rows.filter((x) => x === b).length - rows.filter((x) => x === a).length || first(a) - first(b)).slice(0, COVER_SLOTS);
    expect(picked).toEqual(want);
  });
});

describe('groups of near-duplicates', () => {
  it('rounds feature vectors, and a template group wins over the vector', () => {
    const x = Float32Array.from([0, 1, 0.01, 1.02, 3, 1, 0, 1]);
    expect(Array.from(groupRows(x, 4, 2))).toEqual([0, 0, 1, 0]);
    expect(Array.from(groupRows(x, 4, 2, Int32Array.from([5, -1, 5, 7])))).toEqual([0, 1, 0, 2]);
  });
});

describe('training labels', () => {
  it('each group gives at most the square root of its labeled rows, and those left out are not unlabeled', () => {
    const groups = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2]);
    const l = trainingLabels(
      { anomalies: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), normals: Int32Array.from([10, 11]), unlabeled: new Int32Array(0), unsure: 0, reviewed: new Uint8Array(12) },
      groups,
      true,
    );
    expect(Array.from(l.anomalies)).toEqual([0, 1, 2, 9]);
    expect(Array.from(l.normals)).toEqual([10, 11]);
    expect(Array.from(l.unlabeled)).toEqual([]);
    const without = trainingLabels({ anomalies: Int32Array.from([0]), normals: Int32Array.from([10, 11]), unlabeled: new Int32Array(0), unsure: 0, reviewed: new Uint8Array(12) }, groups, false);
    expect(Array.from(without.normals)).toEqual([]);
    expect(without.unlabeled).toContain(10);
  });
});
