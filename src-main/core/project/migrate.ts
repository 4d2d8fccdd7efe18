import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { findUp } from '../util/find-up';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d{4})-([a-z0-9-]+)\.sql$/;

/** The numbered SQL files in migrations/, in order. Gaps and duplicates are build errors. */
export function loadMigrations(dir: string = findUp('migrations')): Migration[] {
  const migrations = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => {
      const m = FILE_NAME.exec(f);
      if (!m) throw new Error(`migrations/${f}: name must look like 0001-some-name.sql`);
      return { version: Number(m[1]), name: m[2]!, sql: fs.readFileSync(path.join(dir, f), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations: expected version ${i + 1}, found ${m.version}-${m.name}`);
  });
  return migrations;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Refuses a file written by a newer version of the app. Reading user_version writes nothing, so
 * callers check this before any pragma that would change the file (journal_mode = WAL does).
 */
export function refuseNewer(db: Database, latest: number): void {
  const current = schemaVersion(db);
  if (current > latest) {
    throw new RosasError(
      'project-newer',
      `${db.name} was written by a newer version of RoSAS Workbench (schema ${current}; this version knows up to ${latest}). ` +
        'Open it with that version or newer; this file was not modified.',
    );
  }
}

/**
 * Brings the file up to the newest schema: all pending steps in one transaction, each recorded in
 * schema_migrations, so a crash midway leaves the file at its old version. A file written by a
 * newer version of the app is refused and left untouched.
 */
export function migrate(db: Database, migrations: Migration[] = loadMigrations(), appVersion = 'dev'): number {
  refuseNewer(db, migrations.length);
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current === latest) return current;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, app_version TEXT NOT NULL)`);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at, app_version) VALUES (?, ?, ?, ?)');
    for (const m of migrations.slice(current)) {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString(), appVersion);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return latest;
}
