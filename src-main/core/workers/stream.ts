import { Worker } from 'node:worker_threads';
import { CancelledError, deserializeError } from '../errors';
import { workerFile, type WorkerEntry } from './entry';
import type { FromStream, ToStream } from './protocol';

export interface StreamOptions {
  signal?: AbortSignal;
  /** Batches the worker may have sent ahead of the consumer: bounds memory. */
  ahead: number;
  /** What a cancel stops, as CancelledError names it. */
  what: string;
  /** The thread, as the error of its unexpected end names it. */
  thread: string;
}

/**
 * The batches a stream (serve-stream.ts) produces in a worker thread, in order, and its result as
 * the generator's return value. Cancelling, or leaving the loop early, stops the thread at once.
 */
export async function* streamFromWorker<B, R>(entry: WorkerEntry, input: unknown, opts: StreamOptions): AsyncGenerator<B, R> {
  const { signal } = opts;
  const worker = new Worker(await workerFile(entry));
  const queue: FromStream[] = [];
  let finished = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: FromStream) => {
    if (m.type !== 'batch') finished = true;
    queue.push(m);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished && !failure) failure = new Error(`${opts.thread} stopped unexpectedly (exit code ${code})`);
    notify();
  });
  signal?.addEventListener('abort', notify);
  worker.postMessage({ type: 'start', input, credit: opts.ahead } satisfies ToStream);
  try {
    for (;;) {
      if (signal?.aborted) throw new CancelledError(opts.what);
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      if (m.type === 'error') throw deserializeError(m.error);
      if (m.type === 'done') return m.result as R;
      yield m.batch as B;
      worker.postMessage({ type: 'credit', n: 1 } satisfies ToStream);
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    await worker.terminate();
  }
}
