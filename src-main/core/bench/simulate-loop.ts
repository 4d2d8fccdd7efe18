// One simulated review loop (the cold start, then K labeled actions and a retrain per review) and
// the helpers that turn its labels into curves and group counts.
import { throwIfAborted } from '../errors';
import { setLabels } from '../labels/labels';
import { averagePrecision, rocAuc } from '../model/metrics';
import type { Project } from '../project/project';
import { rankedIds, roundGroups, roundScores } from '../rounds/ranking';
import { getRound } from '../rounds/store';
import { trainRound } from '../rounds/train-round';
import type { TaskControl } from '../util/task';
import type { SimulatedLoop, SimulatedModel, SimulatedRound, SimulateOptions, SimulateProgress, SimulateResult } from './simulate-types';

const AUTHOR = 'simulated analyst';

export type Resolved = Omit<SimulateOptions, 'epochs'> & { rounds: number; perRound: number; seed: number; epochs: number | null };

/** What both loops share: the records simulated on and their truth. */
export interface Records {
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
export function groupsAmong(groups: Int32Array | null, ids: number[], which: Uint8Array): number {
  const seen = new Set<number>();
  for (const id of ids) if (which[id]) seen.add(groups ? groups[id - 1]! : -id);
  return seen.size;
}

/** 1-based index of the first action that found something; null if none did. */
export function firstFound(foundByAction: number[]): number | null {
  const i = foundByAction.findIndex((n) => n > 0);
  return i < 0 ? null : i + 1;
}

/** Found after `n` actions of a per-action curve (its last value past its end). */
export function foundAfter(foundByAction: number[], n: number): number {
  return n <= 0 || foundByAction.length === 0 ? 0 : foundByAction[Math.min(n, foundByAction.length) - 1]!;
}

/** The per-action curve of reviewing records in `order`, one per action, for `actions` actions. */
export function curveOf(order: ArrayLike<number>, truth: Uint8Array, actions: number): number[] {
  const out: number[] = [];
  let n = 0;
  for (let i = 0; i < Math.min(actions, order.length); i++) out.push((n += truth[order[i]!]!));
  return out;
}

/**
 * One review loop on the project as it is (no label, no round): the cold start, then per review K
 * actions down the current round's review order, labeled from the truth, and a retrain.
 */
export async function reviewLoop(
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
