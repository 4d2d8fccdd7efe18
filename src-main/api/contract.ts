/**
 * The one contract between the UI and the main side, for both transports (Electron IPC and the
 * local HTTP/WebSocket server of `rosas serve`). The renderer imports this file, so it holds types
 * only: every import is `import type` and nothing here exists at run time.
 * Adding a call: add it to ApiCalls, then to CALL_NAMES (calls.ts), validate.ts and handlers.ts;
 * the compiler and test/unit/api/contract.test.ts point at whatever is missing.
 */
import type { ErrorCode } from '../core/errors';
import type { Role } from '../core/features/roles';
import type { ImportOptions, ImportProgress, ImportSummary, ImportedField } from '../core/ingest/import';
import type { ImportPreview } from '../core/ingest/preview';
import type { FormatName } from '../core/ingest/types';
import type { ImportFilesResult, JobKind, JobTypes } from '../core/jobs/jobs';
import type { FieldInfo, ProjectInfo, SourceInfo } from '../core/project/info';

export type { ErrorCode, FieldInfo, FormatName, ImportedField, ImportFilesResult, ImportOptions, ImportPreview, ImportProgress, ImportSummary, JobKind, ProjectInfo, Role, SourceInfo };

export type AppMode = 'desktop' | 'serve';

/** Codes a call can fail with: the core's, plus those of the API layer itself. */
export type ApiErrorCode =
  | ErrorCode
  /** The call exists but not in this mode (native dialogs in serve mode). */
  | 'unsupported'
  /** The call needs an open project and none is open. */
  | 'no-project'
  /** Refused while a job runs (closing or switching the project). */
  | 'busy'
  /** No such call in the contract. */
  | 'unknown-call'
  /** Serve mode: the request lacked the token (the page was not opened from the printed URL). */
  | 'unauthorized'
  /** Serve mode: the request came from another origin or host. */
  | 'forbidden'
  /** The client could not reach the main side at all. */
  | 'transport';

/** How an error crosses either transport. Internal errors carry a generic message only. */
export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
}

/** What a transport carries back for every call. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

export type Empty = Record<string, never>;

export interface AppInfo {
  version: string;
  mode: AppMode;
  /** Every role a field can have, for role pickers. */
  roles: Role[];
  /** Every format the importer knows, for the format picker. */
  formats: FormatName[];
}

export interface RecentProject {
  path: string;
  openedAt: string;
  /** False when the file is gone (moved, deleted, on an unplugged drive). */
  exists: boolean;
}

export interface QuarantineRow {
  sourceId: number;
  fileName: string;
  line: number;
  reason: string;
  raw: string;
}

export interface QuarantinePage {
  rows: QuarantineRow[];
  /** Rows matching the filter, over all pages. */
  total: number;
}

/** A running job; `progress` is the last one reported (null before the first), typed by kind. */
export type RunningJob = { [K in JobKind]: { jobId: string; kind: K; progress: JobTypes[K]['progress'] | null } }[JobKind];

export type JobProgress = JobTypes[JobKind]['progress'];

/** Every call: name -> request and response. Requests and responses are plain JSON data. */
export interface ApiCalls {
  'app.info': { request: Empty; response: AppInfo };
  /** Most recently opened first. */
  'projects.recent': { request: Empty; response: RecentProject[] };
  /** Opens (or creates) a project for writing and remembers it among the recent ones. */
  'project.open': { request: { path: string; create?: boolean }; response: ProjectInfo };
  /** Cancels running jobs, waits for them to roll back, then closes. */
  'project.close': { request: Empty; response: null };
  'project.info': { request: Empty; response: ProjectInfo };
  'import.preview': { request: { file: string; format?: FormatName }; response: ImportPreview };
  /** Starts a background import; progress and the result arrive as job.* events. */
  'import.start': { request: { files: string[]; options: ImportOptions }; response: { jobId: string } };
  'job.cancel': { request: { jobId: string }; response: null };
  /** Jobs still running, e.g. for a page reloaded in the middle of an import. */
  'jobs.list': { request: Empty; response: RunningJob[] };
  /** null returns the field to its inferred role. */
  'fields.setRole': { request: { name: string; role: Role | null }; response: ProjectInfo };
  'quarantine.list': { request: { sourceId?: number; offset: number; limit: number }; response: QuarantinePage };
  /** Native file dialog (desktop only; serve mode fails with 'unsupported'). path null: cancelled. */
  'dialog.openProject': { request: { create: boolean }; response: { path: string | null } };
  /** Native file dialog for log files (desktop only). Empty: cancelled. */
  'dialog.openFiles': { request: Empty; response: { paths: string[] } };
}

export type CallName = keyof ApiCalls;
export type CallRequest<K extends CallName> = ApiCalls[K]['request'];
export type CallResponse<K extends CallName> = ApiCalls[K]['response'];

export type JobProgressEvent = { [K in JobKind]: { jobId: string; kind: K; progress: JobTypes[K]['progress'] } }[JobKind];
/** A job ends with its result, or with an error (code 'cancelled' when it was cancelled). */
export type JobFinishedEvent = {
  [K in JobKind]: { jobId: string; kind: K; result: JobTypes[K]['output'] } | { jobId: string; kind: K; error: ApiErrorData };
}[JobKind];

/** Every event pushed from the main side: name -> payload. */
export interface ApiEvents {
  'job.progress': JobProgressEvent;
  'job.finished': JobFinishedEvent;
}

export type EventName = keyof ApiEvents;
export type EventPayload<E extends EventName> = ApiEvents[E];

/** What the Electron preload exposes as `window.rosas`, and nothing more. */
export interface RosasBridge {
  invoke<K extends CallName>(call: K, request: CallRequest<K>): Promise<ApiResult<CallResponse<K>>>;
  /** Returns a function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
