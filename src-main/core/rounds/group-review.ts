import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { labelMarks } from '../records/label-marks';
import { rankedIds, roundGroups } from './ranking';
import { resolveRound } from './store';
import { groupCount } from './groups';

/**
 * A round's groups of near-duplicates (groups.ts) as the analyst meets them: one representative
 * per group in review order, with the group's size, and a group's records, to label them in one
 * action (each record still gets its own label and history).
 */

export interface GroupRepresentative {
  /** The group's first record in the round's review order (with `unlabeledOnly`: its first unlabeled one). */
  id: number;
  /** 1-based position of that record in the round's review order. */
  rank: number;
  /** The group's number in this round (numbers are per round). */
  group: number;
  /** Records in the group. */
  size: number;
  /** Of them, records without a label now. */
  unlabeled: number;
}

/** Sizes and unlabeled counts per group number, from a round's groups by record id. */
function groupCounts(groups: Int32Array, marks: Uint8Array): { size: Int32Array; unlabeled: Int32Array } {
  const n = groupCount(groups);
  const size = new Int32Array(n);
  const unlabeled = new Int32Array(n);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (g < 0) continue;
    size[g]!++;
    if (!marks[i + 1]) unlabeled[g]!++;
  }
  return { size, unlabeled };
}

/**
 * One representative per group, in the round's review order, a page at a time. Rounds from before
 * groups count every record as its own group. With `unlabeledOnly`, groups whose records all have
 * a label are left out and a group is represented by its first unlabeled record.
 */
export function groupRepresentatives(db: Database, opts: { round?: number; n: number; offset?: number; unlabeledOnly?: boolean }): { round: number; groups: GroupRepresentative[] } {
  const round = resolveRound(db, opts.round);
  const ranked = rankedIds(db, round);
  const stored = roundGroups(db, round);
  let maxId = stored?.length ?? 0;
  if (!stored) for (const id of ranked) if (id > maxId) maxId = id;
  const marks = labelMarks(db, maxId + 1);
  // Without stored groups, each record is its own group, numbered by id.
  const groups = stored ?? Int32Array.from({ length: maxId }, (_, i) => i);
  const counts = groupCounts(groups, marks);
  const seen = new Uint8Array(counts.size.length);
  const out: GroupRepresentative[] = [];
  let skip = Math.max(0, Math.floor(opts.offset ?? 0));
  for (let i = 0; i < ranked.length && out.length < opts.n; i++) {
    const id = ranked[i]!;
    const g = groups[id - 1]!;
    if (g < 0 || seen[g]) continue;
    if (opts.unlabeledOnly && marks[id]) continue;
    seen[g] = 1;
    if (skip > 0) {
      skip--;
      continue;
    }
    out.push({ id, rank: i + 1, group: g, size: counts.size[g]!, unlabeled: counts.unlabeled[g]! });
  }
  return { round, groups: out };
}

/**
 * The given records with every record of their groups in a round (default the newest), each id
 * once, the given ones first. A record the round did not score stands alone; so does every record
 * of a round from before groups.
 */
export function withGroupMembers(db: Database, ids: readonly number[], round?: number): number[] {
  const n = resolveRound(db, round);
  const groups = roundGroups(db, n);
  const out = [...new Set(ids)];
  if (!groups) return out;
  const wanted = new Set<number>();
  for (const id of out) {
    if (!Number.isSafeInteger(id) || id < 1) throw new RosasError('invalid-argument', `record ids are positive integers, got ${id}`);
    const g = id <= groups.length ? groups[id - 1]! : -1;
    if (g >= 0) wanted.add(g);
  }
  if (!wanted.size) return out;
  const have = new Set(out);
  for (let i = 0; i < groups.length; i++) {
    if (wanted.has(groups[i]!) && !have.has(i + 1)) out.push(i + 1);
  }
  return out;
}
