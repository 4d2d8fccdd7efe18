import { COVER_SLOTS } from '../../../src-shared/review-order';
import { rankByScore } from '../util/rank-by-score';

/**
 * The review order of a round. By score, except while no record is labeled anomaly: then every
 * other place of the first 2 × COVER_SLOTS unlabeled records shows the largest group nobody has
 * reviewed yet (its best-scored record). Nothing is known in the cold start, and attacks are not
 * always outliers (a few frequent message kinds in BGL): a quarter of the first page on the main
 * kinds is what an analyst baselining a new log looks at anyway, and each label there teaches the
 * model the most. With 10 slots (every other place of the first 20) a Zeek capture's first page
 * found 10 anomalies, with 5 slots 15 (docs/review-loop.md).
 */

export { COVER_SLOTS };

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

/** Record ids in review order: every row once. */
export function reviewQueue(q: QueueInput): Int32Array {
  const n = q.ids.length;
  const order = byScore(q);
  const picks = q.anyAnomaly ? [] : coverPicks(q, order);
  if (!picks.length) return Int32Array.from(order, (r) => q.ids[r]!);
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
  return out;
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

/** The best-scored unlabeled row of each of the COVER_SLOTS largest unreviewed groups (of two rows or more). */
function coverPicks(q: QueueInput, order: Int32Array): number[] {
  const size = new Map<number, number>();
  const reviewed = new Set<number>();
  for (let r = 0; r < q.ids.length; r++) {
    const g = q.groups[r]!;
    size.set(g, (size.get(g) ?? 0) + 1);
    if (q.labeled[r]) reviewed.add(g);
  }
  const best = new Map<number, number>();
  for (const r of order) {
    const g = q.groups[r]!;
    if (!q.labeled[r] && !reviewed.has(g) && !best.has(g) && size.get(g)! >= 2) best.set(g, r);
  }
  // Largest first; among equal sizes the better-scored representative.
  const rank = new Int32Array(order.length);
  order.forEach((r, i) => (rank[r] = i));
  return [...best.entries()]
    .sort((a, b) => size.get(b[0])! - size.get(a[0])! || rank[a[1]]! - rank[b[1]]!)
    .slice(0, COVER_SLOTS)
    .map(([, r]) => r);
}

