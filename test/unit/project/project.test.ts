import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../src-main/core/project/project';
import { lockPath } from '../../../src-main/core/project/lock';
import { tempDir } from '../../helpers/samples';

function expectError(fn: () => unknown, code: string, message: RegExp) {
  try {
    fn();
  } catch (e) {
    expect((e as { code?: string }).code).toBe(code);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected an error');
}

describe('opening a project', () => {
  it('creates a file only when asked', () => {
    const file = path.join(tempDir(), 'p.rosas');
    expectError(() => openProject(file), 'not-found', /no project at/);
    openProject(file, { create: true }).close();
    expect(fs.existsSync(file)).toBe(true);
    openProject(file).close();
  });

  it('refuses a file that is not a project', () => {
    const dir = tempDir();
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'hello, this is not SQLite at all, it is just some text that goes on for a while.\n'.repeat(100));
    expectError(() => openProject(text), 'project-invalid', /not a RoSAS Workbench project/);
    const other = path.join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (a)');
    db.close();
    expectError(() => openProject(other), 'project-invalid', /SQLite database but not a RoSAS/);
  });

  it('lets one process write at a time and names the holder', async () => {
    const file = path.join(tempDir(), 'p.rosas');
    openProject(file, { create: true }).close();
    // Another process takes the lock and keeps it until we kill it.
    const holder = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(lockPath(file))}, JSON.stringify({pid: process.pid, host: require('os').hostname(), purpose: 'rosas serve', since: 'now'})); setInterval(() => {}, 1000)`]);
    await new Promise((r) => setTimeout(r, 300));
    try {
      expectError(() => openProject(file, { purpose: 'test' }), 'project-locked', new RegExp(`project is open in process ${holder.pid} \\(rosas serve`));
      // Reading is still possible.
      openProject(file, { readonly: true }).close();
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    // The holder is gone: its stale lock is taken over.
    const p = openProject(file);
    const [owner] = fs.readdirSync(lockPath(file));
    expect(JSON.parse(fs.readFileSync(path.join(lockPath(file), owner!), 'utf8')).pid).toBe(process.pid);
    p.close();
    expect(fs.existsSync(lockPath(file))).toBe(false);
  });

  it('refuses a file written by a newer version without changing a byte of it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'newer.rosas');
    openProject(file, { create: true }).close();
    // As a newer version might leave it: a rollback journal (not WAL), a schema from the future.
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('user_version = 999');
    raw.close();
    const sha = () => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const before = { sha: sha(), mtime: fs.statSync(file).mtimeMs };
    for (const opts of [{}, { readonly: true }]) {
      expectError(() => openProject(file, opts), 'project-newer', /newer version of RoSAS Workbench \(schema 999;.*not modified/);
    }
    expect({ sha: sha(), mtime: fs.statSync(file).mtimeMs }).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['newer.rosas']); // no -wal, -shm or lock left behind
  });

  it('refuses an empty file unless asked to create a project there', () => {
    const dir = tempDir();
    const file = path.join(dir, 'empty.rosas');
    fs.writeFileSync(file, '');
    const mtime = fs.statSync(file).mtimeMs;
    for (const opts of [{}, { readonly: true }]) {
      expectError(() => openProject(file, opts), 'project-invalid', new RegExp(`${file} is an empty file, not a project`));
    }
    expect(fs.statSync(file)).toMatchObject({ size: 0, mtimeMs: mtime });
    expect(fs.readdirSync(dir)).toEqual(['empty.rosas']);
    // A new project given as that path (a save dialog may have made the file).
    const p = openProject(file, { create: true });
    expect(p.created).toBe(true);
    p.close();
    openProject(file).close();
  });
});

describe('discarding a project that came to nothing', () => {
  const files = (dir: string) => fs.readdirSync(dir).sort();

  it('removes a project this open created and nothing was saved in, with its journal and lock', () => {
    const dir = tempDir();
    const file = path.join(dir, 'new.rosas');
    const p = openProject(file, { create: true });
    expect(p.created).toBe(true);
    expect(files(dir)).toEqual(['new.rosas', 'new.rosas-shm', 'new.rosas-wal', 'new.rosas.lock']);
    expect(p.closeAndDiscardIfUnused()).toBe(true);
    expect(files(dir)).toEqual([]);
  });

  it('empties again a file that was empty before', () => {
    const dir = tempDir();
    const file = path.join(dir, 'empty.rosas');
    fs.writeFileSync(file, '');
    expect(openProject(file, { create: true }).closeAndDiscardIfUnused()).toBe(true);
    expect(files(dir)).toEqual(['empty.rosas']);
    expect(fs.statSync(file).size).toBe(0);
  });

  it('keeps a project that existed before, or that something was saved in', () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.rosas');
    openProject(file, { create: true }).close();
    const existing = openProject(file, { create: true });
    expect(existing.created).toBe(false);
    expect(existing.closeAndDiscardIfUnused()).toBe(false);
    expect(files(dir)).toEqual(['p.rosas']);

    const other = path.join(dir, 'q.rosas');
    const used = openProject(other, { create: true });
    used.db.prepare("INSERT INTO sources (file_name, file_path, sha256, size_bytes, format, records, quarantined, started_at, finished_at, seconds) VALUES ('a', '/a', 'h', 1, 'csv', 0, 0, 't', 't', 0)").run();
    expect(used.closeAndDiscardIfUnused()).toBe(false);
    expect(files(dir)).toEqual(['p.rosas', 'q.rosas']);
  });
});
