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
import { rankByScore, rankedIds, roundGroups, roundScores } from '../rounds/ranking';
import { getRound } from '../rounds/store';
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
  /** Actions per round, K (default SIMULATE_DEFAULTS.perRound): records, or groups with `group`. */
  perRound?: number;
  /**
   * One action labels a whole group of near-duplicates (the round's groups, rounds/groups.ts)
   * with the group's majority truth, as an analyst who expands it; default: one record per action.
   */
  group?: boolean;
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

/** The two review loops of a simulation: the baseline without normals' feedback runs first. */
export type SimulatedLoop = 'no_normals' | 'main';

export interface SimulateProgress {
  stage: 'import' | 'sampling' | 'training' | 'review';
  /** The loop being run (training and review stages). */
  loop?: SimulatedLoop;
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
  /** The whole round: snapshot, training, scoring, feedback, review order, saving. */
  round_seconds: number;
  /** Feedback from the labels and the review order (the round's params), null if not recorded. */
  feedback_seconds: number | null;
  labeled_anomalies: number;
  labeled_normals: number;
  /** Ranking quality over the records still unlabeled when it was trained (null: one class only). */
  auc_pr_unlabeled: number | null;
  auc_roc_unlabeled: number | null;
}

/** One review: the first K actions down the review order of model `round`. */
export interface SimulatedRound extends SimulatedModel {
  /** Actions in this review (K, fewer when the unlabeled records run out). */
  actions: number;
  /** Records labeled in this review (= actions, unless a group action labels several). */
  reviewed: number;
  /** True anomalies labeled anomaly in this review. */
  new_anomalies: number;
  /** True anomalies found so far (labeled anomaly), after this review. */
  found: number;
  /** new_anomalies / reviewed (null when nothing was left to review). */
  precision_at_k: number | null;
}

/** A curve of true anomalies found: after each review, and after each action. */
export interface FoundCurve {
  /** After each review (the main loop's action counts `actions[i]`). */
  found: number[];
  /** Element i: after i + 1 actions. */
  found_by_action: number[];
}

export interface OrderBaseline extends FoundCurve {
  /** 1-based action at which the first true anomaly came up; null if none did. */
  first_anomaly_action: number | null;
}

/** The same loop without learning from confirmed normals. */
export interface NoNormalsBaseline extends OrderBaseline {
  actions: number[];
  reviewed: number[];
  records_labeled: number;
  anomaly_groups_found: number;
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
  /** Actions per review, K. */
  per_round: number;
  /** What one action is: one record, or one group of near-duplicates (--group). */
  mode: 'record' | 'group';
  seed: number;
  /** RoSAS epochs per RoSAS round; null: the engine's label-free stopping. */
  epochs: number | null;
  normals_as: RosasOptions['normalsAs'];
  /** Records labeled so far after each review (index 0 = after the first). */
  reviewed: number[];
  /** Actions so far after each review. */
  actions: number[];
  /** True anomalies found (labeled anomaly) so far after each review. */
  found: number[];
  /** True anomalies found so far after each action (element i: after i + 1 actions). */
  found_by_action: number[];
  /** 1-based action at which a true anomaly was first labeled anomaly; null if never. */
  first_anomaly_action: number | null;
  records_labeled: number;
  /** Distinct groups (the cold start round's) among the true anomalies found, and among all. */
  anomaly_groups_found: number;
  anomaly_groups_total: number;
  /** Labels that disagree with the truth (only group actions make them: a group's majority). */
  mislabeled: { anomalies_as_normal: number; normals_as_anomaly: number };
  /**
   * On the same records, after the same number of actions (`found[i]` after `actions[i]`).
   * iforest, random and ideal take one record per action, in group mode too.
   */
  baselines: {
    /** The cold start round's Isolation Forest scores, never retrained. */
    iforest: OrderBaseline;
    random: OrderBaseline;
    /** Every action an anomaly while any is left: min(actions, anomalies_total). */
    ideal: FoundCurve;
    no_normals: NoNormalsBaseline;
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

/** Forgets a loop, in one transaction: every label and its history, and every round with its labels, model and scores. */
function forgetLoop(project: Project): void {
  const { db } = project;
  db.transaction(() => {
    for (const table of ['round_labels', 'scores', 'models', 'rounds', 'label_history', 'labels']) db.prepare(`DELETE FROM ${table}`).run();
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

type Resolved = Omit<SimulateOptions, 'epochs'> & { rounds: number; perRound: number; seed: number; epochs: number | null };

/** What both loops share: the records simulated on and their truth. */
interface Records {
  /** Kept record ids, ascending. */
  ids: number[];
  /** 1 where the record id is a true anomaly (indexed by id). */
  truth: Uint8Array;
}

interface LoopResult {
  detail: SimulatedRound[];
  final: SimulatedModel;
  /** The cold start round's number in the project. */
  coldStart: number;
  reviewed: number[];
  actions: number[];
  found: number[];
  foundByAction: number[];
  /** 1 where the record id is a true anomaly labeled anomaly. */
  foundIds: Uint8Array;
  mislabeled: SimulateResult['mislabeled'];
  backend: string | null;
}

/** Record ids of each group (compressed rows: group g's members are ids[start[g] … start[g + 1])). */
interface GroupIndex {
  start: Int32Array;
  ids: Int32Array;
}

function groupIndex(groups: Int32Array, ids: number[]): GroupIndex {
  let count = 0;
  for (const id of ids) count = Math.max(count, groups[id - 1]! + 1);
  const start = new Int32Array(count + 1);
  for (const id of ids) {
    const g = groups[id - 1]!;
    if (g >= 0) start[g + 1]!++;
  }
  for (let g = 0; g < count; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, count);
  const members = new Int32Array(start[count]!);
  for (const id of ids) {
    const g = groups[id - 1]!;
    if (g >= 0) members[fill[g]!++] = id;
  }
  return { start, ids: members };
}

/** Distinct groups among the ids where `which` is 1. */
function groupsAmong(groups: Int32Array | null, ids: number[], which: Uint8Array): number {
  const seen = new Set<number>();
  for (const id of ids) if (which[id]) seen.add(groups ? groups[id - 1]! : -id);
  return seen.size;
}

/** 1-based index of the first action that found something; null if none did. */
function firstFound(foundByAction: number[]): number | null {
  const i = foundByAction.findIndex((n) => n > 0);
  return i < 0 ? null : i + 1;
}

/** Found after `n` actions of a per-action curve (its last value past its end). */
function foundAfter(foundByAction: number[], n: number): number {
  return n <= 0 || foundByAction.length === 0 ? 0 : foundByAction[Math.min(n, foundByAction.length) - 1]!;
}

/** The per-action curve of reviewing records in `order`, one per action, for `actions` actions. */
function curveOf(order: ArrayLike<number>, truth: Uint8Array, actions: number): number[] {
  const out: number[] = [];
  let n = 0;
  for (let i = 0; i < Math.min(actions, order.length); i++) out.push((n += truth[order[i]!]!));
  return out;
}

/**
 * One review loop on the project as it is (no label, no round): the cold start, then per review K
 * actions down the current round's review order, labeled from the truth, and a retrain.
 */
async function reviewLoop(
  db: Project['db'],
  recs: Records,
  opts: Resolved,
  loop: SimulatedLoop,
  ctl: TaskControl<SimulateProgress>,
): Promise<LoopResult> {
  const { rounds, perRound: k, seed } = opts;
  const { ids, truth } = recs;
  const report = (p: SimulateProgress) => ctl.onProgress?.(p);
  const normalsFeedback = loop === 'main';
  const labeled = new Uint8Array(truth.length);
  const foundIds = new Uint8Array(truth.length);
  let backend: string | null = null;

  const train = async (round: number): Promise<SimulatedModel> => {
    report({ stage: 'training', loop, round, rounds });
    const r = await trainRound(
      db,
      { seed, epochs: opts.epochs ?? undefined, normalsAs: opts.normalsAs, method: 'auto', ...(normalsFeedback ? {} : { normalsFeedback: false }) },
      { signal: ctl.signal, onProgress: (p) => report({ stage: 'training', loop, round, rounds, training: p }) },
    );
    if (r.method === 'rosas') backend = r.backend;
    const feedback = getRound(db, r.round).params.feedback as { seconds?: unknown } | undefined;
    const scores = roundScores(db, r.round);
    const rest = ids.filter((id) => !labeled[id]);
    const s = Float64Array.from(rest, (id) => scores[id - 1]!);
    const y = Uint8Array.from(rest, (id) => truth[id]!);
    const positives = y.reduce((a, b) => a + b, 0);
    const both = positives > 0 && positives < y.length;
    return {
      round,
      project_round: r.round,
      method: r.method,
      train_seconds: r.trainSeconds,
      round_seconds: r.seconds,
      feedback_seconds: typeof feedback?.seconds === 'number' ? feedback.seconds : null,
      labeled_anomalies: r.labeledAnomalies,
      labeled_normals: r.labeledNormals,
      auc_pr_unlabeled: both ? averagePrecision(s, y) : null,
      auc_roc_unlabeled: both ? rocAuc(s, y) : null,
    };
  };

  let model = await train(0);
  const coldStart = model.project_round;
  const detail: SimulatedRound[] = [];
  const reviewed: number[] = [];
  const actions: number[] = [];
  const found: number[] = [];
  const foundByAction: number[] = [];
  const mislabeled = { anomalies_as_normal: 0, normals_as_anomaly: 0 };
  let labeledCount = 0;
  let foundCount = 0;

  for (let r = 0; r < rounds; r++) {
    throwIfAborted(ctl.signal, 'simulation');
    report({ stage: 'review', loop, round: r, rounds });
    const ranked = rankedIds(db, model.project_round);
    const groups = opts.group ? roundGroups(db, model.project_round) : null;
    const index = groups && groupIndex(groups, ids);
    const asAnomaly: number[] = [];
    const asNormal: number[] = [];
    let done = 0;
    let newAnomalies = 0;
    const label = (id: number, anomaly: boolean) => {
      labeled[id] = 1;
      (anomaly ? asAnomaly : asNormal).push(id);
      if (anomaly && truth[id]) {
        foundIds[id] = 1;
        newAnomalies++;
      } else if (anomaly) mislabeled.normals_as_anomaly++;
      else if (truth[id]) mislabeled.anomalies_as_normal++;
    };
    for (let i = 0; i < ranked.length && done < k; i++) {
      const id = ranked[i]!;
      if (labeled[id]) continue;
      const g = groups ? groups[id - 1]! : -1;
      if (index && g >= 0) {
        // One action: the group expanded, every unlabeled member labeled with the group's majority truth (ties: anomaly).
        const from = index.start[g]!;
        const to = index.start[g + 1]!;
        let anomalies = 0;
        for (let j = from; j < to; j++) anomalies += truth[index.ids[j]!]!;
        const anomaly = 2 * anomalies >= to - from;
        for (let j = from; j < to; j++) if (!labeled[index.ids[j]!]) label(index.ids[j]!, anomaly);
      } else label(id, truth[id] === 1);
      done++;
      foundByAction.push(foundCount + newAnomalies);
    }
    if (asAnomaly.length) setLabels(db, asAnomaly, 'anomaly', { author: AUTHOR, note: 'ground truth' });
    if (asNormal.length) setLabels(db, asNormal, 'normal', { author: AUTHOR, note: opts.group ? 'ground truth, group majority' : 'ground truth' });
    const here = asAnomaly.length + asNormal.length;
    labeledCount += here;
    foundCount += newAnomalies;
    reviewed.push(labeledCount);
    actions.push(foundByAction.length);
    found.push(foundCount);
    detail.push({
      ...model,
      actions: done,
      reviewed: here,
      new_anomalies: newAnomalies,
      found: foundCount,
      precision_at_k: here ? newAnomalies / here : null,
    });
    model = await train(r + 1);
  }
  return { detail, final: model, coldStart, reviewed, actions, found, foundByAction, foundIds, mislabeled, backend };
}

async function simulate(project: Project, file: string, opts: Resolved, ctl: TaskControl<SimulateProgress>, started: number, kept: string | null): Promise<SimulateResult> {
  const { db } = project;
  const { seed } = opts;
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
  const recs: Records = { ids, truth };
  throwIfAborted(ctl.signal, 'simulation');

  // The loop without normals' feedback first, then forgotten, so that a kept project holds the real one.
  const noNormals = await reviewLoop(db, recs, opts, 'no_normals', ctl);
  forgetLoop(project);
  const main = await reviewLoop(db, recs, opts, 'main', ctl);

  // Groups and the pure Isolation Forest order by the cold start round (no label yet): by its
  // scores, not its stored queue, which interleaves the exploration picks.
  const coldGroups = roundGroups(db, main.coldStart);
  const total = main.foundByAction.length;
  const ifCurve = curveOf(rankByScore(roundScores(db, main.coldStart)), truth, total);
  const shuffled = permutation(mulberry32((seed ^ RANDOM_STREAM) >>> 0), ids.length);
  const randomCurve = curveOf(Array.from(shuffled, (i) => ids[i]!), truth, total);
  // Ideal: one record per action here too (a group action can label more anomalies than this).
  const idealCurve = Array.from({ length: total }, (_, i) => Math.min(i + 1, anomaliesTotal));
  const atActions = (curve: number[]) => main.actions.map((n) => foundAfter(curve, n));
  const orderBaseline = (curve: number[]): OrderBaseline => ({ found: atActions(curve), found_by_action: curve, first_anomaly_action: firstFound(curve) });

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
    rounds: opts.rounds,
    per_round: opts.perRound,
    mode: opts.group ? 'group' : 'record',
    seed,
    epochs: opts.epochs,
    normals_as: opts.normalsAs ?? rosasOptions().normalsAs,
    reviewed: main.reviewed,
    actions: main.actions,
    found: main.found,
    found_by_action: main.foundByAction,
    first_anomaly_action: firstFound(main.foundByAction),
    records_labeled: main.reviewed[main.reviewed.length - 1] ?? 0,
    anomaly_groups_found: groupsAmong(coldGroups, ids, main.foundIds),
    anomaly_groups_total: groupsAmong(coldGroups, ids, truth),
    mislabeled: main.mislabeled,
    baselines: {
      iforest: orderBaseline(ifCurve),
      random: orderBaseline(randomCurve),
      ideal: { found: atActions(idealCurve), found_by_action: idealCurve },
      no_normals: {
        found: noNormals.found,
        found_by_action: noNormals.foundByAction,
        first_anomaly_action: firstFound(noNormals.foundByAction),
        actions: noNormals.actions,
        reviewed: noNormals.reviewed,
        records_labeled: noNormals.reviewed[noNormals.reviewed.length - 1] ?? 0,
        anomaly_groups_found: groupsAmong(coldGroups, ids, noNormals.foundIds),
      },
    },
    rounds_detail: main.detail,
    final: main.final,
    backend: main.backend ?? noNormals.backend ?? 'js',
    project: kept,
    seconds: (performance.now() - started) / 1000,
    warnings,
  };
}
