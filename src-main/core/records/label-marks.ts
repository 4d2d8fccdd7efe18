import type { Database } from 'better-sqlite3';
import type { Label } from '../labels/labels';

/** A current label as a one-byte mark; 0 is no label. */
export const LABEL_MARK: Readonly<Record<Label, number>> = { anomaly: 1, normal: 2, unsure: 3 };

/**
 * The current label of every record id below `size`, as marks indexed by id: one pass over the
 * labels table (small next to the records) instead of a join per record of a ranking.
 */
export function labelMarks(db: Database, size: number): Uint8Array {
  const marks = new Uint8Array(size);
  for (const [id, label] of db.prepare('SELECT record_id, label FROM labels').raw(true).iterate() as IterableIterator<[number, Label]>) {
    if (id < size) marks[id] = LABEL_MARK[label];
  }
  return marks;
}
