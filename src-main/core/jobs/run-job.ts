import type { TaskControl } from '../util/task';
import type { WorkerEntry } from '../workers/entry';
import { runTask } from '../workers/run-task';
import type { JobKind, JobStart, JobTypes } from './jobs';

const JOB_WORKER: WorkerEntry = { name: 'job-worker', source: 'src-main/core/jobs/job-worker.ts' };

/**
 * Runs a job in its own worker thread so the caller's event loop (the app's main process, the
 * CLI's Ctrl-C handler) stays responsive. Aborting the signal asks the job to stop; it rolls back
 * and the promise rejects with CancelledError.
 */
export function runJob<K extends JobKind>(kind: K, input: JobTypes[K]['input'], ctl: TaskControl<JobTypes[K]['progress']> = {}): Promise<JobTypes[K]['output']> {
  const job = { kind, input } as JobStart;
  return runTask(JOB_WORKER, job, { ...ctl, what: kind, thread: `${kind} job` });
}
