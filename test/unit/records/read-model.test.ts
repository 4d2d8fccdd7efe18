import { describe, expect, it } from 'vitest';
import { setLabels } from '../../../src-main/core/labels/labels';
import { recordDetail } from '../../../src-main/core/records/detail';
import { normaliseFilter } from '../../../src-main/core/records/filter';
import { rankOf, scoreOf, scoreRange, type Ranking } from '../../../src-main/core/records/ranking';
import { recordById, recordsAfter, recordsByIds } from '../../../src-main/core/records/read';
import { groundTruth } from '../../../src-main/core/records/truth';
import { rankingIds, rankingPage } from '../../../src-main/core/records/view';
import { roundRanking } from '../../../src-main/core/rounds/ranking';
import { newProject } from '../../helpers/project';
import { seedProject, storeRound } from '../rounds/fixtures';

/** 60 records, id 60 scored highest down to id 1; id 30 unscored; 60 and 58 anomaly, 57 unsure. */
function project() {
  const p = newProject();
  const { ids, outliers } = seedProject(p.db, 60, 10);
  storeRound(p.db, Float32Array.from(ids, (id) => (id === 30 ? NaN : id / 100)));
  setLabels(p.db, [60, 58], 'anomaly', { author: 't', note: 'bad' });
  setLabels(p.db, [57], 'unsure', { author: 't' });
  return { p, ids, outliers, ranking: roundRanking(p.db) };
}

describe('reading records', () => {
  it('by ids in the order asked, by one id, and after an id', () => {
    const { p } = project();
    const rows = recordsByIds(p.db, [58, 3, 999, 60]);
    expect(rows.map((r) => r.id)).toEqual([58, 3, 60]);
    expect(rows[0]).toMatchObject({ source: 't.log', sourceId: 1, line: 58, label: 'anomaly', note: 'bad', labeledBy: 't' });
    expect(rows[1]).toMatchObject({ label: null, note: null, labeledBy: null, labeledAt: null });
    expect(rows[0]!.values.length).toBeGreaterThan(0);
    expect(recordsByIds(p.db, [58, 3, 57], { labeledOnly: true }).map((r) => r.id)).toEqual([58, 57]);
    expect(recordById(p.db, 3)).toEqual(rows[1]);
    expect(recordById(p.db, 999)).toBeUndefined();
    expect(recordsAfter(p.db, 55, 3).map((r) => r.id)).toEqual([56, 57, 58]);
    expect(recordsAfter(p.db, 0, 10, { labeledOnly: true }).map((r) => r.id)).toEqual([57, 58, 60]);
    p.close();
  });

  it('reads the ground truth once per state of the records', () => {
    const { p, outliers } = project();
    const truth = groundTruth(p.db);
    expect(truth).toMatchObject({ records: 60, anomalies: outliers.length });
    expect(outliers.every((id) => truth.byId[id] === 1)).toBe(true);
    expect(groundTruth(p.db)).toBe(truth);
    p.close();
  });
});

describe('a ranking', () => {
  it('gives scores, ranks and its range', () => {
    const { p, ranking } = project();
    expect(scoreOf(ranking, 60)).toBe(Math.fround(0.6));
    expect(scoreOf(ranking, 30)).toBeNull();
    expect(rankOf(ranking, 58)).toBe(3);
    expect(rankOf(ranking, 30)).toBeNull();
    expect(scoreRange(ranking)).toEqual({ min: Math.fround(0.01), max: Math.fround(0.6) });
    const empty: Ranking = { round: 1, key: 'x', scores: new Float32Array(0), ranked: new Int32Array(0) };
    expect(scoreRange(empty)).toEqual({ min: 0, max: 0 });
    p.close();
  });
});

describe('pages of a ranking', () => {
  it('pages the unlabeled queue by default, with ranks in the whole ranking', () => {
    const { p, ranking } = project();
    const page = rankingPage(p.db, ranking, { filter: {}, offset: 0, limit: 3 });
    expect(page).toMatchObject({ round: 1, total: 59 - 3, offset: 0 });
    expect(page.records.map((r) => [r.record.id, r.rank])).toEqual([
      [59, 2],
      [56, 5],
      [55, 6],
    ]);
    expect(page.records[0]!.score).toBe(Math.fround(0.59));
    expect(rankingPage(p.db, ranking, { filter: {}, offset: 100, limit: 3 })).toMatchObject({ offset: 56, records: [] });
    p.close();
  });

  it('keeps a view fixed while it is labeled; labels in its rows are current', () => {
    const { p, ranking } = project();
    const first = rankingPage(p.db, ranking, { filter: {}, offset: 0, limit: 2 });
    setLabels(p.db, [59], 'normal', { author: 't' });
    const same = rankingPage(p.db, ranking, { filter: {}, offset: 0, limit: 2, view: first.view });
    expect(same.view).toBe(first.view);
    expect(same.records.map((r) => [r.record.id, r.record.label])).toEqual([
      [59, 'normal'],
      [56, null],
    ]);
    // Another filter (or the same one written another way is not another filter) makes a new view.
    expect(rankingPage(p.db, ranking, { filter: { label: 'none' }, offset: 0, limit: 1, view: first.view }).view).toBe(first.view);
    const fresh = rankingPage(p.db, ranking, { filter: { label: 'all' }, offset: 0, limit: 1, view: first.view });
    expect(fresh.view).not.toBe(first.view);
    p.close();
  });

  it('filters by label, score and field; an unknown source or field is not found', () => {
    const { p, ranking } = project();
    const ids = (filter: Parameters<typeof normaliseFilter>[0]) => rankingIds(p.db, ranking, { filter, offset: 0, limit: 100 }).ids;
    expect(ids({ label: 'anomaly' })).toEqual([60, 58]);
    expect(ids({ label: 'any' })).toEqual([60, 58, 57]);
    expect(ids({ label: 'unsure' })).toEqual([57]);
    expect(ids({ label: 'all' })).toHaveLength(59);
    expect(() => ids({ sourceId: 9 })).toThrow(/no import source 9/);
    expect(ids({ label: 'all', scoreMin: 0.555, scoreMax: 0.585 })).toEqual([58, 57, 56]);
    const icmp = ids({ label: 'all', fields: [{ field: 'PROTO', op: 'eq', value: 'icmp' }] });
    expect(icmp.length).toBeGreaterThan(0);
    expect(recordsByIds(p.db, icmp).every((r) => r.values.includes('icmp'))).toBe(true);
    expect(ids({ label: 'all', fields: [{ field: 'proto', op: 'contains', value: 'CM' }] })).toEqual(icmp);
    expect(() => ids({ fields: [{ field: 'nope', op: 'eq', value: 'x' }] })).toThrow(/no field "nope"/);
    // An empty field value is no test at all.
    expect(normaliseFilter({ fields: [{ field: 'proto', op: 'eq', value: '' }] })).toEqual({ label: 'none' });
    p.close();
  });

  it('gives a whole record with its place in the ranking, or none', () => {
    const { p, ranking } = project();
    const d = recordDetail(p.db, 58, ranking);
    expect(d).toMatchObject({ id: 58, round: 1, rank: 3, score: Math.fround(0.58), label: 'anomaly', note: 'bad', labeledBy: 't', source: 't.log' });
    expect(d.history).toHaveLength(1);
    expect(d.fields.map((f) => f.name).sort()).toEqual(['bytes', 'duration', 'packets', 'proto']);
    expect(recordDetail(p.db, 30, ranking)).toMatchObject({ round: 1, rank: null, score: null });
    expect(recordDetail(p.db, 30, null)).toMatchObject({ round: null, rank: null, score: null });
    expect(() => recordDetail(p.db, 999, ranking)).toThrow(/no record 999/);
    p.close();
  });
});
