import { describe, expect, it } from 'vitest';
import { setLabels } from '../../../src-main/core/labels/labels';
import { topRecords } from '../../../src-main/core/rounds/top';
import { newProject } from '../../helpers/project';
import { seedProject, storeRound } from './fixtures';

describe('topRecords', () => {
  it('says so when there is no round yet', () => {
    const p = newProject();
    seedProject(p.db, 50);
    expect(() => topRecords(p.db, { n: 5 })).toThrow(/no rounds yet/);
    p.close();
  });

  it('pages through the ranking with field names, labels and sources', () => {
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
});
