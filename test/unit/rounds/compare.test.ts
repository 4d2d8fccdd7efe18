import { describe, expect, it } from 'vitest';
import { setLabels } from '../../../src-main/core/labels/labels';
import { compareRounds } from '../../../src-main/core/rounds/compare';
import { newProject } from '../../helpers/project';
import { seedProject, storeRound } from './fixtures';

describe('compareRounds', () => {
  it('overlap, Spearman, labeled anomalies in the top k, ground-truth metrics', () => {
    const p = newProject();
    const { ids, outliers } = seedProject(p.db, 200, 20); // 10 outliers
    const out = new Set(outliers);
    // Round 1: random-ish; round 2: the outliers first; round 3: round 2 reversed.
    const s1 = Float32Array.from(ids, (id) => ((id * 7919) % 200) / 200);
    const s2 = Float32Array.from(ids, (id) => (out.has(id) ? 10 : 0) + id / 1000);
    const s3 = s2.map((s) => -s);
    storeRound(p.db, s1);
    storeRound(p.db, s2, { labels: [[outliers[0]!, 'anomaly']] });
    storeRound(p.db, s3);
    setLabels(p.db, outliers.slice(0, 4), 'anomaly', { author: 't' });

    const same = compareRounds(p.db, 2, 2, { k: 10 });
    expect(same).toMatchObject({ records: 200, k: 10, topKOverlap: 10, topKOverlapShare: 1, spearman: 1, labeledAnomaliesInTopK: { a: 4, b: 4 } });
    expect(compareRounds(p.db, 2, 3).spearman).toBeCloseTo(-1, 10);

    const c = compareRounds(p.db, 1, 2, { k: 10 });
    expect(c.labeledAnomaliesInTopK.b).toBe(4);
    expect(c.topKOverlap).toBeLessThan(10);
    expect(Math.abs(c.spearman!)).toBeLessThan(0.3);
    expect(c.truth).not.toBeNull();
    expect(c.truth!).toMatchObject({ records: 200, anomalies: 10 });
    expect(c.truth!.b.averagePrecision).toBeCloseTo(1, 12);
    expect(c.truth!.b.rocAuc).toBe(1);
    expect(c.truth!.a.rocAuc).toBeLessThan(0.8);
    // Held out: leaves out the record round 2 was trained on.
    expect(c.truth!.heldOut).toMatchObject({ records: 199, anomalies: 9 });

    // Ties get average ranks: a constant round correlates with nothing.
    storeRound(p.db, new Float32Array(200).fill(0.5));
    expect(compareRounds(p.db, 1, 4).spearman).toBeNull();
    p.close();
  });

  it('compares only the records both rounds scored', () => {
    const p = newProject();
    const { ids } = seedProject(p.db, 40);
    const s1 = Float32Array.from(ids.slice(0, 30), (id) => id); // round 1 scored ids 1..30
    storeRound(p.db, s1);
    storeRound(p.db, Float32Array.from(ids, (id) => id));
    const c = compareRounds(p.db, 1, 2, { k: 5 });
    expect(c.records).toBe(30);
    expect(c.spearman).toBeCloseTo(1, 10);
    expect(c.topKOverlap).toBe(5);
    p.close();
  });
});
