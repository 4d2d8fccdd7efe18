import type { Database } from 'better-sqlite3';

/**
 * Runs `read` in one read transaction, so that its statements see the project as of one moment
 * (a writer may commit in between otherwise); inside a caller's transaction, in that one. `read`
 * must be synchronous: the transaction ends when it returns.
 */
export function inReadTransaction<T>(db: Database, read: () => T): T {
  if (db.inTransaction) return read();
  db.exec('BEGIN');
  try {
    return read();
  } finally {
    // A read-only transaction: ending it with COMMIT or ROLLBACK is the same; COMMIT keeps any
    // error of `read` the one that is thrown.
    if (db.inTransaction) db.exec('COMMIT');
  }
}
