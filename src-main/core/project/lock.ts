import fs from 'node:fs';
import os from 'node:os';
import { RosasError } from '../errors';

interface LockInfo {
  pid: number;
  host: string;
  purpose: string;
  since: string;
}

export function lockPath(projectPath: string): string {
  return `${projectPath}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return null; // vanished or half-written: treat as stale
  }
}

/**
 * One writer per project file: a lock file beside it names the process that holds it. A lock
 * left by a process that no longer runs on this host (killed, crashed) is taken over.
 * Threads of the holding process share its lock.
 */
export function acquireLock(projectPath: string, purpose: string): () => void {
  const file = lockPath(projectPath);
  const me: LockInfo = { pid: process.pid, host: os.hostname(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return () => {
        const held = readLock(file);
        if (held && held.pid === me.pid && held.host === me.host) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readLock(file);
    if (held && held.host === me.host && held.pid === me.pid) return () => {};
    if (held && (held.host !== me.host || alive(held.pid))) {
      const where = held.host === me.host ? `process ${held.pid}` : `process ${held.pid} on ${held.host}`;
      throw new RosasError(
        'project-locked',
        `project is open in ${where} (${held.purpose}, since ${held.since}); close it there first` +
          (held.host !== me.host ? `, or delete ${file} if that process is gone` : ''),
      );
    }
    fs.rmSync(file, { force: true }); // stale
  }
  throw new RosasError('project-locked', `cannot lock ${projectPath}: ${file} keeps reappearing`);
}
