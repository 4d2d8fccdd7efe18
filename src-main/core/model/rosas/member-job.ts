import { RosasError } from '../../errors';
import type { TaskControl } from '../../util/task';
import { loadTf, type BackendName } from '../backend';
import { trainRosasMember } from './train';
import type { Matrix, RosasOptions, TrainedModel, TrainLabels, TrainProgress } from './types';

/** One ensemble member trained in a worker thread of its own (see trainRosas' `threads`). */
export interface MemberJobInput {
  /** The rows, in a SharedArrayBuffer so that each thread reads them without a copy. */
  data: Matrix;
  labels: TrainLabels;
  opts: RosasOptions;
  member: number;
  /** What the member subtracts from each input row (a centered member), or null. */
  offset: Float32Array | null;
  /** The backend the other members run on: a member on another would not be reproducible. */
  backend: BackendName;
}

export async function runMemberJob(input: MemberJobInput, ctl: TaskControl<TrainProgress>): Promise<TrainedModel> {
  const loaded = await loadTf(input.backend);
  if (loaded.backend !== input.backend) {
    throw new RosasError('internal', `a training thread loaded the ${loaded.backend} backend where the others run ${input.backend}`);
  }
  return trainRosasMember(loaded, input.data, input.labels, input.opts, { signal: ctl.signal, onProgress: ctl.onProgress }, input.member, input.offset);
}
