import fs from 'node:fs';
import path from 'node:path';
import DatabaseCtor from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { acquireLock } from './lock';
import { migrate, schemaVersion, loadMigrations } from './migrate';
import { APP_VERSION } from '../version';

/** "ROSA": marks a SQLite file as a RoSAS Workbench project. */
export const APPLICATION_ID = 0x524f5341;

export interface OpenOptions {
  /** Create the file when it does not exist (default false). */
  create?: boolean;
  /** Read only: no lock, no migration (default false). */
  readonly?: boolean;
  /**
   * Take the single-writer lock (default true for writable opens). Worker threads of a process
   * that already holds it pass false.
   */
  lock?: boolean;
  /** Shown to a second process that finds the project locked. */
  purpose?: string;
}

export interface Project {
  path: string;
  db: Database;
  close(): void;
}

export function openProject(file: string, opts: OpenOptions = {}): Project {
  const abs = path.resolve(file);
  const exists = fs.existsSync(abs);
  if (!exists && !opts.create) throw new RosasError('not-found', `no project at ${abs}`);
  if (exists && fs.statSync(abs).isDirectory()) throw new RosasError('project-invalid', `${abs} is a folder, not a project file`);
  if (!exists && opts.readonly) throw new RosasError('not-found', `no project at ${abs}`);

  const release = !opts.readonly && opts.lock !== false ? acquireLock(abs, opts.purpose ?? 'rosas') : () => {};
  let db: Database | undefined;
  try {
    db = new DatabaseCtor(abs, { readonly: !!opts.readonly, fileMustExist: !opts.create });
    checkIsProject(db, abs);
    db.pragma('busy_timeout = 10000');
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: a label the analyst saw saved stays saved even if the machine loses power next.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      if (schemaVersion(db) === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
      migrate(db, loadMigrations(), APP_VERSION);
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?), ('created_by', ?)").run(new Date().toISOString(), APP_VERSION);
    } else {
      const latest = loadMigrations().length;
      if (schemaVersion(db) > latest) {
        throw new RosasError('project-newer', `${abs} was written by a newer version of RoSAS Workbench (schema ${schemaVersion(db)}; this version knows up to ${latest})`);
      }
    }
  } catch (err) {
    db?.close();
    release();
    throw translateOpenError(err, abs);
  }
  const handle = db;
  let closed = false;
  return {
    path: abs,
    db: handle,
    close() {
      if (closed) return;
      closed = true;
      handle.close();
      release();
    },
  };
}

function checkIsProject(db: Database, abs: string): void {
  // Reading the header is what fails for a file that is not SQLite at all.
  const appId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  if (appId !== APPLICATION_ID && tables.n > 0) {
    throw new RosasError('project-invalid', `${abs} is an SQLite database but not a RoSAS Workbench project`);
  }
}

function translateOpenError(err: unknown, abs: string): unknown {
  if (err instanceof RosasError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return new RosasError('project-invalid', `${abs} is not a RoSAS Workbench project (not an SQLite file)`);
  if (code === 'SQLITE_CANTOPEN') return new RosasError('not-found', `cannot open ${abs}`);
  return err;
}
