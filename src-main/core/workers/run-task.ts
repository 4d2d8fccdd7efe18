import { Worker } from 'node:worker_threads';
import { CancelledError, deserializeError, throwIfAborted } from '../errors';
import type { TaskControl } from '../util/task';
import { workerFile, type WorkerEntry } from './entry';
import type { FromTask, ToTask } from './protocol';

/** After a cancel, how long a task may take to wind down (roll back) before its thread is stopped. */
const CANCEL_GRACE_MS = 10_000;

export interface RunTaskOptions<P> extends TaskControl<P> {
  /** What a cancel stops, as CancelledError names it (`import cancelled`). */
  what: string;
  /** The thread, as the error of its unexpected end names it. */
  thread: string;
  graceMs?: number;
}

/**
 * Runs a task (serve-task.ts) in a worker thread of its own, so the caller's event loop stays
 * responsive. Aborting the signal asks the task to stop; if it has not within the grace period,
 * its thread is stopped. Either way the promise rejects with CancelledError.
 */
export async function runTask<I, O, P>(entry: WorkerEntry, input: I, opts: RunTaskOptions<P>): Promise<O> {
  throwIfAborted(opts.signal, opts.what);
  const file = await workerFile(entry);
  throwIfAborted(opts.signal, opts.what);
  return new Promise<O>((resolve, reject) => {
    const worker = new Worker(file);
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' } satisfies ToTask);
      killTimer = setTimeout(() => {
        void worker.terminate();
        settle(() => reject(new CancelledError(opts.what)));
      }, opts.graceMs ?? CANCEL_GRACE_MS);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: FromTask) => {
      if (msg.type === 'progress') opts.onProgress?.(msg.progress as P);
      else if (msg.type === 'done') settle(() => resolve(msg.output as O));
      else settle(() => reject(deserializeError(msg.error)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${opts.thread} stopped unexpectedly (exit code ${code})`))));
    worker.postMessage({ type: 'start', input } satisfies ToTask);
  });
}
