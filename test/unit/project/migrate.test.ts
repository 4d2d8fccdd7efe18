import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate, schemaVersion, type Migration } from '../../../src-main/core/project/migrate';
import { openProject } from '../../../src-main/core/project/project';
import { RosasError } from '../../../src-main/core/errors';
import { REPO, tempDir } from '../../helpers/samples';

describe('migrations', () => {
  it('each have a test of their own in test/unit/project/migrations/ (same name, .test.ts)', () => {
    const dir = path.join(REPO, 'test', 'unit', 'project', 'migrations');
    const missing = loadMigrations()
      .map((m) => `${String(m.version).padStart(4, '0')}-${m.name}.test.ts`)
      .filter((f) => !fs.existsSync(path.join(dir, f)));
    expect(missing, 'write a test per migration: its tables, constraints and what it does to existing data').toEqual([]);
  });

  it('are numbered 1..n without gaps', () => {
    const ms = loadMigrations();
    expect(ms.length).toBeGreaterThan(0);
    ms.forEach((m, i) => expect(m.version).toBe(i + 1));
  });

  it('bring an empty file to the latest version and record each step', () => {
    const db = new Database(':memory:');
    const latest = migrate(db);
    expect(latest).toBe(loadMigrations().length);
    expect(schemaVersion(db)).toBe(latest);
    const steps = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
    expect(steps.map((s) => s.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('are all applied in one transaction: a failing step leaves the file as it was', () => {
    const db = new Database(':memory:');
    const good = loadMigrations();
    const broken: Migration[] = [...good, { version: good.length + 1, name: 'broken', sql: 'CREATE TABLE x (a); SELECT * FROM no_such_table;' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
  });

  it('apply a later step to a file that already holds data, keeping the data', () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.rosas');
    const db = new Database(file);
    const good = loadMigrations();
    migrate(db, good);
    db.prepare("INSERT INTO sources (file_name, file_path, sha256, size_bytes, format, records, quarantined, started_at, finished_at, seconds) VALUES ('a', '/a', 'h', 1, 'csv', 1, 0, 't', 't', 0)").run();
    db.prepare("INSERT INTO records (source_id, line, raw, fields) VALUES (1, 2, 'x,y', '[1]')").run();
    const next: Migration = { version: good.length + 1, name: 'add-note', sql: 'ALTER TABLE records ADD COLUMN note TEXT;' };
    migrate(db, [...good, next]);
    expect(schemaVersion(db)).toBe(good.length + 1);
    expect(db.prepare('SELECT raw, fields, note FROM records').get()).toEqual({ raw: 'x,y', fields: '[1]', note: null });
    db.close();
  });

  it('refuse a file written by a newer version and do not modify it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'newer.rosas');
    openProject(file, { create: true }).close();
    const db = new Database(file);
    db.pragma(`user_version = ${loadMigrations().length + 5}`);
    db.close();
    const before = fs.readFileSync(file);
    let err: unknown;
    try {
      openProject(file).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RosasError);
    expect((err as RosasError).code).toBe('project-newer');
    expect((err as Error).message).toMatch(/newer version/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
