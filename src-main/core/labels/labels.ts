import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { allByIds, IN_IDS } from '../util/chunked';

/**
 * The analyst's labels. `labels` holds the current label of a record; every change (a new label,
 * a different label, a different note, a removal) is also appended to `label_history` with the
 * label it replaced, in the same transaction. Nothing is ever deleted from the history.
 *
 * Durability: each call is one write transaction, committed before it returns. The project is
 * opened with `journal_mode = WAL` and `synchronous = FULL` (project.ts), so a call that returned
 * has its labels on disk even if the process is killed or the machine loses power right after.
 * Nothing here changes those settings.
 */

export const LABELS = ['anomaly', 'normal', 'unsure'] as const;
export type Label = (typeof LABELS)[number];

export interface SetLabelsOptions {
  /**
   * Note stored with the label. Omitted: a record keeps its current note. A string replaces it
   * (an empty string clears it). For a removal, the note is kept in the history only (the reason).
   */
  note?: string;
  /** Who labeled: shown in the history. */
  author: string;
}

export interface LabelRow {
  recordId: number;
  label: Label;
  note: string | null;
  author: string;
  updatedAt: string;
}

export interface LabelHistoryRow {
  id: number;
  recordId: number;
  /** The label set by this change; null when the label was removed. */
  label: Label | null;
  /** The label before this change; null when the record had none. */
  previous: Label | null;
  note: string | null;
  author: string;
  at: string;
}

export interface LabelCounts {
  anomaly: number;
  normal: number;
  unsure: number;
  total: number;
}

/** Error messages list this many offending ids at most. */
const LIST_IDS = 20;

export function isLabel(value: unknown): value is Label {
  return typeof value === 'string' && (LABELS as readonly string[]).includes(value);
}

function listIds(ids: number[]): string {
  const shown = ids.slice(0, LIST_IDS).join(', ');
  return ids.length > LIST_IDS ? `${shown} and ${ids.length - LIST_IDS} more` : shown;
}

function checkIds(recordIds: readonly number[]): number[] {
  const bad = recordIds.filter((id) => !Number.isSafeInteger(id));
  if (bad.length) throw new RosasError('invalid-argument', `record ids must be integers; got ${bad.slice(0, LIST_IDS).map(String).join(', ')}`);
  return [...new Set(recordIds)];
}

interface CurrentRow {
  label: Label;
  note: string | null;
}

/**
 * Sets (or, with `label` null, removes) the label of records, in one transaction: all of them or,
 * on any error, none. Ids that are not records of the project fail the whole call, naming them.
 * A record whose label and note would stay the same is left alone (no history entry).
 * Returns how many records changed.
 */
export function setLabels(db: Database, recordIds: readonly number[], label: Label | null, opts: SetLabelsOptions): { changed: number } {
  if (label !== null && !isLabel(label)) throw new RosasError('invalid-argument', `unknown label "${String(label)}"; labels are ${LABELS.join(', ')}`);
  const author = typeof opts.author === 'string' ? opts.author.trim() : '';
  if (!author) throw new RosasError('invalid-argument', 'a label needs an author');
  if (opts.note !== undefined && typeof opts.note !== 'string') throw new RosasError('invalid-argument', 'a note must be text');
  const ids = checkIds(recordIds);
  if (ids.length === 0) return { changed: 0 };
  const newNote = opts.note === undefined ? undefined : opts.note === '' ? null : opts.note;

  const unknownIds = db.prepare('SELECT j.value AS id FROM json_each(?) AS j LEFT JOIN records AS r ON r.id = j.value WHERE r.id IS NULL ORDER BY j.key');
  const current = db.prepare('SELECT label, note FROM labels WHERE record_id = ?');
  const upsert = db.prepare(
    `INSERT INTO labels (record_id, label, note, author, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (record_id) DO UPDATE SET label = excluded.label, note = excluded.note, author = excluded.author, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare('DELETE FROM labels WHERE record_id = ?');
  const history = db.prepare('INSERT INTO label_history (record_id, label, previous, note, author, at) VALUES (?, ?, ?, ?, ?, ?)');

  const run = db.transaction(() => {
    const missing = (unknownIds.all(JSON.stringify(ids)) as Array<{ id: number }>).map((r) => r.id);
    if (missing.length) {
      throw new RosasError('not-found', `no record with id ${listIds(missing)} in this project; nothing was labeled`);
    }
    const at = new Date().toISOString();
    let changed = 0;
    for (const id of ids) {
      const was = current.get(id) as CurrentRow | undefined;
      if (label === null) {
        if (!was) continue;
        remove.run(id);
        history.run(id, null, was.label, newNote ?? null, author, at);
      } else {
        const note = newNote === undefined ? (was?.note ?? null) : newNote;
        if (was && was.label === label && was.note === note) continue;
        upsert.run(id, label, note, author, at);
        history.run(id, label, was?.label ?? null, note, author, at);
      }
      changed++;
    }
    return changed;
  });
  // IMMEDIATE: take the write lock up front rather than upgrading a read transaction (which can
  // fail at once with SQLITE_BUSY when another connection writes meanwhile).
  return { changed: run.immediate() };
}

interface DbLabelRow {
  record_id: number;
  label: Label;
  note: string | null;
  author: string;
  updated_at: string;
}

const toLabelRow = (r: DbLabelRow): LabelRow => ({ recordId: r.record_id, label: r.label, note: r.note, author: r.author, updatedAt: r.updated_at });

/** The labels of a JSON list of record ids; exported so that the query-plan test checks this text. */
export const LABELS_BY_IDS_SQL = `SELECT record_id, label, note, author, updated_at FROM labels WHERE record_id ${IN_IDS}`;

/** The current labels of the given records (records without a label are absent from the map). */
export function labelsOf(db: Database, recordIds: readonly number[]): Map<number, LabelRow> {
  const ids = checkIds(recordIds);
  const rows = allByIds<DbLabelRow>(db.prepare(LABELS_BY_IDS_SQL), ids);
  return new Map(rows.map((r) => [r.record_id, toLabelRow(r)]));
}

/** Every current label, record id → label. */
export function currentLabels(db: Database): Map<number, Label> {
  const rows = db.prepare('SELECT record_id, label FROM labels ORDER BY record_id').raw(true).all() as Array<[number, Label]>;
  return new Map(rows);
}

export function labelCounts(db: Database): LabelCounts {
  const counts: LabelCounts = { anomaly: 0, normal: 0, unsure: 0, total: 0 };
  for (const r of db.prepare('SELECT label, count(*) AS n FROM labels GROUP BY label').all() as Array<{ label: Label; n: number }>) {
    counts[r.label] = r.n;
    counts.total += r.n;
  }
  return counts;
}

/** Every change to a record's label, oldest first. */
export function labelHistory(db: Database, recordId: number): LabelHistoryRow[] {
  const rows = db.prepare('SELECT id, record_id, label, previous, note, author, at FROM label_history WHERE record_id = ? ORDER BY id').all(recordId) as Array<{
    id: number;
    record_id: number;
    label: Label | null;
    previous: Label | null;
    note: string | null;
    author: string;
    at: string;
  }>;
  return rows.map((r) => ({ id: r.id, recordId: r.record_id, label: r.label, previous: r.previous, note: r.note, author: r.author, at: r.at }));
}
