import type { JobFinishedEvent, JobKind, JobProgressEvent } from '../../src-main/api/contract';
import type { Api } from './api';

export type JobProgressEventOf<K extends JobKind> = Extract<JobProgressEvent, { kind: K }>;
export type JobProgressOf<K extends JobKind> = JobProgressEventOf<K>['progress'];
export type JobFinishedOf<K extends JobKind> = Extract<JobFinishedEvent, { kind: K }>;

export interface JobHandlers<K extends JobKind> {
  progress(event: JobProgressEventOf<K>): void;
  finished(event: JobFinishedOf<K>): void;
}

/**
 * The one background job of a kind (an import, a training round) that a screen follows: its
 * job.progress and job.finished events, the finished event that can come before the start call
 * has returned the job's id (a tiny job finishes first), and cancel.
 */
export class JobFollower<K extends JobKind> {
  /** The job followed, once known. */
  jobId = $state<string | null>(null);
  /** Cancel was asked for, and the job has not finished yet. */
  cancelling = $state(false);

  private readonly unsubscribe: Array<() => void>;
  /** A start call is out: its job's id is not known yet. */
  private starting = false;
  /** Finished events that came while the start call was out. */
  private early: Array<JobFinishedOf<K>> = [];

  constructor(
    private readonly api: Api,
    kind: K,
    private readonly handlers: JobHandlers<K>,
  ) {
    const progressOfKind = (e: JobProgressEvent): e is JobProgressEventOf<K> => e.kind === kind;
    const finishedOfKind = (e: JobFinishedEvent): e is JobFinishedOf<K> => e.kind === kind;
    this.unsubscribe = [
      api.on('job.progress', (e) => {
        if (progressOfKind(e) && e.jobId === this.jobId) handlers.progress(e);
      }),
      api.on('job.finished', (e) => {
        if (!finishedOfKind(e)) return;
        if (e.jobId === this.jobId) this.finish(e);
        else if (this.starting && this.jobId === null) this.early.push(e);
      }),
    ];
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
  }

  /**
   * Starts a job with `call`, which answers its id, and follows it; a finished event that came
   * first is handled now. Throws what `call` throws.
   */
  async start(call: () => Promise<{ jobId: string }>): Promise<void> {
    this.jobId = null;
    this.cancelling = false;
    this.early = [];
    this.starting = true;
    try {
      const { jobId } = await call();
      this.jobId = jobId;
      const finished = this.early.find((e) => e.jobId === jobId);
      this.early = [];
      if (finished) this.finish(finished);
    } finally {
      this.starting = false;
    }
  }

  /** Follows a job already running, e.g. after the page was reloaded. */
  follow(jobId: string): void {
    this.jobId = jobId;
  }

  /** Follows no job any more (a start call still out is not followed either). */
  forget(): void {
    this.jobId = null;
    this.cancelling = false;
    this.starting = false;
  }

  /** Asks the job to stop; its finished event says when it has. Throws when the call fails. */
  async cancel(): Promise<void> {
    if (!this.jobId) return;
    this.cancelling = true;
    try {
      await this.api.invoke('job.cancel', { jobId: this.jobId });
    } catch (err) {
      this.cancelling = false;
      throw err;
    }
  }

  private finish(e: JobFinishedOf<K>): void {
    this.cancelling = false;
    this.handlers.finished(e);
  }
}
