import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { Lru, perConnection } from '../util/per-connection';
import { inReadTransaction } from '../util/read-tx';
import { normaliseFilter, selectRanked, type RecordFilter } from './filter';
import { scoreRange, type Ranking } from './ranking';
import { recordsByIds, type StoredRecord } from './read';

/**
 * Pages of a ranking. A *view* is the list of record ids (in rank order) that a filter keeps in
 * one ranking, made once and kept (a few per connection), so that every page of it is a slice
 * plus one primary-key read of that page's records: paging costs the same at record 10 and at
 * record 999,990, and nothing ever loads all records. A view is fixed when it is made: labeling a
 * record of the queue does not shift the pages after it. The records themselves (labels, notes)
 * are read fresh for every page.
 */

export interface View {
  id: string;
  /** What the view was made from: the ranking (see Ranking.key) and the normalised filter. */
  key: string;
  round: number;
  ids: Int32Array;
  /** 1-based rank of ids[i] in the whole ranking. */
  ranks: Int32Array;
  /** Score of ids[i]. */
  scores: Float32Array;
}

/** Views kept per connection; each costs 12 bytes a record (12 MB for 1M). */
const MAX_VIEWS = 4;
const viewsOf = perConnection(() => new Lru<string, View>(MAX_VIEWS));

export interface ViewRequest {
  filter: RecordFilter;
  /** The view an earlier page came from; a new one is made when it is gone or was made from another filter. */
  view?: string;
}

/** The view a request names, if it still matches the ranking and filter; else a new one. */
export function rankingView(db: Database, ranking: Ranking, req: ViewRequest): View {
  const filter = normaliseFilter(req.filter);
  const key = JSON.stringify({ ranking: ranking.key, filter });
  const views = viewsOf(db);
  const kept = req.view === undefined ? undefined : views.get(req.view);
  if (kept && kept.key === key) return kept;
  // The labels and field matches of one moment.
  const { ids, ranks } = inReadTransaction(db, () => selectRanked(db, ranking, filter));
  const scores = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) scores[i] = ranking.scores[ids[i]! - 1]!;
  const view: View = { id: randomUUID(), key, round: ranking.round, ids, ranks, scores };
  views.set(view.id, view);
  return view;
}

export interface PageRequest extends ViewRequest {
  offset: number;
  limit: number;
}

export interface RankedRecord {
  /** 1-based position in the whole ranking (not in the filtered list). */
  rank: number;
  score: number;
  record: StoredRecord;
}

export interface RankingPage {
  view: string;
  round: number;
  /** Records in the view (the filter's matches when the view was made). */
  total: number;
  offset: number;
  records: RankedRecord[];
  /** Lowest and highest score of the whole ranking, for a score-range filter. */
  scores: { min: number; max: number };
}

function slice(view: View, req: { offset: number; limit: number }): { from: number; to: number } {
  const from = Math.min(Math.max(0, req.offset), view.ids.length);
  return { from, to: Math.min(view.ids.length, from + Math.max(0, req.limit)) };
}

/** One page of a ranking under a filter: the view's slice, then its records by id. */
export function rankingPage(db: Database, ranking: Ranking, req: PageRequest): RankingPage {
  const view = rankingView(db, ranking, req);
  const { from, to } = slice(view, req);
  const at = new Map<number, number>();
  for (let i = from; i < to; i++) at.set(view.ids[i]!, i);
  // A record removed since the round is simply not there: nothing to show for it.
  const records = recordsByIds(db, Array.from(view.ids.subarray(from, to))).map((record) => {
    const i = at.get(record.id)!;
    return { rank: view.ranks[i]!, score: view.scores[i]!, record };
  });
  return { view: view.id, round: view.round, total: view.ids.length, offset: from, records, scores: scoreRange(ranking) };
}

/** Record ids of a range of a view (a bulk selection reaching rows not loaded yet). */
export function rankingIds(db: Database, ranking: Ranking, req: PageRequest): { view: string; total: number; ids: number[] } {
  const view = rankingView(db, ranking, req);
  const { from, to } = slice(view, req);
  return { view: view.id, total: view.ids.length, ids: Array.from(view.ids.subarray(from, to)) };
}
