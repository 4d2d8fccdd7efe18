import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CancelledError, RosasError } from '../../../src-main/core/errors';
import type { WorkerEntry } from '../../../src-main/core/workers/entry';
import { streamFromWorker } from '../../../src-main/core/workers/stream';
import type { StreamInput } from './fixtures/stream-worker';

const ENTRY: WorkerEntry = { name: 'test-stream-worker', source: 'test/unit/workers/fixtures/stream-worker.ts' };
const AHEAD = 3;

function start(input: Omit<StreamInput, 'produced'>, signal?: AbortSignal) {
  const produced = new SharedArrayBuffer(4);
  const batches = streamFromWorker<Float64Array, number>(ENTRY, { ...input, produced }, { signal, ahead: AHEAD, what: 'stream', thread: 'the test thread' });
  return { batches, produced: () => Atomics.load(new Int32Array(produced), 0) };
}

describe('streamFromWorker', () => {
  it('yields the batches in order and returns the result, never running far ahead of the reader', async () => {
    const { batches, produced } = start({ batches: 40 });
    const seen: number[] = [];
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        expect(next.value).toBe((39 * 40) / 2);
        break;
      }
      seen.push(next.value[0]!);
      if (seen.length === 2) {
        await sleep(300);
        // The two read, AHEAD sent on credit, and one made while waiting for credit.
        expect(produced()).toBeLessThanOrEqual(2 + AHEAD + 1);
      }
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('rejects with the worker’s error', async () => {
    const { batches } = start({ batches: 10, failAt: 4 });
    const seen: number[] = [];
    const err = await (async () => {
      for await (const b of batches) seen.push(b[0]!);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RosasError);
    expect(err).toMatchObject({ code: 'format', message: 'batch 4 is bad' });
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('stops with CancelledError once the signal aborts', async () => {
    const controller = new AbortController();
    const { batches } = start({ batches: 1000 }, controller.signal);
    await batches.next();
    controller.abort();
    await expect(batches.next()).rejects.toThrow(new CancelledError('stream'));
  });
});
