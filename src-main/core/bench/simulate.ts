// A simulated analyst (`rosas simulate`): the product's own review loop run on a file with ground
// truth. docs/evaluation.md ("How rosas simulate works") describes the steps and the output.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RosasError, throwIfAborted } from '../errors';
import { importFile, type ImportProgress } from '../ingest/import';
import type { FormatName } from '../ingest/types';
import { setLabels } from '../labels/labels';
import { averagePrecision, rocAuc } from '../model/metrics';
import type { RosasOptions } from '../model/rosas/types';
import { rosasOptions } from '../model/rosas/rosas';
import { openProject, type Project } from '../project/project';
import { rankedIds, roundScores } from '../rounds/ranking';
import { trainRound, type TrainRoundProgress } from '../rounds/train-round';
import { mulberry32, permutation, sampleIndices } from '../util/random';
import type { TaskControl } from '../util/task';

/** What a simulation does unless told otherwise (the CLI help prints these). */
export const SIMULATE_DEFAULTS = { rounds: 5, perRound: 50, seed: 42 } as const;

export interface SimulateOptions {
  labelColumn: string;
  format?: FormatName;
  /** Values of the label column that mean normal (the import's --normal-values). */
  normalValues?: string[];
  /** Review rounds (default SIMULATE_DEFAULTS.rounds). */
  rounds?: number;
  /** Records reviewed per round, K (default SIMULATE_DEFAULTS.perRound). */
  perRound?: number;
  /**
   * Share of anomalies among the records, in (0, 1): every normal record is kept with a seeded
   * sample of the anomalies, and the other anomalies are deleted from the project after the
   * import. Default: the file's records as they are, none deleted.
   */
  anomalyRate?: number;
  /** Seed of the anomaly sample, the random baseline and every round (default SIMULATE_DEFAULTS.seed). */
  seed?: number;
  /** RoSAS epochs, exactly (default: the engine's label-free stopping). */
  epochs?: number;
  /** How RoSAS uses confirmed normals (default: the engine's, as anchors). */
  normalsAs?: RosasOptions['normalsAs'];
  /** Keep the project at this (new) path instead of a temporary one. */
  keepProject?: string;
}

export interface SimulateProgress {
  stage: 'import' | 'sampling' | 'training' | 'review';
  /** Model round being trained or reviewed (0 = cold start). */
  round?: number;
  rounds?: number;
  import?: ImportProgress;
  training?: TrainRoundProgress;
}

/** One trained model of the loop. */
export interface SimulatedModel {
  /** 0 = the cold start; r = trained after the r-th review. */
  round: number;
  /** The round's number in the project (`rosas top --round`). */
  project_round: number;
  method: 'rosas' | 'iforest';
  train_seconds: number;
  labeled_anomalies: number;
  labeled_normals: number;
  /** Ranking quality over the records still unlabeled when it was trained (null: one class only). */
  auc_pr_unlabeled: number | null;
  auc_roc_unlabeled: number | null;
}

/** One review: the top K unlabeled records of model `round`, labeled. */
export interface SimulatedRound extends SimulatedModel {
  /** Records reviewed in this round (K, fewer when the unlabeled records run out). */
  reviewed: number;
  new_anomalies: number;
  /** True anomalies found so far (labeled anomaly), after this review. */
  found: number;
  /** new_anomalies / reviewed (null when nothing was left to review). */
  precision_at_k: number | null;
}

export interface SimulateResult {
  file: string;
  format: string;
  label_column: string;
  /** Records simulated on (after sampling) and the true anomalies among them. */
  records: number;
  anomalies_total: number;
  /** The file's records and anomalies before sampling, and the anomalies deleted by it. */
  file_records: number;
  file_anomalies: number;
  dropped_anomalies: number;
  anomaly_rate: number | null;
  anomaly_share: number;
  rounds: number;
  per_round: number;
  seed: number;
  /** RoSAS epochs per RoSAS round; null: the engine's label-free stopping. */
  epochs: number | null;
  normals_as: RosasOptions['normalsAs'];
  /** Records reviewed so far after each review (index 0 = after the first). */
  reviewed: number[];
  /** True anomalies found so far after each review. */
  found: number[];
  baselines: {
    iforest: { found: number[] };
    random: { found: number[] };
    ideal: { found: number[] };
  };
  rounds_detail: SimulatedRound[];
  /** The model trained after the last review (not reviewed). */
  final: SimulatedModel;
  backend: string;
  /** Where the project was kept, or null (deleted). */
  project: string | null;
  seconds: number;
  warnings: string[];
}

const AUTHOR = 'simulated analyst';
/** Separate random streams for the anomaly sample and the random baseline. */
const SAMPLE_STREAM = 0x2545f491;
const RANDOM_STREAM = 0x68e31da4;

function checkOptions(o: SimulateOptions): void {
  const posInt = (v: number | undefined, name: string, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new RosasError('invalid-argument', `${name} must be an integer ≥ ${min}, got ${v}`);
  };
  if (!o.labelColumn) throw new RosasError('invalid-argument', 'a simulation needs the ground-truth column (--label-column)');
  posInt(o.rounds, 'rounds', 1);
  posInt(o.perRound, 'per-round', 1);
  posInt(o.epochs, 'epochs', 1);
  if (o.seed !== undefined && !(Number.isSafeInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) {
    throw new RosasError('invalid-argument', `the seed must be an integer from 0 to ${0xffffffff}, got ${o.seed}`);
  }
  if (o.anomalyRate !== undefined && !(o.anomalyRate > 0 && o.anomalyRate < 1)) {
    throw new RosasError('invalid-argument', `the anomaly rate must be a share between 0 and 1 (e.g. 0.05), got ${o.anomalyRate}`);
  }
}

/**
 * Deletes records, and sets each source's record count to what is left, in one transaction. Run
 * before any label or round exists, so nothing refers to the deleted records.
 */
function deleteRecords(project: Project, ids: number[]): void {
  const { db } = project;
  db.transaction(() => {
    const del = db.prepare('DELETE FROM records WHERE id IN (SELECT value FROM json_each(?))');
    for (let i = 0; i < ids.length; i += 50_000) del.run(JSON.stringify(ids.slice(i, i + 50_000)));
    db.prepare('UPDATE sources SET records = (SELECT count(*) FROM records r WHERE r.source_id = sources.id)').run();
  }).immediate();
}

export async function runSimulation(file: string, opts: SimulateOptions, ctl: TaskControl<SimulateProgress> = {}): Promise<SimulateResult> {
  checkOptions(opts);
  const started = performance.now();
  const rounds = opts.rounds ?? SIMULATE_DEFAULTS.rounds;
  const perRound = opts.perRound ?? SIMULATE_DEFAULTS.perRound;
  const seed = opts.seed ?? SIMULATE_DEFAULTS.seed;
  const epochs = opts.epochs ?? null;
  if (!fs.existsSync(file)) throw new RosasError('not-found', 'no such file', { file });

  let dir: string | null = null;
  let projectPath: string;
  if (opts.keepProject !== undefined) {
    projectPath = path.resolve(opts.keepProject);
    if (fs.existsSync(projectPath)) throw new RosasError('invalid-argument', `${projectPath} already exists: give --keep-project a new path`);
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosas-simulate-'));
    projectPath = path.join(dir, 'simulation.rosas');
  }
  const project = openProject(projectPath, { create: true, purpose: 'rosas simulate' });
  try {
    return await simulate(project, file, { ...opts, rounds, perRound, seed, epochs }, ctl, started, dir === null ? projectPath : null);
  } finally {
    project.close();
    if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function simulate(
  project: Project,
  file: string,
  opts: Omit<SimulateOptions, 'epochs'> & { rounds: number; perRound: number; seed: number; epochs: number | null },
  ctl: TaskControl<SimulateProgress>,
  started: number,
  kept: string | null,
): Promise<SimulateResult> {
  const { db } = project;
  const { rounds, perRound: k, seed } = opts;
  const warnings: string[] = [];
  const report = (p: SimulateProgress) => ctl.onProgress?.(p);

  const summary = await importFile(
    db,
    file,
    { format: opts.format, labelColumn: opts.labelColumn, normalValues: opts.normalValues },
    { signal: ctl.signal, onProgress: (p) => report({ stage: 'import', import: p }) },
  );
  warnings.push(...summary.warnings);
  throwIfAborted(ctl.signal, 'simulation');

  // Ground truth as the import stored it (NULL would be a record without a value: normal).
  report({ stage: 'sampling' });
  const all = db.prepare('SELECT id, truth FROM records ORDER BY id').raw(true).all() as Array<[number, number | null]>;
  const anomalies = all.filter(([, t]) => t === 1).map(([id]) => id);
  const normals = all.length - anomalies.length;
  if (anomalies.length === 0) throw new RosasError('invalid-argument', `no record of the file is an anomaly under the ground-truth column "${opts.labelColumn}": nothing to find`);
  let dropped: number[] = [];
  if (opts.anomalyRate !== undefined) {
    const target = Math.round((normals * opts.anomalyRate) / (1 - opts.anomalyRate));
    if (target < 1) throw new RosasError('invalid-argument', `an anomaly rate of ${opts.anomalyRate} over ${normals} normal records keeps no anomaly`);
    if (target >= anomalies.length) {
      warnings.push(`the file has ${anomalies.length} anomalies among ${all.length} records, not more than the rate asked for: all are kept`);
    } else {
      const keep = new Set(Array.from(sampleIndices(mulberry32((seed ^ SAMPLE_STREAM) >>> 0), anomalies.length, target), (i) => anomalies[i]!));
      dropped = anomalies.filter((id) => !keep.has(id));
      // Deleted, not just skipped: training and scoring then only ever see the kept records. The
      // field statistics and feature spec stay as the import derived them from the whole file.
      deleteRecords(project, dropped);
    }
  }
  const droppedSet = new Set(dropped);
  const ids = all.map(([id]) => id).filter((id) => !droppedSet.has(id));
  const maxId = all.length ? all[all.length - 1]![0] : 0;
  const truth = new Uint8Array(maxId + 1);
  for (const [id, t] of all) if (t === 1 && !droppedSet.has(id)) truth[id] = 1;
  const anomaliesTotal = anomalies.length - dropped.length;
  throwIfAborted(ctl.signal, 'simulation');

  const labeled = new Set<number>();
  let labeledAnomalies = 0;
  let backend = 'js';

  const train = async (round: number): Promise<SimulatedModel> => {
    report({ stage: 'training', round, rounds });
    const r = await trainRound(db, { seed, epochs: opts.epochs ?? undefined, normalsAs: opts.normalsAs, method: 'auto' }, { signal: ctl.signal, onProgress: (p) => report({ stage: 'training', round, rounds, training: p }) });
    if (r.method === 'rosas') backend = r.backend;
    const scores = roundScores(db, r.round);
    const rest = ids.filter((id) => !labeled.has(id));
    const s = Float64Array.from(rest, (id) => scores[id - 1]!);
    const y = Uint8Array.from(rest, (id) => truth[id]!);
    const positives = y.reduce((a, b) => a + b, 0);
    const both = positives > 0 && positives < y.length;
    return {
      round,
      project_round: r.round,
      method: r.method,
      train_seconds: r.trainSeconds,
      labeled_anomalies: r.labeledAnomalies,
      labeled_normals: r.labeledNormals,
      auc_pr_unlabeled: both ? averagePrecision(s, y) : null,
      auc_roc_unlabeled: both ? rocAuc(s, y) : null,
    };
  };

  let model = await train(0);
  // The cold start's ranking, kept for the no-retraining baseline (rankedIds is shared: copy).
  const coldStart = rankedIds(db, model.project_round).slice();
  const detail: SimulatedRound[] = [];
  const reviewed: number[] = [];
  const found: number[] = [];

  for (let r = 0; r < rounds; r++) {
    throwIfAborted(ctl.signal, 'simulation');
    report({ stage: 'review', round: r, rounds });
    const ranked = rankedIds(db, model.project_round);
    const pick: number[] = [];
    for (let i = 0; i < ranked.length && pick.length < k; i++) if (!labeled.has(ranked[i]!)) pick.push(ranked[i]!);
    const anomaliesHere = pick.filter((id) => truth[id]);
    const normalsHere = pick.filter((id) => !truth[id]);
    if (anomaliesHere.length) setLabels(db, anomaliesHere, 'anomaly', { author: AUTHOR, note: 'ground truth' });
    if (normalsHere.length) setLabels(db, normalsHere, 'normal', { author: AUTHOR, note: 'ground truth' });
    for (const id of pick) labeled.add(id);
    labeledAnomalies += anomaliesHere.length;
    reviewed.push(labeled.size);
    found.push(labeledAnomalies);
    detail.push({
      ...model,
      reviewed: pick.length,
      new_anomalies: anomaliesHere.length,
      found: labeledAnomalies,
      precision_at_k: pick.length ? anomaliesHere.length / pick.length : null,
    });
    model = await train(r + 1);
  }

  const foundInOrder = (order: ArrayLike<number>) => {
    const out: number[] = [];
    let n = 0;
    let i = 0;
    for (let r = 0; r < rounds; r++) {
      const upTo = Math.min(k * (r + 1), order.length);
      for (; i < upTo; i++) n += truth[order[i]!]!;
      out.push(n);
    }
    return out;
  };
  const shuffled = permutation(mulberry32((seed ^ RANDOM_STREAM) >>> 0), ids.length);
  const randomOrder = Array.from(shuffled, (i) => ids[i]!);

  return {
    file: summary.file,
    format: summary.format,
    label_column: opts.labelColumn,
    records: ids.length,
    anomalies_total: anomaliesTotal,
    file_records: all.length,
    file_anomalies: anomalies.length,
    dropped_anomalies: dropped.length,
    anomaly_rate: opts.anomalyRate ?? null,
    anomaly_share: anomaliesTotal / ids.length,
    rounds,
    per_round: k,
    seed,
    epochs: opts.epochs,
    normals_as: opts.normalsAs ?? rosasOptions().normalsAs,
    reviewed,
    found,
    baselines: {
      iforest: { found: foundInOrder(coldStart) },
      random: { found: foundInOrder(randomOrder) },
      ideal: { found: reviewed.map((n) => Math.min(n, anomaliesTotal)) },
    },
    rounds_detail: detail,
    final: model,
    backend,
    project: kept,
    seconds: (performance.now() - started) / 1000,
    warnings,
  };
}
