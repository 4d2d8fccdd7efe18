import type { Database } from 'better-sqlite3';
import { labelMarks } from '../records/label-marks';
import { scoreRange } from '../records/ranking';
import { roundRanking } from './ranking';

export interface ScoreHistogram {
  round: number;
  min: number;
  max: number;
  /** bins + 1 edges, ascending. */
  edges: number[];
  /** Records per bin, by their current label. */
  counts: { unlabeled: number[]; anomaly: number[]; normal: number[]; unsure: number[] };
}

/** How a round's scores spread, split by the records' current labels. */
export function scoreHistogram(db: Database, opts: { round?: number; bins: number }): ScoreHistogram {
  const ranking = roundRanking(db, opts.round);
  const { round, scores, ranked } = ranking;
  const bins = opts.bins;
  const counts = { unlabeled: new Array<number>(bins).fill(0), anomaly: new Array<number>(bins).fill(0), normal: new Array<number>(bins).fill(0), unsure: new Array<number>(bins).fill(0) };
  if (!ranked.length) return { round, min: 0, max: 0, edges: [0, ...new Array<number>(bins).fill(0)], counts };
  const { min, max } = scoreRange(ranking);
  // All scores equal: one bin-wide range around them.
  const lo = max > min ? min : min - 0.5;
  const hi = max > min ? max : max + 0.5;
  const width = (hi - lo) / bins;
  const marks = labelMarks(db, scores.length + 1);
  // Indexed by label mark (records/label-marks.ts): none, anomaly, normal, unsure.
  const series = [counts.unlabeled, counts.anomaly, counts.normal, counts.unsure];
  for (let i = 0; i < ranked.length; i++) {
    const id = ranked[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((scores[id - 1]! - lo) / width)));
    series[marks[id]!]![b]!++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width));
  return { round, min, max, edges, counts };
}
