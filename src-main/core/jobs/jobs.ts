import type { ImportOptions, ImportProgress, ImportSummary } from '../ingest/import';
import type { TrainRoundProgress, TrainRoundResult } from '../rounds/train-round';
import type { TrainRoundOptions } from '../rounds/train-options';

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

/** What the job worker is started with: a kind and its input. */
export type JobStart = { [K in JobKind]: { kind: K; input: JobTypes[K]['input'] } }[JobKind];

export interface ImportFilesResult {
  imported: ImportSummary[];
  /** Files that failed, with the reason; the others were imported. */
  failed: Array<{ file: string; code: string; message: string }>;
  /** Cancelled midway: the file in progress was rolled back; `imported` ones stay. */
  cancelled: boolean;
}
