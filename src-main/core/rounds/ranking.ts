import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import type { Ranking } from '../records/ranking';
import { Lru, perConnection } from '../util/per-connection';
import { rankByScore } from '../util/rank-by-score';
import { blobFloat32, blobInt32 } from './model-store';
import { noRound, optionalRound, resolveRound } from './store';

export { rankByScore };

/**
 * A round's scores (a float32 per record id, see the `scores` table) and the ranking they give.
 * Rounds never change once written, so both are cached per connection.
 */

/** The scores of a round, with its creation time: that tells a round from one that reused its number after a deletion. */
export const ROUND_SCORES_SQL = 'SELECT r.created_at AS createdAt, s.scores AS blob, s.queue, s.groups FROM rounds r JOIN scores s ON s.round_id = r.id WHERE r.id = ?';

interface Cached {
  createdAt: string;
  scores: Float32Array;
  /** The stored review order (rounds/queue.ts); null for rounds from before it: by score. */
  queue: Int32Array | null;
  groups: Int32Array | null;
  ranked?: Int32Array;
}

/** Per connection, the few rounds looked at most recently (a 1M-record round costs 8 MB here). */
const CACHE_ROUNDS = 4;
const cacheOf = perConnection(() => new Lru<number, Cached>(CACHE_ROUNDS));

function cached(db: Database, n: number): Cached {
  const meta = db.prepare('SELECT created_at AS createdAt FROM rounds WHERE id = ?').get(n) as { createdAt: string } | undefined;
  if (!meta) throw noRound(db, n);
  const cache = cacheOf(db);
  const hit = cache.get(n);
  if (hit && hit.createdAt === meta.createdAt) return hit;
  const r = db.prepare(ROUND_SCORES_SQL).get(n) as { createdAt: string; blob: Buffer; queue: Buffer | null; groups: Buffer | null } | undefined;
  if (!r) throw new RosasError('project-invalid', `round ${n} has no scores`);
  const entry: Cached = { createdAt: r.createdAt, scores: blobFloat32(r.blob), queue: r.queue && blobInt32(r.queue), groups: r.groups && blobInt32(r.groups) };
  cache.set(n, entry);
  return entry;
}

/**
 * A round's scores: element i is the score of record id i + 1 (higher = more anomalous), NaN where
 * no record had that id when the round was trained. A copy: the caller may change it.
 */
export function roundScores(db: Database, n: number): Float32Array {
  return cached(db, n).scores.slice();
}

/**
 * Record ids in review order: the round's stored queue, or (older rounds) by descending score,
 * ties lower id first; records the round did not score are absent. Shared: do not modify.
 */
export function rankedIds(db: Database, n: number): Int32Array {
  const c = cached(db, n);
  c.ranked ??= c.queue ?? rankByScore(c.scores);
  return c.ranked;
}

/** Element i: the group (rounds/groups.ts) of record id i + 1, -1 where unscored; null for rounds from before groups. Shared. */
export function roundGroups(db: Database, n: number): Int32Array | null {
  return cached(db, n).groups;
}

/** The ranking of a round (default the newest) for the records read model; shared arrays, no copy. */
export function roundRanking(db: Database, round?: number): Ranking {
  const n = resolveRound(db, round);
  return { round: n, key: `${n}@${cached(db, n).createdAt}`, scores: cached(db, n).scores, ranked: rankedIds(db, n) };
}

/** The ranking of the round asked for, else of the newest; null when none is asked for and there is none yet. */
export function optionalRanking(db: Database, round?: number): Ranking | null {
  const n = optionalRound(db, round);
  return n === null ? null : roundRanking(db, n);
}
