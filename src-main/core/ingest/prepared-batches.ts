import { bundledWorker, type WorkerEntry } from '../workers/entry';
import { streamFromWorker } from '../workers/stream';
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

/** Batches the reading thread may have prepared ahead of the writer: bounds memory. */
const AHEAD = 4;

const PARSE_WORKER: WorkerEntry = { name: 'parse-worker', source: 'src-main/core/ingest/parse-worker.ts' };

/** The prepared rows of a file, in order, then the field statistics: what either thread runs. */
export async function* prepareFile(request: ParseRequest, signal?: AbortSignal): AsyncGenerator<PreparedBatch, PrepareResult> {
  const preparer = new RecordPreparer(request.setup);
  for await (const batch of parseFile(request.file, request.kind, formatByName(request.format), request.ctx, { signal })) {
    yield preparer.prepare(batch);
  }
  return preparer.finish();
}

/**
 * The prepared rows of a file, in order; `result` holds the field statistics once all are read.
 * `parallel`: read and parse in a second thread while the caller writes (two cores, twice the
 * speed); by default when running from the bundle. Otherwise everything runs in this thread.
 */
export function preparedBatches(request: ParseRequest, opts: { signal?: AbortSignal; parallel?: boolean } = {}) {
  const holder: { result: PrepareResult | null } = { result: null };
  const parallel = opts.parallel ?? bundledWorker(PARSE_WORKER) !== null;
  const batches = parallel ? inWorker(request, holder, opts.signal) : inline(request, holder, opts.signal);
  return { batches, holder };
}

async function* inline(request: ParseRequest, holder: { result: PrepareResult | null }, signal?: AbortSignal): AsyncGenerator<PreparedBatch> {
  holder.result = yield* prepareFile(request, signal);
}

async function* inWorker(request: ParseRequest, holder: { result: PrepareResult | null }, signal?: AbortSignal): AsyncGenerator<PreparedBatch> {
  holder.result = yield* streamFromWorker<PreparedBatch, PrepareResult>(PARSE_WORKER, request, { signal, ahead: AHEAD, what: 'import', thread: 'the reading thread' });
}
