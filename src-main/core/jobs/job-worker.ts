import { parentPort } from 'node:worker_threads';
import { serializeError } from '../errors';
import type { FromWorker, ToWorker, WorkerJobKind } from './jobs';
import { runImportJob } from './import-job';
import { runTrainJob } from '../rounds/train-job';
import { runMemberJob } from '../model/rosas/member-job';

/** What each job kind runs, in this worker thread. */
const handlers: Record<WorkerJobKind, (input: never, ctl: { signal: AbortSignal; onProgress: (p: unknown) => void }) => Promise<unknown>> = {
  import: runImportJob,
  train: runTrainJob,
  rosasMember: runMemberJob,
};

const port = parentPort;
if (!port) throw new Error('job-worker must run in a worker thread');
const controller = new AbortController();
const send = (m: FromWorker) => port.postMessage(m);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  handlers[msg.kind](msg.input as never, { signal: controller.signal, onProgress: (progress) => send({ type: 'progress', progress }) })
    .then((output) => send({ type: 'done', output }))
    .catch((err: unknown) => send({ type: 'error', error: serializeError(err) }))
    .finally(() => port.close());
});
