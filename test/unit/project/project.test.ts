import { spawn } from 'node:child_process';
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
    expect(JSON.parse(fs.readFileSync(lockPath(file), 'utf8')).pid).toBe(process.pid);
    p.close();
    expect(fs.existsSync(lockPath(file))).toBe(false);
  });
});
