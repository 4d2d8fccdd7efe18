import { beta, permutation, sampleIndices } from '../../util/random';
import type { Matrix, RosasOptions, TrainLabels } from './types';

/**
 * One training step's inputs, built in plain memory and uploaded at once (a handful of small
 * arrays per step costs far less than gathering and mixing with many small backend ops).
 * Pool rows are [anchors (b); positives (b); labeled anomalies (b)], as in the reference code.
 */
export interface StepBatch {
  /** [6b, D]: the pool rows, then their interpolations. */
  z: Float32Array;
  /** [3b, 3b] row-major: mixed score of pool row r = Σ_c mix[r, c] · score(c). */
  mix: Float32Array;
  /** [3b]: the interpolated targets (−1 unlabeled or normal, +1 anomaly). */
  target: Float32Array;
}

export class BatchSampler {
  private readonly b: number;
  private readonly dim: number;
  private readonly anchorsFromNormals: number;
  private readonly unlabeledPool: Int32Array;
  private readonly pool: Int32Array;
  private readonly poolY: Float32Array;
  private readonly batch: StepBatch;

  constructor(
    private readonly data: Matrix,
    private readonly labels: TrainLabels,
    private readonly opts: Pick<RosasOptions, 'batchSize' | 'alpha' | 'k' | 'normalsAs'>,
    private readonly random: () => number,
  ) {
    if (labels.anomalies.length === 0) throw new Error('RoSAS needs at least one labeled anomaly');
    this.b = opts.batchSize;
    this.dim = data.dim;
    this.unlabeledPool = opts.normalsAs === 'unlabeled' ? concat(labels.unlabeled, labels.normals) : labels.unlabeled;
    // Every record labeled (a small file reviewed to the end): the confirmed normals are the
    // normal data there is, so they stand in for the unlabeled rows.
    if (this.unlabeledPool.length === 0 && opts.normalsAs !== 'ignored') this.unlabeledPool = labels.normals;
    if (this.unlabeledPool.length === 0) throw new Error('RoSAS needs records that are unlabeled or confirmed normal; every record is labeled as an anomaly');
    // Confirmed normals are the cleanest anchors there are: they fill anchor slots first.
    this.anchorsFromNormals = opts.normalsAs === 'anchors' ? Math.min(this.b, labels.normals.length) : 0;
    const n = 3 * this.b;
    this.pool = new Int32Array(n);
    this.poolY = new Float32Array(n).fill(-1, 0, 2 * this.b).fill(1, 2 * this.b);
    this.batch = { z: new Float32Array(2 * n * this.dim), mix: new Float32Array(n * n), target: new Float32Array(n) };
  }

  /** The next step's batch (the returned arrays are reused by the following call). */
  next(): StepBatch {
    const { b, dim, random, pool, poolY, batch } = this;
    const n = 3 * b;
    const fromNormals = this.anchorsFromNormals;
    if (fromNormals > 0) pool.set(pick(this.labels.normals, sampleIndices(random, this.labels.normals.length, fromNormals)), 0);
    pool.set(pick(this.unlabeledPool, sampleIndices(random, this.unlabeledPool.length, b - fromNormals)), fromNormals);
    pool.set(pick(this.unlabeledPool, sampleIndices(random, this.unlabeledPool.length, b)), b);
    const anomalies = this.labels.anomalies;
    for (let i = 0; i < b; i++) pool[2 * b + i] = anomalies[Math.floor(random() * anomalies.length)]!;

    const x = this.data.x;
    const z = batch.z;
    for (let r = 0; r < n; r++) z.set(x.subarray(pool[r]! * dim, (pool[r]! + 1) * dim), r * dim);

    // Mass interpolation: each pool row mixed with k − 1 partners (rows of random permutations).
    const k = this.opts.k;
    const partners = Array.from({ length: k - 1 }, () => permutation(random, n));
    const mix = batch.mix.fill(0);
    const lambda = new Float64Array(k);
    const mixed = n * dim;
    for (let r = 0; r < n; r++) {
      if (k === 2) {
        // The reference draws Dirichlet(α, α) for k = 2, i.e. λ ~ Beta(α, α).
        lambda[0] = beta(random, this.opts.alpha, this.opts.alpha);
        lambda[1] = 1 - lambda[0];
      } else {
        // For k > 2 the reference normalises k independent Beta(α, α) draws (not a Dirichlet).
        let sum = 0;
        for (let m = 0; m < k; m++) sum += lambda[m] = beta(random, this.opts.alpha, this.opts.alpha);
        for (let m = 0; m < k; m++) lambda[m] = sum > 0 ? lambda[m]! / sum : 1 / k;
      }
      let target = 0;
      const out = mixed + r * dim;
      for (let c = 0; c < dim; c++) z[out + c] = 0;
      for (let m = 0; m < k; m++) {
        const member = m === 0 ? r : partners[m - 1]![r]!;
        const l = lambda[m]!;
        mix[r * n + member] += l;
        target += l * poolY[member]!;
        const src = member * dim;
        for (let c = 0; c < dim; c++) z[out + c] += l * z[src + c]!;
      }
      batch.target[r] = target;
    }
    return batch;
  }
}

function pick(from: Int32Array, at: Int32Array): Int32Array {
  const out = new Int32Array(at.length);
  for (let i = 0; i < at.length; i++) out[i] = from[at[i]!]!;
  return out;
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
