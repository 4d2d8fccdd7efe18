/**
 * The one contract between the UI and the main side, for both transports (Electron IPC and the
 * local HTTP/WebSocket server of `rosas serve`). The renderer imports this file, so it holds types
 * only: every import is `import type` and nothing here exists at run time.
 * Adding a call: add it to ApiCalls, then to CALL_NAMES (calls.ts), validate.ts and handlers.ts;
 * the compiler and test/unit/api/contract.test.ts point at whatever is missing.
 */
import type { ErrorCode } from '../core/errors';
import type { ExportFormat } from '../core/export/export';
import type { Explanation, FieldContribution } from '../core/explain/explain';
import type { Role } from '../core/fields/role';
import type { FieldValue } from '../core/fields/values';
import type { ImportOptions, ImportProgress, ImportSummary, ImportedField } from '../core/ingest/import';
import type { ImportPreview } from '../core/ingest/preview';
import type { FormatName } from '../core/ingest/types';
import type { ImportFilesResult, JobKind, JobTypes } from '../core/jobs/jobs';
import type { Label, LabelCounts, LabelHistoryRow } from '../core/labels/labels';
import type { EpochFigures } from '../core/model/rosas/types';
import type { FieldInfo, ProjectInfo, SourceInfo } from '../core/project/info';
import type { RecordDetail } from '../core/records/detail';
import type { FieldFilter, LabelFilter, RecordFilter } from '../core/records/filter';
import type { RoundComparison } from '../core/rounds/compare';
import type { DiscoveryCurve, RoundSummary } from '../core/rounds/discovery';
import type { GroupRepresentative } from '../core/rounds/group-review';
import type { ScoreHistogram } from '../core/rounds/histogram';
import type { PrecisionRecall, PrecisionRecallRound } from '../core/rounds/precision-recall';
import type { RoundInfo, RoundMethod } from '../core/rounds/store';
import type { RoundStopping, TrainMethod, TrainRoundOptions } from '../core/rounds/train-options';
import type { TrainRoundProgress, TrainRoundResult } from '../core/rounds/train-round';

export type {
  GroupRepresentative,
  DiscoveryCurve,
  EpochFigures,
  ErrorCode,
  Explanation,
  ExportFormat,
  FieldContribution,
  FieldFilter,
  FieldInfo,
  FieldValue,
  FormatName,
  ImportedField,
  ImportFilesResult,
  ImportOptions,
  ImportPreview,
  ImportProgress,
  ImportSummary,
  JobKind,
  Label,
  LabelCounts,
  LabelFilter,
  LabelHistoryRow,
  PrecisionRecall,
  PrecisionRecallRound,
  ProjectInfo,
  RecordDetail,
  Role,
  RoundComparison,
  RoundInfo,
  RoundMethod,
  RoundStopping,
  RoundSummary,
  ScoreHistogram,
  SourceInfo,
  TrainMethod,
  TrainRoundProgress,
  TrainRoundResult,
};

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
  /** The file to write exists already (an export without `overwrite`; a project to create). */
  | 'exists'
  /** The folder to create a project in does not exist (project.open without `createFolder`). */
  | 'no-folder'
  /**
   * The path policy refused a path of the request (see PathKind): not a regular file; on the
   * desktop, not chosen in one of this window's dialogs; in serve mode, a file to replace that is
   * not an earlier export of the app.
   */
  | 'path-refused'
  /** The client could not reach the main side at all. */
  | 'transport';

/** How an error crosses either transport. Internal errors carry a generic message only. */
export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
}

/**
 * What a path in a request is for; validate.ts gives every path field of the calls below one, and
 * the transport's path policy checks each path by its kind before the handler runs.
 *   project  a project file to open or create (project.open)
 *   read     a log file to read (import.preview, import.start)
 *   write    a file to write (export.run)
 */
export type PathKind = 'project' | 'read' | 'write';

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

/**
 * A running job; `progress` is the last one reported (null before the first), typed by kind.
 * `epochs`: a training job's per-epoch figures so far (for a page reloaded mid-training).
 */
export type RunningJob = { [K in JobKind]: { jobId: string; kind: K; progress: JobTypes[K]['progress'] | null; epochs?: EpochFigures[] } }[JobKind];

export type JobProgress = JobTypes[JobKind]['progress'];

// ---------------------------------------------------------------------------------------------
// Review: the ranked records of a round, a page at a time.

/** Which records the review table shows (records/filter.ts says what each part keeps). */
export type ReviewFilter = RecordFilter;

export interface ReviewPageRequest {
  /** Default: the newest round. */
  round?: number;
  filter: ReviewFilter;
  /** Field names shown as columns; each row carries their values. */
  columns: string[];
  offset: number;
  limit: number;
  /**
   * The view a previous page came from. The records matching a filter are fixed when a view is
   * made, so that labeling (which takes a record out of the queue) does not shift later pages;
   * labels and notes in the rows are always current. Left out: a fresh view.
   */
  view?: string;
}

export interface ReviewRow {
  id: number;
  /** 1-based position in the round's whole ranking (not in the filtered list). */
  rank: number;
  score: number;
  label: Label | null;
  note: string | null;
  /** File name of the import source. */
  source: string;
  sourceId: number;
  line: number;
  /** Values of the requested columns; null where the record lacks the field. */
  columns: Record<string, FieldValue>;
}

export interface ReviewPage {
  view: string;
  round: number;
  /** Records in the view (the filter's matches when the view was made). */
  total: number;
  offset: number;
  rows: ReviewRow[];
  /** Lowest and highest score of the round, for the score-range filter. */
  scores: { min: number; max: number };
}

export interface LabelsSetResult {
  /** Records whose label or note changed (an unchanged one writes no history). */
  changed: number;
  /** The project's label counts after the change. */
  counts: LabelCounts;
  /** The records as they are now (with `group`, the ids asked for; `groupMembers` counts the rest). */
  records: Array<{ id: number; label: Label | null; note: string | null }>;
  /** With `group`: the other records of their groups that were labeled along. */
  groupMembers?: number;
}

// ---------------------------------------------------------------------------------------------
// Rounds (their figures and charts are core types, re-exported above).

/** What the UI may ask of a training round: the options of rounds/train-options.ts but the simulation's two. */
export type TrainRequest = Omit<TrainRoundOptions, 'normalsAs' | 'normalsFeedback'>;

// ---------------------------------------------------------------------------------------------
// Export.

export interface ExportRequest {
  format: ExportFormat;
  /** Only labeled records (the findings), else every record. */
  onlyLabeled: boolean;
  /**
   * Where to write. Serve mode: typed by the analyst, or left out for a file beside the project.
   * Desktop: left out, a save dialog asks.
   */
  path?: string;
  /** Rank and score of this round (default the newest). */
  round?: number;
  /** Replace a file that exists (else the call fails with 'exists'). */
  overwrite?: boolean;
}

export interface ExportDone {
  /** null: the save dialog was cancelled and nothing was written. */
  file: string | null;
  format: ExportFormat;
  records: number;
  round: number | null;
}

/** Every call: name -> request and response. Requests and responses are plain JSON data. */
export interface ApiCalls {
  'app.info': { request: Empty; response: AppInfo };
  /** Most recently opened first. */
  'projects.recent': { request: Empty; response: RecentProject[] };
  /** Opens (or creates) a project for writing and remembers it among the recent ones. */
  /** Removes a project from the recent ones (its file is not touched); the list as it is now. */
  'projects.forget': { request: { path: string }; response: RecentProject[] };
  /**
   * `create` never opens a project that exists (`exists`), and needs the folder to exist
   * (`no-folder`) unless `createFolder` says to make it.
   */
  'project.open': { request: { path: string; create?: boolean; createFolder?: boolean }; response: ProjectInfo };
  /** Cancels running jobs, waits for them to roll back, then closes. */
  'project.close': { request: Empty; response: null };
  'project.info': { request: Empty; response: ProjectInfo };
  /** The name the app saves labels under in this project (null or blank: the account's user name). */
  'project.setAnalyst': { request: { name: string | null }; response: ProjectInfo };
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
  /** A page of a round's ranked records, filtered; read from the project, never all at once. */
  'review.page': { request: ReviewPageRequest; response: ReviewPage };
  /** Record ids of a range of a view (for a bulk selection reaching rows not loaded yet). */
  'review.ids': { request: Omit<ReviewPageRequest, 'columns'>; response: { view: string; total: number; ids: number[] } };
  /** The whole record: raw text, every field, its label with history, and its score in a round. */
  'record.get': { request: { id: number; round?: number }; response: RecordDetail };
  /** Which fields pushed the record's score up (or down) in a round. */
  'record.explain': { request: { id: number; round?: number }; response: Explanation };
  /** One record per group of near-duplicates in a round's review order, with the group's size (rounds/group-review.ts). */
  'review.groups': { request: { round?: number; offset: number; limit: number; unlabeledOnly?: boolean }; response: { round: number; groups: GroupRepresentative[] } };
  /**
   * Sets (label null: removes) the label of records, saved before it returns, with its history.
   * group: also every other record of their groups in the newest round, each with its own history.
   */
  'labels.set': { request: { ids: number[]; label: Label | null; note?: string; group?: boolean }; response: LabelsSetResult };
  /** Every round, oldest first. */
  'rounds.list': { request: Empty; response: RoundSummary[] };
  'rounds.compare': { request: { a: number; b: number; k?: number }; response: RoundComparison };
  /** Starts training the next round in the background; progress (with each epoch's losses) and the result arrive as job.* events. */
  'rounds.train': { request: TrainRequest; response: { jobId: string } };
  'charts.scoreHistogram': { request: { round?: number; bins: number }; response: ScoreHistogram };
  'charts.discovery': { request: Empty; response: DiscoveryCurve };
  'charts.precisionRecall': { request: Empty; response: PrecisionRecall };
  /** Writes the records (or the labeled ones) to a CSV or NDJSON file. */
  'export.run': { request: ExportRequest; response: ExportDone };
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
