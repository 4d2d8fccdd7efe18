import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import type { FieldValue } from '../fields/values';
import type { Label } from '../labels/labels';
import { namedFields } from '../records/fields';
import { scoreOf } from '../records/ranking';
import { recordsByIds, type StoredRecord } from '../records/read';
import { rankingPage } from '../records/view';
import { roundRanking } from './ranking';

/** The top of a round's ranking as `rosas top` shows it: whole records, a page at a time. */

export interface TopRecord {
  id: number;
  /** 1-based position in the round's ranking of all records. */
  rank: number;
  score: number;
  label: Label | null;
  note: string | null;
  /** Field name → value; fields the record does not have are left out. */
  fields: Record<string, FieldValue>;
  raw: string;
  /** The file the record came from. */
  source: string;
  sourceId: number;
  line: number;
}

export interface TopOptions {
  /** Default: the newest round. */
  round?: number;
  n: number;
  /** Records to skip first (among the unlabeled ones with `unlabeledOnly`). */
  offset?: number;
  /** Leave out records that have a label (any label, "unsure" included). */
  unlabeledOnly?: boolean;
}

/**
 * The records at the top of a round's ranking, a page at a time: only the page's records are read.
 * Labels are the current ones (not the round's snapshot).
 */
export function topRecords(db: Database, opts: TopOptions): TopRecord[] {
  const ranking = roundRanking(db, opts.round);
  const n = Math.max(0, Math.floor(opts.n));
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  if (!Number.isFinite(n) || !Number.isFinite(offset)) throw new RosasError('invalid-argument', 'n and offset must be numbers');
  if (n === 0) return [];
  const page = rankingPage(db, ranking, { filter: { label: opts.unlabeledOnly ? 'none' : 'all' }, offset, limit: n });
  const named = namedFields(db);
  return page.records.map(({ rank, score, record }) => topRecord(named, record, rank, score));
}

/** Records at known places of a round's ranking (default the newest), as topRecords shows them; unscored ones left out. */
export function topRecordsAt(db: Database, opts: { round?: number; at: ReadonlyArray<{ id: number; rank: number }> }): TopRecord[] {
  const ranking = roundRanking(db, opts.round);
  const named = namedFields(db);
  const rankOf = new Map(opts.at.map((a) => [a.id, a.rank]));
  return recordsByIds(db, opts.at.map((a) => a.id)).flatMap((record) => {
    const score = scoreOf(ranking, record.id);
    return score === null ? [] : [topRecord(named, record, rankOf.get(record.id)!, score)];
  });
}

function topRecord(named: (values: StoredRecord['values']) => Record<string, FieldValue>, r: StoredRecord, rank: number, score: number): TopRecord {
  return { id: r.id, rank, score, label: r.label, note: r.note, fields: named(r.values), raw: r.raw, source: r.source, sourceId: r.sourceId, line: r.line };
}
