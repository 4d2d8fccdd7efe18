import { serializeError } from '../errors';
import { workerPort, type FromStream, type ToStream } from './protocol';

/**
 * The worker side of streamFromWorker (stream.ts): sends the batches `produce` yields for the
 * input it is started with, each only against credit from the caller, then what it returns.
 * `transfer`: buffers of a batch to move rather than copy.
 */
export function serveStream<I, B, R>(produce: (input: I) => AsyncGenerator<B, R>, transfer: (batch: B) => ArrayBuffer[] = () => []): void {
  const port = workerPort();
  const send = (m: FromStream, list: ArrayBuffer[] = []) => port.postMessage(m, list);
  let credit = 0;
  let wake: (() => void) | null = null;

  async function run(input: I): Promise<void> {
    const batches = produce(input);
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        send({ type: 'done', result: next.value });
        return;
      }
      while (credit <= 0) await new Promise<void>((r) => (wake = r));
      credit--;
      send({ type: 'batch', batch: next.value }, transfer(next.value));
    }
  }

  port.on('message', (msg: ToStream) => {
    if (msg.type === 'credit') {
      credit += msg.n;
      wake?.();
      wake = null;
      return;
    }
    credit = msg.credit;
    run(msg.input as I).catch((err: unknown) => send({ type: 'error', error: serializeError(err) }));
  });
}
