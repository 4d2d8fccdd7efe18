import { serializeError } from '../errors';
import type { TaskControl } from '../util/task';
import { workerPort, type FromTask, type ToTask } from './protocol';

/**
 * The worker side of runTask (run-task.ts): runs `run` on the input it is started with, with
 * progress and cancel wired to the caller, sends back the output or the error, then ends.
 */
export function serveTask<I, O, P>(run: (input: I, ctl: TaskControl<P>) => Promise<O>): void {
  const port = workerPort();
  const controller = new AbortController();
  const send = (m: FromTask) => port.postMessage(m);
  port.on('message', (msg: ToTask) => {
    if (msg.type === 'cancel') {
      controller.abort();
      return;
    }
    run(msg.input as I, { signal: controller.signal, onProgress: (progress) => send({ type: 'progress', progress }) })
      .then((output) => send({ type: 'done', output }))
      .catch((err: unknown) => send({ type: 'error', error: serializeError(err) }))
      .finally(() => port.close());
  });
}
