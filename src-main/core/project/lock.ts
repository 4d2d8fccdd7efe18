import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RosasError } from '../errors';
import { processStart } from '../util/process-start';

interface LockInfo {
  pid: number;
  host: string;
  purpose: string;
  since: string;
  /** processStart() of the holder, where the platform tells it: a reused PID is told apart. */
  started?: string;
}

export function lockPath(projectPath: string): string {
  return `${projectPath}.lock`;
}

/**
 * One writer per project file: the folder `<project>.lock` holds one file, `owner-<random>.json`,
 * naming the process that holds it. A lock whose process no longer runs on this host (killed,
 * crashed, or its PID now belongs to another program) is taken over. Threads of the holding
 * process share its lock.
 *
 * Why two processes can never both hold it, whatever the timing:
 * - A lock is made whole in a private folder, then renamed to `<project>.lock`. Renaming a folder
 *   succeeds only onto nothing or an empty folder, so it never replaces a held lock.
 * - A held lock's folder is never empty (its owner file is in it until release), so an empty one
 *   is free, and rmdir, which removes only empty folders, never removes a held lock.
 * - A stale lock is taken over by deleting its owner file by that file's unique name. If someone
 *   took the lock over in the meantime, that name is not in the folder any more and nothing
 *   happens; otherwise the folder is now empty, and exactly one rename wins it.
 * A single lock *file* cannot give this: taking one over means renaming or deleting whatever is
 * at the path, which may by then be the lock of a contender who took it over first; checking
 * afterwards and putting it back races with a third contender.
 */
export function acquireLock(projectPath: string, purpose: string): () => void {
  const lock = lockPath(projectPath);
  const started = processStart(process.pid);
  const me: LockInfo = { pid: process.pid, host: os.hostname(), purpose, since: new Date().toISOString(), ...(started ? { started } : {}) };
  const nonce = crypto.randomBytes(8).toString('hex');
  const mine = `owner-${nonce}.json`;
  const temp = `${lock}.${nonce}.tmp`;
  fs.mkdirSync(temp);
  try {
    writeDurably(path.join(temp, mine), JSON.stringify(me));
    let refused: unknown;
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        fs.renameSync(temp, lock);
        return () => release(lock, mine);
      } catch (err) {
        // Windows renames nothing onto an existing folder: EPERM, also for a free one (removed below).
        if (!['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EPERM', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
        refused = err;
      }
      const holder = readHolder(lock);
      if (!holder) {
        ignoreErrors(() => fs.rmdirSync(lock)); // free: only an empty folder is removed
        continue;
      }
      const held = holder.info;
      if (held && held.host === me.host && held.pid === me.pid && held.started === me.started) return () => {};
      if (held && (held.host !== me.host || runs(held))) {
        const where = held.host === me.host ? `process ${held.pid}` : `process ${held.pid} on ${held.host}`;
        throw new RosasError(
          'project-locked',
          `project is open in ${where} (${held.purpose}, since ${held.since}); close it there first` +
            (held.host !== me.host ? `, or delete ${lock} if that process is gone` : ` (lock: ${lock})`),
        );
      }
      // Stale. By its unique name; a lock file of an older version is a file, never a lock folder.
      ignoreErrors(() => fs.unlinkSync(holder.file));
    }
    if (!fs.existsSync(lock)) throw refused; // not the lock in the way: a folder we may not write
    throw new RosasError('project-locked', `cannot lock ${projectPath}: ${lock} is in the way; if no RoSAS Workbench has the project open, delete it`);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true }); // gone already once it has become the lock
  }
}

/**
 * The lock's owner file and what it says; null when the lock is free. info is null when the file
 * is unreadable (e.g. it just vanished): judged stale, which deletes nothing but that very file.
 */
function readHolder(lock: string): { file: string; info: LockInfo | null } | null {
  let names: string[];
  try {
    names = fs.readdirSync(lock);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return { file: lock, info: readInfo(lock) }; // written by an older version
    if (code === 'ENOENT') return null;
    throw err;
  }
  const owner = names.find((n) => /^owner-[0-9a-f]+\.json$/.test(n));
  return owner ? { file: path.join(lock, owner), info: readInfo(path.join(lock, owner)) } : null;
}

function readInfo(file: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote a lock on this host still runs. */
function runs(held: LockInfo): boolean {
  if (held.pid === process.pid) return false; // not us (checked first): an earlier process with our PID
  try {
    process.kill(held.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStart(held.pid);
  if (now === 'exited') return false;
  // Where the start time cannot be read (or an older version did not store it), the PID is all there is.
  return now === undefined || held.started === undefined || now === held.started;
}

function release(lock: string, mine: string): void {
  // By our unique name, then only if empty: neither can remove a lock someone else holds. A lock
  // left behind when this fails names a process that has ended; the next one takes it over.
  ignoreErrors(() => fs.unlinkSync(path.join(lock, mine)));
  ignoreErrors(() => fs.rmdirSync(lock));
}

/** Written and flushed before it becomes visible, so a lock is never seen half-written, even after a power cut. */
function writeDurably(file: string, text: string): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // see the callers
  }
}
