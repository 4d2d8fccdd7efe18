import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { RosasError, throwIfAborted } from '../errors';
import { latestSpec } from '../features/spec-store';
import { buildMatrix, type Matrix as RecordMatrix } from '../features/featurize';
import type { Label } from '../labels/labels';
import { loadTf } from '../model/backend';
import { DEFAULT_FEEDBACK, leafEvidence, withFeedback, type FeedbackLabels } from '../model/feedback';
import { feedbackInThread } from '../model/feedback-thread';
import { fitIsolationForest, scoreIsolationForest, scoreWithLeafSums, type IsolationForest } from '../model/iforest';
import { rosasOptions, scoreMatrix, trainRosas } from '../model/rosas/rosas';
import type { EpochFigures, RosasOptions, TrainLabels, TrainProgress } from '../model/rosas/types';
import { keptHeldOutAuc } from '../model/rosas/cross-fit';
import { inReadTransaction } from '../util/read-tx';
import type { TaskControl } from '../util/task';
import { throttle } from '../util/throttle';
import { groupCount, groupRows, templateGroupKey } from './groups';
import { float32Blob, int32Blob, packPlain } from './model-store';
import { labeledRows, trainingLabels } from './round-labels';
import { coverPlan, reviewQueue, type RecentLabels } from './queue';
import { latestRound, roundLabels, type RoundMethod } from './store';
import { checkTrainOptions, type TrainRoundOptions } from './train-options';

/**
 * One review round: train on the labels as they are now, score every record, store it all.
 *
 * 1. Snapshot: the labels and the feature matrix are read in one read transaction, so they agree;
 *    labels the analyst adds afterwards (during training) are kept as usual but are not part of
 *    this round.
 * 2. Train: Isolation Forest while no record is labeled anomaly (cold start), RoSAS after.
 * 3. Score every record of the snapshot.
 * 4. Save, in one short write transaction: the round, its label snapshot, the model and the scores.
 *    A cancel or a failure before that writes nothing; earlier rounds are never touched.
 */

export type TrainStage = 'features' | 'training' | 'scoring' | 'saving';

export interface TrainRoundProgress {
  stage: TrainStage;
  /** The method chosen (known once the snapshot is taken). */
  method: RoundMethod | null;
  /** features / scoring: records; training: epochs (RoSAS) or 0/1 (Isolation Forest); saving: 0/1. */
  done: number;
  total: number;
  /** RoSAS's figures of the epoch just finished. */
  training?: TrainProgress;
}

export interface TrainRoundResult {
  round: number;
  /**
   * The earlier round this one repeats (same labels, records, feature spec, seed and options: the
   * same ranking), or null. Said to the analyst rather than training in silence for nothing new.
   */
  repeats: number | null;
  method: RoundMethod;
  backend: string;
  seed: number;
  /** RoSAS epochs trained; null for Isolation Forest. */
  epochs: number | null;
  /**
   * When RoSAS chose its training length by cross-fitting: how the labeled anomalies each model
   * never saw rank among held-out unlabeled records (AUC-ROC) at the epoch kept; else null.
   */
  hiddenAnomalyAuc: number | null;
  trainSeconds: number;
  scoreSeconds: number;
  /** Whole round, snapshot to commit. */
  seconds: number;
  labeledAnomalies: number;
  /** Records the review order placed for their group's size while no anomaly is labeled (rounds/queue.ts). */
  coverPicks: number;
  labeledNormals: number;
  labeledUnsure: number;
  recordsScored: number;
  featureSpecId: number;
  dim: number;
}

export const DEFAULT_SEED = 42;
/** Isolation Forest settings (scikit-learn's defaults). */
export const IFOREST_TREES = 100;
export const IFOREST_SAMPLE_SIZE = 256;
/** Rows scored between two looks at the cancel signal (Isolation Forest scoring is synchronous). */
const SCORE_CHUNK = 65_536;
/** How long a trained round waits for another writer to finish before giving up. */
const SAVE_WAIT_MS = 5 * 60_000;

interface Snapshot {
  labels: Array<[number, Label]>;
  specId: number;
  matrix: RecordMatrix;
  /** Group of near-duplicates of each row (groups.ts). */
  groups: Int32Array;
  /** What the labels given since the previous round were (queue.ts's RecentLabels). */
  recent: RecentLabels | null;
  maxId: number;
}

function takeSnapshot(db: Database, ctl: TaskControl<TrainRoundProgress>, report: (p: TrainRoundProgress) => void): Snapshot {
  // One read transaction: the labels, the spec and the records as of one moment.
  return inReadTransaction(db, () => {
    const labels = db.prepare('SELECT record_id, label FROM labels ORDER BY record_id').raw(true).all() as Array<[number, Label]>;
    const spec = latestSpec(db);
    if (!spec) throw new RosasError('invalid-argument', 'the project has no records yet: import logs before training');
    if (spec.spec.dim === 0) throw new RosasError('invalid-argument', 'no field is used as a feature: set some field roles (rosas fields --set) before training');
    const groupKey = templateGroupKey(db) ?? undefined;
    const matrix = buildMatrix(db, spec.spec, { signal: ctl.signal, groupKey, onProgress: (done, total) => report({ stage: 'features', method: null, done, total }) });
    if (matrix.rows === 0) throw new RosasError('invalid-argument', 'the project has no records yet: import logs before training');
    const groups = groupRows(matrix.x, matrix.rows, matrix.dim, matrix.groups);
    return { labels, specId: spec.id, matrix, groups, recent: recentLabels(db, labels), maxId: matrix.ids[matrix.rows - 1]! };
  });
}

/** The labels new or changed since the newest round trained, or all of them when none is; null with no label. */
function recentLabels(db: Database, labels: Array<[number, Label]>): RecentLabels | null {
  if (!labels.length) return null;
  const last = latestRound(db);
  const before = last === null ? new Map<number, Label>() : roundLabels(db, last);
  const count = (all: boolean): RecentLabels => {
    const c = { anomalies: 0, normals: 0 };
    for (const [id, label] of labels) {
      if (!all && before.get(id) === label) continue;
      if (label === 'anomaly') c.anomalies++;
      else if (label === 'normal') c.normals++;
    }
    return c;
  };
  const recent = count(false);
  return recent.anomalies + recent.normals > 0 ? recent : count(true);
}

/** A digest of everything a round's ranking depends on. */
function roundInputs(snapshot: Snapshot, method: RoundMethod, seed: number, opts: TrainRoundOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ spec: snapshot.specId, method, seed, opts, rows: snapshot.matrix.rows, maxId: snapshot.maxId }));
  for (const [id, label] of snapshot.labels) h.update(`${id}${label[0]}`);
  return h.digest('hex');
}

/** The newest round trained on exactly these inputs, if the newest one was. */
function repeatedRound(db: Database, inputs: string): number | null {
  const last = db.prepare('SELECT id, params FROM rounds ORDER BY id DESC LIMIT 1').get() as { id: number; params: string } | undefined;
  if (!last) return null;
  try {
    return (JSON.parse(last.params) as { inputs?: string }).inputs === inputs ? last.id : null;
  } catch {
    return null;
  }
}

/** A progress reporter: stage changes, the last value of a stage and epochs go out at once, the rest at most every 100 ms. */
function reporter(onProgress: TaskControl<TrainRoundProgress>['onProgress']): (p: TrainRoundProgress) => void {
  if (!onProgress) return () => {};
  const progress = throttle(onProgress, 100);
  let stage: TrainStage | null = null;
  return (p) => {
    const now = p.stage !== stage || p.done >= p.total || p.training !== undefined;
    stage = p.stage;
    progress.push(p, now);
  };
}

interface Trained {
  backend: string;
  trainSeconds: number;
  scoreSeconds: number;
  scores: Float32Array;
  topology: string;
  weights: Buffer;
  history: EpochFigures[];
  params: Record<string, unknown>;
  epochs: number | null;
  hiddenAnomalyAuc: number | null;
  /** Per row, the labels' leaf evidence summed over the feedback forest's trees (model/feedback.ts); null with no label. */
  feedbackSums: Float64Array | null;
}

function fitForest(m: RecordMatrix, seed: number): IsolationForest {
  return fitIsolationForest(m, { seed, trees: IFOREST_TREES, sampleSize: IFOREST_SAMPLE_SIZE });
}

/** An Isolation Forest round; its scoring walk also sums the labels' leaf evidence (the feedback's input). */
async function trainIsolationForest(
  m: RecordMatrix,
  seed: number,
  feedback: FeedbackLabels,
  ctl: TaskControl<TrainRoundProgress>,
  report: (p: TrainRoundProgress) => void,
): Promise<Trained> {
  report({ stage: 'training', method: 'iforest', done: 0, total: 1 });
  const t0 = performance.now();
  const forest = fitForest(m, seed);
  const trainSeconds = (performance.now() - t0) / 1000;
  report({ stage: 'training', method: 'iforest', done: 1, total: 1 });
  await yieldToLoop();
  throwIfAborted(ctl.signal, 'training');

  const t1 = performance.now();
  const evidence = leafEvidence(forest, m, feedback, DEFAULT_FEEDBACK);
  const scores = new Float32Array(m.rows);
  const feedbackSums = evidence && new Float64Array(m.rows);
  report({ stage: 'scoring', method: 'iforest', done: 0, total: m.rows });
  for (let start = 0; start < m.rows; start += SCORE_CHUNK) {
    const rows = Math.min(SCORE_CHUNK, m.rows - start);
    const part = { x: m.x.subarray(start * m.dim, (start + rows) * m.dim), rows, dim: m.dim };
    const scored = evidence ? scoreWithLeafSums(forest, evidence, part, { signal: ctl.signal }) : { scores: scoreIsolationForest(forest, part, { signal: ctl.signal }), sums: null };
    scores.set(scored.scores, start);
    if (scored.sums) feedbackSums?.set(scored.sums, start);
    report({ stage: 'scoring', method: 'iforest', done: start + rows, total: m.rows });
    // Lets a cancel message reach a worker thread.
    await yieldToLoop();
    throwIfAborted(ctl.signal, 'scoring');
  }
  const packed = packPlain(forest);
  return {
    feedbackSums,
    backend: 'js',
    trainSeconds,
    scoreSeconds: (performance.now() - t1) / 1000,
    scores,
    topology: `{"kind":"iforest","version":1,"forest":${packed.json}}`,
    weights: packed.blob,
    history: [],
    params: { iforest: { trees: IFOREST_TREES, sampleSize: forest.sampleSize, nodes: forest.feature.length } },
    epochs: null,
    hiddenAnomalyAuc: null,
  };
}

async function trainRosasRound(
  m: RecordMatrix,
  labels: TrainLabels,
  feedback: FeedbackLabels,
  seed: number,
  opts: TrainRoundOptions,
  ctl: TaskControl<TrainRoundProgress>,
  report: (p: TrainRoundProgress) => void,
): Promise<Trained> {
  // Asking for a number of epochs means exactly that many; otherwise the stopping rule asked for, or the engine's.
  const options: RosasOptions = rosasOptions({
    seed,
    ...(opts.stopping !== undefined ? { stopping: opts.stopping } : {}),
    ...(opts.epochs !== undefined ? { epochs: opts.epochs, stopping: 'fixed' as const } : {}),
    ...(opts.normalsAs !== undefined ? { normalsAs: opts.normalsAs } : {}),
  });
  const loaded = await loadTf();
  throwIfAborted(ctl.signal, 'training');
  report({ stage: 'training', method: 'rosas', done: 0, total: options.epochs });
  const model = await trainRosas(loaded, m, labels, options, {
    signal: ctl.signal,
    // The analyst waits for the round: use the machine's cores (members train in parallel).
    threads: availableParallelism(),
    onProgress: (p) => report({ stage: 'training', method: 'rosas', done: p.epoch, total: p.epochs, training: p }),
  });
  throwIfAborted(ctl.signal, 'training');
  const t1 = performance.now();
  // TensorFlow's wasm backend scores on one core: the feedback's forest works on another meanwhile.
  const sums = feedbackInThread({ data: m, labels: feedback, seed, trees: IFOREST_TREES, sampleSize: IFOREST_SAMPLE_SIZE, weights: DEFAULT_FEEDBACK }, ctl.signal);
  sums.catch(() => {}); // awaited below; a scoring error must not leave it unhandled
  report({ stage: 'scoring', method: 'rosas', done: 0, total: m.rows });
  const scores = await scoreMatrix(loaded, model, m, { signal: ctl.signal, onProgress: (done, total) => report({ stage: 'scoring', method: 'rosas', done, total }) });
  const feedbackSums = (await sums).sums;
  return {
    feedbackSums,
    backend: model.backend,
    trainSeconds: model.trainSeconds,
    scoreSeconds: (performance.now() - t1) / 1000,
    scores,
    topology: JSON.stringify(model.topology),
    weights: float32Blob(model.weights),
    history: model.history,
    params: { rosas: options, steps: model.steps, epochsTrained: model.epochs, skippedBackends: loaded.skipped, ...(model.validation ? { crossFit: model.validation } : {}) },
    epochs: Math.max(...model.epochs),
    hiddenAnomalyAuc: (model.validation && keptHeldOutAuc(model.validation)) ?? null,
  };
}

/**
 * Runs the saving transaction, waiting while another connection holds the write lock (an import
 * that outlasts the busy timeout): a trained round is worth waiting for. A cancel still wins
 * until the commit starts; once it starts, the round is kept whatever happens next.
 */
async function saveWhenFree(save: () => number, signal: AbortSignal | undefined): Promise<number> {
  const deadline = Date.now() + SAVE_WAIT_MS;
  for (;;) {
    throwIfAborted(signal, 'training');
    try {
      return save();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) throw err;
      if (Date.now() > deadline) {
        throw new RosasError('project-locked', `the project stayed busy with another write for ${SAVE_WAIT_MS / 60_000} minutes; the round was not saved`);
      }
    }
    await sleep(250);
  }
}

/** Trains, scores and stores one round; see the top of this file. */
export async function trainRound(db: Database, opts: TrainRoundOptions = {}, ctl: TaskControl<TrainRoundProgress> = {}): Promise<TrainRoundResult> {
  checkTrainOptions(opts);
  const started = performance.now();
  const report = reporter(ctl.onProgress);
  throwIfAborted(ctl.signal, 'training');

  const snapshot = takeSnapshot(db, ctl, report);
  const m = snapshot.matrix;
  const labels = labeledRows(m.ids, snapshot.labels);
  const useNormals = opts.normalsFeedback !== false;
  const requested = opts.method ?? 'auto';
  const method: RoundMethod = requested === 'auto' ? (labels.anomalies.length > 0 ? 'rosas' : 'iforest') : requested;
  if (method === 'rosas' && labels.anomalies.length === 0) {
    throw new RosasError('invalid-argument', 'RoSAS needs at least one record labeled anomaly: label some, or train with --method iforest (or auto)');
  }
  const seed = opts.seed ?? DEFAULT_SEED;
  await yieldToLoop();
  throwIfAborted(ctl.signal, 'training');

  // Every label moves the ranking, from the first one (model/feedback.ts); then the review order.
  const feedback = { anomalies: labels.anomalies, normals: useNormals ? labels.normals : new Int32Array(0) };
  const iforest = method === 'iforest' ? await trainIsolationForest(m, seed, feedback, ctl, report) : null;
  const trained = iforest ?? (await trainRosasRound(m, trainingLabels(labels, snapshot.groups, useNormals), feedback, seed, opts, ctl, report));
  throwIfAborted(ctl.signal, 'training');

  const t2 = performance.now();
  // A RoSAS round gets the feedback of the forest an Isolation Forest round with its seed would fit.
  const scores = withFeedback(trained.scores, trained.feedbackSums, IFOREST_TREES);
  const queue = reviewQueue({ ids: m.ids, scores, groups: snapshot.groups, labeled: labels.reviewed, cover: coverPlan(m.rows, snapshot.recent) });
  const feedbackSeconds = (performance.now() - t2) / 1000;
  throwIfAborted(ctl.signal, 'scoring');

  // One float32 per record id in [1, maxId]; NaN where no record has that id.
  const byId = new Float32Array(snapshot.maxId).fill(NaN);
  let nonFinite = 0;
  const groupsById = new Int32Array(snapshot.maxId).fill(-1);
  for (let r = 0; r < m.rows; r++) {
    if (!Number.isFinite(trained.scores[r]!)) nonFinite++;
    byId[m.ids[r]! - 1] = scores[r]!;
    groupsById[m.ids[r]! - 1] = snapshot.groups[r]!;
  }
  if (nonFinite > 0) {
    throw new RosasError('training-diverged', `${method} training diverged: ${nonFinite} scores are not numbers; no round was saved and every label is kept. Train again with another seed or fewer epochs.`);
  }

  report({ stage: 'saving', method, done: 0, total: 1 });
  const createdAt = new Date().toISOString();
  const params = {
    ...trained.params,
    requestedMethod: requested,
    featureSpecId: snapshot.specId,
    dim: m.dim,
    labeledUnsure: labels.unsure,
    feedback: { ...DEFAULT_FEEDBACK, normals: useNormals, seconds: feedbackSeconds, groups: groupCount(snapshot.groups), coverPicks: queue.picks },
    inputs: roundInputs(snapshot, method, seed, opts),
  };
  // A retrain with nothing new is not silently a no-op: the result says which round it repeats.
  const repeats = repeatedRound(db, params.inputs);
  const save = db.transaction(() => {
    const round = Number(
      db
        .prepare(
          `INSERT INTO rounds (method, created_at, feature_spec_id, seed, backend, params, train_seconds, score_seconds, labeled_anomalies, labeled_normals, records_scored, history)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          method,
          createdAt,
          snapshot.specId,
          seed,
          trained.backend,
          JSON.stringify(params),
          trained.trainSeconds,
          trained.scoreSeconds,
          labels.anomalies.length,
          labels.normals.length,
          m.rows,
          JSON.stringify(trained.history),
        ).lastInsertRowid,
    );
    // Labels of records that no longer exist cannot be kept (the foreign key). Only `rosas
    // simulate` deletes records, before any label exists, so this guard should never drop one.
    const insertLabel = db.prepare('INSERT INTO round_labels (round_id, record_id, label) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM records WHERE id = ?)');
    for (const [id, label] of snapshot.labels) insertLabel.run(round, id, label, id);
    db.prepare('INSERT INTO models (round_id, topology, weights) VALUES (?, ?, ?)').run(round, trained.topology, trained.weights);
    db.prepare('INSERT INTO scores (round_id, count, scores, queue, groups) VALUES (?, ?, ?, ?, ?)').run(round, snapshot.maxId, float32Blob(byId), int32Blob(queue.order), int32Blob(groupsById));
    return round;
  });
  const round = await saveWhenFree(() => save.immediate(), ctl.signal);
  report({ stage: 'saving', method, done: 1, total: 1 });

  return {
    round,
    repeats,
    method,
    backend: trained.backend,
    seed,
    epochs: trained.epochs,
    hiddenAnomalyAuc: trained.hiddenAnomalyAuc,
    trainSeconds: trained.trainSeconds,
    scoreSeconds: trained.scoreSeconds,
    seconds: (performance.now() - started) / 1000,
    labeledAnomalies: labels.anomalies.length,
    labeledNormals: labels.normals.length,
    labeledUnsure: labels.unsure,
    coverPicks: queue.picks,
    recordsScored: m.rows,
    featureSpecId: snapshot.specId,
    dim: m.dim,
  };
}
