import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiResult, DiscoveryCurve, ExportDone, LabelsSetResult, PrecisionRecall, RecordDetail, ReviewPage, RoundSummary, ScoreHistogram } from '../../../src-main/api/contract';
import { dispatch } from '../../../src-main/api/dispatch';
import { createHandlers, defaultExportPath, type Dialogs } from '../../../src-main/api/handlers';
import { RecentProjects } from '../../../src-main/api/recent';
import { Session } from '../../../src-main/api/session';
import type { Explanation } from '../../../src-main/core/explain/explain';
import { importFile } from '../../../src-main/core/ingest/import';
import { rankedIds, roundScores } from '../../../src-main/core/rounds/ranking';
import { trainRound } from '../../../src-main/core/rounds/train-round';
import { samplePath, tempDir } from '../../helpers/samples';

const CONN = samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled');
const RECORDS = 5663;

function harness(opts: { mode?: 'serve' | 'desktop'; dialogs?: Dialogs } = {}) {
  const dir = tempDir();
  const log = vi.fn();
  const session = new Session({ emit: () => {}, purpose: 'test', log });
  const handlers = createHandlers({ mode: opts.mode ?? 'serve', session, recent: new RecentProjects(path.join(dir, 'config')), dialogs: opts.dialogs, author: 'ana' });
  const call = (name: string, payload: unknown = {}) => dispatch(handlers, name, payload, log);
  const value = async <T>(name: string, payload: unknown = {}): Promise<T> => {
    const r = await call(name, payload);
    if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  return { dir, session, call, value, log };
}

const failure = (r: ApiResult<unknown>) => (r.ok ? null : r.error);
const COLUMNS = ['ts', 'id.orig_h', 'id.resp_p', 'proto', 'service', 'label'];

describe('review, labels, charts and export on the CTU conn log', () => {
  const h = harness();
  let file: string;

  beforeAll(async () => {
    file = path.join(h.dir, 'ctu.rosas');
    const p = h.session.open(file, true);
    await importFile(p.db, CONN, { labelColumn: 'label' });
    await trainRound(p.db, { seed: 1 });
  }, 120_000);

  const page = (over: Record<string, unknown> = {}) => h.value<ReviewPage>('review.page', { filter: {}, columns: COLUMNS, offset: 0, limit: 50, ...over });

  it('pages the ranking of the newest round, a slice at a time', async () => {
    const db = h.session.current().db;
    const ranked = rankedIds(db, 1);
    const scores = roundScores(db, 1);
    const first = await page();
    expect(first).toMatchObject({ round: 1, total: RECORDS, offset: 0 });
    expect(first.rows).toHaveLength(50);
    expect(first.rows.map((r) => r.rank)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(first.rows.map((r) => r.id)).toEqual(Array.from(ranked.subarray(0, 50)));
    expect(first.rows[0]!.score).toBe(scores[ranked[0]! - 1]);
    expect(first.scores.max).toBe(first.rows[0]!.score);
    expect(first.rows[0]).toMatchObject({ source: path.basename(CONN), label: null, note: null });
    expect(Object.keys(first.rows[0]!.columns)).toEqual(COLUMNS);
    expect(first.rows[0]!.columns['id.orig_h']).toMatch(/^[\d.]+$|:/);

    const later = await page({ view: first.view, offset: 5000, limit: 1000 });
    expect(later.view).toBe(first.view);
    expect(later.rows).toHaveLength(RECORDS - 5000);
    expect(later.rows.map((r) => r.id)).toEqual(Array.from(ranked.subarray(5000)));
    expect((await page({ offset: RECORDS + 10 })).rows).toEqual([]);
  });

  it('keeps a view fixed while its records are labeled; a fresh view leaves them out of the queue', async () => {
    const first = await page();
    const ids = first.rows.slice(0, 3).map((r) => r.id);
    const set = await h.value<LabelsSetResult>('labels.set', { ids: ids.slice(0, 2), label: 'anomaly', note: 'beaconing <script>alert(1)</script>' });
    expect(set).toMatchObject({ changed: 2, counts: { anomaly: 2, normal: 0, unsure: 0, total: 2 } });
    expect(set.records).toEqual(ids.slice(0, 2).map((id) => ({ id, label: 'anomaly', note: 'beaconing <script>alert(1)</script>' })));
    await h.value('labels.set', { ids: [ids[2]], label: 'normal' });

    const same = await page({ view: first.view });
    expect(same.total).toBe(RECORDS);
    expect(same.rows.slice(0, 3).map((r) => r.label)).toEqual(['anomaly', 'anomaly', 'normal']);
    expect(same.rows[0]!.note).toBe('beaconing <script>alert(1)</script>');

    const fresh = await page();
    expect(fresh.view).not.toBe(first.view);
    expect(fresh.total).toBe(RECORDS - 3);
    expect(fresh.rows.map((r) => r.id)).not.toContain(ids[0]);
    // Labeled records stay findable, with their rank in the whole ranking.
    const labeled = await page({ filter: { label: 'any' } });
    expect(labeled.rows.map((r) => [r.id, r.rank])).toEqual(ids.map((id, i) => [id, i + 1]));
    expect((await page({ filter: { label: 'anomaly' } })).total).toBe(2);
    expect((await page({ filter: { label: 'normal' } })).rows.map((r) => r.id)).toEqual([ids[2]]);
    expect((await page({ filter: { label: 'unsure' } })).total).toBe(0);
    expect((await page({ filter: { label: 'all' } })).total).toBe(RECORDS);
  });

  it('filters by field value, source and score range', async () => {
    const udp = await page({ filter: { label: 'all', fields: [{ field: 'proto', op: 'eq', value: 'udp' }] }, limit: 1000 });
    expect(udp.total).toBeGreaterThan(0);
    expect(udp.total).toBeLessThan(RECORDS);
    expect(udp.rows.every((r) => r.columns.proto === 'udp')).toBe(true);
    // Field names compare without case, as the project compares them.
    expect((await page({ filter: { label: 'all', fields: [{ field: 'PROTO', op: 'eq', value: 'udp' }] } })).total).toBe(udp.total);

    const dns = await page({ filter: { label: 'all', fields: [{ field: 'service', op: 'contains', value: 'DN' }] }, limit: 1000 });
    expect(dns.total).toBeGreaterThan(0);
    expect(dns.rows.every((r) => String(r.columns.service).toLowerCase().includes('dn'))).toBe(true);
    // Numbers compare as their text; two filters must both match.
    const both = await page({ filter: { label: 'all', fields: [{ field: 'proto', op: 'eq', value: 'udp' }, { field: 'id.resp_p', op: 'eq', value: '53' }] }, limit: 1000 });
    expect(both.total).toBeGreaterThan(0);
    expect(both.rows.every((r) => r.columns.proto === 'udp' && r.columns['id.resp_p'] === 53)).toBe(true);
    // A few candidates (a label filter) take the lookup path instead of the scan: same answer.
    const few = await page({ filter: { label: 'any', fields: [{ field: 'proto', op: 'contains', value: '' }] } });
    expect(few.total).toBe(3);

    expect(failure(await h.call('review.page', { filter: { fields: [{ field: 'nope', op: 'eq', value: 'x' }] }, columns: [], offset: 0, limit: 1 }))).toMatchObject({
      code: 'not-found',
      message: 'no field "nope" in this project',
    });

    const all = await page({ filter: { label: 'all' } });
    const mid = (all.scores.min + all.scores.max) / 2;
    const high = await page({ filter: { label: 'all', scoreMin: mid }, limit: 1000 });
    expect(high.total).toBeGreaterThan(0);
    expect(high.rows.every((r) => r.score >= mid)).toBe(true);
    const low = await page({ filter: { label: 'all', scoreMax: mid } });
    expect(high.total + low.total).toBeGreaterThanOrEqual(RECORDS);

    const source = await page({ filter: { label: 'all', sourceId: 1 } });
    expect(source.total).toBe(RECORDS);
    expect(failure(await h.call('review.page', { filter: { sourceId: 99 }, columns: [], offset: 0, limit: 1 }))?.code).toBe('not-found');
  });

  it('hands out the ids of a range of a view, for a bulk selection', async () => {
    const first = await page({ filter: { label: 'all' } });
    const r = await h.value<{ view: string; total: number; ids: number[] }>('review.ids', { filter: { label: 'all' }, view: first.view, offset: 10, limit: 2000 });
    expect(r.view).toBe(first.view);
    expect(r.ids).toEqual(Array.from(rankedIds(h.session.current().db, 1).subarray(10, 2010)));
  });

  it('gets a whole record with its label history, and explains it', async () => {
    const top = (await page({ filter: { label: 'anomaly' } })).rows[0]!;
    await h.value('labels.set', { ids: [top.id], label: 'unsure', note: '' });
    await h.value('labels.set', { ids: [top.id], label: 'anomaly', note: 'checked twice' });
    const r = await h.value<RecordDetail>('record.get', { id: top.id });
    expect(r).toMatchObject({ id: top.id, source: path.basename(CONN), line: top.line, label: 'anomaly', note: 'checked twice', labeledBy: 'ana', round: 1, rank: top.rank, score: top.score });
    expect(r.raw.split('\t').length).toBeGreaterThan(15);
    expect(r.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['ts', 'uid', 'id.orig_h', 'proto', 'label']));
    expect(r.fields.find((f) => f.name === 'label')).toMatchObject({ role: 'label' });
    expect(['anomaly', 'normal']).toContain(r.truth);
    expect(r.history.map((x) => [x.previous, x.label, x.note, x.author])).toEqual([
      [null, 'anomaly', 'beaconing <script>alert(1)</script>', 'ana'],
      ['anomaly', 'unsure', null, 'ana'],
      ['unsure', 'anomaly', 'checked twice', 'ana'],
    ]);
    expect(failure(await h.call('record.get', { id: 10_000_000 }))?.code).toBe('not-found');

    const e = await h.value<Explanation>('record.explain', { id: top.id });
    expect(e).toMatchObject({ recordId: top.id, round: 1, method: 'iforest', technique: 'occlusion' });
    expect(e.fields.length).toBeGreaterThan(3);
    for (let i = 1; i < e.fields.length; i++) expect(e.fields[i]!.contribution).toBeLessThanOrEqual(e.fields[i - 1]!.contribution);
  });

  it('refuses labels for records that do not exist, saving none', async () => {
    const before = await h.value<ReviewPage>('review.page', { filter: { label: 'any' }, columns: [], offset: 0, limit: 10 });
    const r = await h.call('labels.set', { ids: [before.rows[0]!.id, 99_999_999], label: 'normal' });
    expect(failure(r)).toMatchObject({ code: 'not-found' });
    const after = await h.value<ReviewPage>('review.page', { filter: { label: 'any' }, columns: [], offset: 0, limit: 10 });
    expect(after.rows.map((x) => x.label)).toEqual(before.rows.map((x) => x.label));
  });

  it('draws the score histogram, split by label', async () => {
    const hist = await h.value<ScoreHistogram>('charts.scoreHistogram', { bins: 20 });
    expect(hist.edges).toHaveLength(21);
    expect(hist.edges[0]).toBe(hist.min);
    expect(hist.edges[20]).toBe(hist.max);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(hist.counts.unlabeled) + sum(hist.counts.anomaly) + sum(hist.counts.normal) + sum(hist.counts.unsure)).toBe(RECORDS);
    expect(sum(hist.counts.anomaly)).toBe(2);
    expect(sum(hist.counts.normal)).toBe(1);
    // The top-ranked records are in the highest bin.
    expect(hist.counts.anomaly[19]! + hist.counts.normal[19]!).toBeGreaterThan(0);
  });

  it('draws the discovery curve and the rounds with what each found', async () => {
    const d = await h.value<DiscoveryCurve>('charts.discovery');
    expect(d).toMatchObject({ reviewed: 3, found: 2 });
    expect(d.rounds).toEqual([{ round: 1, reviewed: 3, found: 2, points: [[0, 0], [1, 1], [2, 2], [3, 2]] }]);
    const rounds = await h.value<RoundSummary[]>('rounds.list');
    expect(rounds).toEqual([expect.objectContaining({ round: 1, method: 'iforest', epochs: null, reviewed: 3, anomaliesFound: 2, recordsScored: RECORDS, backend: 'js' })]);
  });

  it('measures precision and recall along the ranking against the ground truth', async () => {
    const pr = await h.value<PrecisionRecall>('charts.precisionRecall');
    expect(pr).toMatchObject({ available: true, records: RECORDS });
    expect(pr.anomalies).toBeGreaterThan(0);
    const r1 = pr.rounds[0]!;
    expect(r1.round).toBe(1);
    expect(r1.averagePrecision).toBeGreaterThan(0);
    expect(r1.averagePrecision).toBeLessThanOrEqual(1);
    expect(r1.heldOutAveragePrecision).not.toBeNull();
    expect(r1.points[0]).toMatchObject({ k: 1 });
    expect(r1.points.at(-1)).toEqual({ k: RECORDS, precision: pr.anomalies / RECORDS, recall: 1 });
    for (let i = 1; i < r1.points.length; i++) {
      expect(r1.points[i]!.k).toBeGreaterThan(r1.points[i - 1]!.k);
      expect(r1.points[i]!.recall).toBeGreaterThanOrEqual(r1.points[i - 1]!.recall);
    }
  });

  it('exports the findings beside the project, refuses to replace a file unasked, and writes labels and notes', async () => {
    const done = await h.value<ExportDone>('export.run', { format: 'ndjson', onlyLabeled: true });
    expect(done).toMatchObject({ format: 'ndjson', records: 3, round: 1 });
    expect(path.dirname(done.file!)).toBe(path.dirname(file));
    expect(path.basename(done.file!)).toMatch(/^ctu-findings-round1-\d{8}-\d{6}\.ndjson$/);
    const lines = fs.readFileSync(done.file!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.label).sort()).toEqual(['anomaly', 'anomaly', 'normal']);
    expect(lines.map((l) => l.note)).toContain('checked twice');
    expect(lines.every((l) => l.labeled_by === 'ana')).toBe(true);

    const csv = path.join(h.dir, 'out.csv');
    expect((await h.value<ExportDone>('export.run', { format: 'csv', onlyLabeled: false, path: csv })).records).toBe(RECORDS);
    const again = await h.call('export.run', { format: 'csv', onlyLabeled: true, path: csv });
    expect(failure(again)).toMatchObject({ code: 'exists' });
    expect(fs.readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(RECORDS + 1);
    await h.value('export.run', { format: 'csv', onlyLabeled: true, path: csv, overwrite: true });
    const text = fs.readFileSync(csv, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(4);
    expect(text).toContain('checked twice');
    expect(failure(await h.call('export.run', { format: 'csv', onlyLabeled: true, path: path.join(h.dir, 'no-such-dir', 'x.csv') }))?.code).toBe('not-found');
  });
});

describe('export in the desktop app', () => {
  it('asks where to save with a dialog, and writes nothing when it is cancelled', async () => {
    let answer: string | null = null;
    const saveExport = vi.fn(async () => answer);
    const dialogs: Dialogs = { openProject: async () => null, openFiles: async () => [], saveExport };
    const h = harness({ mode: 'desktop', dialogs });
    const file = path.join(h.dir, 'd.rosas');
    const p = h.session.open(file, true);
    await importFile(p.db, CONN, { labelColumn: 'label' });
    expect(await h.value<ExportDone>('export.run', { format: 'csv', onlyLabeled: false })).toEqual({ file: null, format: 'csv', records: 0, round: null });
    expect(saveExport).toHaveBeenCalledWith(expect.stringMatching(/d-records-\d{8}-\d{6}\.csv$/), 'csv');
    answer = path.join(h.dir, 'chosen.csv');
    expect(await h.value<ExportDone>('export.run', { format: 'csv', onlyLabeled: false })).toMatchObject({ file: answer, records: RECORDS, round: null });
  });

  it('names a default export after the project, what it holds and the round', () => {
    const at = new Date('2024-06-01T10:20:30.456Z');
    expect(defaultExportPath('/cases/x.rosas', { format: 'ndjson', onlyLabeled: true, round: 3 }, at)).toBe('/cases/x-findings-round3-20240601-102030.ndjson');
    expect(defaultExportPath('/cases/y', { format: 'csv', onlyLabeled: false, round: null }, at)).toBe('/cases/y-records-20240601-102030.csv');
  });
});

describe('review of a log with hostile field names and values', () => {
  it('keeps a field called __proto__ a plain column', async () => {
    const h = harness();
    const log = path.join(h.dir, 'hostile.ndjson');
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ ts: 1_700_000_000 + i, __proto__: i % 3 === 0 ? '<img src=x onerror=alert(1)>' : 'x', bytes: i * 10, host: `h${i % 4}` }));
    // JSON.stringify drops a literal __proto__ key set this way; write it by hand.
    fs.writeFileSync(log, lines.map((l, i) => l.replace('{', `{"__proto__":"${i % 3 === 0 ? '<img src=x onerror=alert(1)>' : 'x'}",`)).join('\n') + '\n');
    const p = h.session.open(path.join(h.dir, 'h.rosas'), true);
    await importFile(p.db, log, {});
    await trainRound(p.db, { seed: 1 });
    const r = await h.value<ReviewPage>('review.page', { filter: { label: 'all', fields: [{ field: '__proto__', op: 'contains', value: 'onerror' }] }, columns: ['__proto__', 'host'], offset: 0, limit: 100 });
    expect(r.total).toBe(14);
    const row = r.rows[0]!;
    expect(Object.getPrototypeOf(row.columns)).toBeNull();
    expect(Object.keys(row.columns)).toEqual(['__proto__', 'host']);
    expect(row.columns['__proto__']).toBe('<img src=x onerror=alert(1)>');
  });
});
