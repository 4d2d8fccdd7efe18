import type { Database } from 'better-sqlite3';
import type { Label } from '../core/labels/labels';
import { averagePrecision } from '../core/model/metrics';
import { keptHeldOutAuc } from '../core/model/rosas/cross-fit';
import { listRounds, rankedIds, resolveRound, roundLabels, roundScores } from '../core/rounds/rounds';
import type { DiscoveryCurve, PrecisionRecall, PrecisionRecallRound, RoundSummary, ScoreHistogram } from './contract';

/**
 * Read-only figures for the Rounds screen: the rounds with what each found, the score histogram,
 * the discovery curve and, with ground truth, precision/recall of each round. Rounds never change
 * once saved, so per-round figures are cached per connection.
 */

const LABEL_CODE: Record<Label, number> = { anomaly: 1, normal: 2, unsure: 3 };

// ---------------------------------------------------------------------------------------------
// Discovery: what the analyst found, in the order it was found.

interface Reviewed {
  id: number;
  label: Label;
  /** The round that was the newest when the record was first labeled (0: before round 1). */
  round: number;
}

/** Labeled records in the order they were first labeled, each with the round it was found in. */
function reviewedInOrder(db: Database): Reviewed[] {
  const rounds = db.prepare('SELECT id, created_at FROM rounds ORDER BY id').raw(true).all() as Array<[number, string]>;
  const rows = db
    .prepare(
      `SELECT l.record_id, l.label, min(h.at) AS first
       FROM labels l JOIN label_history h ON h.record_id = l.record_id AND h.label IS NOT NULL
       GROUP BY l.record_id ORDER BY first, l.record_id`,
    )
    .raw(true)
    .all() as Array<[number, Label, string]>;
  const out: Reviewed[] = [];
  let r = 0;
  for (const [id, label, first] of rows) {
    // ISO times of one writer sort as text; rows come in time order, so the round only moves on.
    while (r < rounds.length && rounds[r]![1] <= first) r++;
    out.push({ id, label, round: r === 0 ? 0 : rounds[r - 1]![0] });
  }
  return out;
}

/** At most this many points per round's segment of the curve. */
const CURVE_POINTS = 300;

export function discoveryCurve(db: Database): DiscoveryCurve {
  const reviewed = reviewedInOrder(db);
  const segments: DiscoveryCurve['rounds'] = [];
  let found = 0;
  let i = 0;
  while (i < reviewed.length) {
    const round = reviewed[i]!.round;
    const start: [number, number] = [i, found];
    const points: Array<[number, number]> = [start];
    let j = i;
    let segFound = 0;
    while (j < reviewed.length && reviewed[j]!.round === round) {
      if (reviewed[j]!.label === 'anomaly') {
        found++;
        segFound++;
      }
      j++;
      points.push([j, found]);
    }
    segments.push({ round, reviewed: j - i, found: segFound, points: thin(points, CURVE_POINTS) });
    i = j;
  }
  return { reviewed: reviewed.length, found, rounds: segments };
}

/** Every step-th point, keeping the first and the last. */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = Math.ceil(points.length / max);
  const out = points.filter((_, k) => k % step === 0);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]!);
  return out;
}

export function roundSummaries(db: Database): RoundSummary[] {
  const byRound = new Map<number, { reviewed: number; found: number }>();
  for (const s of discoveryCurve(db).rounds) byRound.set(s.round, { reviewed: s.reviewed, found: s.found });
  return listRounds(db).map((r) => {
    const params = r.params as { rosas?: { epochs?: unknown; ensemble?: unknown }; epochsTrained?: unknown; crossFit?: { heldOutAuc?: unknown; keptEpoch?: unknown } };
    let epochs: number | null = null;
    let members: number | null = null;
    let hiddenAnomalyAuc: number | null = null;
    if (r.method === 'rosas') {
      // Newer rounds say how many epochs each model trained (it may stop early); older ones, how many were asked.
      const trained = Array.isArray(params.epochsTrained) ? params.epochsTrained.filter((e): e is number => typeof e === 'number') : [];
      epochs = trained.length ? Math.max(...trained) : typeof params.rosas?.epochs === 'number' ? params.rosas.epochs : null;
      members = trained.length || (typeof params.rosas?.ensemble === 'number' ? params.rosas.ensemble : 1);
      const cf = params.crossFit;
      const kept = cf && Array.isArray(cf.heldOutAuc) && typeof cf.keptEpoch === 'number' ? keptHeldOutAuc({ heldOutAuc: cf.heldOutAuc, keptEpoch: cf.keptEpoch }) : undefined;
      if (typeof kept === 'number') hiddenAnomalyAuc = kept;
    }
    const d = byRound.get(r.round);
    return { ...r, epochs, members, hiddenAnomalyAuc, reviewed: d?.reviewed ?? 0, anomaliesFound: d?.found ?? 0 };
  });
}

// ---------------------------------------------------------------------------------------------
// Score histogram.

export function scoreHistogram(db: Database, opts: { round?: number; bins: number }): ScoreHistogram {
  const round = resolveRound(db, opts.round);
  const scores = roundScores(db, round);
  const ranked = rankedIds(db, round);
  const bins = opts.bins;
  const counts = { unlabeled: new Array<number>(bins).fill(0), anomaly: new Array<number>(bins).fill(0), normal: new Array<number>(bins).fill(0), unsure: new Array<number>(bins).fill(0) };
  if (!ranked.length) return { round, min: 0, max: 0, edges: [0, ...new Array<number>(bins).fill(0)], counts };
  const max = scores[ranked[0]! - 1]!;
  const min = scores[ranked[ranked.length - 1]! - 1]!;
  // All scores equal: one bin-wide range around them.
  const lo = max > min ? min : min - 0.5;
  const hi = max > min ? max : max + 0.5;
  const width = (hi - lo) / bins;
  const labelOf = new Uint8Array(scores.length + 1);
  for (const [id, label] of db.prepare('SELECT record_id, label FROM labels').raw(true).iterate() as IterableIterator<[number, Label]>) {
    if (id < labelOf.length) labelOf[id] = LABEL_CODE[label];
  }
  const series = [counts.unlabeled, counts.anomaly, counts.normal, counts.unsure];
  for (let i = 0; i < ranked.length; i++) {
    const id = ranked[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((scores[id - 1]! - lo) / width)));
    series[labelOf[id]!]![b]!++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * width));
  return { round, min, max, edges, counts };
}

// ---------------------------------------------------------------------------------------------
// Precision and recall against ground truth.

interface Truth {
  key: string;
  /** Per record id: -1 no ground truth, 0 normal, 1 anomaly. */
  byId: Int8Array;
  records: number;
  anomalies: number;
}

const truthCache = new WeakMap<Database, Truth>();
const prCache = new WeakMap<Database, Map<string, PrecisionRecallRound>>();

/** Records are only ever added, by imports: the newest id and the number of sources name the state. */
function recordsKey(db: Database): string {
  const { maxId, sources } = db.prepare('SELECT (SELECT max(id) FROM records) AS maxId, (SELECT count(*) FROM sources) AS sources').get() as { maxId: number | null; sources: number };
  return `${maxId ?? 0}:${sources}`;
}

function truthOf(db: Database): Truth {
  const key = recordsKey(db);
  const hit = truthCache.get(db);
  if (hit?.key === key) return hit;
  const maxId = Number(key.split(':')[0]);
  const byId = new Int8Array(maxId + 1).fill(-1);
  let records = 0;
  let anomalies = 0;
  for (const [id, t] of db.prepare('SELECT id, truth FROM records WHERE truth IS NOT NULL').raw(true).iterate() as IterableIterator<[number, number]>) {
    const v = t ? 1 : 0;
    byId[id] = v;
    records++;
    anomalies += v;
  }
  const truth = { key, byId, records, anomalies };
  truthCache.set(db, truth);
  return truth;
}

/** Points of the curve: k from 1 to n, spread evenly on a log scale, about `count` of them. */
export function ksAlong(n: number, count = 80): number[] {
  const ks = new Set<number>();
  for (let i = 0; i < count; i++) ks.add(Math.max(1, Math.round(Math.pow(n, i / (count - 1)))));
  ks.add(n);
  return [...ks].filter((k) => k >= 1 && k <= n).sort((a, b) => a - b);
}

function ap(ids: number[], scores: Float32Array, truth: Int8Array): number | null {
  const s = new Float64Array(ids.length);
  const y = new Uint8Array(ids.length);
  let pos = 0;
  for (let i = 0; i < ids.length; i++) {
    s[i] = scores[ids[i]! - 1]!;
    y[i] = truth[ids[i]!]!;
    pos += y[i]!;
  }
  if (pos === 0 || pos === ids.length) return null;
  return averagePrecision(s, y);
}

function roundPrecisionRecall(db: Database, round: number, truth: Truth): PrecisionRecallRound {
  const ranked = rankedIds(db, round);
  const scores = roundScores(db, round);
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
  return { round, averagePrecision: ap(ids, scores, truth.byId) ?? 0, heldOutAveragePrecision: ap(heldOut, scores, truth.byId), points };
}

export function precisionRecall(db: Database): PrecisionRecall {
  const truth = truthOf(db);
  if (truth.records === 0 || truth.anomalies === 0 || truth.anomalies === truth.records) {
    return { available: false, records: truth.records, anomalies: truth.anomalies, rounds: [] };
  }
  let cache = prCache.get(db);
  if (!cache) prCache.set(db, (cache = new Map()));
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
