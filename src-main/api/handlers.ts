import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RosasError } from '../core/errors';
import { ROLES } from '../core/features/roles';
import { previewFile } from '../core/ingest/preview';
import { FORMATS } from '../core/ingest/types';
import { setRoleOverride } from '../core/project/fields';
import { projectInfo } from '../core/project/info';
import { APP_VERSION } from '../core/version';
import { ApiError } from './api-error';
import type { AppMode, CallName, CallRequest, CallResponse } from './contract';
import { listQuarantine } from './quarantine';
import type { RecentProjects } from './recent';
import type { Session } from './session';

/** Native dialogs, which only the desktop app has. */
export interface Dialogs {
  /** The chosen project file, or null when the analyst cancelled. */
  openProject(create: boolean): Promise<string | null>;
  /** The chosen log files; empty when cancelled. */
  openFiles(): Promise<string[]>;
}

export interface HandlerContext {
  mode: AppMode;
  session: Session;
  recent: RecentProjects;
  dialogs?: Dialogs;
}

export type Handlers = { [K in CallName]: (request: CallRequest<K>) => Promise<CallResponse<K>> };

/** Paths typed into a field may start with ~ like in a shell. */
function userPath(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith(`~${path.sep}`)) return path.join(os.homedir(), p.slice(2));
  return path.resolve(p);
}

function unsupported(what: string): never {
  throw new ApiError('unsupported', `${what} is only available in the desktop app; type a path instead`);
}

/** Every call of the contract, implemented once over the core; both transports call these. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { session, recent } = ctx;
  const info = () => {
    const p = session.current();
    return projectInfo(p.db, p.path);
  };
  return {
    'app.info': async () => ({ version: APP_VERSION, mode: ctx.mode, roles: [...ROLES], formats: [...FORMATS] }),

    'projects.recent': async () => recent.list(),

    'project.open': async ({ path: file, create }) => {
      const abs = userPath(file);
      // SQLite's own message for this would be an internal error; say it plainly instead.
      if (create && !fs.existsSync(path.dirname(abs))) throw new RosasError('not-found', `the folder ${path.dirname(abs)} does not exist`);
      const p = session.open(abs, create ?? false);
      recent.add(p.path);
      return projectInfo(p.db, p.path);
    },

    'project.close': async () => {
      await session.close();
      return null;
    },

    'project.info': async () => info(),

    'import.preview': async ({ file, format }) => previewFile(userPath(file), { format, records: 20 }),

    'import.start': async ({ files, options }) => {
      const abs = files.map(userPath);
      for (const f of abs) if (!fs.existsSync(f)) throw new RosasError('not-found', 'no such file', { file: f });
      return { jobId: session.startImport(abs, options) };
    },

    'job.cancel': async ({ jobId }) => {
      session.cancel(jobId);
      return null;
    },

    'jobs.list': async () => session.runningJobs(),

    'fields.setRole': async ({ name, role }) => {
      session.refuseWhileBusy('change a role');
      setRoleOverride(session.current().db, name, role);
      return info();
    },

    'quarantine.list': async (q) => listQuarantine(session.current().db, q),

    'dialog.openProject': async ({ create }) => {
      if (!ctx.dialogs) unsupported('the file dialog');
      return { path: await ctx.dialogs.openProject(create) };
    },

    'dialog.openFiles': async () => {
      if (!ctx.dialogs) unsupported('the file dialog');
      return { paths: await ctx.dialogs.openFiles() };
    },
  };
}
