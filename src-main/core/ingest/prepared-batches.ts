import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CancelledError, deserializeError, type SerializedError } from '../errors';
import { findUp } from '../util/find-up';
import { formatByName } from './formats/index';
import { parseFile } from './parse-stream';
import { RecordPreparer, type PrepareResult, type PrepareSetup, type PreparedBatch } from './prepare';
import type { FileKind } from './read-lines';
import type { FormatName, ParseContext } from './types';

export interface ParseRequest {
  file: string;
  kind: FileKind;
  format: FormatName;
  ctx: ParseContext;
  setup: PrepareSetup;
}

export type ToParseWorker = { type: 'start'; request: ParseRequest; credit: number } | { type: 'credit'; n: number };
export type FromParseWorker =
  | { type: 'batch'; batch: PreparedBatch }
  | { type: 'done'; result: PrepareResult }
  | { type: 'error'; error: SerializedError };

/** Batches the reading thread may have prepared ahead of the writer: bounds memory. */
const AHEAD = 4;

/** The bundled parse worker beside this code, if this code runs from the bundle. */
function bundledWorker(): string | null {
  const sibling = path.join(path.dirname(fileURLToPath(import.meta.url)), 'parse-worker.js');
  return fs.existsSync(sibling) ? sibling : null;
}

function builtWorker(): string {
  const built = path.join(findUp('dist-main'), 'parse-worker.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run npm run build:main`);
  return built;
}

/**
 * The prepared rows of a file, in order; `result` holds the field statistics once all are read.
 * `parallel`: read and parse in a second thread while the caller writes (two cores, twice the
 * speed); by default when running from the bundle. Otherwise everything runs in this thread.
 */
export function preparedBatches(request: ParseRequest, opts: { signal?: AbortSignal; parallel?: boolean } = {}) {
  const holder: { result: PrepareResult | null } = { result: null };
  const workerFile = opts.parallel === false ? null : (bundledWorker() ?? (opts.parallel ? builtWorker() : null));
  const batches = workerFile ? inWorker(workerFile, request, holder, opts.signal) : inline(request, holder, opts.signal);
  return { batches, holder };
}

async function* inline(request: ParseRequest, holder: { result: PrepareResult | null }, signal?: AbortSignal): AsyncGenerator<PreparedBatch> {
  const preparer = new RecordPreparer(request.setup);
  for await (const batch of parseFile(request.file, request.kind, formatByName(request.format), request.ctx, { signal })) {
    yield preparer.prepare(batch);
  }
  holder.result = preparer.finish();
}

async function* inWorker(file: string, request: ParseRequest, holder: { result: PrepareResult | null }, signal?: AbortSignal): AsyncGenerator<PreparedBatch> {
  const worker = new Worker(file);
  const queue: FromParseWorker[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: FromParseWorker) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (err) => {
    failure = err;
    notify();
  });
  worker.on('exit', (code) => {
    if (!holder.result && !failure) failure = new Error(`the reading thread stopped unexpectedly (exit code ${code})`);
    notify();
  });
  const onAbort = () => notify();
  signal?.addEventListener('abort', onAbort);
  worker.postMessage({ type: 'start', request, credit: AHEAD } satisfies ToParseWorker);
  try {
    for (;;) {
      if (signal?.aborted) throw new CancelledError('import');
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      if (m.type === 'error') throw deserializeError(m.error);
      if (m.type === 'done') {
        holder.result = m.result;
        return;
      }
      yield m.batch;
      worker.postMessage({ type: 'credit', n: 1 } satisfies ToParseWorker);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
