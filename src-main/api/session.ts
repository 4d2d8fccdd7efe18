import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ImportOptions } from '../core/ingest/import';
import { runJob as runJobInWorker } from '../core/jobs/run-job';
import type { JobKind } from '../core/jobs/jobs';
import { openProject, type Project } from '../core/project/project';
import { ApiError, consoleLogger, toErrorData, type Logger } from './api-error';
import type { EventName, EventPayload, JobProgress, RunningJob } from './contract';

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
}

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
    return [...this.jobs].map(([jobId, j]) => ({ jobId, kind: j.kind, progress: j.progress }) as RunningJob);
  }

  /** Writes from the main thread would wait on the job's transaction, so they are refused instead. */
  refuseWhileBusy(what: string): void {
    if (this.jobs.size) throw new ApiError('busy', `cannot ${what} while an import is running; wait for it to finish or cancel it`);
  }

  startImport(files: string[], options: ImportOptions): string {
    const project = this.current();
    this.refuseWhileBusy('start another import');
    const jobId = randomUUID();
    const controller = new AbortController();
    const job: Job = { kind: 'import', controller, progress: null, done: Promise.resolve() };
    const emit = this.opts.emit;
    job.done = this.runJob(
      'import',
      { project: project.path, files, options },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          job.progress = progress;
          emit('job.progress', { jobId, kind: 'import', progress });
        },
      },
    ).then(
      (result) => {
        this.jobs.delete(jobId);
        emit('job.finished', { jobId, kind: 'import', result });
      },
      (err: unknown) => {
        this.jobs.delete(jobId);
        emit('job.finished', { jobId, kind: 'import', error: toErrorData(err, this.log, `import job ${jobId}`) });
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
