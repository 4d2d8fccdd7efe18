import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CancelledError, deserializeError } from '../errors';
import { findUp } from '../util/find-up';
import type { FromWorker, ToWorker, WorkerJobKind, WorkerJobTypes } from './jobs';

/** After a cancel, how long a job may take to roll back before its thread is stopped. */
const CANCEL_GRACE_MS = 10_000;

function workerFile(): string {
  // Bundled: job-worker.js sits beside this code in dist-main/. From sources (tests): the build.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.join(here, 'job-worker.js');
  if (fs.existsSync(sibling)) return sibling;
  const built = path.join(findUp('dist-main', here), 'job-worker.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run npm run build:main`);
  return built;
}

export interface RunOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

/**
 * Runs a job in its own worker thread so the caller's event loop (the app's main process, the
 * CLI's Ctrl-C handler) stays responsive. Aborting the signal asks the job to stop; it rolls back
 * and the promise rejects with CancelledError.
 */
export function runJob<K extends WorkerJobKind>(kind: K, input: WorkerJobTypes[K]['input'], opts: RunOptions<WorkerJobTypes[K]['progress']> = {}): Promise<WorkerJobTypes[K]['output']> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError(kind));
    const worker = new Worker(workerFile());
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
      worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      killTimer = setTimeout(() => {
        void worker.terminate();
        settle(() => reject(new CancelledError(kind)));
      }, CANCEL_GRACE_MS);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'progress') opts.onProgress?.(msg.progress as WorkerJobTypes[K]['progress']);
      else if (msg.type === 'done') settle(() => resolve(msg.output as WorkerJobTypes[K]['output']));
      else settle(() => reject(deserializeError(msg.error)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${kind} job stopped unexpectedly (exit code ${code})`))));
    worker.postMessage({ type: 'start', kind, input } satisfies ToWorker);
  });
}
