import type { Database } from 'better-sqlite3';
import { groundTruth, type GroundTruth } from '../records/truth';
import { perConnection } from '../util/per-connection';
import { roundRanking } from './ranking';
import { roundLabels } from './store';
import { scoreAgainstTruth } from './truth';

export interface PrecisionRecallRound {
  round: number;
  /** AUC-PR (average precision, as scikit-learn computes it) over every record with ground truth. */
  averagePrecision: number;
  /** The same over the records the round was not trained on; null when they hold one class only. */
  heldOutAveragePrecision: number | null;
  /** Precision and recall among the top k of the ranking, for k along it. */
  points: Array<{ k: number; precision: number; recall: number }>;
}

export interface PrecisionRecall {
  /** False when no record has ground truth (no label column at import) or it holds one class only. */
  available: boolean;
  records: number;
  anomalies: number;
  rounds: PrecisionRecallRound[];
}

/** Points of the curve: k from 1 to n, spread evenly on a log scale, about `count` of them. */
export function ksAlong(n: number, count = 80): number[] {
  const ks = new Set<number>();
  for (let i = 0; i < count; i++) ks.add(Math.max(1, Math.round(Math.pow(n, i / (count - 1)))));
  ks.add(n);
  return [...ks].filter((k) => k >= 1 && k <= n).sort((a, b) => a - b);
}

function roundPrecisionRecall(db: Database, round: number, truth: GroundTruth): PrecisionRecallRound {
  const { ranked, scores } = roundRanking(db, round);
  // The ranking restricted to records with ground truth.
  const ids: number[] = [];
  for (let i = 0; i < ranked.length; i++) if ((truth.byId[ranked[i]!] ?? -1) >= 0) ids.push(ranked[i]!);
  const anomalies = ids.reduce((n, id) => n + truth.byId[id]!, 0);
  const points: PrecisionRecallRound['points'] = [];
  const ks = ksAlong(ids.length);
  let tp = 0;
  let next = 0;
  for (let k = 1; k <= ids.length && next < ks.length; k++) {
    tp += truth.byId[ids[k - 1]!]!;
    if (k === ks[next]) {
      points.push({ k, precision: tp / k, recall: anomalies ? tp / anomalies : 0 });
      next++;
    }
  }
  const trained = roundLabels(db, round);
  const heldOut = ids.filter((id) => !trained.has(id));
  return {
    round,
    averagePrecision: scoreAgainstTruth(scores, ids, truth.byId)?.averagePrecision ?? 0,
    heldOutAveragePrecision: scoreAgainstTruth(scores, heldOut, truth.byId)?.averagePrecision ?? null,
    points,
  };
}

/** Per connection: a round's figures for one state of the records (rounds never change). */
const cacheOf = perConnection(() => new Map<string, PrecisionRecallRound>());

/** Precision and recall of every round along its ranking, against the records' ground truth. */
export function precisionRecall(db: Database): PrecisionRecall {
  const truth = groundTruth(db);
  if (truth.records === 0 || truth.anomalies === 0 || truth.anomalies === truth.records) {
    return { available: false, records: truth.records, anomalies: truth.anomalies, rounds: [] };
  }
  const cache = cacheOf(db);
  const rounds = db.prepare('SELECT id, created_at FROM rounds ORDER BY id').raw(true).all() as Array<[number, string]>;
  const out: PrecisionRecallRound[] = [];
  for (const [round, createdAt] of rounds) {
    const key = `${round}:${createdAt}:${truth.key}`;
    let r = cache.get(key);
    if (!r) cache.set(key, (r = roundPrecisionRecall(db, round, truth)));
    out.push(r);
  }
  return { available: true, records: truth.records, anomalies: truth.anomalies, rounds: out };
}
