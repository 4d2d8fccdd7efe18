import { openProject } from '../project/project';
import type { JobTypes } from '../jobs/jobs';
import type { JobControl } from '../ingest/import';
import { trainRound, type TrainRoundResult } from './train-round';

type Train = JobTypes['train'];

/**
 * Trains one round inside the job worker, under the lock that the calling process holds. A cancel
 * rejects with CancelledError and writes nothing.
 */
export async function runTrainJob(input: Train['input'], ctl: JobControl<Train['progress']>): Promise<TrainRoundResult> {
  const project = openProject(input.project, { lock: false });
  try {
    return await trainRound(project.db, input.options, { signal: ctl.signal, onProgress: ctl.onProgress });
  } finally {
    project.close();
  }
}
