import { parentPort } from 'node:worker_threads';
import { serializeError } from '../errors';
import { formatByName } from './formats/index';
import { parseFile } from './parse-stream';
import { RecordPreparer, transferables } from './prepare';
import type { ParseRequest, ToParseWorker, FromParseWorker } from './prepared-batches';

/**
 * The reading half of an import, in its own thread: read, parse and prepare rows while the other
 * thread writes them to the database. It runs ahead by at most the credit the writer grants.
 */
const port = parentPort;
if (!port) throw new Error('parse-worker must run in a worker thread');
const send = (m: FromParseWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let credit = 0;
let wake: (() => void) | null = null;

async function run(req: ParseRequest): Promise<void> {
  const preparer = new RecordPreparer(req.setup);
  const format = formatByName(req.format);
  for await (const batch of parseFile(req.file, req.kind, format, req.ctx)) {
    const prepared = preparer.prepare(batch);
    while (credit <= 0) await new Promise<void>((r) => (wake = r));
    credit--;
    send({ type: 'batch', batch: prepared }, transferables(prepared));
  }
  send({ type: 'done', result: preparer.finish() });
}

port.on('message', (msg: ToParseWorker) => {
  if (msg.type === 'credit') {
    credit += msg.n;
    wake?.();
    wake = null;
    return;
  }
  credit = msg.credit;
  run(msg.request).catch((err: unknown) => send({ type: 'error', error: serializeError(err) }));
});
