import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src-main/core/errors';
import { importFile } from '../../src-main/core/ingest/import';
import { runJob } from '../../src-main/core/jobs/run-job';
import { currentLabels, setLabels, type Label } from '../../src-main/core/labels/labels';
import { openProject } from '../../src-main/core/project/project';
import { compareRounds } from '../../src-main/core/rounds/compare';
import { roundSummaries } from '../../src-main/core/rounds/discovery';
import { rankedIds, roundGroups, roundScores } from '../../src-main/core/rounds/ranking';
import { getRound, listRounds, roundLabels } from '../../src-main/core/rounds/store';
import { topRecords } from '../../src-main/core/rounds/top';
import { COVER_MIN_SHARE, COVER_SLOTS } from '../../src-main/core/rounds/queue';
import { trainRound } from '../../src-main/core/rounds/train-round';
import { projectDigest } from '../helpers/project';
import { samplePath, tempDir } from '../helpers/samples';

const CONN = 'zeek-tsv/ctu-normal-40-day1.conn.log.labeled';

function truthOf(db: Database, id: number): Label {
  const { truth } = db.prepare('SELECT truth FROM records WHERE id = ?').get(id) as { truth: number };
  return truth === 1 ? 'anomaly' : 'normal';
}

describe('review rounds on a real log', () => {
  it('cold start, label the top 20 from ground truth, RoSAS round, compare; labels during training kept; cancel saves nothing', async () => {
    const file = path.join(tempDir(), 'p.rosas');
    const p = openProject(file, { create: true });
    const imported = await importFile(p.db, samplePath(CONN), { labelColumn: 'label' });
    expect(imported.records).toBe(5663);
    const maxId = (p.db.prepare('SELECT max(id) AS n FROM records').get() as { n: number }).n;

    // Round 1: no labels, Isolation Forest.
    const r1 = await trainRound(p.db, { seed: 1 });
    expect(r1).toMatchObject({ round: 1, method: 'iforest', labeledAnomalies: 0, labeledNormals: 0, recordsScored: 5663 });
    const s1 = roundScores(p.db, 1);
    expect(s1.length).toBe(maxId);
    expect(s1.every((s) => Number.isFinite(s))).toBe(true);
    const ranked1 = rankedIds(p.db, 1);
    expect(ranked1.length).toBe(5663);
    expect(new Set(ranked1).size).toBe(5663);
    // The cold start's review order (rounds/queue.ts): places 2, 4, … show the largest groups no
    // one has reviewed (each 1 in 200 records or more); the other places, and everything after, go by
    // descending score. This capture has such groups.
    const picks = r1.coverPicks;
    expect(picks).toBeGreaterThan(0);
    expect(picks).toBeLessThanOrEqual(COVER_SLOTS);
    const byScore = (from: number, to: number, step: number) => {
      for (let i = from + step; i < to; i += step) expect(s1[ranked1[i]! - 1]!).toBeLessThanOrEqual(s1[ranked1[i - step]! - 1]!);
    };
    byScore(0, 2 * picks, 2);
    byScore(2 * picks, ranked1.length, 1);
    const groups = roundGroups(p.db, 1)!;
    const coverGroups = Array.from({ length: picks }, (_, i) => groups[ranked1[2 * i + 1]! - 1]!);
    expect(new Set(coverGroups).size).toBe(picks);
    for (const g of coverGroups) expect(groups.filter((x) => x === g).length).toBeGreaterThanOrEqual(Math.ceil(COVER_MIN_SHARE * 5663));

    // The analyst reviews the top 20 and labels them as the ground truth says.
    const top = topRecords(p.db, { n: 20 });
    expect(top.map((r) => r.rank)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(top.map((r) => r.id)).toEqual(Array.from(ranked1.slice(0, 20)));
    expect(top[0]!.fields['id.orig_h']).toBeTypeOf('string');
    expect(top[0]!.source).toBe(path.basename(CONN));
    for (const r of top) setLabels(p.db, [r.id], truthOf(p.db, r.id), { author: 'analyst' });
    if (![...currentLabels(p.db).values()].includes('anomaly')) {
      // Make sure RoSAS has an anomaly to learn from, whatever the top 20 held.
      const id = (p.db.prepare('SELECT id FROM records WHERE truth = 1 LIMIT 1').get() as { id: number }).id;
      setLabels(p.db, [id], 'anomaly', { author: 'analyst' });
    }
    const snapshot = currentLabels(p.db);
    expect(topRecords(p.db, { n: 5, unlabeledOnly: true }).every((r) => r.label === null && !snapshot.has(r.id))).toBe(true);

    // Round 2: RoSAS, a few epochs, in the job worker; the analyst labels meanwhile (main connection).
    const extra = topRecords(p.db, { n: 3, unlabeledOnly: true }).map((r) => r.id);
    let labeledDuring = false;
    const r2 = await runJob(
      'train',
      { project: p.path, options: { epochs: 3, seed: 1 } },
      {
        onProgress: (pr) => {
          if (pr.stage === 'training' && !labeledDuring) {
            setLabels(p.db, extra, 'normal', { author: 'analyst', note: 'during training' });
            labeledDuring = true;
          }
        },
      },
    );
    expect(labeledDuring).toBe(true);
    const anomalies = [...snapshot.values()].filter((l) => l === 'anomaly').length;
    const normals = [...snapshot.values()].filter((l) => l === 'normal').length;
    expect(r2).toMatchObject({ round: 2, method: 'rosas', epochs: 3, labeledAnomalies: anomalies, labeledNormals: normals, recordsScored: 5663 });
    expect(roundLabels(p.db, 2)).toEqual(snapshot);
    for (const id of extra) expect(currentLabels(p.db).get(id)).toBe('normal');
    // 3 epochs for each of the 3 ensemble members.
    expect(getRound(p.db, 2).history).toHaveLength(9);
    expect(roundScores(p.db, 2).length).toBe(maxId);
    expect(rankedIds(p.db, 2).length).toBe(5663);

    const c = compareRounds(p.db, 1, 2, { k: 20 });
    expect(c.records).toBe(5663);
    expect(c.k).toBe(20);
    expect(c.topKOverlap).toBeGreaterThanOrEqual(0);
    expect(c.spearman).toBeGreaterThanOrEqual(-1);
    expect(c.spearman).toBeLessThanOrEqual(1);
    expect(c.labeledAnomaliesInTopK.a).toBe([...topRecords(p.db, { round: 1, n: 20 })].filter((r) => r.label === 'anomaly').length);
    expect(c.truth).toMatchObject({ records: 5663, anomalies: 4201 });
    for (const m of [c.truth!.a, c.truth!.b]) {
      expect(m.averagePrecision).toBeGreaterThan(0);
      expect(m.rocAuc).toBeGreaterThan(0);
    }
    expect(c.truth!.heldOut!.records).toBe(5663 - snapshot.size);

    // A cancelled round leaves the project as it was.
    const before = projectDigest(p);
    const controller = new AbortController();
    await expect(
      runJob('train', { project: p.path, options: { epochs: 50 } }, { signal: controller.signal, onProgress: (pr) => pr.stage === 'training' && controller.abort() }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(projectDigest(p)).toBe(before);
    expect(listRounds(p.db)).toHaveLength(2);
    p.close();
  });

  it('asked to, with enough anomaly labels, RoSAS cross-fits its training length and the round says how the hidden anomalies ranked', async () => {
    const p = openProject(path.join(tempDir(), 'p.rosas'), { create: true });
    await importFile(p.db, samplePath(CONN), { labelColumn: 'label' });
    const pick = (truth: number, n: number) => (p.db.prepare('SELECT id FROM records WHERE truth = ? ORDER BY id LIMIT ?').all(truth, n) as Array<{ id: number }>).map((r) => r.id);
    setLabels(p.db, pick(1, 12), 'anomaly', { author: 'analyst' });
    setLabels(p.db, pick(0, 12), 'normal', { author: 'analyst' });
    const members = new Set<number>();
    const r = await runJob('train', { project: p.path, options: { seed: 3, stopping: 'cross-fit' } }, { onProgress: (pr) => pr.training?.mode === 'lockstep' && members.add(pr.training.member) });
    expect(r).toMatchObject({ round: 1, method: 'rosas', labeledAnomalies: 12, labeledNormals: 12 });
    expect([...members].sort()).toEqual([0, 1, 2]);
    expect(r.hiddenAnomalyAuc).toBeGreaterThan(0);
    expect(r.hiddenAnomalyAuc).toBeLessThanOrEqual(1);
    const params = getRound(p.db, 1).params as { crossFit: { keptEpoch: number; heldOutAuc: number[]; hidden: number } };
    // Near-duplicate anomalies count ⌈√k⌉ per group (rounds/round-labels.ts): at most the 12 labeled.
    expect(params.crossFit.keptEpoch).toBe(r.epochs);
    expect(params.crossFit.hidden).toBeGreaterThanOrEqual(6);
    expect(params.crossFit.hidden).toBeLessThanOrEqual(12);
    expect(params.crossFit.heldOutAuc[r.epochs! - 1]).toBe(r.hiddenAnomalyAuc);
    expect(roundSummaries(p.db)[0]).toMatchObject({ epochs: r.epochs, members: 3, hiddenAnomalyAuc: r.hiddenAnomalyAuc });
    p.close();
  });
});
