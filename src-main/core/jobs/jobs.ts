import type { SerializedError } from '../errors';
import type { ImportOptions, ImportProgress, ImportSummary } from '../ingest/import';
import type { MemberJobInput } from '../model/rosas/member-job';
import type { TrainedModel, TrainProgress } from '../model/rosas/types';
import type { TrainRoundOptions, TrainRoundProgress, TrainRoundResult } from '../rounds/train-round';

/**
 * Every kind of background job: its input, its progress events and its result. Inputs and
 * outputs cross a thread boundary, so they are plain data.
 */
export interface JobTypes {
  import: {
    input: { project: string; files: string[]; options: ImportOptions };
    progress: ImportProgress & { fileIndex: number; files: number };
    output: ImportFilesResult;
  };
  /** One review round: train on the labels as they are, score every record (rounds/train-round.ts). */
  train: {
    input: { project: string; options: TrainRoundOptions };
    progress: TrainRoundProgress;
    output: TrainRoundResult;
  };
}

export type JobKind = keyof JobTypes;

/** What a worker thread runs: the app's jobs, and the ones the engine starts for itself. */
export interface WorkerJobTypes extends JobTypes {
  /** One RoSAS ensemble member, when a round trains its members in parallel. */
  rosasMember: {
    input: MemberJobInput;
    progress: TrainProgress;
    output: TrainedModel;
  };
}

export type WorkerJobKind = keyof WorkerJobTypes;

export interface ImportFilesResult {
  imported: ImportSummary[];
  /** Files that failed, with the reason; the others were imported. */
  failed: Array<{ file: string; code: string; message: string }>;
  /** Cancelled midway: the file in progress was rolled back; `imported` ones stay. */
  cancelled: boolean;
}

/** Messages between a job's caller and its worker thread. */
export type ToWorker = { type: 'start'; kind: WorkerJobKind; input: unknown } | { type: 'cancel' };
export type FromWorker =
  | { type: 'progress'; progress: unknown }
  | { type: 'done'; output: unknown }
  | { type: 'error'; error: SerializedError };
