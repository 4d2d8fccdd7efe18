import fs from 'node:fs';
import path from 'node:path';
import DatabaseCtor from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { RosasError } from '../errors';
import { acquireLock } from './lock';
import { migrate, refuseNewer, schemaVersion, loadMigrations } from './migrate';
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
  /** This open made the file a project: it did not exist, or was empty. */
  created: boolean;
  close(): void;
  /**
   * Closes, and when this open created the project and nothing has been saved in it (no import,
   * no label), puts the folder back as it was. Returns whether it did.
   */
  closeAndDiscardIfUnused(): boolean;
}

export function openProject(file: string, opts: OpenOptions = {}): Project {
  const abs = path.resolve(file);
  const exists = fs.existsSync(abs);
  if (!exists && !opts.create) throw new RosasError('not-found', `no project at ${abs}`);
  if (exists && fs.statSync(abs).isDirectory()) throw new RosasError('project-invalid', `${abs} is a folder, not a project file`);
  if (!exists && opts.readonly) throw new RosasError('not-found', `no project at ${abs}`);
  // SQLite would take a 0-byte file for an empty database and make it a project. Only a create
  // (a new project given as that path, e.g. a file a save dialog made) may; any other open is
  // refused, so a file emptied by accident is not quietly turned into something else.
  const empty = exists && fs.statSync(abs).size === 0;
  if (empty && !opts.create) throw new RosasError('project-invalid', `${abs} is an empty file, not a project`);
  const created = !exists || empty;

  const release = !opts.readonly && opts.lock !== false ? acquireLock(abs, opts.purpose ?? 'rosas') : () => {};
  let db: Database | undefined;
  try {
    db = new DatabaseCtor(abs, { readonly: !!opts.readonly, fileMustExist: !opts.create });
    db.pragma('busy_timeout = 10000'); // of this connection only: writes nothing
    checkIsProject(db, abs);
    // Before any pragma that writes (journal_mode = WAL changes the file's header).
    refuseNewer(db, loadMigrations().length);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: a label the analyst saw saved stays saved even if the machine loses power next.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      if (schemaVersion(db) === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
      migrate(db, loadMigrations(), APP_VERSION);
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?), ('created_by', ?)").run(new Date().toISOString(), APP_VERSION);
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
    created,
    close() {
      if (closed) return;
      closed = true;
      handle.close();
      release();
    },
    closeAndDiscardIfUnused() {
      if (closed) return false;
      const discard = created && unused(handle);
      closed = true;
      handle.close();
      try {
        // Under the lock still, so no other process opens the file meanwhile.
        if (discard) removeProjectFiles(abs, empty);
      } finally {
        release();
      }
      return discard;
    },
  };
}

/** Nothing was imported or labeled (labels need records, records a source; the history outlives labels). */
function unused(db: Database): boolean {
  const row = db.prepare('SELECT EXISTS (SELECT 1 FROM sources) OR EXISTS (SELECT 1 FROM records) OR EXISTS (SELECT 1 FROM label_history) AS used').get() as { used: number };
  return row.used === 0;
}

/** The project file and SQLite's files beside it; a file that was empty before is left empty. */
function removeProjectFiles(abs: string, wasEmpty: boolean): void {
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${abs}${suffix}`, { force: true });
  if (wasEmpty) fs.truncateSync(abs, 0);
  else fs.rmSync(abs, { force: true });
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
