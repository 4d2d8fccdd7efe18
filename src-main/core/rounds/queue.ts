import { COVER_MIN_SHARE, COVER_SLOTS } from '../../../src-shared/review-order';
import { rankByScore } from '../util/rank-by-score';
import { groupCount } from './groups';

/**
 * The review order of a round: by score, with up to COVER_SLOTS of the first 2 × COVER_SLOTS places
 * (every other one) given to the largest groups nobody has reviewed (their best-scored record),
 * as much as the last reviews say the score alone is not paying:
 * - nothing labeled yet: the picks, among groups holding COVER_MIN_SHARE of the records;
 * - after that: COVER_SLOTS × (1 − share / EXPLOIT_SHARE) picks, for the share of anomalies among
 *   the records labeled since the previous round, among groups of two records or more.
 * Attacks are not always outliers (a few frequent message kinds in BGL, bots and web attacks among
 * CIC-IDS2017 flows): there 5 rounds by score found 0 to 5 anomalies, and a loop that has found
 * one kind and then nothing more is stuck the same way. Where the top of the ranking is right
 * (shuttle, pageblocks) the reviews pay and no pick displaces it. Figures: docs/review-loop.md.
 */

export { COVER_MIN_SHARE, COVER_SLOTS };

/** From this share of anomalies among the latest reviews on, the score alone orders the queue. */
export const EXPLOIT_SHARE = 0.5;

export interface QueueInput {
  /** Record id of each row. */
  ids: Int32Array;
  /** Review priority per row (higher first). */
  scores: ArrayLike<number>;
  /** Group of each row (rounds/groups.ts). */
  groups: Int32Array;
  /** 1 for rows with a label. */
  labeled: Uint8Array;
  /** How many cover picks, from groups of what size (coverPlan). */
  cover: CoverPlan;
}

export interface CoverPlan {
  slots: number;
  minSize: number;
}

/** Labels given since the previous round (new or changed), or every label when none is new; null: nothing labeled. */
export interface RecentLabels {
  anomalies: number;
  normals: number;
}

export interface ReviewQueue {
  /** Record ids in review order: every row once. */
  order: Int32Array;
  /** Cover picks placed among the first places. */
  picks: number;
}

export function coverPlan(rows: number, recent: RecentLabels | null): CoverPlan {
  if (!recent || recent.anomalies + recent.normals === 0) return { slots: COVER_SLOTS, minSize: Math.max(2, Math.ceil(COVER_MIN_SHARE * rows)) };
  const share = recent.anomalies / (recent.anomalies + recent.normals);
  return { slots: Math.round(COVER_SLOTS * Math.max(0, 1 - share / EXPLOIT_SHARE)), minSize: 2 };
}

export function reviewQueue(q: QueueInput): ReviewQueue {
  const n = q.ids.length;
  const order = byScore(q);
  const picks = q.cover.slots > 0 ? coverPicks(q, order) : [];
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

/** The best-scored unlabeled row of each of the cover.slots largest unreviewed groups of cover.minSize rows or more. */
function coverPicks(q: QueueInput, order: Int32Array): number[] {
  const { slots, minSize } = q.cover;
  // Group numbers are dense (rounds/groups.ts): typed arrays by group, not Maps (0.43 s per 1M rows).
  const groups = groupCount(q.groups);
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
