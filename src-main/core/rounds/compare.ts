import type { Database } from 'better-sqlite3';
import { currentLabels } from '../labels/labels';
import { groundTruth } from '../records/truth';
import { roundRanking } from './ranking';
import { roundLabels } from './store';
import { scoreAgainstTruth, type RoundEvaluation } from './truth';

/** How two rounds differ: their top k, their rank correlation and, with ground truth, their figures. */

export interface RoundComparison {
  a: number;
  b: number;
  k: number;
  /** Records scored by both rounds (the comparison's population). */
  records: number;
  /** Records in both rounds' top k, and that count over k. */
  topKOverlap: number;
  topKOverlapShare: number;
  /** Spearman rank correlation of the two rounds' scores over the records both scored (ties get average ranks). */
  spearman: number | null;
  /** Records currently labeled anomaly in each round's top k. */
  labeledAnomaliesInTopK: { a: number; b: number };
  /**
   * Against the ground truth of the import's label column, when the records both rounds scored
   * hold both classes: over all of them, and over those neither round was trained on (held out).
   */
  truth: {
    records: number;
    anomalies: number;
    a: RoundEvaluation;
    b: RoundEvaluation;
    heldOut: { records: number; anomalies: number; a: RoundEvaluation; b: RoundEvaluation } | null;
  } | null;
}

/** Average ranks (1 = highest score) of the ids in `order` that pass `keep`, ties sharing their mean rank. */
function averageRanks(order: Int32Array, scores: Float32Array, keep: Uint8Array, out: Float64Array): void {
  let rank = 0;
  let i = 0;
  const n = order.length;
  while (i < n) {
    const id = order[i]!;
    if (!keep[id]) {
      i++;
      continue;
    }
    const s = scores[id - 1]!;
    // The run of kept ids tied at s.
    let j = i;
    let count = 0;
    while (j < n && scores[order[j]! - 1] === s) {
      if (keep[order[j]!]) count++;
      j++;
    }
    const mean = rank + (count + 1) / 2;
    for (let t = i; t < j; t++) if (keep[order[t]!]) out[order[t]!] = mean;
    rank += count;
    i = j;
  }
}

function pearson(x: Float64Array, y: Float64Array, keep: Uint8Array): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    n++;
    sx += x[i]!;
    sy += y[i]!;
  }
  if (n < 2) return null;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/**
 * How two rounds differ: top-k overlap, Spearman correlation over all records, labeled anomalies
 * in each top k, and, when the records carry ground truth, AUC-PR and ROC AUC of each.
 */
export function compareRounds(db: Database, a: number, b: number, opts: { k?: number } = {}): RoundComparison {
  const { scores: sa, ranked: ra } = roundRanking(db, a);
  const { scores: sb, ranked: rb } = roundRanking(db, b);
  const size = Math.max(sa.length, sb.length) + 1;
  const both = new Uint8Array(size);
  let records = 0;
  for (let id = 1; id < size; id++) {
    const x = sa[id - 1];
    const y = sb[id - 1];
    if (x !== undefined && y !== undefined && x === x && y === y) {
      both[id] = 1;
      records++;
    }
  }
  const k = Math.max(1, Math.min(Math.floor(opts.k ?? 100), records || 1));

  const topOf = (ranked: Int32Array) => {
    const top: number[] = [];
    for (let i = 0; i < ranked.length && top.length < k; i++) if (both[ranked[i]!]) top.push(ranked[i]!);
    return top;
  };
  const topA = topOf(ra);
  const topB = topOf(rb);
  const inA = new Set(topA);
  const overlap = topB.filter((id) => inA.has(id)).length;

  const labels = currentLabels(db);
  const anomaliesIn = (ids: number[]) => ids.filter((id) => labels.get(id) === 'anomaly').length;

  let spearman: number | null = null;
  if (records >= 2) {
    const rankA = new Float64Array(size);
    const rankB = new Float64Array(size);
    averageRanks(ra, sa, both, rankA);
    averageRanks(rb, sb, both, rankB);
    spearman = pearson(rankA, rankB, both);
  }

  return {
    a,
    b,
    k,
    records,
    topKOverlap: overlap,
    topKOverlapShare: records ? overlap / k : 0,
    spearman,
    labeledAnomaliesInTopK: { a: anomaliesIn(topA), b: anomaliesIn(topB) },
    truth: truthEvaluation(db, a, b, sa, sb, both),
  };
}

function truthEvaluation(db: Database, a: number, b: number, sa: Float32Array, sb: Float32Array, both: Uint8Array): RoundComparison['truth'] {
  const truth = groundTruth(db).byId;
  const kept: number[] = [];
  for (let id = 1; id < Math.min(both.length, truth.length); id++) if (both[id] && truth[id]! >= 0) kept.push(id);
  const evaluateOn = (ids: number[]) => {
    const ea = scoreAgainstTruth(sa, ids, truth);
    const eb = scoreAgainstTruth(sb, ids, truth);
    if (!ea || !eb) return null;
    return { records: ea.records, anomalies: ea.anomalies, a: evaluation(ea), b: evaluation(eb) };
  };
  const all = evaluateOn(kept);
  if (!all) return null;
  const trained = new Set<number>([...roundLabels(db, a).keys(), ...roundLabels(db, b).keys()]);
  return { ...all, heldOut: evaluateOn(kept.filter((id) => !trained.has(id))) };
}

const evaluation = (e: RoundEvaluation): RoundEvaluation => ({ averagePrecision: e.averagePrecision, rocAuc: e.rocAuc });
