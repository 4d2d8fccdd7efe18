import type { Database } from 'better-sqlite3';
import { recordDetail as detailIn, type RecordDetail } from '../core/records/detail';
import { pickColumns } from '../core/records/fields';
import { rankingIds, rankingPage } from '../core/records/view';
import { optionalRanking, roundRanking } from '../core/rounds/ranking';
import type { ReviewPage, ReviewPageRequest } from './contract';

/**
 * The review screen's calls over the records read model (core/records/): a round's ranking, a
 * page of it under the screen's filter, and one whole record. Only the row shape is made here.
 */

export function reviewPage(db: Database, req: ReviewPageRequest): ReviewPage {
  const ranking = roundRanking(db, req.round);
  const page = rankingPage(db, ranking, req);
  const columns = pickColumns(db, req.columns);
  const rows = page.records.map(({ rank, score, record: r }) => ({
    id: r.id,
    rank,
    score,
    label: r.label,
    note: r.note,
    source: r.source,
    sourceId: r.sourceId,
    line: r.line,
    columns: columns(r.values),
  }));
  return { view: page.view, round: page.round, total: page.total, offset: page.offset, rows, scores: page.scores };
}

export function reviewIds(db: Database, req: Omit<ReviewPageRequest, 'columns'>): { view: string; total: number; ids: number[] } {
  return rankingIds(db, roundRanking(db, req.round), req);
}

/** The record with its place in the round asked for (default the newest; none before the first round). */
export function recordDetail(db: Database, id: number, round?: number): RecordDetail {
  return detailIn(db, id, optionalRanking(db, round));
}
