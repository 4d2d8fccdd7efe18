import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import type { Role } from '../fields/role';
import type { FieldValue } from '../fields/values';
import { labelHistory, type Label, type LabelHistoryRow } from '../labels/labels';
import { inReadTransaction } from '../util/read-tx';
import { fieldsWithRoles } from './fields';
import { rankOf, scoreOf, type Ranking } from './ranking';
import { recordById, type StoredRecord } from './read';

/** A stored record as the detail pane shows it: the same columns, fields named, label history, place in a round. */
export interface RecordDetail extends Omit<StoredRecord, 'values' | 'truth'> {
  /** Every field the record has, in the project's field order, with its role. */
  fields: Array<{ name: string; value: FieldValue; role: Role }>;
  /** Every change of the label, oldest first. */
  history: LabelHistoryRow[];
  /** Ground truth from the import's label column, when there is one. */
  truth: Label | null;
  /** In the round asked for (default the newest); null before the first round or for a record it did not score. */
  round: number | null;
  score: number | null;
  rank: number | null;
}

/** The whole record: raw text, every field, its label with history, and its place in `ranking` (if any). */
export function recordDetail(db: Database, id: number, ranking: Ranking | null): RecordDetail {
  // One snapshot: the label and its history agree.
  const { r, history } = inReadTransaction(db, () => {
    const r = recordById(db, id);
    if (!r) throw new RosasError('not-found', `no record ${id} in this project`);
    return { r, history: labelHistory(db, id) };
  });
  const score = ranking && scoreOf(ranking, id);
  return {
    id: r.id,
    sourceId: r.sourceId,
    source: r.source,
    line: r.line,
    ts: r.ts,
    raw: r.raw,
    fields: fieldsWithRoles(db, r.values),
    label: r.label,
    note: r.note,
    labeledBy: r.labeledBy,
    labeledAt: r.labeledAt,
    history,
    truth: r.truth === null ? null : r.truth ? 'anomaly' : 'normal',
    round: ranking?.round ?? null,
    score: score ?? null,
    rank: ranking && score !== null ? rankOf(ranking, id) : null,
  };
}
