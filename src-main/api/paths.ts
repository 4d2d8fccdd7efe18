import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from './api-error';
import type { PathKind } from './contract';
import type { KnownExports } from './known-exports';
import type { PathGrants } from './path-grants';

/**
 * The path policies: what each transport lets a request's paths reach. validate.ts finds every
 * path of a request (with its kind) and dispatch.ts runs the transport's policy over each one
 * before the handler runs, so no handler checks paths itself.
 */

/** A path found in a request: absolute already, with its kind and where it was in the payload. */
export interface PathUse {
  kind: PathKind;
  path: string;
  at: string;
}

/** Resolves when the path may be used; throws ApiError('path-refused') naming it and why. */
export type PathPolicy = (use: PathUse) => Promise<void>;

/** Paths typed into a field may start with ~ like in a shell; relative ones are made absolute. */
export function userPath(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith(`~${path.sep}`)) return path.join(os.homedir(), p.slice(2));
  return path.resolve(p);
}

function refused(message: string): never {
  throw new ApiError('path-refused', message);
}

function typeOf(s: fs.Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Everywhere: only regular files. Reading /dev/zero never ends, and opening a FIFO blocks until a
 * writer comes: stat looks without opening, and follows symlinks, so a link to a device is refused
 * too. A path that does not exist passes (the handler reports it, or creates the file).
 */
export async function refuseSpecialFile(use: PathUse): Promise<void> {
  let s: fs.Stats;
  try {
    s = await fs.promises.stat(use.path);
  } catch {
    return;
  }
  if (!s.isFile()) refused(`not a regular file: ${use.path} is ${typeOf(s)}`);
}

const CHOOSE_WITH: Record<PathKind, string> = {
  project: 'open it with "Open project…" or from the recent projects',
  read: 'choose it with "Choose files…"',
  write: 'export with "Export…", which asks where to save',
};

/**
 * Desktop: the page is not trusted with the file system. It may use a path that the analyst chose
 * in one of this window's native dialogs, for what that dialog was for, or a recent project.
 */
export function desktopPolicy(grants: Pick<PathGrants, 'allows'>): PathPolicy {
  return async (use) => {
    if (!grants.allows(use.kind, use.path)) refused(`refused ${use.path}: the desktop app uses only files chosen in this window's own dialogs; ${CHOOSE_WITH[use.kind]}`);
    await refuseSpecialFile(use);
  };
}

/**
 * Serve mode: the analyst types paths, so any regular file may be read, but a file that exists is
 * written over only when it is an earlier export of the app, unchanged since (see known-exports.ts).
 * Without `overwrite` the handler then answers 'exists' and the page offers to replace it.
 */
export function servePolicy(exports: Pick<KnownExports, 'isUnchanged'>): PathPolicy {
  return async (use) => {
    await refuseSpecialFile(use);
    if (use.kind !== 'write') return;
    // lstat: a symlink counts as a file that exists (rename would replace the link itself).
    const exists = await fs.promises.lstat(use.path).then(
      () => true,
      () => false,
    );
    if (exists && !(await exports.isUnchanged(use.path))) {
      refused(`refused to replace ${use.path}: it is not an export written by RoSAS Workbench, or it changed since; choose another file name`);
    }
  };
}
