// A simulated analyst (`rosas simulate`): the product's own review loop run on a file with ground
// truth. docs/evaluation.md ("How rosas simulate works") describes the steps and the output.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RosasError, throwIfAborted } from '../errors';
import { importFile } from '../ingest/import';
import { rosasOptions } from '../model/rosas/rosas';
import { openProject, type Project } from '../project/project';
import { rankByScore, roundGroups, roundScores } from '../rounds/ranking';
import { mulberry32, permutation, sampleIndices } from '../util/random';
import type { TaskControl } from '../util/task';
import { curveOf, firstFound, foundAfter, groupsAmong, reviewLoop, type Records, type Resolved } from './simulate-loop';
import type { OrderBaseline, SimulateOptions, SimulateProgress, SimulateResult } from './simulate-types';

export type {
  FoundCurve,
  NoNormalsBaseline,
  OrderBaseline,
  SimulatedLoop,
  SimulatedModel,
  SimulatedRound,
  SimulateOptions,
  SimulateProgress,
  SimulateResult,
} from './simulate-types';

/** What a simulation does unless told otherwise (the CLI help prints these). */
export const SIMULATE_DEFAULTS = { rounds: 5, perRound: 50, seed: 42 } as const;

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
