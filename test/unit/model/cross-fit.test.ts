import { describe, expect, it } from 'vitest';
import { loadTf } from '../../../src-main/core/model/backend';
import { canCrossFit, countAbove, crossFitPlan, pooledAuc } from '../../../src-main/core/model/rosas/cross-fit';
import { rosasOptions, scoreMatrix, trainRosas } from '../../../src-main/core/model/rosas/rosas';
import { CancelledError } from '../../../src-main/core/errors';
import { rocAuc } from '../../../src-main/core/model/metrics';
import { labelsFor, synthetic } from '../../helpers/rosas-data';

describe('cross-fit figures', () => {
  it('counts the held-out rows scoring at least as high as each hidden anomaly', () => {
    // Two hidden anomalies (0.9, 0.5), then the held-out rows.
    expect(countAbove(Float32Array.from([0.9, 0.5, 0.1, 0.5, 0.95, 0.7]), 2)).toEqual([1, 3]);
    expect(countAbove(Float32Array.from([0.2]), 1)).toEqual([0]);
  });

  it('pools the hidden anomalies of all members into one AUC', () => {
    expect(pooledAuc([0, 0, 0], 100)).toBe(1);
    expect(pooledAuc([100, 100], 100)).toBe(0);
    // Each anomaly's share of held-out rows below it: (0.9 + 0.7) / 2.
    expect(pooledAuc([10, 30], 100)).toBeCloseTo(0.8);
    expect(pooledAuc([5, 0, 2], 100)).toBe(pooledAuc([0, 2, 5], 100));
  });
});

describe('cross-fit plan', () => {
  const { y } = synthetic(2000, 6, 0.05, 4);
  const labels = labelsFor(y, 20, 30);
  const opts = rosasOptions({ ensemble: 3, seed: 11 });

  it('hides each labeled anomaly from exactly one member and holds out unlabeled rows from all', () => {
    const plan = crossFitPlan(labels, opts);
    expect(plan.hidden.map((h) => h.length).sort()).toEqual([6, 7, 7]);
    expect([...plan.hidden.flatMap((h) => [...h])].sort((a, b) => a - b)).toEqual([...labels.anomalies].sort((a, b) => a - b));
    plan.train.forEach((t, m) => {
      expect(t.anomalies.length + plan.hidden[m]!.length).toBe(20);
      expect([...t.anomalies].some((a) => plan.hidden[m]!.includes(a))).toBe(false);
      expect(t.normals).toEqual(labels.normals);
      expect(t.unlabeled.length + plan.heldOut.length).toBe(labels.unlabeled.length);
      expect([...t.unlabeled].some((u) => plan.heldOut.includes(u))).toBe(false);
    });
    expect(plan.heldOut.length).toBe(Math.round(0.2 * labels.unlabeled.length));
    expect(crossFitPlan(labels, opts)).toEqual(plan);
    expect(crossFitPlan(labels, { ...opts, seed: 12 }).heldOut).not.toEqual(plan.heldOut);
  });

  it('needs two labeled anomalies per member and enough unlabeled rows', () => {
    expect(canCrossFit(labelsFor(y, 6), opts)).toBe(true);
    expect(canCrossFit(labelsFor(y, 5), opts)).toBe(false);
    expect(canCrossFit(labelsFor(y, 20), { ...opts, ensemble: 1 })).toBe(false);
    expect(canCrossFit(labelsFor(synthetic(200, 6, 0.05, 4).y, 6), opts)).toBe(false);
  });
});

describe('cross-fitted training', () => {
  const { data, y } = synthetic(2000, 8, 0.05, 21);
  const opts = rosasOptions({ seed: 5, ensemble: 3, stopping: 'cross-fit', epochs: 16, minEpochs: 4, patience: 4 });

  it('trains the members side by side and keeps the weights of the best held-out epoch', async () => {
    const loaded = await loadTf();
    const before = loaded.tf.memory().numTensors;
    const seen: Array<[number, number, boolean | undefined]> = [];
    const done: number[] = [];
    const model = await trainRosas(loaded, data, labelsFor(y, 15), opts, { onProgress: (p) => (seen.push([p.epoch, p.member, p.mode === 'lockstep']), done.push(p.done)) });
    const v = model.validation!;
    expect(v.hidden).toBe(15);
    expect(v.heldOut).toBeGreaterThan(50);
    // Kept: the latest epoch within the tolerance of the best; stopped after `patience` epochs outside it, or at the most.
    const trained = v.heldOutAuc.length;
    const best = Math.max(...v.heldOutAuc);
    const within = (a: number) => 1 - a <= (1 - best) * 1.05 + 1e-12;
    expect(within(v.heldOutAuc[v.keptEpoch - 1]!)).toBe(true);
    expect(trained === 16 || (trained - v.keptEpoch === 4 && v.heldOutAuc.slice(v.keptEpoch).every((a) => !within(a)))).toBe(true);
    expect(model.epochs).toEqual([v.keptEpoch, v.keptEpoch, v.keptEpoch]);
    expect(seen.slice(0, 4)).toEqual([[1, 0, true], [1, 1, true], [1, 2, true], [2, 0, true]]);
    // Side by side: the share done moves with every model's epoch.
    expect(done.slice(0, 4)).toEqual([1 / 3 / 16, 2 / 3 / 16, 1 / 16, (1 + 1 / 3) / 16]);
    expect(v.heldOutAuc.every((a) => a >= 0 && a <= 1)).toBe(true);
    expect(rocAuc(await scoreMatrix(loaded, model, data), y)).toBeGreaterThan(0.9);
    expect(loaded.tf.memory().numTensors).toBe(before);
  });

  it('is deterministic for a seed', async () => {
    const loaded = await loadTf();
    const short = { ...opts, epochs: 5 };
    const a = await trainRosas(loaded, data, labelsFor(y, 15), short);
    const b = await trainRosas(loaded, data, labelsFor(y, 15), short);
    expect(a.weights).toEqual(b.weights);
    expect(a.validation).toEqual(b.validation);
  });

  it('falls back to label-free stopping with too few labeled anomalies', async () => {
    const loaded = await loadTf();
    const model = await trainRosas(loaded, data, labelsFor(y, 4), { ...opts, epochs: 12 });
    expect(model.validation).toBeUndefined();
    expect(model.epochs).toHaveLength(3);
    expect(model.epochs.every((e) => e >= 4 && e <= 12)).toBe(true);
  });

  it('can be cancelled between steps', async () => {
    const loaded = await loadTf();
    const before = loaded.tf.memory().numTensors;
    const controller = new AbortController();
    const run = trainRosas(loaded, data, labelsFor(y, 15), opts, { signal: controller.signal, onProgress: (p) => p.epoch === 2 && controller.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(loaded.tf.memory().numTensors).toBe(before);
  });
});
