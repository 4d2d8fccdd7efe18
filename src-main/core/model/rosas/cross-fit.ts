import { crossFitMinAnomalies } from '../../../../src-shared/training';
import { mulberry32, permutation } from '../../util/random';
import type { LoadedTf } from '../backend';
import { scoreMatrix } from './score';
import { MemberTrainer, type TrainControl } from './train';
import type { CrossFitFigures, Matrix, MemberSetup, RosasOptions, TrainedModel, TrainLabels } from './types';

/** Its own random stream, so the folds never shift the models' initialisation or sampling. */
const FOLD_STREAM = 0x85ebca6b;

/**
 * The analyst's labeled anomalies split into one fold per ensemble member, and a slice of the
 * unlabeled rows that no member trains on. Member m trains on every labeled anomaly but fold m's,
 * and ranks fold m's anomalies among the held-out unlabeled rows: how well it ranks anomalies it
 * has never seen tells when to stop, with no labels beyond the analyst's own.
 */
export interface CrossFitPlan {
  /** Labels each member trains on. */
  train: TrainLabels[];
  /** Fold m: the labeled anomalies member m never sees. */
  hidden: Int32Array[];
  /** Unlabeled rows no member trains on: the ranking's negatives. */
  heldOut: Int32Array;
}

/** Whether there are enough labels to cross-fit; otherwise training falls back to label-free stopping. */
export function canCrossFit(labels: TrainLabels, opts: Pick<RosasOptions, 'ensemble' | 'crossFitMinPerFold' | 'heldOutFraction' | 'heldOutMax'>): boolean {
  const held = heldOutCount(labels.unlabeled.length, opts);
  return opts.ensemble >= 2 && labels.anomalies.length >= crossFitMinAnomalies(opts) && held >= MIN_HELD_OUT && labels.unlabeled.length - held >= MIN_HELD_OUT;
}

/** The held-out figure at the epoch whose weights were kept. */
export function keptHeldOutAuc(v: Pick<CrossFitFigures, 'heldOutAuc' | 'keptEpoch'>): number | undefined {
  return v.heldOutAuc[v.keptEpoch - 1];
}

/** Fewer negatives than this cannot rank anything. */
const MIN_HELD_OUT = 50;

function heldOutCount(unlabeled: number, opts: Pick<RosasOptions, 'heldOutFraction' | 'heldOutMax'>): number {
  return Math.min(opts.heldOutMax, Math.round(opts.heldOutFraction * unlabeled));
}

export function crossFitPlan(labels: TrainLabels, opts: Pick<RosasOptions, 'seed' | 'ensemble' | 'heldOutFraction' | 'heldOutMax'>): CrossFitPlan {
  const random = mulberry32((opts.seed ^ FOLD_STREAM) >>> 0);
  const order = permutation(random, labels.anomalies.length);
  const K = opts.ensemble;
  const hidden = Array.from({ length: K }, (_, m) => Int32Array.from(order.filter((_, i) => i % K === m), (i) => labels.anomalies[i]!));
  const kept = Array.from({ length: K }, (_, m) => Int32Array.from(order.filter((_, i) => i % K !== m), (i) => labels.anomalies[i]!));
  const u = permutation(random, labels.unlabeled.length);
  const h = heldOutCount(labels.unlabeled.length, opts);
  const heldOut = Int32Array.from(u.subarray(0, h), (i) => labels.unlabeled[i]!).sort();
  const unlabeled = Int32Array.from(u.subarray(h), (i) => labels.unlabeled[i]!).sort();
  return { hidden, heldOut, train: kept.map((anomalies) => ({ anomalies, normals: labels.normals, unlabeled })) };
}

/**
 * How well the hidden anomalies rank among the held-out rows, pooled over the members: the mean
 * share of held-out rows each scores above (its member's AUC-ROC). Pooled, 30 hidden anomalies
 * over 3 members weigh as one ranking of 30, not three noisy rankings of 10. AUC rather than
 * average precision: the held-out rows hold unlabeled anomalies too, which crowd the top of any
 * good ranking and make average precision a noisy measure of the hidden ones.
 */
export function pooledAuc(above: number[], heldOut: number): number {
  return above.length === 0 ? 0 : 1 - above.reduce((a, c) => a + c, 0) / (above.length * heldOut);
}

/** For each of `scores[0..hidden)`: how many of the rest (the held-out rows) score at least as high. */
export function countAbove(scores: Float32Array, hidden: number): number[] {
  const negatives = Float32Array.from(scores.subarray(hidden)).sort();
  return Array.from(scores.subarray(0, hidden), (s) => {
    let lo = 0;
    let hi = negatives.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (negatives[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    return negatives.length - lo;
  });
}

function rowsOf(data: Matrix, rows: ArrayLike<number>): Matrix {
  const x = new Float32Array(rows.length * data.dim);
  for (let i = 0; i < rows.length; i++) x.set(data.x.subarray(rows[i]! * data.dim, (rows[i]! + 1) * data.dim), i * data.dim);
  return { x, rows: rows.length, dim: data.dim };
}

/**
 * Trains the ensemble's members side by side, an epoch at a time, each on its own folds (see
 * CrossFitPlan), and measures after every epoch how the hidden anomalies rank (pooledAuc). The
 * weights kept are each member's from the latest epoch whose figure is within `heldOutTolerance`
 * of the best so far (in 1 − AUC: 0.05 allows 0.0105 when the best is 0.99): where the figure has
 * flattened out, more training still sharpens the top of the ranking. Training stops once
 * `patience` epochs in a row fall outside it, never before `minEpochs`, never after `epochs`.
 */
export async function trainCrossFit(
  loaded: LoadedTf,
  data: Matrix,
  labels: TrainLabels,
  opts: RosasOptions,
  setups: MemberSetup[],
  ctl: TrainControl = {},
): Promise<TrainedModel[]> {
  const plan = crossFitPlan(labels, opts);
  const trainers = plan.train.map((l, m) => new MemberTrainer(loaded, data, l, { ...opts, seed: setups[m]!.seed }, m, setups[m]!.offset));
  const checks = plan.hidden.map((h) => rowsOf(data, [...h, ...plan.heldOut]));
  const figures: number[] = [];
  let best = -Infinity;
  let keptEpoch = 0;
  let kept: Float32Array[] = [];
  let outside = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const above: number[] = [];
    for (const t of trainers) {
      const f = await t.epoch(ctl);
      const scores = await scoreMatrix(loaded, { topology: t.topology, weights: t.weights }, checks[t.member]!, { signal: ctl.signal });
      above.push(...countAbove(scores, plan.hidden[t.member]!.length));
      const done = Math.min(1, (epoch - 1 + (t.member + 1) / trainers.length) / opts.epochs);
      ctl.onProgress?.({ ...f, epochs: opts.epochs, members: trainers.length, mode: 'lockstep', done });
      await ctl.onEpoch?.(epoch, t.weights, t.member);
    }
    const auc = pooledAuc(above, plan.heldOut.length);
    figures.push(auc);
    best = Math.max(best, auc);
    if (1 - auc <= (1 - best) * (1 + opts.heldOutTolerance)) {
      keptEpoch = epoch;
      kept = trainers.map((t) => t.weights.slice());
      outside = 0;
    } else if (++outside >= opts.patience && epoch >= opts.minEpochs) break;
  }
  return trainers.map((t, m) => ({ ...t.result(kept[m], keptEpoch), validation: { heldOutAuc: figures, keptEpoch, hidden: labels.anomalies.length, heldOut: plan.heldOut.length } }));
}
