import type { Database } from 'better-sqlite3';
import type { Label } from '../labels/labels';
import { listRounds, type RoundInfo } from './store';

/** Discovery: what the analyst found, in the order it was found, and what each round found. */

/**
 * Anomalies found against records reviewed: the labeled records in the order they were first
 * labeled (x), and how many of them are labeled anomaly now (y). Each label counts for the round
 * that was the newest when it was given (round 0: before the first round).
 */
export interface DiscoveryCurve {
  reviewed: number;
  found: number;
  rounds: Array<{ round: number; reviewed: number; found: number; points: Array<[reviewed: number, found: number]> }>;
}

export interface RoundSummary extends RoundInfo {
  /** Records labeled while this round's ranking was the newest (see DiscoveryCurve). */
  reviewed: number;
  /** Of those, the ones labeled anomaly. */
  anomaliesFound: number;
}

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
    const points: Array<[number, number]> = [[i, found]];
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

/** Every round, oldest first, with what the analyst found while it was the newest. */
export function roundSummaries(db: Database): RoundSummary[] {
  const byRound = new Map<number, { reviewed: number; found: number }>();
  for (const s of discoveryCurve(db).rounds) byRound.set(s.round, { reviewed: s.reviewed, found: s.found });
  return listRounds(db).map((r) => {
    const d = byRound.get(r.round);
    return { ...r, reviewed: d?.reviewed ?? 0, anomaliesFound: d?.found ?? 0 };
  });
}
