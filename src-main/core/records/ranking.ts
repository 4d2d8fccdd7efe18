/**
 * A ranking as the read model takes it: the scores of one round and the record ids in rank order.
 * rounds/ makes them (rounds/ranking.ts); records/ only reads them, so it never depends on how
 * rounds are trained or stored.
 */
export interface Ranking {
  round: number;
  /** Names this ranking in caches: the round with its creation time (a number alone may be reused). */
  key: string;
  /** Element i: the score of record id i + 1, NaN where the round scored no record. Shared: do not modify. */
  scores: Float32Array;
  /** Record ids in review order (by descending score, but for the cold start's cover: rounds/queue.ts), unscored ones left out. Shared: do not modify. */
  ranked: Int32Array;
}

/** A record's score in the ranking, or null when the round did not score it. */
export function scoreOf(ranking: Ranking, id: number): number | null {
  const s = ranking.scores[id - 1];
  return s === undefined || s !== s ? null : s;
}

/** A record's 1-based rank, or null when unscored: a linear scan (about 1 ms for 1M records). */
export function rankOf(ranking: Ranking, id: number): number | null {
  if (scoreOf(ranking, id) === null) return null;
  const i = ranking.ranked.indexOf(id);
  return i < 0 ? null : i + 1;
}

/** Ranges already scanned, by the ranking's shared `ranked` array: every page of a view asks. */
const ranges = new WeakMap<Int32Array, { min: number; max: number }>();

/** Lowest and highest score of the ranking (0 and 0 when it is empty): a scan, as the review order need not follow the score. */
export function scoreRange(ranking: Ranking): { min: number; max: number } {
  const known = ranges.get(ranking.ranked);
  if (known) return { ...known };
  let min = Infinity;
  let max = -Infinity;
  for (const id of ranking.ranked) {
    const s = ranking.scores[id - 1]!;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const range = { min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
  ranges.set(ranking.ranked, range);
  return { ...range };
}
