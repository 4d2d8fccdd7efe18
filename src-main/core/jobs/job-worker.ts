import type { TaskControl } from '../util/task';
import { serveTask } from '../workers/serve-task';
import { runImportJob } from './import-job';
import type { JobKind, JobStart, JobTypes } from './jobs';
import { runTrainJob } from './train-job';

/** What each job kind runs, in this worker thread. */
const handlers: { [K in JobKind]: (input: JobTypes[K]['input'], ctl: TaskControl<JobTypes[K]['progress']>) => Promise<JobTypes[K]['output']> } = {
  import: runImportJob,
  train: runTrainJob,
};

serveTask((job: JobStart, ctl: TaskControl<unknown>): Promise<unknown> => handlers[job.kind](job.input as never, ctl as never));
