import { CancelledError } from '../../errors';
import type { WorkerEntry } from '../../workers/entry';
import { runTask } from '../../workers/run-task';
import type { LoadedTf } from '../backend';
import type { MemberJobInput } from './member-job';
import type { TrainControl } from './train';
import type { Matrix, MemberSetup, RosasOptions, TrainedModel, TrainLabels, TrainProgress } from './types';

/** One member's thread loads the engine only: no ingest, no SQLite. */
const MEMBER_WORKER: WorkerEntry = { name: 'member-worker', source: 'src-main/core/model/rosas/member-worker.ts' };

/** The rows in shared memory (copied once unless they already are), for threads to read in place. */
function shared(data: Matrix): Matrix {
  if (data.x.buffer instanceof SharedArrayBuffer) return data;
  const x = new Float32Array(new SharedArrayBuffer(data.x.byteLength));
  x.set(data.x);
  return { ...data, x };
}

/**
 * Trains the ensemble's members in up to `threads` worker threads at once, each exactly as
 * trainRosasMember would here (same seeds, same backend: the same weights). A failure or a cancel
 * stops the others; nothing is returned until every thread has finished.
 */
export async function trainMembersInThreads(
  loaded: LoadedTf,
  data: Matrix,
  labels: TrainLabels,
  opts: RosasOptions,
  setups: MemberSetup[],
  threads: number,
  ctl: TrainControl,
): Promise<TrainedModel[]> {
  const input = { data: shared(data), labels, backend: loaded.backend };
  const results: TrainedModel[] = [];
  const done = setups.map(() => 0);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctl.signal?.addEventListener('abort', onAbort, { once: true });
  if (ctl.signal?.aborted) stop.abort();
  let next = 0;
  const lane = async () => {
    while (next < setups.length && !stop.signal.aborted) {
      const member = next++;
      try {
        results[member] = await runTask<MemberJobInput, TrainedModel, TrainProgress>(
          MEMBER_WORKER,
          { ...input, opts: { ...opts, seed: setups[member]!.seed }, member, offset: setups[member]!.offset },
          {
            what: 'training',
            thread: `the training thread of member ${member}`,
            signal: stop.signal,
            onProgress: (p) => {
              done[member] = Math.min(1, p.epoch / p.epochs);
              ctl.onProgress?.({ ...p, mode: 'threads', done: done.reduce((a, b) => a + b, 0) / setups.length });
            },
          },
        );
        done[member] = 1;
      } catch (err) {
        stop.abort();
        throw err;
      }
    }
  };
  try {
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(threads, setups.length) }, lane));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    // Cancelled before a member had started: no thread had anything to reject.
    if (stop.signal.aborted) throw new CancelledError('training');
    return results;
  } finally {
    ctl.signal?.removeEventListener('abort', onAbort);
  }
}
