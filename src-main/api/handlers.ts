import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { explainRecord } from '../core/explain/explain';
import { exportRecords, type ExportFormat } from '../core/export/export';
import { setRoleOverride } from '../core/features/field-roles';
import { ROLES } from '../core/fields/role';
import { statLogFile } from '../core/ingest/log-file';
import { previewFile } from '../core/ingest/preview';
import { FORMATS } from '../core/ingest/types';
import { labelCounts, labelsOf, setLabels } from '../core/labels/labels';
import { projectAnalyst, setProjectAnalyst } from '../core/project/analyst';
import { projectInfo } from '../core/project/info';
import { compareRounds } from '../core/rounds/compare';
import { discoveryCurve, roundSummaries } from '../core/rounds/discovery';
import { groupRepresentatives, withGroupMembers } from '../core/rounds/group-review';
import { scoreHistogram } from '../core/rounds/histogram';
import { precisionRecall } from '../core/rounds/precision-recall';
import { optionalRound } from '../core/rounds/store';
import { APP_VERSION } from '../core/version';
import { ApiError, consoleLogger } from './api-error';
import type { AppMode, CallName, CallRequest, CallResponse } from './contract';
import type { KnownExports } from './known-exports';
import { listQuarantine } from './quarantine';
import type { RecentProjects } from './recent';
import { recordDetail, reviewIds, reviewPage } from './review';
import type { Session } from './session';

/** Native dialogs, which only the desktop app has. */
export interface Dialogs {
  /** The chosen project file, or null when the analyst cancelled. */
  openProject(create: boolean): Promise<string | null>;
  /** The chosen log files; empty when cancelled. */
  openFiles(): Promise<string[]>;
  /** Where to save an export (the dialog asks before replacing a file); null when cancelled. */
  saveExport(defaultPath: string, format: ExportFormat): Promise<string | null>;
}

export interface HandlerContext {
  mode: AppMode;
  session: Session;
  recent: RecentProjects;
  dialogs?: Dialogs;
  /** Serve mode: exports are noted there, so that only they may be replaced later (paths.ts). */
  exports?: KnownExports;
  /** Who labels, kept in the label history (default: this account's user name). */
  author?: string;
}

/** The account's user name: the analyst at this machine (serve mode listens on 127.0.0.1 only). */
export function defaultAuthor(): string {
  try {
    return os.userInfo().username || process.env.USER || 'analyst';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'analyst';
  }
}

/** An export's file name beside the project: <project>-<findings|records>-round<N>-<time>.<ext>. */
export function defaultExportPath(projectPath: string, opts: { format: ExportFormat; onlyLabeled: boolean; round: number | null }, now = new Date()): string {
  const base = path.basename(projectPath).replace(/\.rosas$/i, '');
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  const what = opts.onlyLabeled ? 'findings' : 'records';
  const round = opts.round === null ? '' : `-round${opts.round}`;
  return path.join(path.dirname(projectPath), `${base}-${what}${round}-${stamp}.${opts.format === 'csv' ? 'csv' : 'ndjson'}`);
}

export type Handlers = { [K in CallName]: (request: CallRequest<K>) => Promise<CallResponse<K>> };

function unsupported(what: string): never {
  throw new ApiError('unsupported', `${what} is only available in the desktop app; type a path instead`);
}

/**
 * Every call of the contract, implemented once over the core; both transports call these. Paths in
 * requests arrive absolute and already passed the transport's path policy (validate.ts, dispatch.ts).
 */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { session, recent } = ctx;
  const author = ctx.author ?? defaultAuthor();
  const db = () => session.current().db;
  const info = () => {
    const p = session.current();
    return projectInfo(p.db, p.path);
  };
  return {
    'app.info': async () => ({ version: APP_VERSION, mode: ctx.mode, roles: [...ROLES], formats: [...FORMATS] }),

    'projects.recent': async () => recent.list(),

    'projects.forget': async ({ path: abs }) => {
      recent.remove(abs);
      return recent.list();
    },

    'project.open': async ({ path: abs, create, createFolder }) => {
      if (create) {
        // The UI asks before either: a create never opens (or touches) a project that exists.
        const dir = path.dirname(abs);
        if (!fs.existsSync(dir)) {
          if (!createFolder) throw new ApiError('no-folder', `the folder ${dir} does not exist`);
          fs.mkdirSync(dir, { recursive: true });
        }
        if (fs.existsSync(abs) && fs.statSync(abs).size > 0) throw new ApiError('exists', `a file exists at ${abs} already`);
      }
      const p = session.open(abs, create ?? false);
      recent.add(p.path);
      return projectInfo(p.db, p.path);
    },

    'project.close': async () => {
      await session.close();
      return null;
    },

    'project.info': async () => info(),

    'project.setAnalyst': async ({ name }) => {
      setProjectAnalyst(db(), name);
      return info();
    },

    'import.preview': async ({ file, format }) => previewFile(file, { format, records: 20 }),

    'import.start': async ({ files, options }) => {
      // A missing file or a folder is refused at once, before any job starts.
      for (const f of files) statLogFile(f);
      return { jobId: session.startImport(files, options) };
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

    'review.page': async (req) => reviewPage(db(), req),

    'review.ids': async (req) => reviewIds(db(), req),

    'record.get': async ({ id, round }) => recordDetail(db(), id, round),

    'record.explain': async ({ id, round }) => explainRecord(db(), id, { round }),

    'review.groups': async ({ round, offset, limit, unlabeledOnly }) => groupRepresentatives(db(), { round, offset, n: limit, unlabeledOnly }),

    'labels.set': async ({ ids, label, note, group }) => {
      // An import holds the write lock for a whole file: a label would wait on it and fail. A
      // training round writes only in its short save, which this waits for (busy_timeout).
      session.refuseWhileBusy('save labels', ['train']);
      const asked = [...new Set(ids)];
      const all = group ? withGroupMembers(db(), asked) : asked;
      const { changed } = setLabels(db(), all, label, { author: projectAnalyst(db()) ?? author, ...(note !== undefined ? { note } : {}) });
      const now = labelsOf(db(), asked);
      const counts = labelCounts(db());
      return {
        changed,
        counts,
        records: asked.map((id) => ({ id, label: now.get(id)?.label ?? null, note: now.get(id)?.note ?? null })),
        ...(group ? { groupMembers: all.length - asked.length } : {}),
      };
    },

    'rounds.list': async () => roundSummaries(db()),

    'rounds.compare': async ({ a, b, k }) => compareRounds(db(), a, b, k === undefined ? {} : { k }),

    // Checked and stripped to the keys given by validate.ts (rounds/train-options.ts).
    'rounds.train': async (options) => ({ jobId: session.startTrain(options) }),

    'charts.scoreHistogram': async ({ round, bins }) => scoreHistogram(db(), { round, bins }),

    'charts.discovery': async () => discoveryCurve(db()),

    'charts.precisionRecall': async () => precisionRecall(db()),

    'export.run': async ({ format, onlyLabeled, path: wanted, round, overwrite }) => {
      const project = session.current();
      const n = optionalRound(project.db, round);
      const fallback = defaultExportPath(project.path, { format, onlyLabeled, round: n });
      let out: string;
      if (wanted !== undefined) {
        out = wanted;
        if (!overwrite && fs.existsSync(out) && !fs.statSync(out).isDirectory()) {
          throw new ApiError('exists', `${out} exists already; choose another name or replace it`);
        }
      } else if (ctx.dialogs) {
        const chosen = await ctx.dialogs.saveExport(fallback, format);
        if (chosen === null) return { file: null, format, records: 0, round: n };
        out = chosen;
      } else {
        out = fallback;
      }
      const r = await exportRecords(project.db, { out, format, onlyLabeled, ...(n !== null ? { round: n } : {}) });
      // The file is written whatever happens here; failing to note it only means it cannot be replaced later.
      await ctx.exports?.remember(r.file).catch((err: unknown) => consoleLogger(`could not note the export ${r.file}`, err));
      return { file: r.file, format: r.format, records: r.records, round: r.round };
    },
  };
}
