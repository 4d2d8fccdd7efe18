/**
 * The paper's protocol on one dataset (`rosas bench`, `npm run bench:engine`): for each seed s,
 * a split (a shared `seed<s>.json`, or one made by make-split.ts), RoSAS trained on the training
 * matrix as the product trains it — labeled anomalies L as anomalies, the unlabeled rows T and the
 * injected rows as unlabeled, no confirmed normals, and no validation split (an analyst has no
 * labeled validation data, so there is no early stopping) — then the test rows scored.
 * AUC-PR is average precision, as in reference-results.md. The model seed of run s is
 * MODEL_SEED_BASE + s, as in the authors' main.py.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CancelledError, RosasError } from '../errors';
import { truthRule } from '../ingest/truth';
import { loadTf } from '../model/backend';
import { averagePrecision, rocAuc } from '../model/metrics';
import { rosasOptions, scoreMatrix, trainRosas } from '../model/rosas/rosas';
import type { RosasOptions, TrainProgress } from '../model/rosas/types';
import type { TaskControl } from '../util/task';
import { headerFields, loadDataset, openLines, type Dataset } from './datasets';
import { makeSplit } from './make-split';
import { loadSplit, prepareSplit, type Split } from './protocol';

/** The model seed of run s is MODEL_SEED_BASE + s, as in the authors' main.py. */
export const MODEL_SEED_BASE = 42;
/** Runs without split files or a seed list: seeds 0 … DEFAULT_RUNS − 1. */
export const DEFAULT_RUNS = 5;

export interface BenchOptions {
  /** Ground-truth column (default `label`); every other column is a numeric feature. */
  labelColumn?: string;
  /** A folder of split files `seed<s>.json`; without it, splits are made per seed. */
  splitsDir?: string;
  /** How many runs: the first N seeds (of the split files, or 0…N−1). Default: every split file, or 5. */
  runs?: number;
  /** Exactly these seeds (overrides `runs`). */
  seeds?: number[];
  /** RoSAS epochs, exactly (default: the engine's label-free stopping). */
  epochs?: number;
  /** Any other engine option, e.g. REFERENCE_NO_ES to measure the reference's own behaviour. */
  rosas?: Partial<RosasOptions>;
  /** Threads the ensemble's members may train in at once (default 1, as the reference's one thread). */
  threads?: number;
}

export interface BenchProgress {
  /** 0-based index of the run, and how many there are. */
  run: number;
  runs: number;
  seed: number;
  stage: 'split' | 'training' | 'scoring' | 'done';
  training?: TrainProgress;
  /** Set at stage 'done'. */
  result?: BenchRun;
}

export interface BenchRun {
  /** The split's seed s; the model seed is MODEL_SEED_BASE + s. */
  seed: number;
  model_seed: number;
  auc_pr: number;
  auc_roc: number;
  train_seconds: number;
  steps: number;
  epochs: number;
  /** Test rows scored per second (one scoreMatrix call over the test split). */
  infer_rows_per_s: number;
  train_rows: number;
  labeled_anomalies: number;
  unlabeled: number;
  injected: number;
  test_rows: number;
  test_anomalies: number;
  /** Where the split came from: the file read, or "generated". */
  split: string;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single run. */
  std: number;
}

export interface BenchResult {
  dataset: string;
  file: string;
  /** Rows of the file, and features used (after the columns constant over the whole file are dropped). */
  rows: number;
  dim: number;
  /** Feature columns in the file (before dropping). */
  columns: number;
  anomalies: number;
  label_column: string;
  /** The split folder read, or null when the splits were generated. */
  splits: string | null;
  runs: BenchRun[];
  auc_pr: MeanStd;
  auc_roc: MeanStd;
  train_seconds: MeanStd & { median: number };
  /** Median over runs of the test rows scored per second. */
  infer_rows_per_s: number;
  /** Median over runs of optimiser steps per second of training. */
  steps_per_s: number;
  backend: string;
  /** RoSAS options of the runs; each run's seed is `model_seed` (MODEL_SEED_BASE + s). */
  options: RosasOptions;
  std: 'sample (n-1)';
}

export const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

/** Sample standard deviation (ddof 1): the reference's ± is taken to be this. 0 for fewer than two values. */
function sampleStd(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

export function median(v: readonly number[]): number {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

const meanStd = (v: readonly number[]): MeanStd => ({ mean: mean(v), std: sampleStd(v) });

/** `cardio.csv.gz` → `cardio`. */
function datasetName(file: string): string {
  return path.basename(file).replace(/\.gz$/i, '').replace(/\.(csv|tsv|txt)$/i, '');
}

async function readHeader(file: string): Promise<string[]> {
  const src = openLines(file);
  const first = async () => {
    for await (const line of src.lines) return headerFields(line);
    return [];
  };
  try {
    return await Promise.race([first(), src.failed]);
  } finally {
    src.close();
  }
}

/**
 * A numeric CSV (optionally gzipped) with a ground-truth column. The shared datasets' layout (last
 * column `label`, 0/1) goes through loadDataset; any other label column is moved out of the
 * features here and read with the product's truth rule (numbers: non-zero = anomaly; text: benign,
 * normal, … = normal).
 */
async function loadLabeledCsv(file: string, labelColumn = 'label'): Promise<Dataset> {
  if (!fs.existsSync(file)) throw new RosasError('not-found', 'dataset file not found', { file });
  const header = await readHeader(file);
  const at = header.indexOf(labelColumn);
  if (at < 0) throw new RosasError('invalid-argument', `no column "${labelColumn}" in the header; columns are: ${header.slice(0, 40).join(', ')}`, { file, line: 1 });
  if (at === header.length - 1 && labelColumn === 'label') return loadDataset(file);

  const names = header.filter((_, j) => j !== at);
  const dim = names.length;
  if (dim === 0) throw new RosasError('format', 'no feature column besides the label', { file, line: 1 });
  const truth = truthRule();
  const values: number[] = [];
  const labels: number[] = [];
  const src = openLines(file);
  let lineNo = 0;
  const read = async () => {
    for await (const line of src.lines) {
      lineNo++;
      if (lineNo === 1 || line === '') continue;
      const fields = line.split(',');
      if (fields.length !== header.length) throw new RosasError('format', `expected ${header.length} fields, found ${fields.length}`, { file, line: lineNo });
      for (let j = 0; j < fields.length; j++) {
        const s = fields[j]!.trim();
        if (j === at) {
          labels.push(truth(s));
          continue;
        }
        const v = Number(s);
        if (s === '' || !Number.isFinite(v)) throw new RosasError('format', `"${s}" is not a finite number`, { file, line: lineNo, field: header[j] });
        values.push(v);
      }
    }
  };
  try {
    await Promise.race([read(), src.failed]);
  } finally {
    src.close();
  }
  return { names, x: Float64Array.from(values), rows: labels.length, dim, labels: Uint8Array.from(labels) };
}

/** The seeds of the split files `seed<s>.json` in a folder, ascending. */
function splitSeeds(dir: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    throw new RosasError('not-found', 'split folder not found', { file: dir });
  }
  return entries
    .map((f) => /^seed(\d+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function chooseSeeds(opts: BenchOptions): number[] {
  if (opts.runs !== undefined && !(Number.isInteger(opts.runs) && opts.runs >= 1)) throw new RosasError('invalid-argument', `runs must be an integer ≥ 1, got ${opts.runs}`);
  if (opts.splitsDir !== undefined) {
    const present = splitSeeds(opts.splitsDir);
    if (!present.length) throw new RosasError('not-found', 'no split files seed<s>.json in the folder', { file: opts.splitsDir });
    if (opts.seeds) {
      const missing = opts.seeds.filter((s) => !present.includes(s));
      if (missing.length) throw new RosasError('not-found', `no split file for seed ${missing.join(', ')} (present: ${present.join(', ')})`, { file: opts.splitsDir });
      return opts.seeds;
    }
    if (opts.runs !== undefined && opts.runs > present.length) {
      throw new RosasError('invalid-argument', `${opts.runs} runs asked for, but the folder has ${present.length} split file(s) (seeds ${present.join(', ')})`, { file: opts.splitsDir });
    }
    return present.slice(0, opts.runs ?? present.length);
  }
  if (opts.seeds) return opts.seeds;
  return Array.from({ length: opts.runs ?? DEFAULT_RUNS }, (_, s) => s);
}

/** Runs the protocol on one dataset file; see the top of this file. */
export async function runBench(file: string, opts: BenchOptions = {}, ctl: TaskControl<BenchProgress> = {}): Promise<BenchResult> {
  const labelColumn = opts.labelColumn ?? 'label';
  const seeds = chooseSeeds(opts);
  if (seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new RosasError('invalid-argument', `seeds must be non-negative integers, got ${seeds.join(', ')}`);
  const base = rosasOptions({ ...opts.rosas, ...(opts.epochs !== undefined ? { epochs: opts.epochs, stopping: 'fixed' as const } : {}) });
  const dataset = await loadLabeledCsv(file, labelColumn);
  const loaded = await loadTf();
  const runs: BenchRun[] = [];
  let dim = 0;

  for (const [i, seed] of seeds.entries()) {
    const report = (p: Omit<BenchProgress, 'run' | 'runs' | 'seed'>) => ctl.onProgress?.({ run: i, runs: seeds.length, seed, ...p });
    if (ctl.signal?.aborted) throw new CancelledError('benchmark');
    report({ stage: 'split' });
    const splitFile = opts.splitsDir !== undefined ? path.join(opts.splitsDir, `seed${seed}.json`) : null;
    const split: Split = splitFile ? loadSplit(splitFile) : makeSplit(dataset, seed);
    const p = prepareSplit(dataset, split);
    dim = p.train.dim;
    if (p.labeled.length === 0) throw new RosasError('invalid-argument', `split of seed ${seed} has no labeled anomaly (role L)`);

    const options = { ...base, seed: MODEL_SEED_BASE + seed };
    report({ stage: 'training' });
    const model = await trainRosas(
      loaded,
      p.train,
      { anomalies: p.labeled, normals: new Int32Array(0), unlabeled: p.unlabeled },
      options,
      { signal: ctl.signal, threads: opts.threads ?? 1, onProgress: (t) => report({ stage: 'training', training: t }) },
    );
    report({ stage: 'scoring' });
    const t0 = performance.now();
    const scores = await scoreMatrix(loaded, model, p.test, { signal: ctl.signal });
    const inferSeconds = (performance.now() - t0) / 1000;
    const nonFinite = scores.reduce((n, v) => n + (Number.isFinite(v) ? 0 : 1), 0);
    if (nonFinite > 0) {
      const at = model.history.findIndex((e) => !Number.isFinite(e.lossTriplet) || !Number.isFinite(e.lossScore));
      throw new RosasError(
        'training-diverged',
        `seed ${seed}: RoSAS training diverged (${nonFinite} of ${p.test.rows} test scores are not numbers${at >= 0 ? `; losses first non-finite in epoch ${at + 1}` : ''})`,
        { file },
      );
    }
    const run: BenchRun = {
      seed,
      model_seed: options.seed,
      auc_pr: averagePrecision(scores, p.testLabels),
      auc_roc: rocAuc(scores, p.testLabels),
      train_seconds: model.trainSeconds,
      steps: model.steps,
      epochs: Math.max(...model.epochs),
      infer_rows_per_s: p.test.rows / Math.max(inferSeconds, 1e-9),
      train_rows: p.train.rows,
      labeled_anomalies: p.labeled.length,
      unlabeled: p.unlabeled.length,
      injected: split.injected.length,
      test_rows: p.test.rows,
      test_anomalies: p.testLabels.reduce((a, b) => a + b, 0),
      split: splitFile ?? 'generated',
    };
    runs.push(run);
    report({ stage: 'done', result: run });
  }

  const trainSeconds = runs.map((r) => r.train_seconds);
  return {
    dataset: datasetName(file),
    file: path.resolve(file),
    rows: dataset.rows,
    dim,
    columns: dataset.dim,
    anomalies: dataset.labels.reduce((a, b) => a + b, 0),
    label_column: labelColumn,
    splits: opts.splitsDir !== undefined ? path.resolve(opts.splitsDir) : null,
    runs,
    auc_pr: meanStd(runs.map((r) => r.auc_pr)),
    auc_roc: meanStd(runs.map((r) => r.auc_roc)),
    train_seconds: { ...meanStd(trainSeconds), median: median(trainSeconds) },
    infer_rows_per_s: median(runs.map((r) => r.infer_rows_per_s)),
    steps_per_s: median(runs.map((r) => r.steps / r.train_seconds)),
    backend: loaded.backend,
    options: base,
    std: 'sample (n-1)',
  };
}
