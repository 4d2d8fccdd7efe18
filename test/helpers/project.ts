import crypto from 'node:crypto';
import path from 'node:path';
import { importFile, type ImportOptions } from '../../src-main/core/ingest/import';
import { openProject, type Project } from '../../src-main/core/project/project';
import { tempDir } from './samples';

/** A new empty project in a temp folder. */
export function newProject(): Project {
  return openProject(path.join(tempDir(), 'test.rosas'), { create: true, purpose: 'test' });
}

/** Imports in-process (no worker) into an open project. */
export function importInto(project: Project, file: string, opts: ImportOptions = {}) {
  return importFile(project.db, file, opts);
}

/** A digest of everything a project holds, to prove that a failed operation changed nothing. */
export function projectDigest(project: Project): string {
  const hash = crypto.createHash('sha256');
  const tables = project.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
  for (const { name } of tables) {
    hash.update(`#${name}\n`);
    const rows = project.db.prepare(`SELECT * FROM "${name}"`).raw().all();
    const lines = rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))).sort();
    for (const line of lines) hash.update(`${line}\n`);
  }
  return hash.digest('hex');
}
