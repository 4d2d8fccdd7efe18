import { describe, expect, it } from 'vitest';
import type * as TfCore from '@tensorflow/tfjs-core';
import { loadTf } from '../../../src-main/core/model/backend';
import { Adam } from '../../../src-main/core/model/rosas/adam';
import { stepGradients } from '../../../src-main/core/model/rosas/gradients';
import { stepLoss } from '../../../src-main/core/model/rosas/loss';
import { forward, initialWeights, layerViews, rosasTopology, weightCount, weightsFromArray, weightsFromTensors } from '../../../src-main/core/model/rosas/network';
import { rosasOptions, scoreMatrix, trainRosas } from '../../../src-main/core/model/rosas/rosas';
import { BatchSampler } from '../../../src-main/core/model/rosas/sampling';
import { minEpochsFor, shouldStop, trainRosasMember } from '../../../src-main/core/model/rosas/train';
import { columnMeans, memberOffsets } from '../../../src-main/core/model/rosas/ensemble';
import { rocAuc } from '../../../src-main/core/model/metrics';
import { mulberry32 } from '../../../src-main/core/util/random';
import { labelsFor, synthetic } from '../../helpers/rosas-data';

describe('network', () => {
  it('has the reference code widths: h1 = D + trunc((H − D) / 2), head H/2, a bias on the score only', () => {
    const widths = (d: number) => rosasTopology(d, 128).layers.map((l) => l.shape.join('x'));
    expect(widths(21)).toEqual(['21x74', '74x128', '128x64', '64x1', '1']);
    // Backdoor: the code gives 161 where the paper's floor would give 160.
    expect(widths(193)).toEqual(['193x161', '161x128', '128x64', '64x1', '1']);
  });

  it('initialises like PyTorch nn.Linear: uniform in ±1/√fan_in, seeded', () => {
    const t = rosasTopology(21, 128);
    const w = initialWeights(t, 7);
    const views = layerViews(t, w);
    const fanIn = [21, 74, 128, 64, 64];
    views.forEach((v, k) => {
      const bound = 1 / Math.sqrt(fanIn[k]!);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      if (v.length > 100) expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    });
    expect(initialWeights(t, 7)).toEqual(w);
    expect(initialWeights(t, 8)).not.toEqual(w);
  });
});

describe('one training step', () => {
  it('computes the reference loss: triplet, smooth-L1 target + consistency, dynamic weights, 0.01·‖ΣE‖', async () => {
    const { tf } = await loadTf();
    const D = 4;
    const b = 2;
    const t = rosasTopology(D, 8);
    const w = initialWeights(t, 3);
    const r = mulberry32(5);
    const z = Float32Array.from({ length: 6 * b * D }, () => r());
    const n = 3 * b;
    const perm = [3, 0, 5, 1, 2, 4];
    const lam = [0.2, 0.9, 0.5, 0.7, 0.1, 0.4];
    const mix = new Float32Array(n * n);
    const target = new Float32Array(n);
    const y = [-1, -1, -1, -1, 1, 1];
    perm.forEach((p, i) => {
      mix[i * n + i] += lam[i]!;
      mix[i * n + p] += 1 - lam[i]!;
      target[i] = lam[i]! * y[i]! + (1 - lam[i]!) * y[p]!;
    });
    const opts = rosasOptions({ batchSize: b, embedding: 8 });
    const previous = { triplet: 0.7, score: 1.3 };
    const got = tf.tidy(() => {
      const parts = stepLoss(tf, weightsFromArray(tf, t, w), { z: tf.tensor2d(z, [2 * n, D]), mix: tf.tensor2d(mix, [n, n]), target: tf.tensor2d(target, [n, 1]) }, opts, previous);
      return [parts.total, parts.triplet, parts.score].map((s) => s.dataSync()[0]!);
    });

    // The same loss written out plainly from the reference's formulas, over the network's outputs.
    const { e, s } = tf.tidy(() => {
      const out = forward(tf, weightsFromArray(tf, t, w), tf.tensor2d(z, [2 * n, D]));
      return { e: out.embedding.arraySync(), s: out.score.arraySync().map((v) => v[0]!) };
    });
    const dist = (u: number[], v: number[]) => Math.sqrt(u.reduce((acc, ui, i) => acc + (ui - v[i]! + 1e-6) ** 2, 0));
    let triplet = 0;
    for (let i = 0; i < b; i++) triplet += Math.max(0, dist(e[i]!, e[b + i]!) - dist(e[i]!, e[2 * b + i]!) + 1);
    triplet /= b;
    const sl1 = (d: number) => (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5);
    let out = 0;
    let con = 0;
    for (let i = 0; i < n; i++) {
      const mixed = s[n + i]!;
      out += sl1(mixed - target[i]!);
      con += sl1(mixed - (lam[i]! * s[i]! + (1 - lam[i]!) * s[perm[i]!]!));
    }
    const score = out / n + con / n;
    let norm = 0;
    for (let i = 0; i < b; i++) for (let c = 0; c < 8; c++) norm += (e[i]![c]! + e[b + i]![c]! + e[2 * b + i]![c]!) ** 2;
    const aT = Math.exp(triplet / (2 * previous.triplet));
    const aS = Math.exp(score / (2 * previous.score));
    const total = (aT * triplet + aS * score) / (aT + aS) + 0.01 * Math.sqrt(norm);
    expect(got[1]).toBeCloseTo(triplet, 5);
    expect(got[2]).toBeCloseTo(score, 5);
    expect(got[0]).toBeCloseTo(total, 5);
  });

  it('differentiates through the explicit-transpose matMul exactly as through tf.matMul', async () => {
    const { tf } = await loadTf();
    const t = rosasTopology(5, 8);
    const w = initialWeights(t, 1);
    const x = tf.randomUniform([7, 5], 0, 1, 'float32', 3) as TfCore.Tensor2D;
    const ours = tf.grads((...ws: TfCore.Tensor[]) => tf.sum(forward(tf, weightsFromTensors(ws), x).score))(layerViews(t, w).map((v, k) => tf.tensor(v, t.layers[k]!.shape)));
    const plain = tf.grads((...ws: TfCore.Tensor[]) => {
      const [w1, w2, w3, w4, b4] = ws as TfCore.Tensor2D[];
      const h = tf.leakyRelu(tf.matMul(x, w1!), 0.01);
      const g = tf.leakyRelu(tf.matMul(tf.matMul(h, w2!), w3!), 0.01);
      return tf.sum(tf.tanh(tf.add(tf.matMul(g, w4!), b4!)));
    })(layerViews(t, w).map((v, k) => tf.tensor(v, t.layers[k]!.shape)));
    ours.forEach((g, k) => {
      const a = g.dataSync();
      const bb = plain[k]!.dataSync();
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(bb[i]!, 5);
    });
    tf.dispose([x, ...ours, ...plain]);
  });

  it('hand-written gradients equal tf.grads over the loss, every loss-weight case, without leaking tensors', async () => {
    const { tf } = await loadTf();
    const data = synthetic(400, 7, 0.05, 11);
    const opts = rosasOptions({ batchSize: 8, embedding: 16 });
    const t = rosasTopology(data.data.dim, opts.embedding);
    const params = layerViews(t, initialWeights(t, 4));
    const sampler = new BatchSampler(data.data, labelsFor(data.y, 6), opts, mulberry32(9));
    for (const previous of [{ triplet: 0.7, score: 0.2 }, { triplet: 0.05, score: 1.5 }, { triplet: 0, score: 0.4 }, { triplet: 0.4, score: 0 }, { triplet: 0, score: 0 }]) {
      const batch = sampler.next();
      const n = 3 * opts.batchSize;
      const before = tf.memory().numTensors;
      const ours = stepGradients(tf, t, params, batch, opts, previous);
      expect(tf.memory().numTensors).toBe(before);
      const tape = tf.tidy(() => {
        let figures: number[] = [];
        const g = tf.grads((...w: TfCore.Tensor[]) => {
          const parts = stepLoss(tf, weightsFromTensors(w), { z: tf.tensor2d(batch.z, [2 * n, data.data.dim]), mix: tf.tensor2d(batch.mix, [n, n]), target: tf.tensor2d(batch.target, [n, 1]) }, opts, previous);
          figures = [parts.triplet, parts.score, parts.weightTriplet, parts.weightScore].map((x) => x.dataSync()[0]!);
          return parts.total;
        })(params.map((p, k) => tf.tensor(p, t.layers[k]!.shape)));
        return { grads: g.map((x) => x.dataSync() as Float32Array), figures };
      });
      expect(ours.triplet).toBeCloseTo(tape.figures[0]!, 5);
      expect(ours.score).toBeCloseTo(tape.figures[1]!, 5);
      expect(ours.weightTriplet).toBeCloseTo(tape.figures[2]!, 5);
      expect(ours.weightScore).toBeCloseTo(tape.figures[3]!, 5);
      tape.grads.forEach((g, k) => {
        // A loss with weight 0 leaves the scoring head without a gradient: both must say 0 there.
        const scale = Math.max(...g.map(Math.abs));
        if (previous.score !== 0) expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < g.length; i++) expect(Math.abs(ours.grads[k]![i]! - g[i]!)).toBeLessThanOrEqual(1e-4 * scale);
      });
    }
  });

  it('updates weights as Adam with coupled L2 (PyTorch Adam(weight_decay)) does', () => {
    // Two steps by hand on one parameter: g' = g + wd·p; m, v moments; bias-corrected update.
    const p = [Float32Array.of(0.5)];
    const adam = new Adam([1], 0.1, 0.01);
    adam.step(p, [Float32Array.of(2)]);
    let m = 0.1 * (2 + 0.01 * 0.5);
    let v = 0.001 * (2 + 0.005) ** 2;
    let expected = 0.5 - (0.1 * (m / 0.1)) / (Math.sqrt(v / 0.001) + 1e-8);
    expect(p[0]![0]).toBeCloseTo(expected, 6);
    const g2 = -1 + 0.01 * expected;
    adam.step(p, [Float32Array.of(-1)]);
    m = 0.9 * m + 0.1 * g2;
    v = 0.999 * v + 0.001 * g2 * g2;
    expected = expected - (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(p[0]![0]).toBeCloseTo(expected, 6);
  });
});

describe('batch sampling', () => {
  const { data, y } = synthetic(500, 6, 0.05, 1);

  it('draws anchors and positives from unlabeled rows, anomalies from labeled ones, and mixes them', () => {
    const labels = labelsFor(y, 10);
    const b = 8;
    const sampler = new BatchSampler(data, labels, { batchSize: b, alpha: 0.5, k: 2, normalsAs: 'anchors' }, mulberry32(2));
    const batch = sampler.next();
    const n = 3 * b;
    const rowOf = (r: number) => Array.from(batch.z.subarray(r * 6, (r + 1) * 6));
    const isRow = (r: number, set: Int32Array) => [...set].some((i) => Array.from(data.x.subarray(i * 6, (i + 1) * 6)).every((v, c) => v === rowOf(r)[c]));
    for (let r = 0; r < 2 * b; r++) expect(isRow(r, labels.unlabeled)).toBe(true);
    for (let r = 2 * b; r < n; r++) expect(isRow(r, labels.anomalies)).toBe(true);
    for (let r = 0; r < n; r++) {
      const weights = Array.from(batch.mix.subarray(r * n, (r + 1) * n));
      expect(weights.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
      // The interpolated row is the same weighted sum of pool rows as its mixing weights say.
      const mixed = Array.from(batch.z.subarray((n + r) * 6, (n + r + 1) * 6));
      const expected = mixed.map((_, c) => weights.reduce((acc, wgt, j) => acc + wgt * batch.z[j * 6 + c]!, 0));
      mixed.forEach((v, c) => expect(v).toBeCloseTo(expected[c]!, 5));
      expect(Math.abs(batch.target[r]!)).toBeLessThanOrEqual(1 + 1e-6);
    }
  });

  it('fills anchor slots with confirmed normals first, never as unlabeled rows', () => {
    const labels = labelsFor(y, 10, 5);
    const sampler = new BatchSampler(data, labels, { batchSize: 8, alpha: 0.5, k: 2, normalsAs: 'anchors' }, mulberry32(3));
    const batch = sampler.next();
    const normalRows = [...labels.normals].map((i) => Array.from(data.x.subarray(i * 6, (i + 1) * 6)).join());
    const anchors = Array.from({ length: 8 }, (_, r) => Array.from(batch.z.subarray(r * 6, (r + 1) * 6)).join());
    expect(anchors.slice(0, 5).every((a) => normalRows.includes(a))).toBe(true);
    const positives = Array.from({ length: 8 }, (_, r) => Array.from(batch.z.subarray((8 + r) * 6, (9 + r) * 6)).join());
    expect(positives.some((p) => normalRows.includes(p))).toBe(false);
  });

  it('samples normal rows from confirmed normals once every record is labeled, and says so when none is normal', () => {
    const anomalies = Int32Array.of(0, 1, 2);
    const normals = Int32Array.from({ length: 20 }, (_, i) => 10 + i);
    const none = new Int32Array(0);
    const sampler = new BatchSampler(data, { anomalies, normals, unlabeled: none }, { batchSize: 8, alpha: 0.5, k: 2, normalsAs: 'anchors' }, mulberry32(3));
    const batch = sampler.next();
    const normalRows = [...normals].map((i) => Array.from(data.x.subarray(i * 6, (i + 1) * 6)).join());
    const anchorsAndPositives = Array.from({ length: 16 }, (_, r) => Array.from(batch.z.subarray(r * 6, (r + 1) * 6)).join());
    expect(anchorsAndPositives.every((a) => normalRows.includes(a))).toBe(true);
    const onlyAnomalies = { anomalies, normals: none, unlabeled: none };
    expect(() => new BatchSampler(data, onlyAnomalies, { batchSize: 8, alpha: 0.5, k: 2, normalsAs: 'anchors' }, mulberry32(3))).toThrow(/every record is labeled as an anomaly/);
  });

  it('supports k > 2 (several partners per interpolated sample)', () => {
    const sampler = new BatchSampler(data, labelsFor(y, 10), { batchSize: 8, alpha: 0.5, k: 4, normalsAs: 'anchors' }, mulberry32(4));
    const batch = sampler.next();
    const n = 24;
    for (let r = 0; r < n; r++) {
      const row = Array.from(batch.mix.subarray(r * n, (r + 1) * n));
      expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
      expect(row.filter((v) => v > 0).length).toBeLessThanOrEqual(4);
    }
  });
});

describe('training and scoring', () => {
  const { data, y } = synthetic(2000, 8, 0.04, 11);
  // One model, a fixed length: the mechanics of a single training run.
  const opts = rosasOptions({ seed: 5, epochs: 8, stopping: 'fixed', ensemble: 1 });

  it('learns to rank anomalies first, without leaking tensors', async () => {
    const loaded = await loadTf();
    const before = loaded.tf.memory().numTensors;
    const progress: number[] = [];
    const model = await trainRosas(loaded, data, labelsFor(y, 15), opts, { onProgress: (p) => progress.push(p.epoch) });
    const scores = await scoreMatrix(loaded, model, data);
    expect(loaded.tf.memory().numTensors).toBe(before);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(model.steps).toBe(8 * 16);
    expect(model.weights.length).toBe(weightCount(model.topology));
    expect(rocAuc(scores, y)).toBeGreaterThan(0.95);
    expect(scores.every((s) => s > -1 && s < 1)).toBe(true);
  });

  it('is deterministic for a seed, and a stored model scores exactly as before', async () => {
    const loaded = await loadTf();
    const a = await trainRosas(loaded, data, labelsFor(y, 15), opts);
    const b = await trainRosas(loaded, data, labelsFor(y, 15), opts);
    expect(b.weights).toEqual(a.weights);
    const c = await trainRosas(loaded, data, labelsFor(y, 15), { ...opts, seed: 6 });
    expect(c.weights).not.toEqual(a.weights);
    // Round trip through what a project stores: topology JSON and the weights' bytes.
    const stored = { topology: JSON.parse(JSON.stringify(a.topology)), weights: new Float32Array(Buffer.from(a.weights.buffer.slice(0)).buffer) };
    expect(await scoreMatrix(loaded, stored, data)).toEqual(await scoreMatrix(loaded, a, data));
  });

  it('stops when cancelled, without leaking tensors', async () => {
    const loaded = await loadTf();
    const before = loaded.tf.memory().numTensors;
    const controller = new AbortController();
    const run = trainRosas(loaded, data, labelsFor(y, 15), { ...opts, epochs: 100 }, { signal: controller.signal, onProgress: (p) => p.epoch === 2 && controller.abort() });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(loaded.tf.memory().numTensors).toBe(before);
  });

  it('refuses to train without a labeled anomaly', async () => {
    const loaded = await loadTf();
    await expect(trainRosas(loaded, data, labelsFor(y, 0), opts)).rejects.toThrow(/at least one labeled anomaly/);
  });
});

describe('dynamic weights when a loss reached zero', () => {
  it('give a loss whose previous epoch mean is 0 no weight, as the reference does, instead of 0/0', async () => {
    const { tf } = await loadTf();
    const D = 3;
    const t = rosasTopology(D, 8);
    const w = initialWeights(t, 2);
    const b = 2;
    const n = 3 * b;
    const z = new Float32Array(2 * n * D).fill(0.5);
    const mix = new Float32Array(n * n);
    for (let i = 0; i < n; i++) mix[i * n + i] = 1;
    const opts = rosasOptions({ batchSize: b, embedding: 8 });
    const run = (previous: { triplet: number; score: number }) =>
      tf.tidy(() => {
        const p = stepLoss(tf, weightsFromArray(tf, t, w), { z: tf.tensor2d(z, [2 * n, D]), mix: tf.tensor2d(mix, [n, n]), target: tf.zeros([n, 1]) as TfCore.Tensor2D }, opts, previous);
        return [p.total, p.weightTriplet, p.weightScore].map((s) => s.dataSync()[0]!);
      });
    const [total, wt, ws] = run({ triplet: 0, score: 0.4 });
    expect(Number.isFinite(total!)).toBe(true);
    expect(wt).toBe(0);
    expect(ws).toBe(1);
    const both = run({ triplet: 0, score: 0 });
    expect(both[1]).toBe(0.5);
    expect(both.every(Number.isFinite)).toBe(true);
  });
});

describe('label-free stopping, weight averaging and ensembles', () => {
  const figures = (triplets: number[]) => triplets.map((lossTriplet, i) => ({ member: 0, epoch: i + 1, lossTriplet, lossScore: 0.1, weightTriplet: 0.5, weightScore: 0.5, seconds: 0 }));

  it('stops once the triplet loss is under the separation target, or stalls, never before minEpochs', () => {
    const o = rosasOptions({ minEpochs: 4, minEpochsScale: 0, separationTarget: 0.12, plateauWindow: 3, plateauDelta: 0.05, epochs: 50 });
    expect(shouldStop(figures([0.9, 0.05, 0.05]), o, 10)).toBe(false); // too early
    expect(shouldStop(figures([0.9, 0.5, 0.3, 0.1]), o, 10)).toBe(false); // 3-epoch mean 0.3
    expect(shouldStop(figures([0.9, 0.5, 0.3, 0.1, 0.1, 0.1]), o, 10)).toBe(true); // mean 0.1 < 0.12
    expect(shouldStop(figures([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]), o, 10)).toBe(false); // still improving
    expect(shouldStop(figures([0.5, 0.5, 0.5, 0.49, 0.5, 0.5]), o, 10)).toBe(true); // stalled
    expect(shouldStop(figures(Array(50).fill(0.9)), { ...o, stopping: 'fixed' }, 10)).toBe(true); // the most epochs
    expect(shouldStop(figures(Array(49).fill(0.01)), { ...o, stopping: 'fixed' }, 10)).toBe(false);
  });

  it('waits at least minEpochsScale / D epochs on narrow inputs before a label-free stop', () => {
    const o = rosasOptions({ minEpochs: 4, minEpochsScale: 60, separationTarget: 0.12, epochs: 50 });
    expect(minEpochsFor(o, 10)).toBe(6);
    expect(minEpochsFor(o, 100)).toBe(4); // never under minEpochs
    const separated = figures([0.9, 0.1, 0.1, 0.1, 0.1]);
    expect(shouldStop(separated, o, 100)).toBe(true);
    expect(shouldStop(separated, o, 10)).toBe(false); // 5 < 60 / 10
    expect(shouldStop(figures([0.9, 0.1, 0.1, 0.1, 0.1, 0.1]), o, 10)).toBe(true);
  });

  const { data, y } = synthetic(1500, 8, 0.05, 12);
  const base = rosasOptions({ seed: 9, epochs: 6, stopping: 'fixed', ensemble: 1 });

  it('keeps averaged weights when asked, the last ones otherwise', async () => {
    const loaded = await loadTf();
    let last: Float32Array | null = null;
    const raw = await trainRosas(loaded, data, labelsFor(y, 12), { ...base, weightAveraging: 0 }, { onEpoch: (_e, w) => void (last = w.slice()) });
    expect(raw.weights).toEqual(last);
    const averaged = await trainRosas(loaded, data, labelsFor(y, 12), { ...base, weightAveraging: 0.99 });
    expect(averaged.weights).not.toEqual(raw.weights);
    expect(rocAuc(await scoreMatrix(loaded, averaged, data), y)).toBeGreaterThan(0.9);
  });

  it('trains an ensemble of independently seeded models whose scores are averaged', async () => {
    const loaded = await loadTf();
    const before = loaded.tf.memory().numTensors;
    const members: number[] = [];
    const done: number[] = [];
    const ensemble = await trainRosas(loaded, data, labelsFor(y, 12), { ...base, ensemble: 3 }, { onProgress: (p) => (members.push(p.member), done.push(p.done)) });
    // One after another: each model is a third of the work.
    expect(done.slice(0, 2)).toEqual([1 / 18, 2 / 18]);
    expect(done.at(-1)).toBe(1);
    expect(ensemble.topology.members).toBe(3);
    expect(ensemble.weights.length).toBe(3 * weightCount(ensemble.topology));
    expect(ensemble.epochs).toEqual([6, 6, 6]);
    expect([...new Set(members)]).toEqual([0, 1, 2]);
    // The last member sees centered inputs: its offset is the column means of the rows.
    const offsets = ensemble.topology.inputOffsets!;
    expect(offsets.slice(0, 2)).toEqual([null, null]);
    const means = Array.from({ length: data.dim }, (_, c) => Array.from({ length: data.rows }, (_, i) => data.x[i * data.dim + c]!).reduce((a, b) => a + b, 0) / data.rows);
    offsets[2]!.forEach((v, c) => expect(v).toBeCloseTo(means[c]!, 5));
    const single = (m: number) => ({
      topology: { ...ensemble.topology, members: 1, inputOffsets: [offsets[m]!] },
      weights: ensemble.weights.subarray(m * weightCount(ensemble.topology), (m + 1) * weightCount(ensemble.topology)),
    });
    const each = await Promise.all([0, 1, 2].map((m) => scoreMatrix(loaded, single(m), data)));
    const mean = await scoreMatrix(loaded, ensemble, data);
    for (let i = 0; i < 50; i++) expect(mean[i]).toBeCloseTo((each[0]![i]! + each[1]![i]! + each[2]![i]!) / 3, 5);
    expect(each[0]).not.toEqual(each[1]);
    expect(loaded.tf.memory().numTensors).toBe(before);
  });

  it('with label-free stopping, trains between the least epochs for its width and epochs', async () => {
    const loaded = await loadTf();
    const opts = rosasOptions({ seed: 3, ensemble: 1, epochs: 40 });
    // 8 features: the default least is 250 / 8 ≈ 31 epochs, though these anomalies separate sooner.
    expect(minEpochsFor(opts, data.dim)).toBe(31);
    const model = await trainRosas(loaded, data, labelsFor(y, 12), opts);
    expect(model.epochs[0]).toBeGreaterThanOrEqual(31);
    const unscaled = await trainRosas(loaded, data, labelsFor(y, 12), { ...opts, minEpochsScale: 0 });
    expect(unscaled.epochs[0]).toBeLessThan(31);
    expect(unscaled.epochs[0]).toBeGreaterThanOrEqual(opts.minEpochs);
    expect(model.epochs[0]).toBeLessThanOrEqual(40);
    expect(model.history).toHaveLength(model.epochs[0]!);
  });
});

describe('centered ensemble members', () => {
  const { data, y } = synthetic(800, 5, 0.05, 21);
  const means = columnMeans(data);
  const centered = { ...data, x: data.x.map((v, i) => v - means[i % data.dim]!) };

  it('are the last centeredMembers of an ensemble, never all of it', () => {
    expect(memberOffsets(data, { ensemble: 1, centeredMembers: 1 })).toEqual([null]);
    expect(memberOffsets(data, { ensemble: 3, centeredMembers: 0 })).toEqual([null, null, null]);
    expect(memberOffsets(data, { ensemble: 3, centeredMembers: 1 })).toEqual([null, null, means]);
    expect(memberOffsets(data, { ensemble: 3, centeredMembers: 9 })).toEqual([null, means, means]);
  });

  it('train on the rows minus their column means, and score raw rows as such a model scores centered ones', async () => {
    const loaded = await loadTf();
    const opts = rosasOptions({ seed: 4, epochs: 3, stopping: 'fixed', ensemble: 1 });
    const labels = labelsFor(y, 10);
    const before = loaded.tf.memory().numTensors;
    const withOffset = await trainRosasMember(loaded, data, labels, opts, {}, 0, means);
    const onCentered = await trainRosasMember(loaded, centered, labels, opts);
    expect(withOffset.topology.inputOffsets).toEqual([Array.from(means)]);
    // The same batches: only the rounding of interpolating before or after centering differs.
    let worst = 0;
    withOffset.weights.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - onCentered.weights[i]!))));
    expect(worst).toBeLessThan(1e-3);
    const raw = await scoreMatrix(loaded, withOffset, data);
    const plain = await scoreMatrix(loaded, { topology: onCentered.topology, weights: withOffset.weights }, centered);
    raw.forEach((s, i) => expect(s).toBeCloseTo(plain[i]!, 5));
    expect(loaded.tf.memory().numTensors).toBe(before);
  });

  it('refuse a stored model whose offsets do not fit it', async () => {
    const loaded = await loadTf();
    const t = rosasTopology(data.dim, 8);
    const weights = initialWeights(t, 1);
    await expect(scoreMatrix(loaded, { topology: { ...t, inputOffsets: [[1, 2]] }, weights }, data)).rejects.toThrow(/input offset has 2 values, 5 expected/);
    await expect(scoreMatrix(loaded, { topology: { ...t, inputOffsets: [null, null] }, weights }, data)).rejects.toThrow(/2 input offsets for 1 members/);
  });
});
