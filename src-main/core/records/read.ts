import type { Database } from 'better-sqlite3';
import { parseFieldValues, type FieldValue } from '../fields/values';
import type { Label } from '../labels/labels';
import { allByIds, IN_IDS } from '../util/chunked';

/**
 * Reading records: each with its source's file name and its current label, its fields parsed.
 * Every screen, command and file that shows records reads them here, by id (the primary key) or
 * by id range, never by scanning.
 */

export interface StoredRecord {
  id: number;
  sourceId: number;
  /** File name of the import source. */
  source: string;
  /** Line of the record in its file. */
  line: number;
  /** Seconds (epoch when the log says so); null when the record has no time. */
  ts: number | null;
  /** The record exactly as it came. */
  raw: string;
  /** Values by field position (the `fields` table's pos); see fields.ts for names. */
  values: FieldValue[];
  /** Ground truth from the import's label column: 1 anomaly, 0 normal, null none. */
  truth: number | null;
  label: Label | null;
  note: string | null;
  labeledBy: string | null;
  labeledAt: string | null;
}

interface Row {
  id: number;
  source_id: number;
  file_name: string;
  line: number;
  ts: number | null;
  raw: string;
  fields: string;
  truth: number | null;
  label: Label | null;
  note: string | null;
  author: string | null;
  updated_at: string | null;
}

export type RecordsWhere = 'id' | 'ids' | 'after';

/**
 * The read model's statement: records by one id, by a JSON list of ids (IN_IDS), or after an id
 * in id order (keyset paging: `id > ? ORDER BY id LIMIT ?`). `labeledOnly` keeps records that
 * have a label. Exported so that the query-plan test checks these very texts.
 */
export function recordsSql(where: RecordsWhere, labeledOnly = false): string {
  const condition = where === 'id' ? 'r.id = ?' : where === 'ids' ? `r.id ${IN_IDS}` : 'r.id > ? ORDER BY r.id LIMIT ?';
  return `SELECT r.id, r.source_id, s.file_name, r.line, r.ts, r.raw, r.fields, r.truth, l.label, l.note, l.author, l.updated_at
    FROM records r JOIN sources s ON s.id = r.source_id ${labeledOnly ? 'JOIN' : 'LEFT JOIN'} labels l ON l.record_id = r.id
    WHERE ${condition}`;
}

function fromRow(r: Row): StoredRecord {
  return {
    id: r.id,
    sourceId: r.source_id,
    source: r.file_name,
    line: r.line,
    ts: r.ts,
    raw: r.raw,
    values: parseFieldValues(r.fields),
    truth: r.truth,
    label: r.label ?? null,
    note: r.note ?? null,
    labeledBy: r.author ?? null,
    labeledAt: r.updated_at ?? null,
  };
}

/** One record, or undefined when the project has none with that id. */
export function recordById(db: Database, id: number): StoredRecord | undefined {
  const row = db.prepare(recordsSql('id')).get(id) as Row | undefined;
  return row && fromRow(row);
}

/**
 * Records by id, in the order of `ids` (a ranking's order, say); ids without a record (or, with
 * `labeledOnly`, without a label) are left out.
 */
export function recordsByIds(db: Database, ids: readonly number[], opts: { labeledOnly?: boolean } = {}): StoredRecord[] {
  if (!ids.length) return [];
  const rows = allByIds<Row>(db.prepare(recordsSql('ids', opts.labeledOnly)), ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: StoredRecord[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (r) out.push(fromRow(r));
  }
  return out;
}

/** Up to `limit` records with an id above `afterId`, in id order: page on from the last one's id. */
export function recordsAfter(db: Database, afterId: number, limit: number, opts: { labeledOnly?: boolean } = {}): StoredRecord[] {
  return (db.prepare(recordsSql('after', opts.labeledOnly)).all(afterId, limit) as Row[]).map(fromRow);
}
