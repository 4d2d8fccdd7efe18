import type { Database } from 'better-sqlite3';
import type { QuarantinePage, QuarantineRow } from './contract';

/** One page of quarantined lines, in file order, of one source or of all of them. */
export function listQuarantine(db: Database, q: { sourceId?: number; offset: number; limit: number }): QuarantinePage {
  const where = q.sourceId === undefined ? '' : 'WHERE q.source_id = @sourceId';
  const params = { sourceId: q.sourceId, offset: q.offset, limit: q.limit };
  const rows = db
    .prepare(
      `SELECT q.source_id AS sourceId, s.file_name AS fileName, q.line, q.reason, q.raw
       FROM quarantine q JOIN sources s ON s.id = q.source_id ${where}
       ORDER BY q.source_id, q.line, q.id LIMIT @limit OFFSET @offset`,
    )
    .all(q.sourceId === undefined ? { offset: params.offset, limit: params.limit } : params) as QuarantineRow[];
  const total = (db.prepare(`SELECT count(*) AS n FROM quarantine q ${where}`).get(q.sourceId === undefined ? {} : { sourceId: q.sourceId }) as { n: number }).n;
  return { rows, total };
}
