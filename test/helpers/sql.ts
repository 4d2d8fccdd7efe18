import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { loadMigrations, migrate } from '../../src-main/core/project/migrate';

// Helpers for the schema's tests, as signalapp/Signal-Desktop's ts/test-node/sql/ has them: a
// fresh in-memory database brought to exactly one version, and the query plan of a statement.

/** An in-memory database with foreign keys on, at schema version 0. */
export function createDb(): Db {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Applies the migrations up to and including `version` (one transaction, as the app does). */
export function updateToVersion(db: Db, version: number): void {
  const all = loadMigrations();
  if (version > all.length) throw new Error(`no migration ${version}: the newest is ${all.length}`);
  migrate(db, all.slice(0, version), 'test');
}

/** The `detail` lines of EXPLAIN QUERY PLAN: e.g. "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)". */
export function queryPlan(db: Db, sql: string, ...params: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
}
