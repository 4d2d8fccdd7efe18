import { describe, expect, it } from 'vitest';
import { setLabels } from '../../../src-main/core/labels/labels';
import { blobFloat32, packPlain, unpackPlain } from '../../../src-main/core/rounds/model-store';
import { compareRounds, getRound, listRounds, rankByScore, rankedIds, roundModel, roundScores, topRecords } from '../../../src-main/core/rounds/rounds';
import { newProject } from '../../helpers/project';
import { seedProject, storeRound } from './fixtures';

/** The reference ranking: a comparator sort. */
function slowRank(scores: Float32Array): number[] {
  const ids: number[] = [];
  scores.forEach((s, i) => {
    if (!Number.isNaN(s)) ids.push(i + 1);
  });
  return ids.sort((a, b) => scores[b - 1]! - scores[a - 1]! || a - b);
}

describe('rankByScore', () => {
  it('orders ids by descending score, ties by id, NaN left out', () => {
    const s = Float32Array.from([0.5, NaN, -1, 3, 0.5, -0, 0, -Infinity, Infinity, 1e-30, -1e-30, NaN, 0.5]);
    expect(Array.from(rankByScore(s))).toEqual(slowRank(s));
    expect(Array.from(rankByScore(new Float32Array(0)))).toEqual([]);
    expect(Array.from(rankByScore(Float32Array.from([NaN, NaN])))).toEqual([]);
  });

  it('matches a comparator sort on random data with many ties', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const s = Float32Array.from({ length: 20_000 }, () => (rnd() < 0.05 ? NaN : Math.round((rnd() - 0.3) * 200) / 10));
    expect(Array.from(rankByScore(s))).toEqual(slowRank(s));
  });

  it('ranks a million scores well under a second', () => {
    const s = new Float32Array(1_000_000);
    for (let i = 0; i < s.length; i++) s[i] = Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
    const t0 = performance.now();
    const r = rankByScore(s);
    const ms = performance.now() - t0;
    expect(r.length).toBe(1_000_000);
    for (let i = 1; i < 1000; i++) expect(s[r[i]! - 1]!).toBeLessThanOrEqual(s[r[i - 1]! - 1]!);
    expect(ms).toBeLessThan(500);
  });
});

describe('model-store', () => {
  it('round-trips plain data with typed arrays of any kind', () => {
    const value = {
      kind: 'iforest',
      dim: 3,
      roots: Int32Array.from([0, 5, -1]),
      value: Float64Array.from([0.1, Math.PI, -1e300]),
      small: Uint8Array.from([1, 2, 3]),
      nested: [{ w: Float32Array.from([1.5, -2]) }, 'x', null, true],
    };
    const { json, blob } = packPlain(value);
    // Copy into an odd offset: stored blobs need not be aligned.
    const shifted = new Uint8Array(blob.length + 1).subarray(1);
    shifted.set(blob);
    expect(unpackPlain(json, shifted)).toEqual(value);
    expect(() => packPlain({ x: NaN })).toThrow(/not finite/);
    expect(Array.from(blobFloat32(Buffer.from(Float32Array.from([1, NaN, 3]).buffer)))).toEqual([1, NaN, 3]);
  });
});

describe('rounds', () => {
  it('lists rounds, reads their scores and caches rankings', () => {
    const p = newProject();
    const { ids } = seedProject(p.db, 50);
    expect(listRounds(p.db)).toEqual([]);
    expect(() => topRecords(p.db, { n: 5 })).toThrow(/no rounds yet/);
    const scores = Float32Array.from(ids, (id) => (id * 7) % 50);
    const r1 = storeRound(p.db, scores, { labels: [[ids[0]!, 'anomaly'], [ids[1]!, 'unsure']] });
    expect(r1).toBe(1);
    expect(getRound(p.db, 1)).toMatchObject({ round: 1, method: 'iforest', recordsScored: 50, snapshot: { anomaly: 1, normal: 0, unsure: 1 }, history: [] });
    expect(() => getRound(p.db, 2)).toThrow(/no round 2 .*rounds are 1 to 1/);
    expect(Array.from(roundScores(p.db, 1))).toEqual(Array.from(scores));
    const ranked = rankedIds(p.db, 1);
    expect(Array.from(ranked)).toEqual(slowRank(scores));
    expect(rankedIds(p.db, 1)).toBe(ranked); // cached
    // A copy: changing it changes nothing stored.
    roundScores(p.db, 1).fill(0);
    expect(Array.from(roundScores(p.db, 1))).toEqual(Array.from(scores));
    expect(roundModel(p.db, 1)).toEqual({ kind: 'iforest', forest: {} });
    p.close();
  });

  it('topRecords pages through the ranking with field names, labels and sources', () => {
    const p = newProject();
    const { ids } = seedProject(p.db, 60);
    // Scores: record id 60 highest, down to id 1; id 30 missing (NaN).
    const scores = Float32Array.from(ids, (id) => (id === 30 ? NaN : id / 100));
    storeRound(p.db, scores);
    setLabels(p.db, [60, 58], 'anomaly', { author: 't', note: 'bad' });
    setLabels(p.db, [57], 'unsure', { author: 't' });

    const top = topRecords(p.db, { n: 3 });
    expect(top.map((r) => [r.id, r.rank, r.label])).toEqual([
      [60, 1, 'anomaly'],
      [59, 2, null],
      [58, 3, 'anomaly'],
    ]);
    expect(top[0]).toMatchObject({ score: Math.fround(0.6), note: 'bad', source: 't.log', line: 60 });
    expect(Object.keys(top[0]!.fields).sort()).toEqual(['bytes', 'duration', 'packets', 'proto']);
    expect(top[0]!.fields.proto).toBe('tcp');
    expect(typeof top[0]!.raw).toBe('string');

    expect(topRecords(p.db, { n: 2, offset: 3 }).map((r) => [r.id, r.rank])).toEqual([
      [57, 4],
      [56, 5],
    ]);
    // Unlabeled only: labeled ones (unsure included) skipped; the rank stays the position in the full ranking.
    expect(topRecords(p.db, { n: 3, unlabeledOnly: true }).map((r) => [r.id, r.rank])).toEqual([
      [59, 2],
      [56, 5],
      [55, 6],
    ]);
    expect(topRecords(p.db, { n: 2, offset: 2, unlabeledOnly: true }).map((r) => r.id)).toEqual([55, 54]);
    // The unscored record is never listed; the end of the ranking gives a short page.
    const all = topRecords(p.db, { n: 100 });
    expect(all).toHaveLength(59);
    expect(all.some((r) => r.id === 30)).toBe(false);
    expect(all.at(-1)).toMatchObject({ id: 1, rank: 59 });
    expect(topRecords(p.db, { n: 5, offset: 59 })).toEqual([]);
    expect(() => topRecords(p.db, { n: 1, round: 9 })).toThrow(/no round 9/);
    p.close();
  });

  it('compareRounds: overlap, Spearman, labeled anomalies in the top k, ground-truth metrics', () => {
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
