import { parentPort } from 'node:worker_threads';
import { serializeError } from '../errors';
import type { FromWorker, JobKind, ToWorker } from './jobs';
import { runImportJob } from './import-job';
import { runTrainJob } from '../rounds/train-job';

/** What each job kind runs, in this worker thread. */
const handlers: Record<JobKind, (input: never, ctl: { signal: AbortSignal; onProgress: (p: unknown) => void }) => Promise<unknown>> = {
  import: runImportJob,
  train: runTrainJob,
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
