import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../../src-main/core/features/featurize';
import { latestSpec } from '../../../src-main/core/features/spec-store';
import { CancelledError } from '../../../src-main/core/errors';
import { currentLabels, setLabels } from '../../../src-main/core/labels/labels';
import { loadTf } from '../../../src-main/core/model/backend';
import { DEFAULT_FEEDBACK, feedbackScores } from '../../../src-main/core/model/feedback';
import { fitIsolationForest, scoreIsolationForest, type IsolationForest } from '../../../src-main/core/model/iforest';
import { scoreMatrix } from '../../../src-main/core/model/rosas/rosas';
import { openProject } from '../../../src-main/core/project/project';
import { roundModel } from '../../../src-main/core/rounds/model-store';
import { rankByScore, rankedIds, roundScores } from '../../../src-main/core/rounds/ranking';
import { getRound, listRounds, roundLabels } from '../../../src-main/core/rounds/store';
import { IFOREST_SAMPLE_SIZE, IFOREST_TREES, trainRound, type TrainRoundProgress } from '../../../src-main/core/rounds/train-round';
import { newProject, projectDigest } from '../../helpers/project';
import { seedProject } from './fixtures';

const author = { author: 'test' };

/** Matrix rows of the given record ids. */
function rowsOf(matrixIds: Int32Array, ids: number[]): Int32Array {
  return Int32Array.from(ids, (id) => matrixIds.indexOf(id));
}

describe('trainRound', () => {
  it('cold start: Isolation Forest over every record, stored in one round with its label snapshot', async () => {
    const p = newProject();
    const { ids, outliers } = seedProject(p.db, 300, 30);
    // A gap in the ids: no record has ids 301..304.
    p.db.prepare("INSERT INTO records (id, source_id, line, ts, truth, raw, fields) VALUES (305, 1, 301, NULL, 0, 'x', ?)").run(JSON.stringify([300, 1, 'tcp', 5]));
    setLabels(p.db, ids.slice(0, 5), 'normal', author);
    setLabels(p.db, ids.slice(5, 7), 'unsure', author);

    const stages: string[] = [];
    const r = await trainRound(p.db, { seed: 7 }, { onProgress: (pr) => stages.push(pr.stage) });
    expect(r).toMatchObject({ round: 1, method: 'iforest', backend: 'js', seed: 7, epochs: null, labeledAnomalies: 0, labeledNormals: 5, labeledUnsure: 2, recordsScored: 301 });
    expect([...new Set(stages)]).toEqual(['features', 'training', 'scoring', 'saving']);

    const scores = roundScores(p.db, 1);
    expect(scores.length).toBe(305);
    for (let id = 301; id <= 304; id++) expect(scores[id - 1]).toBeNaN();
    expect(scores.filter((s) => Number.isFinite(s)).length).toBe(301);
    // The outliers are obvious: they take the top scores (the review order also shows large groups: queue tests).
    expect(new Set(rankByScore(scores).slice(0, outliers.length))).toEqual(new Set(outliers));
    expect(new Set(rankedIds(p.db, 1))).toEqual(new Set(rankByScore(scores)));

    const info = getRound(p.db, 1);
    expect(info).toMatchObject({ method: 'iforest', labeledNormals: 5, recordsScored: 301, snapshot: { anomaly: 0, normal: 5, unsure: 2 } });
    expect(info.params).toMatchObject({ requestedMethod: 'auto', featureSpecId: latestSpec(p.db)!.id, iforest: { trees: 100 } });
    // The Rounds table says which spec version and how many model columns a round used.
    expect(info.featureSpecId).toBe(latestSpec(p.db)!.id);
    expect(info.dim).toBe(latestSpec(p.db)!.spec.dim);
    expect(roundLabels(p.db, 1)).toEqual(currentLabels(p.db));

    // The stored forest, with the labeled normals' feedback, scores as the round did.
    const model = roundModel(p.db, 1);
    expect(model.kind).toBe('iforest');
    const forest = (model as { forest: IsolationForest }).forest;
    const m = buildMatrix(p.db, latestSpec(p.db)!.spec);
    const again = feedbackScores(forest, m, scoreIsolationForest(forest, m), { anomalies: [], normals: rowsOf(m.ids, ids.slice(0, 5)) }, DEFAULT_FEEDBACK);
    m.ids.forEach((id, row) => expect(again[row]).toBe(scores[id - 1]));
    expect(r.repeats).toBeNull();

    // Same labels, same seed: the same round, and the result says so.
    const same = await trainRound(p.db, { seed: 7 });
    expect(same.repeats).toBe(1);
    expect(Array.from(roundScores(p.db, 2))).toEqual(Array.from(scores));
    p.close();
  });

  it('RoSAS once an anomaly is labeled; the stored weights reproduce the scores', async () => {
    const p = newProject();
    const { ids, outliers } = seedProject(p.db, 300, 30);
    await trainRound(p.db, {});
    setLabels(p.db, outliers.slice(0, 3), 'anomaly', author);
    setLabels(p.db, ids.slice(0, 10), 'normal', author);
    const epochs: string[] = [];
    const r = await trainRound(p.db, { epochs: 2, seed: 3 }, { onProgress: (pr) => pr.training && epochs.push(`${pr.training.member}:${pr.training.epoch}`) });
    expect(r).toMatchObject({ round: 2, method: 'rosas', epochs: 2, seed: 3, labeledAnomalies: 3, labeledNormals: 10, recordsScored: 300 });
    // Each of the engine's ensemble members reports its epochs (members may train in parallel threads).
    expect(epochs.sort()).toEqual(['0:1', '0:2', '1:1', '1:2', '2:1', '2:2']);
    const info = getRound(p.db, 2);
    expect(info.history).toHaveLength(6);
    expect(info.params).toMatchObject({ rosas: { epochs: 2, seed: 3 } });
    expect(info.backend).toBe(r.backend);
    expect(roundLabels(p.db, 2).size).toBe(13);
    expect(roundLabels(p.db, 1).size).toBe(0);

    // The stored weights, with the labels' feedback on a forest of the round's seed, reproduce the scores.
    const model = roundModel(p.db, 2);
    if (model.kind !== 'rosas') throw new Error('expected a RoSAS model');
    const m = buildMatrix(p.db, latestSpec(p.db)!.spec);
    const base = await scoreMatrix(await loadTf(), model, m);
    const forest = fitIsolationForest(m, { seed: 3, trees: IFOREST_TREES, sampleSize: IFOREST_SAMPLE_SIZE });
    const again = feedbackScores(forest, m, base, { anomalies: rowsOf(m.ids, outliers.slice(0, 3)), normals: rowsOf(m.ids, ids.slice(0, 10)) }, DEFAULT_FEEDBACK);
    const stored = roundScores(p.db, 2);
    m.ids.forEach((id, row) => expect(again[row]).toBe(stored[id - 1]));
    p.close();
  });

  it('refuses RoSAS without a labeled anomaly, and bad options, writing nothing', async () => {
    const p = newProject();
    seedProject(p.db, 50);
    const before = projectDigest(p);
    await expect(trainRound(p.db, { method: 'rosas' })).rejects.toThrow(/at least one record labeled anomaly/);
    await expect(trainRound(p.db, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(trainRound(p.db, { seed: -1 })).rejects.toThrow(/seed/);
    await expect(trainRound(p.db, { method: 'svm' as never })).rejects.toThrow(/method must be a known training method/);
    expect(projectDigest(p)).toBe(before);
    const empty = newProject();
    await expect(trainRound(empty.db, {})).rejects.toThrow(/no records/);
    empty.close();
    p.close();
  });

  it('a cancel at any stage writes nothing and leaves earlier rounds as they were', async () => {
    const p = newProject();
    const { outliers } = seedProject(p.db, 200, 20);
    await trainRound(p.db, {});
    setLabels(p.db, outliers.slice(0, 2), 'anomaly', author);
    const before = projectDigest(p);
    for (const [stage, method] of [
      ['features', 'auto'],
      ['training', 'rosas'],
      ['scoring', 'rosas'],
      ['training', 'iforest'],
      ['scoring', 'iforest'],
      ['saving', 'auto'],
    ] as const) {
      const controller = new AbortController();
      const onProgress = (pr: TrainRoundProgress) => {
        if (pr.stage === stage) controller.abort();
      };
      const run = trainRound(p.db, { method, epochs: 3 }, { signal: controller.signal, onProgress });
      await expect(run, `${method} cancelled at ${stage}`).rejects.toBeInstanceOf(CancelledError);
      expect(projectDigest(p), `${method} cancelled at ${stage}`).toBe(before);
    }
    const aborted = new AbortController();
    aborted.abort();
    await expect(trainRound(p.db, {}, { signal: aborted.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(listRounds(p.db)).toHaveLength(1);
    expect(projectDigest(p)).toBe(before);
    p.close();
  });

  it('a failure while saving rolls the whole round back', async () => {
    const p = newProject();
    seedProject(p.db, 100);
    await trainRound(p.db, {});
    p.db.exec("CREATE TRIGGER fail_scores BEFORE INSERT ON scores BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    const before = projectDigest(p);
    await expect(trainRound(p.db, {})).rejects.toThrow(/disk on fire/);
    expect(projectDigest(p)).toBe(before);
    expect(listRounds(p.db)).toHaveLength(1);
    p.close();
  });

  it('labels given during training are kept, and are not part of the round', async () => {
    const p = newProject();
    const { ids, outliers } = seedProject(p.db, 200, 20);
    setLabels(p.db, outliers.slice(0, 2), 'anomaly', author);
    // The analyst labels through another connection while the round trains.
    const other = openProject(p.path, { lock: false });
    let labeledDuring = false;
    const r = await trainRound(
      p.db,
      { epochs: 3 },
      {
        onProgress: (pr) => {
          if (pr.stage === 'training' && pr.training?.epoch === 1) {
            setLabels(other.db, [outliers[2]!, ids[0]!], 'anomaly', { author: 'analyst' });
            setLabels(other.db, [outliers[0]!], 'normal', { author: 'analyst', note: 'changed my mind' });
            labeledDuring = true;
          }
        },
      },
    );
    expect(labeledDuring).toBe(true);
    expect(r.labeledAnomalies).toBe(2);
    expect(roundLabels(p.db, r.round)).toEqual(
      new Map([
        [outliers[0]!, 'anomaly'],
        [outliers[1]!, 'anomaly'],
      ]),
    );
    const now = currentLabels(p.db);
    expect(now.get(outliers[2]!)).toBe('anomaly');
    expect(now.get(ids[0]!)).toBe('anomaly');
    expect(now.get(outliers[0]!)).toBe('normal');
    other.close();
    p.close();
  });

  it('waits for another writer to finish before saving', async () => {
    const p = newProject();
    seedProject(p.db, 100);
    p.db.pragma('busy_timeout = 50');
    const other = openProject(p.path, { lock: false });
    let held = false;
    const r = await trainRound(
      p.db,
      {},
      {
        onProgress: (pr) => {
          if (pr.stage === 'saving' && !held) {
            // Another connection takes the write lock for longer than the busy timeout.
            other.db.exec('BEGIN IMMEDIATE');
            held = true;
            setTimeout(() => other.db.exec('COMMIT'), 700);
          }
        },
      },
    );
    expect(held).toBe(true);
    expect(r.round).toBe(1);
    expect(listRounds(p.db)).toHaveLength(1);
    other.close();
    p.close();
  });
});
