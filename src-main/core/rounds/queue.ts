import { COVER_MIN_SHARE, COVER_SLOTS } from '../../../src-shared/review-order';
import { rankByScore } from '../util/rank-by-score';

/**
 * The review order of a round. By score, except while no record is labeled anomaly: then every
 * other place of the first 2 × COVER_SLOTS unlabeled records shows one of the largest groups nobody
 * has reviewed yet (its best-scored record), among groups holding at least COVER_MIN_SHARE of the
 * records. Nothing is known in the cold start, and attacks are not always outliers: on BGL (a few
 * frequent message kinds) and on a CIC-IDS2017 mix of bots and web attacks, 5 rounds of 20 by
 * score found 0 to 5 anomalies, with the picks 70 to 81. The size floor keeps the picks off data
 * with no such kinds: on shuttle and pageblocks every pick had displaced an outlier anomaly, and
 * their largest groups hold 0.14 % of the records, against 0.7 to 2 % where the picks found attacks
 * (docs/review-loop.md).
 */

export { COVER_MIN_SHARE, COVER_SLOTS };

export interface QueueInput {
  /** Record id of each row. */
  ids: Int32Array;
  /** Review priority per row (higher first). */
  scores: ArrayLike<number>;
  /** Group of each row (rounds/groups.ts). */
  groups: Int32Array;
  /** 1 for rows with a label. */
  labeled: Uint8Array;
  /** Whether any row is labeled anomaly: then the order is by score alone. */
  anyAnomaly: boolean;
}

export interface ReviewQueue {
  /** Record ids in review order: every row once. */
  order: Int32Array;
  /** Cover picks placed among the first places (0 once an anomaly is labeled, or with no group large enough). */
  picks: number;
}

export function reviewQueue(q: QueueInput): ReviewQueue {
  const n = q.ids.length;
  const order = byScore(q);
  const picks = q.anyAnomaly ? [] : coverPicks(q, order);
  if (!picks.length) return { order: Int32Array.from(order, (r) => q.ids[r]!), picks: 0 };
  const picked = new Set(picks);
  const out = new Int32Array(n);
  let k = 0;
  let next = 0;
  for (const r of order) {
    if (picked.has(r)) continue;
    out[k++] = q.ids[r]!;
    // After each unlabeled record in score order, one cover pick, until they are all placed.
    if (!q.labeled[r] && next < picks.length) {
      out[k++] = q.ids[picks[next++]!]!;
    }
  }
  while (next < picks.length) out[k++] = q.ids[picks[next++]!]!;
  return { order: out, picks: picks.length };
}

/**
 * Rows by descending score, ties by ascending record id. Ids ascend with rows (buildMatrix reads
 * them in id order), so a radix sort by row does it: a comparator sort costs 0.3 s per 1M rows.
 */
function byScore(q: QueueInput): Int32Array {
  const n = q.ids.length;
  const sorted = rankByScore(q.scores instanceof Float32Array ? q.scores : Float32Array.from(q.scores));
  // NaN scores would be left out: a round refuses to save them anyway, but keep every row.
  if (sorted.length < n) return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => q.scores[b]! - q.scores[a]! || q.ids[a]! - q.ids[b]! || 0);
  for (let i = 0; i < n; i++) sorted[i]!--;
  return sorted;
}

/** The best-scored unlabeled row of each of the COVER_SLOTS largest unreviewed groups holding COVER_MIN_SHARE of the rows (and two or more). */
function coverPicks(q: QueueInput, order: Int32Array): number[] {
  const slots = COVER_SLOTS;
  const minSize = Math.max(2, Math.ceil(COVER_MIN_SHARE * q.ids.length));
  // Group numbers are dense (rounds/groups.ts): typed arrays by group, not Maps (0.43 s per 1M rows).
  let groups = 0;
  for (let r = 0; r < q.ids.length; r++) groups = Math.max(groups, q.groups[r]! + 1);
  const size = new Int32Array(groups);
  const reviewed = new Uint8Array(groups);
  for (let r = 0; r < q.ids.length; r++) {
    const g = q.groups[r]!;
    size[g]!++;
    if (q.labeled[r]) reviewed[g] = 1;
  }
  // Walking rows best first, the first unlabeled row met in a group is its representative; `at`
  // keeps its place in the order, so among equal sizes the better-scored group comes first.
  const at = new Int32Array(groups).fill(-1);
  const top: number[] = []; // the best `slots` groups so far, largest first
  for (let i = 0; i < order.length; i++) {
    const r = order[i]!;
    const g = q.groups[r]!;
    if (q.labeled[r] || reviewed[g] || at[g] !== -1 || size[g]! < minSize) continue;
    at[g] = i;
    // Met in score order, g ties lose to the groups already kept: only a strictly larger one enters.
    if (top.length === slots && size[g]! <= size[top[slots - 1]!]!) continue;
    let k = Math.min(top.length, slots - 1);
    while (k > 0 && size[top[k - 1]!]! < size[g]!) k--;
    top.splice(k, 0, g);
    top.length = Math.min(top.length, slots);
  }
  return top.map((g) => order[at[g]!]!);
}
