/**
 * Makes a seeded split of a dataset under the protocol of `/work/shared/rosas/splits/README.md`
 * (the RoSAS authors' `utils.py`, see docs/rosas-reference.md §1), for datasets that have no
 * shared split files. The result is a `Split` like the ones `loadSplit` reads, so `prepareSplit`
 * applies it exactly as it applies the shared ones.
 *
 * The sizes follow scikit-learn's `train_test_split` as the authors call it, per class:
 * test_size 0.4 gives ceil(0.4·n) rows to "teval" and the rest to train; teval is split again with
 * test_size 0.5, its first part (n − ceil(0.5·n)) being the test split and the second the
 * validation split. Which rows land where is our own seeded draw (the numpy stream cannot be
 * reproduced), so a generated split of seed s is not the shared `seed<s>.json`.
 */
import { RosasError } from '../errors';
import { mulberry32, sampleIndices } from '../util/random';
import type { Dataset } from './datasets';
import type { InjectedRow, Split } from './protocol';

export interface MakeSplitOptions {
  /** Labeled anomalies (role L), taken first from the shuffled train anomalies. */
  labeled?: number;
  /** Share of anomalies among the unlabeled train rows after thinning or injection. */
  contamination?: number;
  /** Share of the kept columns an injected row takes from its donor (int(swapRatio·D)). */
  swapRatio?: number;
}

/** The protocol's settings, as the authors' utils.py has them. */
export const SPLIT_DEFAULTS = { labeled: 30, contamination: 0.02, swapRatio: 0.05 } as const;

/** Separates the split's random stream from the model's seeds (MODEL_SEED_BASE + s) and other draws. */
const SPLIT_STREAM = 0x51c3a2e7;

function shuffle(random: () => number, rows: number[]): number[] {
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

/** Original indices of the columns whose values are all equal over the whole dataset. */
function constantColumns(dataset: Dataset): number[] {
  const { x, rows, dim } = dataset;
  const out: number[] = [];
  for (let j = 0; j < dim; j++) {
    const first = x[j]!;
    let constant = true;
    for (let r = 1; r < rows && constant; r++) if (x[r * dim + j] !== first) constant = false;
    if (constant) out.push(j);
  }
  return out;
}

export function makeSplit(dataset: Dataset, seed: number, opts: MakeSplitOptions = {}): Split {
  const nLabeled = opts.labeled ?? SPLIT_DEFAULTS.labeled;
  const r = opts.contamination ?? SPLIT_DEFAULTS.contamination;
  const swapRatio = opts.swapRatio ?? SPLIT_DEFAULTS.swapRatio;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RosasError('invalid-argument', `a split seed must be a non-negative integer, got ${seed}`);
  if (!(r >= 0 && r < 1)) throw new RosasError('invalid-argument', `contamination must be in [0, 1), got ${r}`);
  const random = mulberry32((seed ^ SPLIT_STREAM) >>> 0);

  const dropped = constantColumns(dataset);
  const droppedSet = new Set(dropped);
  const kept = Array.from({ length: dataset.dim }, (_, j) => j).filter((j) => !droppedSet.has(j));
  if (kept.length === 0) throw new RosasError('invalid-argument', 'every feature column is constant: nothing to learn from');

  const roles: string[] = new Array<string>(dataset.rows);
  const byClass: [number[], number[]] = [[], []];
  for (let i = 0; i < dataset.rows; i++) byClass[dataset.labels[i]! ? 1 : 0].push(i);
  if (byClass[1].length < 2) throw new RosasError('invalid-argument', `the protocol needs anomalies in train and test; the dataset has ${byClass[1].length}`);
  if (byClass[0].length < 2) throw new RosasError('invalid-argument', `the protocol needs normal rows in train and test; the dataset has ${byClass[0].length}`);

  const trainOf: [number[], number[]] = [[], []];
  for (const c of [0, 1] as const) {
    const rows = shuffle(random, byClass[c]);
    const n = rows.length;
    // Computed as Python does (float product, then ceil), so the sizes match the reference's.
    const nTeval = Math.ceil(0.4 * n);
    const nTrain = n - nTeval;
    const nVal = Math.ceil(0.5 * nTeval);
    const nTest = nTeval - nVal;
    trainOf[c] = rows.slice(0, nTrain);
    for (const i of rows.slice(0, nTrain)) roles[i] = 'T';
    for (const i of rows.slice(nTrain, nTrain + nTest)) roles[i] = 'E';
    for (const i of rows.slice(nTrain + nTest)) roles[i] = 'V';
  }

  const trainAnomalies = trainOf[1];
  if (trainAnomalies.length === 0) throw new RosasError('invalid-argument', 'no anomaly fell into the train split');
  const labeled = trainAnomalies.slice(0, Math.min(nLabeled, trainAnomalies.length));
  for (const i of labeled) roles[i] = 'L';
  let unlabeledAnomalies = trainAnomalies.slice(labeled.length);

  // Contamination: unlabeled anomalies / (train normals + unlabeled anomalies) ≈ r.
  const nAdjusted = Math.floor((trainOf[0].length * r) / (1 - r));
  const injected: InjectedRow[] = [];
  if (unlabeledAnomalies.length > nAdjusted) {
    const remove = sampleIndices(random, unlabeledAnomalies.length, unlabeledAnomalies.length - nAdjusted);
    const removed = new Set(Array.from(remove, (k) => unlabeledAnomalies[k]!));
    for (const i of removed) roles[i] = 'R';
    unlabeledAnomalies = unlabeledAnomalies.filter((i) => !removed.has(i));
  } else if (unlabeledAnomalies.length < nAdjusted) {
    const pool = unlabeledAnomalies.length > 2 ? unlabeledAnomalies : labeled;
    const nSwap = Math.floor(swapRatio * kept.length);
    for (let k = unlabeledAnomalies.length; k < nAdjusted; k++) {
      const pair = sampleIndices(random, pool.length, Math.min(2, pool.length));
      const base = pool[pair[0]!]!;
      const donor = pool.length > 1 ? pool[pair[1]!]! : base;
      const columns = Array.from(sampleIndices(random, kept.length, Math.min(nSwap, kept.length)), (c) => kept[c]!);
      injected.push({ base, donor, columns });
    }
  }

  return {
    seed,
    nRows: dataset.rows,
    nColumns: dataset.dim,
    droppedColumns: dropped,
    roles: roles.join(''),
    injected,
    scalerFitRoles: 'TLR',
  };
}
