import { describe, expect, it } from 'vitest';
import { rankByScore, rankedIds, roundScores } from '../../../src-main/core/rounds/ranking';
import { getRound, listRounds } from '../../../src-main/core/rounds/store';
import { newProject } from '../../helpers/project';
import { seedProject, slowRank, storeRound } from './fixtures';

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

describe('rounds: the store and the cached ranking', () => {
  it('lists rounds, reads their scores and caches rankings', () => {
    const p = newProject();
    const { ids } = seedProject(p.db, 50);
    expect(listRounds(p.db)).toEqual([]);
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
    p.close();
  });
});
