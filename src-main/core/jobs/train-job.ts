import { openProject } from '../project/project';
import { trainRound, type TrainRoundResult } from '../rounds/train-round';
import type { TaskControl } from '../util/task';
import type { JobTypes } from './jobs';

type Train = JobTypes['train'];

/**
 * Trains one round inside the job worker, under the lock that the calling process holds. A cancel
 * rejects with CancelledError and writes nothing.
 */
export async function runTrainJob(input: Train['input'], ctl: TaskControl<Train['progress']>): Promise<TrainRoundResult> {
  const project = openProject(input.project, { lock: false });
  try {
    return await trainRound(project.db, input.options, { signal: ctl.signal, onProgress: ctl.onProgress });
  } finally {
    project.close();
  }
}
