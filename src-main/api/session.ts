import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ImportOptions } from '../core/ingest/import';
import { runJob as runJobInWorker } from '../core/jobs/run-job';
import type { JobKind, JobTypes } from '../core/jobs/jobs';
import type { EpochFigures } from '../core/model/rosas/types';
import { openProject, type Project } from '../core/project/project';
import type { TrainRoundOptions } from '../core/rounds/train-options';
import { ApiError, consoleLogger, toErrorData, type Logger } from './api-error';
import type { EventName, EventPayload, JobFinishedEvent, JobProgress, JobProgressEvent, RunningJob } from './contract';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface SessionOptions {
  /** Pushes an event to the UI (every WebSocket client, or the window). */
  emit: Emit;
  /** Shown to another process that finds the project locked. */
  purpose: string;
  /** Tests replace the worker thread with something in-process. */
  runJob?: typeof runJobInWorker;
  log?: Logger;
}

interface Job {
  kind: JobKind;
  controller: AbortController;
  done: Promise<void>;
  progress: JobProgress | null;
  /** Training: each epoch's figures so far. */
  epochs: EpochFigures[];
}

const JOB_WHAT: Record<JobKind, string> = { import: 'an import', train: 'a training round' };

/**
 * What one UI (a window, or the page of `rosas serve`) has open: at most one project, held for
 * writing under its lock, and the background jobs running on it. A project is never closed under
 * a running job: jobs are cancelled and waited for first.
 */
export class Session {
  private project: Project | null = null;
  private readonly jobs = new Map<string, Job>();
  private readonly runJob: typeof runJobInWorker;
  private readonly log: Logger;

  constructor(private readonly opts: SessionOptions) {
    this.runJob = opts.runJob ?? runJobInWorker;
    this.log = opts.log ?? consoleLogger;
  }

  get projectPath(): string | null {
    return this.project?.path ?? null;
  }

  /** The open project; calls that need one fail with 'no-project' otherwise. */
  current(): Project {
    if (!this.project) throw new ApiError('no-project', 'no project is open');
    return this.project;
  }

  open(file: string, create = false): Project {
    const abs = path.resolve(file);
    if (this.project?.path === abs) return this.project;
    if (this.project) {
      this.refuseWhileBusy('open another project');
      this.project.close();
      this.project = null;
    }
    this.project = openProject(abs, { create, purpose: this.opts.purpose });
    return this.project;
  }

  hasRunningJobs(): boolean {
    return this.jobs.size > 0;
  }

  runningJobs(): RunningJob[] {
    return [...this.jobs].map(([jobId, j]) => ({ jobId, kind: j.kind, progress: j.progress, ...(j.kind === 'train' ? { epochs: [...j.epochs] } : {}) }) as RunningJob);
  }

  /**
   * Writes from the main thread would wait on a job's transaction, so they are refused instead.
   * `unless`: job kinds that hold no write lock while they run (training writes only in its short
   * save at the end, which a write from here waits for), so the write may go ahead.
   */
  refuseWhileBusy(what: string, unless: JobKind[] = []): void {
    for (const j of this.jobs.values()) {
      if (unless.includes(j.kind)) continue;
      throw new ApiError('busy', `cannot ${what} while ${JOB_WHAT[j.kind]} is running; wait for it to finish or cancel it`);
    }
  }

  startImport(files: string[], options: ImportOptions): string {
    const project = this.current();
    this.refuseWhileBusy('start another import');
    return this.start('import', { project: project.path, files, options });
  }

  /** Trains the next round in a worker; the analyst may keep labeling meanwhile. */
  startTrain(options: TrainRoundOptions): string {
    const project = this.current();
    this.refuseWhileBusy('start training');
    return this.start('train', { project: project.path, options });
  }

  private start<K extends JobKind>(kind: K, input: JobTypes[K]['input']): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    const job: Job = { kind, controller, progress: null, epochs: [], done: Promise.resolve() };
    const emit = this.opts.emit;
    job.done = this.runJob(kind, input, {
      signal: controller.signal,
      onProgress: (progress) => {
        job.progress = progress;
        const training = kind === 'train' ? (progress as JobTypes['train']['progress']).training : undefined;
        if (training) {
          const { epochs: _most, members: _members, mode: _mode, done: _done, ...figures } = training;
          job.epochs.push(figures);
        }
        emit('job.progress', { jobId, kind, progress } as JobProgressEvent);
      },
    }).then(
      (result) => {
        this.jobs.delete(jobId);
        emit('job.finished', { jobId, kind, result } as JobFinishedEvent);
      },
      (err: unknown) => {
        this.jobs.delete(jobId);
        emit('job.finished', { jobId, kind, error: toErrorData(err, this.log, `${kind} job ${jobId}`) } as JobFinishedEvent);
      },
    );
    this.jobs.set(jobId, job);
    return jobId;
  }

  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    // A job that just finished is not an error to cancel: the UI's click raced the end.
    if (!job) return;
    job.controller.abort();
  }

  /** Cancels every job and resolves once each has rolled back and reported. */
  async cancelAll(): Promise<void> {
    const pending = [...this.jobs.values()];
    for (const j of pending) j.controller.abort();
    await Promise.all(pending.map((j) => j.done));
  }

  async close(): Promise<void> {
    await this.cancelAll();
    this.project?.close();
    this.project = null;
  }
}
